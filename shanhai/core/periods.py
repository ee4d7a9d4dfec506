"""Reporting periods, written as DHIS2 writes them.

``202305`` a month · ``2023Q2`` a quarter · ``2023`` a calendar year · ``2021Oct`` the MCH
statistical year 1 Oct 2021 – 30 Sep 2022 (DHIS2 "financial year October") · ``A..B`` a
custom range from the start of A to the end of B (e.g. ``202001..202305``).
Months are handled as integers ``YYYYMM`` throughout, as the fact table stores them.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shanhai.core import clock

_MONTH = re.compile(r"^(\d{4})(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_MCH_YEAR = re.compile(r"^(\d{4})Oct$")
#: The years a period may name: records and figures of this platform lie well inside them, and the
#: calendar arithmetic (a month's end, the year after an MCH year) stays within Python's dates.
FIRST_YEAR, LAST_YEAR = 1900, 2100


def month_of(day: date) -> int:
    return day.year * 100 + day.month


def add_months(month: int, count: int) -> int:
    index = (month // 100) * 12 + (month % 100 - 1) + count
    return (index // 12) * 100 + index % 12 + 1


def month_start(month: int) -> date:
    return date(month // 100, month % 100, 1)


def month_end(month: int) -> date:
    year, mon = divmod(month, 100)
    return date(year, mon, calendar.monthrange(year, mon)[1])


def months_between(first: int, last: int) -> list[int]:
    months, current = [], first
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


@dataclass(frozen=True)
class Period:
    """A closed range of whole months with its DHIS2-style identifier."""

    code: str
    kind: str  # month | quarter | year | mch_year | range
    first_month: int
    last_month: int

    @property
    def start(self) -> date:
        return month_start(self.first_month)

    @property
    def end(self) -> date:
        return month_end(self.last_month)

    @property
    def months(self) -> list[int]:
        return months_between(self.first_month, self.last_month)

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        first, last = self.first_month, self.last_month
        if self.kind == "month":
            return _("%(year)s-%(month)02d") % {"year": first // 100, "month": first % 100}
        if self.kind == "quarter":
            return _("%(year)s Q%(quarter)s") % {"year": first // 100, "quarter": (first % 100 + 2) // 3}
        if self.kind == "year":
            return _("Year %(year)s") % {"year": first // 100}
        if self.kind == "mch_year":
            return _("MCH year %(start)s–%(end)s (Oct–Sep)") % {"start": first // 100, "end": last // 100}
        month = _("%(year)s-%(month)02d")
        return _("%(first)s to %(last)s") % {
            "first": month % {"year": first // 100, "month": first % 100},
            "last": month % {"year": last // 100, "month": last % 100},
        }


def _single(code: str) -> Period:
    period = _matched(code)
    if not FIRST_YEAR <= period.first_month // 100 <= LAST_YEAR:
        raise ValidationError(
            _("“%(code)s” is not a period between the years %(first)s and %(last)s."),
            code="invalid_period",
            params={"code": code, "first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return period


def _matched(code: str) -> Period:
    if m := _MONTH.match(code):
        month = int(m[1]) * 100 + int(m[2])
        return Period(code, "month", month, month)
    if m := _QUARTER.match(code):
        year, quarter = int(m[1]), int(m[2])
        first = year * 100 + 3 * quarter - 2
        return Period(code, "quarter", first, first + 2)
    if m := _YEAR.match(code):
        year = int(m[1])
        return Period(code, "year", year * 100 + 1, year * 100 + 12)
    if m := _MCH_YEAR.match(code):
        year = int(m[1])
        return Period(code, "mch_year", year * 100 + 10, (year + 1) * 100 + 9)
    raise ValidationError(
        _(
            "“%(code)s” is not a period. Use 202305 (month), 2023Q2 (quarter), 2023 (year), 2021Oct (MCH year) or 202001..202305 (range)."
        ),
        code="invalid_period",
        params={"code": code},
    )


def parse_period(code: str) -> Period:
    """Parse a DHIS2-style period identifier; raise ValidationError with a readable message."""
    code = (code or "").strip()
    if ".." in code:
        first_code, _sep, last_code = code.partition("..")
        first, last = _single(first_code.strip()), _single(last_code.strip())
        if first.first_month > last.last_month:
            raise ValidationError(
                _("The range %(code)s ends before it starts."), code="invalid_period", params={"code": code}
            )
        return Period(code, "range", first.first_month, last.last_month)
    return _single(code)


def period_for_dates(start: date, end: date) -> Period:
    first, last = month_of(start), month_of(end)
    return parse_period(f"{first}..{last}") if first != last else parse_period(str(first))


def current_year(today: date | None = None) -> Period:
    today = today or clock.today()
    return parse_period(str(today.year))


def own_period(started_on: date, ended_on: date | None, today: date | None = None) -> Period:
    """A programme's or partnership's own period: from its start month to its end month, or to this
    month while it runs (never before its start)."""
    first = month_of(started_on)
    last = max(first, month_of(ended_on or today or clock.today()))
    return parse_period(f"{first}..{last}")
