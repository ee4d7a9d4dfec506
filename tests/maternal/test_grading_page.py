"""The grading page: ticking factors gives their colour (htmx), confirming records the grading and opens
the 专案, another colour or a grading below level 2 is refused with the services' messages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from conftest import World
from shanhai.accounts.models import Role, User
from shanhai.core import clock
from shanhai.maternal.models import Pregnancy, RiskAssessment, RiskCase
from shanhai.maternal.rules import factors_against_facts
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
    assert "Leukaemia" in content  # English is active in tests: the factor's English name (test_risk_english.py)
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
        "factor_codes": ["orange.2.2", "yellow.1.2"],
        "confirmed_colour": "orange",
        "assessor_name": "马医生",
    }
    response = client_for(hospital_admin).post(grading_url(ongoing), data)

    assert response.status_code == 302
    assert response["Location"] == detail_url("pregnancies", ongoing)
    assessment = RiskAssessment.objects.get(pregnancy=ongoing)
    assert (assessment.colour, assessment.factor_codes, assessment.assessor_name) == (
        "orange",
        ["orange.2.2", "yellow.1.2"],
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
            "factor_codes": ["screening.1.3"],
        },
    )

    assert 'value="screening.1.3"' in page
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


# --- the colour pre-selected, errors at the top, factors against her recorded age ----------------------------------
def test_the_computed_colour_is_pre_selected_on_the_page_and_after_each_tick(
    ongoing: Pregnancy, hospital_admin: User
) -> None:
    client = client_for(hospital_admin)
    page = client.get(grading_url(ongoing) + "?kind=grading").content.decode()
    ticked = client.post(
        grading_url(ongoing, "assessment_grade"), {"kind": "grading", "factor_codes": ["orange.2.2"]}
    ).content.decode()

    assert 'name="confirmed_colour" value="green" id="id_confirmed_colour_0" checked' in page
    assert 'id="confirm-colour"' in ticked and 'hx-swap-oob="true"' in ticked
    assert [c for c in ("green", "yellow", "orange", "red") if f'value="{c}" id="id_confirmed_colour_' in ticked] == [
        "green",
        "yellow",
        "orange",
        "red",
    ]
    assert (
        ticked.count(" checked") == 1
        and 'name="confirmed_colour" value="orange" id="id_confirmed_colour_2" checked' in ticked
    )


def test_a_refused_grading_keeps_the_chosen_colour_and_lists_the_errors_at_the_top(
    ongoing: Pregnancy, hospital_admin: User, world: World
) -> None:
    data = {
        "kind": "grading",
        "assessed_on": clock.today().isoformat(),
        "institution": world.qitai_hospital.pk,
        "factor_codes": ["orange.2.2"],
        "confirmed_colour": "yellow",
    }
    page = client_for(hospital_admin).post(grading_url(ongoing), data).content.decode()

    summary = page.index('class="form-errors" role="alert"')
    assert summary < page.index('name="factor_codes"')
    assert '<a href="#id_confirmed_colour">' in page[summary:]
    assert 'value="yellow" id="id_confirmed_colour_1" checked' in page
    assert 'id="id_confirmed_colour"' in page


def test_an_age_factor_her_recorded_birth_date_contradicts_is_refused_and_nothing_written(
    ongoing: Pregnancy, hospital_admin: User, world: World
) -> None:
    """She was born on 1995-03-01 (the factories' default): neither ≥40 nor ≥35 or ≤18 today."""
    client = client_for(hospital_admin)
    data = {
        "kind": "grading",
        "assessed_on": clock.today().isoformat(),
        "institution": world.qitai_hospital.pk,
        "factor_codes": ["orange.1.age_40", "yellow.1.1", "orange.2.2"],
        "confirmed_colour": "orange",
    }
    response = client.post(grading_url(ongoing), data)
    live = client.post(grading_url(ongoing, "assessment_grade"), data).content.decode()

    expected = [
        "“Age ≥40” does not fit the woman&#x27;s age on the assessment date (from her recorded date of birth).",
        "“Age ≥35 or ≤18” does not fit the woman&#x27;s age on the assessment date (from her recorded date of birth).",
    ]
    page = response.content.decode()
    assert response.status_code == 400
    assert all(message in page for message in expected)
    assert (
        '<li class="has-error"><label><input type="checkbox" name="factor_codes" value="orange.1.age_40" checked>'
        in page
    )
    assert all(message.replace("&#x27;", "'") in live for message in expected)
    assert "orange.2.2" not in live and "does not fit" in live
    assert (RiskAssessment.objects.count(), RiskCase.objects.count()) == (0, 0)


def test_age_factors_follow_her_age_on_the_assessment_date() -> None:
    born = date(1985, 6, 15)

    assert factors_against_facts(born, date(2025, 6, 14), ["orange.1.age_40", "yellow.1.1"]) == ["orange.1.age_40"]
    assert factors_against_facts(born, date(2025, 6, 15), ["orange.1.age_40", "yellow.1.1"]) == []
    assert factors_against_facts(date(2006, 1, 1), date(2024, 12, 31), ["screening.1.1", "yellow.1.1"]) == []
    assert factors_against_facts(date(2005, 1, 1), date(2024, 1, 1), ["screening.1.1", "yellow.1.2"]) == [
        "screening.1.1"
    ]
