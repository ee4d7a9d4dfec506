"""The states of a scheduled contact or check and their labels, how gestation reads, and the day a
page is computed for ("today" and "now" are arguments so that tests fix them)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shanhai.core import clock

# States of a scheduled contact or check.
DONE, DUE, OVERDUE, UPCOMING, MISSED, BEFORE_REGISTRATION, NOT_APPLICABLE = (
    "done",
    "due",
    "overdue",
    "upcoming",
    "missed",
    "before_registration",
    "not_applicable",
)


STATE_LABELS: dict[str, Promise] = {
    DONE: _("Done"),
    DUE: _("Due"),
    OVERDUE: _("Overdue"),
    UPCOMING: _("Upcoming"),
    MISSED: _("Missed"),
    BEFORE_REGISTRATION: _("Before registration"),
    NOT_APPLICABLE: _("Not applicable"),
}


def moment(today: date | None, now: datetime | None) -> tuple[date, datetime]:
    """The day and the moment a page is computed for: those given, else today and now."""
    if now is None:
        now = clock.now()
    return (today or timezone.localdate(now)), now


def gestation_label(days: int | None) -> str:
    """``12+3 weeks`` for 87 days of gestation; blank for none."""
    if days is None:
        return ""
    return str(_("%(weeks)d+%(days)d weeks")) % {"weeks": days // 7, "days": days % 7}


#: Purple (infectious disease) where a colour is expected: a filter, a case's code in the worklist.
PURPLE = "purple"
