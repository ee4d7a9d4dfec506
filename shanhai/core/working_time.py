"""Working time: due times and turnaround counted round the clock or in working hours (consultations, image
readings and any other response clock).

Working hours are the periods of ``SHANHAI_WORKING_HOURS`` (default 08:30–12:00 and 14:30–18:00, Beijing time) on
working days. A working day is what China's State Council calendar says it is: weekdays, minus the official
holidays, plus the weekend days worked in exchange (调休). The calendar comes from the maintained
``chinese-calendar`` library, which the State Council's yearly notice updates; for a year it does not know yet
(it raises ``NotImplementedError``) Monday to Friday are taken as working days and ``calendar_known`` says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings

ZONE = ZoneInfo("Asia/Shanghai")
HOUR = timedelta(hours=1)


def working_periods() -> tuple[tuple[time, time], ...]:
    """``SHANHAI_WORKING_HOURS`` ("08:30-12:00,14:30-18:00") as (start, end) pairs."""
    return _parse_periods(settings.SHANHAI_WORKING_HOURS)


@lru_cache(maxsize=8)
def _parse_periods(text: str) -> tuple[tuple[time, time], ...]:
    periods = []
    for part in text.split(","):
        start, end = (time.fromisoformat(t.strip()) for t in part.split("-"))
        if end <= start:
            raise ValueError(f"working hours {part!r}: the end must come after the start")
        periods.append((start, end))
    return tuple(sorted(periods))


def calendar_known(day: date) -> bool:
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=4096)
def is_working_day(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("clocks need aware datetimes")
    return moment.astimezone(ZONE)


def _spans_from(moment: datetime) -> Iterator[tuple[datetime, datetime]]:
    """The working spans (start, end) at or after ``moment``, in order, without end."""
    local = _local(moment)
    day = local.date()
    while True:
        if is_working_day(day):
            for start, end in working_periods():
                span_start = datetime.combine(day, start, ZONE)
                span_end = datetime.combine(day, end, ZONE)
                if span_end > local:
                    yield max(span_start, local), span_end
        day += timedelta(days=1)


def add_working_hours(start: datetime, hours: float) -> datetime:
    """The moment ``hours`` working hours after ``start`` (itself possibly outside working hours)."""
    remaining = timedelta(hours=hours)
    if remaining <= timedelta(0):
        return _local(start)
    for span_start, span_end in _spans_from(start):
        length = span_end - span_start
        if remaining <= length:
            return span_start + remaining
        remaining -= length
    raise AssertionError("unreachable")  # pragma: no cover


def working_hours_between(start: datetime, end: datetime) -> float:
    """Working hours from ``start`` to ``end`` (0 when ``end`` is not after ``start``)."""
    if end <= start:
        return 0.0
    end_local = _local(end)
    total = timedelta(0)
    for span_start, span_end in _spans_from(start):
        if span_start >= end_local:
            break
        total += min(span_end, end_local) - span_start
    return total / HOUR


def due_at(start: datetime, hours: float, *, working: bool) -> datetime:
    return add_working_hours(start, hours) if working else _local(start) + timedelta(hours=hours)


def elapsed_hours(start: datetime, end: datetime, *, working: bool) -> float:
    """Hours from ``start`` to ``end`` as a due time counts them."""
    return working_hours_between(start, end) if working else max((end - start) / HOUR, 0.0)
