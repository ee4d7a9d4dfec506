"""A child's 0–6 checks against the schedule (``rules.CHILD_SCHEDULE``), and the child's page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from shanhai.accounts.models import User
from shanhai.core import clock
from shanhai.maternal.models import Child, ChildCheck, ChildCheckKind
from shanhai.maternal.rules import CHILD_SCHEDULE
from shanhai.maternal.selectors.links import create_url, pregnancy_url
from shanhai.maternal.selectors.states import DONE, DUE, MISSED, NOT_APPLICABLE, OVERDUE, STATE_LABELS, UPCOMING
from shanhai.records.kinds import kind_of
from shanhai.records.selectors import can_write_record


@dataclass(frozen=True)
class ScheduledCheck:
    kind: str
    state: str
    due_on: date
    overdue_on: date
    until: date
    check: ChildCheck | None = None

    @property
    def label(self) -> str:
        return str(ChildCheckKind(self.kind).label)

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


def child_schedule(child: Child, checks: Iterable[ChildCheck], today: date) -> list[ScheduledCheck]:
    """The checks of ``rules.CHILD_SCHEDULE`` against the child's checks: done, or (alive) upcoming, due,
    overdue and missed once the next check falls due."""
    done = {check.kind: check for check in checks}
    schedule = []
    for window in CHILD_SCHEDULE:
        kind, born = window.kind, child.birth_date
        due_on, overdue_on, last = (
            window.after(born, window.due),
            window.after(born, window.overdue),
            window.after(born, window.until),
        )
        if kind in done:
            state = DONE
        elif child.died_on is not None:
            state = NOT_APPLICABLE
        elif today < due_on:
            state = UPCOMING
        elif today < overdue_on:
            state = DUE
        elif today < last:
            state = OVERDUE
        else:
            state = MISSED
        schedule.append(ScheduledCheck(kind, state, due_on, overdue_on, last, done.get(kind)))
    return schedule


def child_page(user: User, child: Child, *, today: date | None = None) -> dict[str, Any]:
    today = today or clock.today()
    checks = list(child.checks.select_related("institution").order_by("checked_on", "pk"))
    mother = child.mother
    return {
        "schedule": child_schedule(child, checks, today),
        "checks": checks,
        "add_check_url": create_url("child-checks", child=child.public_id),
        "mother_url": pregnancy_url(mother) if mother is not None else "",
        "can_write_child": can_write_record(kind_of("children"), user, child),
    }
