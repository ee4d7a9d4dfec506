"""Working-hour clocks across China's official holidays and 调休 working weekend days (chinese-calendar)."""

from __future__ import annotations

from datetime import datetime

import pytest

from shanhai.core import working_time as clocks

Z = clocks.ZONE


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=Z)


@pytest.fixture(autouse=True)
def working_hours(settings: object) -> None:
    settings.SHANHAI_WORKING_HOURS = "08:30-12:00,14:30-18:00"  # type: ignore[attr-defined]


def test_a_working_day_has_seven_working_hours() -> None:
    assert clocks.working_hours_between(at("2024-03-04 08:00"), at("2024-03-04 19:00")) == 7.0
    assert clocks.working_hours_between(at("2024-03-04 11:00"), at("2024-03-04 15:00")) == 1.5


def test_hours_added_skip_the_lunch_break_and_the_night() -> None:
    assert clocks.add_working_hours(at("2024-03-04 11:00"), 2) == at("2024-03-04 15:30")
    assert clocks.add_working_hours(at("2024-03-04 17:00"), 4) == at("2024-03-05 11:30")
    assert clocks.add_working_hours(at("2024-03-04 20:00"), 1) == at("2024-03-05 09:30")


def test_the_national_day_holiday_and_its_working_weekend_days() -> None:
    # 2024: 9/29 (Sunday) is worked; 10/1–10/7 holiday; 10/12 (Saturday) is worked.
    assert clocks.is_working_day(at("2024-09-29 00:00").date()) is True
    assert clocks.is_working_day(at("2024-10-03 00:00").date()) is False
    assert clocks.is_working_day(at("2024-10-12 00:00").date()) is True
    assert clocks.is_working_day(at("2024-10-13 00:00").date()) is False
    # Asked on Monday 9/30 at 17:00: 1 hour that day, then nothing until Tuesday 10/8.
    assert clocks.add_working_hours(at("2024-09-30 17:00"), 3) == at("2024-10-08 10:30")
    assert clocks.working_hours_between(at("2024-09-30 17:00"), at("2024-10-08 10:30")) == 3.0


def test_a_workday_swap_counts_the_saturday_and_not_the_holiday() -> None:
    # Friday 10/11 17:00 → Saturday 10/12 is a working day (调休).
    assert clocks.add_working_hours(at("2024-10-11 17:00"), 2) == at("2024-10-12 09:30")


def test_round_the_clock_ignores_holidays() -> None:
    assert clocks.due_at(at("2024-10-01 10:00"), 2, working=False) == at("2024-10-01 12:00")
    assert clocks.elapsed_hours(at("2024-10-01 10:00"), at("2024-10-01 13:30"), working=False) == 3.5


def test_a_year_the_calendar_does_not_know_counts_monday_to_friday() -> None:
    assert clocks.calendar_known(at("2024-01-02 00:00").date()) is True
    assert clocks.calendar_known(at("2031-01-02 00:00").date()) is False
    assert clocks.is_working_day(at("2031-01-04 00:00").date()) is False  # a Saturday
    assert clocks.is_working_day(at("2031-01-06 00:00").date()) is True  # a Monday
