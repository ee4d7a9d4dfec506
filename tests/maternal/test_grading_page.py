"""The grading page: ticking factors gives their colour (htmx), confirming records the grading and opens
the 专案, another colour or a grading below level 2 is refused with the services' messages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from conftest import World
from shanhai.accounts.models import Role, User
from shanhai.core import clock
from shanhai.maternal.models import Pregnancy, RiskAssessment, RiskCase
from tests.core.factories import make_user
from tests.maternal.factories import Places
from tests.maternal.mch_file import client_for, detail_url


# --- the grading page ---------------------------------------------------------------------------------------------
def grading_url(pregnancy: Pregnancy, name: str = "assessment_create") -> str:
    return reverse(f"maternal:{name}", kwargs={"public_id": pregnancy.public_id})


def test_ticking_factors_gives_their_colour(ongoing: Pregnancy, hospital_admin: User) -> None:
    client = client_for(hospital_admin)
    grade_url = grading_url(ongoing, "assessment_grade")

    none = client.post(grade_url, {"kind": "grading"})
    yellow = client.post(grade_url, {"kind": "grading", "factor_codes": ["yellow.1.1"]})
    red = client.post(
        grade_url, {"kind": "grading", "factor_codes": ["yellow.1.1", "red.blood.leukaemia", "orange.2.2"]}
    )
    purple = client.post(grade_url, {"kind": "grading", "factor_codes": ["purple.syphilis"]})
    both = client.post(grade_url, {"kind": "grading", "factor_codes": ["orange.2.2", "purple.hiv_aids"]})
    positive = client.post(grade_url, {"kind": "screening", "factor_codes": ["screening.1.1", "screening.2.2"]})
    negative = client.post(grade_url, {"kind": "screening"})

    def badges(response: Any) -> list[str]:
        content = response.content.decode()
        return [c for c in ("green", "yellow", "orange", "red", "purple") if f"colour colour-{c}" in content]

    assert [badges(r) for r in (none, yellow, red, purple, both)] == [
        ["green"],
        ["yellow"],
        ["red"],
        ["purple"],
        ["orange", "purple"],
    ]
    assert "Positive" in positive.content.decode() and "2 items ticked" in positive.content.decode()
    assert "Negative" in negative.content.decode()


def test_the_page_lists_the_catalogue_by_colour_and_sends_csrf_with_htmx(
    ongoing: Pregnancy, hospital_admin: User
) -> None:
    content = client_for(hospital_admin).get(grading_url(ongoing) + "?kind=grading").content.decode()

    assert 'value="red.blood.leukaemia"' in content
    assert "白血病" in content
    assert 'hx-post="' + grading_url(ongoing, "assessment_grade") + '"' in content
    assert "hx-headers:inherited" in content and "X-CSRFToken" in content
    assert (
        content.index("colour colour-yellow")
        < content.index("colour colour-orange")
        < content.index("colour colour-red")
    )


def test_confirming_the_computed_colour_records_the_grading_and_opens_the_case(
    ongoing: Pregnancy, hospital_admin: User, world: World
) -> None:
    data = {
        "kind": "grading",
        "assessed_on": clock.today().isoformat(),
        "institution": world.qitai_hospital.pk,
        "factor_codes": ["orange.2.2", "yellow.1.1"],
        "confirmed_colour": "orange",
        "assessor_name": "马医生",
    }
    response = client_for(hospital_admin).post(grading_url(ongoing), data)

    assert response.status_code == 302
    assert response["Location"] == detail_url("pregnancies", ongoing)
    assessment = RiskAssessment.objects.get(pregnancy=ongoing)
    assert (assessment.colour, assessment.factor_codes, assessment.assessor_name) == (
        "orange",
        ["orange.2.2", "yellow.1.1"],
        "马医生",
    )
    assert RiskCase.objects.get(pregnancy=ongoing).colour == "orange"


def test_confirming_another_colour_is_refused_with_the_services_message(
    ongoing: Pregnancy, hospital_admin: User, world: World
) -> None:
    data = {
        "kind": "grading",
        "assessed_on": clock.today().isoformat(),
        "institution": world.qitai_hospital.pk,
        "factor_codes": ["orange.2.2"],
        "confirmed_colour": "yellow",
    }
    response = client_for(hospital_admin).post(grading_url(ongoing), data)

    assert response.status_code == 400
    assert "The factors give Orange (higher risk). Check the factors, or confirm Orange (higher risk)." in (
        response.content.decode()
    )
    assert 'value="orange.2.2" checked' in response.content.decode()
    assert RiskAssessment.objects.count() == 0


def test_a_township_centre_sees_only_screening_and_is_refused_a_grading(
    ongoing: Pregnancy, places: Places, world: World
) -> None:
    clerk = make_user("township-clerk", unit=places.township, role=Role.DATA_CLERK)
    client = client_for(clerk)
    page = client.get(grading_url(ongoing) + "?kind=grading").content.decode()
    graded = client.post(
        grading_url(ongoing),
        {
            "kind": "grading",
            "assessed_on": clock.today().isoformat(),
            "institution": places.township_centre.pk,
            "factor_codes": ["orange.2.2"],
            "confirmed_colour": "orange",
        },
    )
    screened = client.post(
        grading_url(ongoing),
        {
            "kind": "screening",
            "assessed_on": clock.today().isoformat(),
            "institution": places.township_centre.pk,
            "factor_codes": ["screening.1.1"],
        },
    )

    assert 'value="screening.1.1"' in page
    assert 'value="red.blood.leukaemia"' not in page
    assert 'href="?kind=grading"' not in page
    assert graded.status_code == 400
    assert "Grading is done at level-2 or higher institutions with midwifery services" in graded.content.decode()
    assert screened.status_code == 302
    assert list(RiskAssessment.objects.values_list("kind", "screening_result")) == [("screening", "positive")]


def test_a_reader_may_not_open_the_grading_page(ongoing: Pregnancy, world: World) -> None:
    viewer = make_user("hospital-viewer", unit=world.qitai_hospital, role=Role.VIEWER)

    assert client_for(viewer).get(grading_url(ongoing)).status_code == 403
    assert client_for(viewer).post(grading_url(ongoing, "assessment_grade"), {"kind": "grading"}).status_code == 403
