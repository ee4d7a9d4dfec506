"""Names and phones in clear on one's own worklist, for one stated reason per work session.

A clerk who may reveal personal data (``accounts.reveal.can_reveal``) states a reason once; the reason and the
time are kept in the session (``SESSION_KEY``) for ``SESSION_HOURS`` or until sign-out or "stop showing". While it
lasts, the worklist shows the clear name and phone of each woman registered at an institution where the user may
reveal; each woman shown so is audited once per session (``reveal``: the fields and the reason, never the values).
Starting a session counts one action of the user's ``reveal`` rate limit (``core.limits``), not one per woman.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from shanhai.accounts.models import User
from shanhai.accounts.reveal import MIN_REASON_LENGTH
from shanhai.accounts.scoping import scope_of
from shanhai.core import clock, limits
from shanhai.core.audit import audit_event, audit_record
from shanhai.core.models import AuditAction, OrgUnit
from shanhai.maternal.selectors.worklist import Worklist

SESSION_KEY = "shanhai.worklist_reveal"
SESSION_HOURS = 2
FIELDS = ("name", "phone")


@dataclasses.dataclass(frozen=True)
class RevealSession:
    reason: str
    started_at: datetime

    @property
    def ends_at(self) -> datetime:
        return self.started_at + timedelta(hours=SESSION_HOURS)


def may_start(user: User) -> bool:
    scope = scope_of(user)
    return scope.is_admin or bool(scope.reveal_paths)


def session_start(session: SessionBase, *, actor: User, reason: str) -> RevealSession:
    """Start (or restart, with a new reason) the user's reveal session. ``PermissionDenied`` (audited) for a user
    who may reveal nowhere; ``ValidationError`` on a reason too short to mean anything; ``RateLimited`` beyond the
    user's ``reveal`` rate."""
    if not may_start(actor):
        audit_event(
            actor=actor,
            action=AuditAction.REVEAL,
            object_type="maternal.worklist",
            description="worklist",
            extra={"fields": list(FIELDS), "refused": True},
        )
        raise PermissionDenied
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError({"reason": _("Give the reason for viewing personal data.")})
    limits.count("reveal", f"user:{actor.pk}", actor=actor)
    started = RevealSession(reason, clock.now())
    session[SESSION_KEY] = {"reason": reason, "started_at": started.started_at.isoformat(), "audited": []}
    return started


def session_stop(session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)


def session_active(session: SessionBase) -> RevealSession | None:
    """The session's reveal session while it lasts (an expired one is dropped)."""
    stored: dict[str, Any] | None = session.get(SESSION_KEY)
    if not stored:
        return None
    active = RevealSession(stored["reason"], datetime.fromisoformat(stored["started_at"]))
    if clock.now() >= active.ends_at:
        session_stop(session)
        return None
    return active


def worklist_reveal(work: Worklist, *, actor: User, session: SessionBase) -> Worklist:
    """``work`` with the clear name and phone of each woman the user may reveal (her registering institution),
    auditing the women not yet audited in this reveal session. One query (the institutions); on the view that
    first shows a woman, her audit entry and the session saved."""
    active = session_active(session)
    if active is None:
        return work
    women = {item.woman.pk: item.woman for section in work.sections for item in section.items if item.woman}
    if not women:
        return work
    scope = scope_of(actor)
    units = OrgUnit.objects.in_bulk({woman.registered_at_id for woman in women.values()})
    allowed = {pk for pk, woman in women.items() if scope.can_reveal_path(units[woman.registered_at_id].path)}
    stored = session[SESSION_KEY]
    audited = set(stored["audited"])
    for pk in sorted(allowed):
        woman = women[pk]
        if str(woman.public_id) in audited:
            continue
        audit_record(
            actor=actor,
            action=AuditAction.REVEAL,
            obj=woman,
            org_unit=units[woman.registered_at_id],
            extra={"fields": list(FIELDS), "reason": active.reason, "on": "worklist"},
        )
        audited.add(str(woman.public_id))
    if len(audited) != len(stored["audited"]):
        session[SESSION_KEY] = {**stored, "audited": sorted(audited)}
    for section in work.sections:
        section.items = [
            dataclasses.replace(item, subject=item.woman.name, phone=item.woman.phone or "", is_revealed=True)
            if item.woman is not None and item.woman.pk in allowed
            else item
            for item in section.items
        ]
    return work
