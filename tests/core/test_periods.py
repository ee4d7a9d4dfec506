import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from shanhai.core.periods import add_months, month_of, parse_period


@pytest.mark.parametrize(
    ("code", "kind", "first", "last"),
    [
        ("202305", "month", 202305, 202305),
        ("2023Q2", "quarter", 202304, 202306),
        ("2023Q4", "quarter", 202310, 202312),
        ("2023", "year", 202301, 202312),
        ("2021Oct", "mch_year", 202110, 202209),
        ("202001..202305", "range", 202001, 202305),
        ("2021..2022Q1", "range", 202101, 202203),
    ],
)
def test_parse_period(code, kind, first, last):
    period = parse_period(code)
    assert (period.kind, period.first_month, period.last_month) == (kind, first, last)


def test_mch_year_dates():
    period = parse_period("2021Oct")
    assert period.start == dt.date(2021, 10, 1)
    assert period.end == dt.date(2022, 9, 30)
    assert len(period.months) == 12


@pytest.mark.parametrize(
    "code", ["", "2023-13", "202313", "2023Q5", "2023Oktober", "202305..202301", "2023-2020", "abc"]
)
def test_bad_periods_are_refused_with_a_message(code):
    with pytest.raises(ValidationError) as error:
        parse_period(code)
    assert error.value.messages[0]


def test_month_arithmetic():
    assert add_months(202312, 1) == 202401
    assert add_months(202401, -1) == 202312
    assert add_months(202305, 24) == 202505
    assert month_of(dt.date(2024, 2, 29)) == 202402
