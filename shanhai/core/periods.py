"""Reporting periods, written as DHIS2 writes them.

``202305`` a month · ``2023Q2`` a quarter · ``2023`` a calendar year · ``2021Oct`` the MCH
statistical year 1 Oct 2021 – 30 Sep 2022 (DHIS2 "financial year October") · ``A..B`` a
custom range from the start of A to the end of B (e.g. ``202001..202305``).
Months are handled as integers ``YYYYMM`` throughout, as the fact table stores them.

People may also type ``2023-03``, ``2023年3月``, ``2023年``, ``2023年第一季度``, ``2020-2023`` or
``2020年1月至2023年5月``: :func:`parse_period` turns them into the codes above, which stay in URLs
and the API. :attr:`Period.label` names a period in the user's language (``2021年10月–2022年9月``).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from shanhai.core import clock

_MONTH = re.compile(r"^(\d{4})(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_MCH_YEAR = re.compile(r"^(\d{4})Oct$")
#: What people type for the codes above: 2023年 · 2023-03, 2023/3, 2023年3月 · 2023q1, 2023年第一季度.
_TYPED_YEAR = re.compile(r"^(\d{4})\s*年$")
_TYPED_MONTH = re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?$")
_TYPED_QUARTER = re.compile(r"^(\d{4})\s*(?:[Qq]|年\s*第?)\s*([1-4一二三四])\s*(?:季度?)?$")
_TYPED_MCH_YEAR = re.compile(r"^(\d{4})\s*oct$", re.IGNORECASE)
_CHINESE_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}
#: Between the two ends of a range, besides ``..``: 2020-2023, 2020年1月至2023年5月, 2020–2023.
_RANGE_SEPARATORS = ("~", "～", "–", "—", "至", "到", "-")
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
        """The period in words, in the active language: 2023年 · 2023年第1季度 · 2023年3月 ·
        2021年10月–2022年9月 (an MCH year) · 2020年1月 至 2023年5月 (a range)."""
        first, last = self.first_month, self.last_month
        if self.kind == "month":
            return month_label(first)
        if self.kind == "quarter":
            return _("%(year)s Q%(quarter)s") % {"year": first // 100, "quarter": (first % 100 + 2) // 3}
        if self.kind == "year":
            return _("Year %(year)s") % {"year": first // 100}
        if self.kind == "mch_year":
            return f"{month_label(first)}–{month_label(last)}"
        return _("%(first)s to %(last)s") % {"first": month_label(first), "last": month_label(last)}


def month_label(month: int) -> str:
    """A month in words: 2023年3月, March 2023."""
    return date_format(month_start(month), "YEAR_MONTH_FORMAT")


def short_month_label(month: int) -> str:
    """A month in few characters, for chart axes: 2023年03月, 2023-03."""
    return _("%(year)s-%(month)02d") % {"year": month // 100, "month": month % 100}


def mch_year_label(start_year: int) -> str:
    """An MCH year by its two calendar years, as a picker offers it."""
    return _("MCH year %(start)s–%(end)s (Oct–Sep)") % {"start": start_year, "end": start_year + 1}


def period_label(period: Period, language: str | None = None) -> str:
    """``period.label`` in ``language`` (a language code), or in the active language."""
    if language is None:
        return period.label
    with translation.override(language):
        return period.label


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


def _typed(text: str) -> str:
    """A single period as people type it → its code (``2023年3月`` → ``202303``); other text unchanged."""
    text = text.strip()
    if m := _TYPED_YEAR.match(text):
        return m[1]
    if (m := _TYPED_MONTH.match(text)) and 1 <= int(m[2]) <= 12:
        return f"{m[1]}{int(m[2]):02d}"
    if m := _TYPED_QUARTER.match(text):
        return f"{m[1]}Q{_CHINESE_DIGITS.get(m[2], m[2])}"
    if m := _TYPED_MCH_YEAR.match(text):
        return f"{m[1]}Oct"
    return text


def _range(first_code: str, last_code: str, code: str) -> Period:
    first, last = _single(_typed(first_code)), _single(_typed(last_code))
    if first.first_month > last.last_month:
        raise ValidationError(
            _("The range %(code)s ends before it starts."), code="invalid_period", params={"code": code}
        )
    return Period(f"{first.code}..{last.code}", "range", first.first_month, last.last_month)


def _typed_range(code: str) -> Period | None:
    """``2020-2023``, ``2020年1月至2023年5月``, ``2020-01–2023-05``: the first split whose two ends are periods."""
    for separator in _RANGE_SEPARATORS:
        parts = code.split(separator)
        for cut in range(1, len(parts)):
            try:
                return _range(separator.join(parts[:cut]), separator.join(parts[cut:]), code)
            except ValidationError:
                continue
    return None


def parse_period(code: str) -> Period:
    """Parse a DHIS2-style period identifier, or a period as people type it (module docstring);
    raise ValidationError with a readable message. The result carries the canonical code."""
    code = (code or "").strip()
    if ".." in code:
        first_code, _sep, last_code = code.partition("..")
        return _range(first_code, last_code, code)
    typed = _typed(code)
    try:
        return _single(typed)
    except ValidationError:
        if (period := _typed_range(code)) is not None:
            return period
        raise


def same_period_last_year(period: Period) -> Period:
    """The same kind of period one year earlier: 2023Q1 → 2022Q1, 2021Oct → 2020Oct, a range shifted by 12 months."""
    first, last = add_months(period.first_month, -12), add_months(period.last_month, -12)
    if period.kind == "month":
        return parse_period(str(first))
    if period.kind == "quarter":
        return parse_period(f"{first // 100}Q{(first % 100 + 2) // 3}")
    if period.kind == "year":
        return parse_period(str(first // 100))
    if period.kind == "mch_year":
        return parse_period(f"{first // 100}Oct")
    return parse_period(f"{first}..{last}")


def year_containing(month: int, kind: str = "year") -> Period:
    """The calendar year (``kind="year"``) or MCH year (``"mch_year"``, October–September) a month falls in."""
    year = month // 100
    if kind == "mch_year":
        return parse_period(f"{year if month % 100 >= 10 else year - 1}Oct")
    return parse_period(str(year))


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
