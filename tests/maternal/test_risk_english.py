"""The MCH wording in English (issue 13, item 9): every risk factor and screening item of the catalogue, and every
antenatal contact of the schedule, has an English name, shown when the language is English; Chinese stays the
default."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from shanhai.accounts.models import User
from shanhai.maternal import risk
from shanhai.maternal.models import Pregnancy
from shanhai.maternal.rules import mch_rules
from tests.maternal.mch_file import client_for, detail_url


def test_every_factor_and_screening_item_has_an_english_name() -> None:
    catalogue = risk.RiskCatalogue.load()
    assert all(factor.text_en and factor.category_en for factor in catalogue.factors)
    assert all(item.text_en and item.section_en for item in catalogue.screening_items)


@pytest.mark.parametrize(
    ("language", "factor", "item", "category", "section"),
    [
        ("en", "Leukaemia", "Age ≥35 or ≤18", "Comorbidities in pregnancy", "Basic condition"),
        ("zh-hans", "白血病", "年龄≥35岁或≤18岁", "孕产期合并症", "基本情况"),
    ],
)
def test_names_follow_the_active_language(language, factor, item, category, section) -> None:
    catalogue = risk.RiskCatalogue.load()
    with translation.override(language):
        assert catalogue.factor("red.blood.leukaemia").name == factor
        assert catalogue.wording("red.blood.leukaemia") == factor
        assert catalogue.wording("screening.1.1") == item
        assert catalogue.factor("red.blood.leukaemia").category_name == category
        assert catalogue.screening_items[0].section_name == section


def grading_page(pregnancy: Pregnancy, user: User, kind: str, language: str) -> str:
    url = reverse("maternal:assessment_create", kwargs={"public_id": pregnancy.public_id}) + f"?kind={kind}"
    with translation.override(language):
        return client_for(user).get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_the_grading_page_in_english_shows_english_factors(ongoing: Pregnancy, hospital_admin: User) -> None:
    content = grading_page(ongoing, hospital_admin, "grading", "en")
    assert "Leukaemia" in content and "Comorbidities in pregnancy" in content
    assert "白血病" not in content and "孕产期合并症" not in content
    screening = grading_page(ongoing, hospital_admin, "screening", "en")
    assert "Age ≥35 or ≤18" in screening and "1 Basic condition" in screening
    assert "年龄≥35岁或≤18岁" not in screening


def test_the_grading_page_in_chinese_shows_the_table_s_wording(
    ongoing: Pregnancy, hospital_admin: User, settings
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    content = grading_page(ongoing, hospital_admin, "grading", "zh-hans")
    assert "白血病" in content and "孕产期合并症" in content and "Leukaemia" not in content
    screening = grading_page(ongoing, hospital_admin, "screening", "zh-hans")
    assert "年龄≥35岁或≤18岁" in screening and "1 基本情况" in screening


# --- the antenatal contacts' names (the "contact names" of issue 13, item 9) ------------------------------------
def test_antenatal_contacts_are_named_in_the_active_language() -> None:
    schedule = mch_rules().antenatal_schedule
    with translation.override("en"):
        assert [window.label for window in schedule][:2] == ["Early pregnancy (before week 13)", "Weeks 16–20"]
    with translation.override("zh-hans"):
        assert [window.label for window in schedule][:2] == ["孕早期（13周前）", "孕16–20周"]
    assert all(window.label_en for window in schedule)


def test_a_configured_schedule_without_english_names_shows_the_chinese_ones(settings) -> None:
    settings.SHANHAI_MCH_RULES = {"antenatal_schedule": [("early", "孕早期", 0, 90)]}
    with translation.override("en"):
        assert [window.label for window in mch_rules().antenatal_schedule] == ["孕早期"]


def test_the_pregnancy_page_in_english_names_its_contacts_in_english(ongoing: Pregnancy, hospital_admin: User) -> None:
    url = detail_url("pregnancies", ongoing)
    with translation.override("en"):
        content = client_for(hospital_admin).get(url).content.decode()
    assert "Weeks 16–20" in content and "孕16–20周" not in content
