"""Periods as people type them, their labels in both languages, and the same period a year earlier."""

import pytest
from django.http import QueryDict

from shanhai.core.form_base import PeriodForm
from shanhai.core.periods import parse_period, period_label, same_period_last_year, year_containing
from shanhai.core.templatetags.shanhai_periods import picker_groups


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("2023-03", "202303"),
        ("2023/3", "202303"),
        ("2023年", "2023"),
        ("2023年3月", "202303"),
        ("2023 年 10 月", "202310"),
        ("2023q1", "2023Q1"),
        ("2023Q1", "2023Q1"),
        ("2023年第一季度", "2023Q1"),
        ("2023年第4季度", "2023Q4"),
        ("2021oct", "2021Oct"),
        ("2020-2023", "2020..2023"),
        ("2020–2023", "2020..2023"),
        ("2020年1月至2023年5月", "202001..202305"),
        ("2020-01..2023-05", "202001..202305"),
        ("2020-01-2023-05", "202001..202305"),
        ("202001..202305", "202001..202305"),
    ],
)
def test_typed_periods_become_codes(typed, code):
    period = parse_period(typed)
    assert period.code == code
    assert parse_period(code) == period


def test_a_typed_range_spans_both_ends():
    period = parse_period("2020-2023")
    assert (period.kind, period.first_month, period.last_month) == ("range", 202001, 202312)


@pytest.mark.parametrize(
    ("code", "chinese", "english"),
    [
        ("2023", "2023年", "Year 2023"),
        ("2023Q1", "2023年第1季度", "2023 Q1"),
        ("202303", "2023年3月", "March 2023"),
        ("2021Oct", "2021年10月–2022年9月", "October 2021–September 2022"),
        ("202001..202305", "2020年1月 至 2023年5月", "January 2020 to May 2023"),
    ],
)
def test_labels_in_chinese_and_english(code, chinese, english):
    assert period_label(parse_period(code), "zh-hans") == chinese
    assert period_label(parse_period(code), "en") == english


@pytest.mark.parametrize(
    ("code", "previous"),
    [
        ("202303", "202203"),
        ("2023Q1", "2022Q1"),
        ("2023", "2022"),
        ("2021Oct", "2020Oct"),
        ("202001..202305", "201901..202205"),
    ],
)
def test_same_period_last_year(code, previous):
    assert same_period_last_year(parse_period(code)).code == previous


def test_the_year_or_mch_year_containing_a_month():
    assert year_containing(202211).code == "2022"
    assert year_containing(202211, "mch_year").code == "2022Oct"
    assert year_containing(202209, "mch_year").code == "2021Oct"


def test_the_form_takes_a_range_from_the_picker():
    query = QueryDict("period_from=2020-01&period_to=2023-05")
    assert PeriodForm.is_asked(query)
    form = PeriodForm(query)
    assert form.chosen(parse_period("2024")).code == "202001..202305"


def test_the_form_keeps_the_error_of_a_backward_range():
    form = PeriodForm(QueryDict("period_from=2023-05&period_to=2020-01"))
    assert form.chosen(parse_period("2024")).code == "2024"
    assert form.errors["period"] == ["The range 2023-05..2020-01 ends before it starts."]


def test_the_picker_links_keep_the_other_parameters():
    groups = picker_groups(QueryDict("org=652300&period=2021Oct&side=supporter"), parse_period("2021Oct"), 2026)
    assert [group.title for group in groups] == ["Year", "Quarter", "Month", "MCH year"]
    years, quarters, months, mch_years = groups
    assert [c.code for c in years.choices] == ["2024", "2023", "2022", "2021", "2020"]
    assert [c.code for c in quarters.choices] == ["2022Q1", "2022Q2", "2022Q3", "2022Q4"]
    assert months.choices[0].code == "202201"
    assert [c.code for c in mch_years.choices if c.is_active] == ["2021Oct"]
    assert mch_years.choices[1].url == "?org=652300&side=supporter&period=2021Oct"
