"""Viewing personal data in clear: only with the ``reveals_personal`` permission at the record's
organisation, only with a reason, and always recorded in the audit trail (which keeps the fields
and the reason, never the values); a refused attempt is recorded too (``"refused": true``). Everywhere
else personal data is shown masked (``core.personal``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.core import limits
from shanhai.core.audit import audit_record
from shanhai.core.models import AuditAction, OrgUnit

MIN_REASON_LENGTH = 4


def can_reveal(actor: User, org_unit: OrgUnit | None) -> bool:
    return org_unit is not None and scope_of(actor).can_reveal_path(org_unit.path)


def reveal_refused(
    *, actor: User, obj: models.Model, fields: Sequence[str], org_unit: OrgUnit | None
) -> PermissionDenied:
    """Record a refused attempt to view ``fields`` of ``obj`` in the audit trail (the fields, never a
    value or the reason typed) and return the ``PermissionDenied`` for the caller to raise."""
    audit_record(
        actor=actor,
        action=AuditAction.REVEAL,
        obj=obj,
        org_unit=org_unit,
        extra={"fields": list(fields), "refused": True},
    )
    return PermissionDenied()


def reveal_personal(
    *, actor: User, obj: models.Model, fields: Sequence[str], reason: str, org_unit: OrgUnit | None
) -> dict[str, str]:
    """The clear values of ``fields`` of ``obj`` (ORM-style paths such as ``mother__phone`` allowed).

    ``PermissionDenied`` unless the actor may reveal at ``org_unit`` (the refusal is audited);
    ``core.limits.RateLimited`` beyond the actor's ``reveal`` rate; ``ValidationError`` on ``reason`` when it is missing or too short to mean anything. Callers load
    ``obj`` through an access function.
    """
    if not fields:
        raise ValueError("no fields to reveal")
    if not can_reveal(actor, org_unit):
        raise reveal_refused(actor=actor, obj=obj, fields=fields, org_unit=org_unit)
    limits.count("reveal", f"user:{actor.pk}", actor=actor)
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError({"reason": _("Give the reason for viewing personal data.")})
    audit_record(
        actor=actor,
        action=AuditAction.REVEAL,
        obj=obj,
        org_unit=org_unit,
        extra={"fields": list(fields), "reason": reason},
    )
    return {name: _text(_follow(obj, name)) for name in fields}


def _follow(obj: Any, path: str) -> Any:
    value = obj
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def _text(value: Any) -> str:
    return "" if value is None else str(value)
