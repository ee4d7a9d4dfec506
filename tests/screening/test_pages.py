"""Every screening kind's pages through the records framework: list, detail, form, template, API; scoped."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from shanhai.analytics.engine import Scope
from shanhai.records.kinds import all_kinds
from shanhai.screening import services as s
from shanhai.screening.models import CancerScreening, NutritionReport
from tests.screening.conftest import D, figures

SLUGS = (
    "cancer-screenings",
    "prenatal-screenings",
    "preconception-checks",
    "premarital-checks",
    "nutrition-reports",
    "care-centres",
    "near-miss-cases",
    "screening-targets",
)


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def records(world, township):
    mch = world.qitai_mch
    person = {"institution": mch, "residence": township}
    return {
        "cancer-screenings": s.cancer_screening_create(
            actor=None, screened_on=D(2022, 5, 1), age=40, cervical_method="hpv", cervical_result="normal", **person
        ),
        "prenatal-screenings": s.prenatal_screening_create(
            actor=None, screened_on=D(2022, 5, 1), gestation_weeks=12, method="serum_first", result="low", **person
        ),
        "preconception-checks": s.preconception_check_create(actor=None, checked_on=D(2022, 5, 1), **person),
        "premarital-checks": s.premarital_check_create(actor=None, checked_on=D(2022, 5, 1), sex="male", **person),
        "nutrition-reports": s.nutrition_report_create(
            actor=None, month=202205, institution=mch, children_served=3, packs_issued=90
        ),
        "care-centres": s.care_centre_create(
            actor=None, institution=mch, kind="newborn", level="county", designated_on=D(2020, 1, 1)
        ),
        "near-miss-cases": s.near_miss_case_create(
            actor=None, occurred_on=D(2022, 5, 1), cause="sepsis", outcome="recovered", **person
        ),
        "screening-targets": s.screening_target_create(
            actor=None, region=world.qitai, year=2022, population="breast", size=300
        ),
    }


def test_every_kind_is_registered_in_the_menu():
    assert sorted(kind.slug for kind in all_kinds() if kind.app == "screening") == sorted(SLUGS)


def test_pages_render_for_the_commission_and_hide_from_an_outsider(world, records, commission_user, outsider):
    clerk, stranger = _client(commission_user), _client(outsider)
    for slug, record in records.items():
        detail = reverse("records:detail", kwargs={"kind": slug, "public_id": record.public_id})
        listing = clerk.get(reverse("records:list", kwargs={"kind": slug}))
        assert listing.status_code == 200, slug
        assert str(record.public_id) in listing.content.decode(), slug
        assert clerk.get(detail).status_code == 200, slug
        assert clerk.get(reverse("records:template", kwargs={"kind": slug})).status_code == 200, slug
        assert stranger.get(detail).status_code == 404, slug
        assert (
            str(record.public_id) not in stranger.get(reverse("records:list", kwargs={"kind": slug})).content.decode()
        )
    assert clerk.get(reverse("records:create", kwargs={"kind": "cancer-screenings"})).status_code == 200


def test_a_county_target_is_the_office_s_not_the_hospital_s(world, records, mch_worker):
    """Target populations sit on the region: an MCH hospital's clerk neither sees nor enters them."""
    listing = _client(mch_worker).get(reverse("records:list", kwargs={"kind": "screening-targets"}))
    assert str(records["screening-targets"].public_id) not in listing.content.decode()
    assert (
        str(records["nutrition-reports"].public_id)
        in _client(mch_worker).get(reverse("records:list", kwargs={"kind": "nutrition-reports"})).content.decode()
    )


def test_api_takes_cell_values_in_chinese(world, township, mch_worker):
    api = APIClient()
    api.force_authenticate(mch_worker)
    response = api.post(
        "/api/v1/records/nutrition-reports/",
        {"month": "2022-03", "institution": "H652325002", "children_served": 40, "packs_issued": 1200},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert NutritionReport.objects.get().packs_issued == 1200
    assert figures(["screening.nutrition_packs"], Scope(org_unit=world.qitai), "2022") == {
        "screening.nutrition_packs": 1200.0
    }
    refused = api.post(
        "/api/v1/records/cancer-screenings/",
        {"screened_on": "2022-05-01", "institution": "H652325002", "residence": "652325100", "age": 50},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["cervical_method"] == ["Give the cervical or the breast screening method (or both)."]
    assert CancerScreening.objects.count() == 0


def test_choice_examples_read_in_chinese_and_english():
    """The template's examples are the Chinese labels users write (HPV检测, 未见异常, 好转 …): each reads back."""
    from django.utils.translation import override

    from shanhai.records.columns import Choice

    for kind in all_kinds():
        if kind.app != "screening":
            continue
        for column in kind.columns:
            if isinstance(column, Choice) and column.example:
                for language in ("zh-hans", "en"):
                    with override(language):
                        assert column.parse(column.example, None) in column.choices.values, (kind.slug, column.key)
                    with override(language):
                        label = str(column.choices(column.parse(column.example, None)).label)
                    assert column.parse(label, None) == column.parse(column.example, None)
