"""The five 基本公卫 antenatal contacts of a pregnancy against its visits (``rules.antenatal_schedule``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from shanhai.maternal.models import Pregnancy, PregnancyStatus
from shanhai.maternal.rules import AntenatalWindow, mch_rules, pregnancy_end_date
from shanhai.maternal.selectors.states import (
    BEFORE_REGISTRATION,
    DONE,
    DUE,
    MISSED,
    NOT_APPLICABLE,
    OVERDUE,
    STATE_LABELS,
    UPCOMING,
)


@dataclass(frozen=True)
class Contact:
    window: AntenatalWindow
    state: str
    opens_on: date
    closes_on: date
    visits: tuple[date, ...] = ()

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


def schedule_end(pregnancy: Pregnancy) -> date | None:
    """Where the pregnancy's schedule stops: ``rules.pregnancy_end_date`` (a maternal death included);
    for one lost to follow-up with no date, the day it was last changed. ``None`` while ongoing."""
    if pregnancy.status == PregnancyStatus.ONGOING:
        return None
    return pregnancy_end_date(pregnancy, or_death=True) or pregnancy.updated_at.date()


def antenatal_contacts(pregnancy: Pregnancy, visit_dates: Iterable[date], today: date) -> list[Contact]:
    """The 基本公卫 schedule of five contacts (rules.antenatal_schedule, domain.md §3.3) against the visits.

    Done: a visit in the window. While the pregnancy is ongoing: upcoming, due (today in the window) or
    overdue (the window passed without a visit). A window that closed before registration is not the
    registering institution's to make up; one still open when the pregnancy ended is missed.
    """
    lmp = pregnancy.last_menstrual_period_on
    registered = (pregnancy.registered_on - lmp).days
    end = schedule_end(pregnancy)
    reached = ((end or today) - lmp).days
    dates = sorted(visit_dates)
    contacts = []
    for window in mch_rules().antenatal_schedule:
        inside = tuple(d for d in dates if window.first_day <= (d - lmp).days <= window.last_day)
        if inside:
            state = DONE
        elif window.last_day < registered:
            state = BEFORE_REGISTRATION
        elif end is not None:
            state = MISSED if reached >= window.first_day else NOT_APPLICABLE
        elif reached < window.first_day:
            state = UPCOMING
        elif reached <= window.last_day:
            state = DUE
        else:
            state = OVERDUE
        opens, closes = lmp + timedelta(days=window.first_day), lmp + timedelta(days=window.last_day)
        contacts.append(Contact(window, state, opens, closes, inside))
    return contacts


def next_contact(pregnancy: Pregnancy, today: date) -> date | None:
    """The close of the next antenatal window still to be made, else the expected delivery date."""
    visits = [v.visited_on for v in pregnancy.antenatal_visits.all()]
    for contact in antenatal_contacts(pregnancy, visits, today):
        if contact.state in (DUE, UPCOMING):
            return contact.closes_on
    return pregnancy.expected_delivery_on if pregnancy.status == PregnancyStatus.ONGOING else None
