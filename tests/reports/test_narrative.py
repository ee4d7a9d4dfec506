"""A report's summary never prints "not reported" inside a sentence (issue 14): a sentence is kept only when every
figure in it was reported; a known 0 is a figure."""

from __future__ import annotations

from shanhai.analytics.engine import IndicatorValue
from shanhai.core.periods import parse_period
from shanhai.reports.selectors import _narrative


def value(code: str, number: float | None) -> IndicatorValue:
    return IndicatorValue(
        code=code,
        name=code,
        scope="",
        period="2023",
        numerator=number,
        denominator=None,
        value=number,
        unit="",
        decimals=0,
        is_reported=number is not None,
    )


def test_a_sentence_with_an_unreported_figure_is_left_out() -> None:
    values = {
        v.code: v
        for v in (
            value("partnerships_active", 3),
            value("supporting_institutions", 2),
            value("recipient_institutions", 3),
            value("expert_operations", 40),
            value("expert_operations_grade_3_4", None),  # not reported: the operations sentence goes
            value("techniques_introduced", 5),
            value("techniques_gap_filled", 0),  # a known 0 stays
            value("outreach_events", None),
        )
    }
    text = " ".join(_narrative(values, "福清—奇台对口支援", parse_period("2023")))
    assert "ran 3 partnerships" in text
    assert "5 new techniques were introduced, 0 of them filling a gap." in text
    assert "performed" not in text
    assert "not reported" not in text.replace("A figure not reported in the period", "")
    assert "outreach" not in text
