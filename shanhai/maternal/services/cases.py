"""The 专案 (high-risk case): opened and moved up by gradings (``rules.case_opened_by`` /
``case_escalation``), then assigned, reported and closed by hand; never created or deleted by hand."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from shanhai.accounts.models import User
from shanhai.core import clock
from shanhai.maternal.models import CaseStatus, Pregnancy, RiskAssessment, RiskCase
from shanhai.maternal.rules import case_escalation, case_opened_by, needs_case
from shanhai.maternal.services.checks import as_aware, has_name, not_future_moment
from shanhai.maternal.services.registry import tracking
from shanhai.records.services import record_create, record_update


def case_open_or_escalate(actor: User, pregnancy: Pregnancy, assessment: RiskAssessment) -> None:
    """Open the 专案 at the first orange/red/purple result (``rules.case_opened_by``), or move it up
    (``rules.case_escalation``)."""
    if not needs_case(assessment.colour, assessment.is_purple):
        return
    case = RiskCase.objects.select_for_update().filter(pregnancy=pregnancy).first()
    if case is None:
        record_create(actor=actor, record=case_opened_by(assessment), validate=lambda _record: None)
        return
    if changes := case_escalation(case, assessment):
        record_update(actor=actor, record=case, changes=changes, editable=list(changes), validate=lambda _r: None)


CASE_EDITABLE = ("responsible_name", "responsible", "reported_at", "status", "close_note", "closed_at")


def _validate_case(case: RiskCase) -> None:
    if not has_name(case.responsible_name):
        raise ValidationError({"responsible_name": _("A case needs a named responsible person.")})
    if case.status not in CaseStatus.values:
        raise ValidationError({"status": _("Choose open or closed.")})
    not_future_moment(case.reported_at, "reported_at")
    if case.reported_at is not None and timezone.localdate(case.reported_at) < timezone.localdate(case.opened_at):
        raise ValidationError({"reported_at": _("The report cannot be before the case was opened.")})
    if case.status == CaseStatus.CLOSED:
        if case.reported_at is None:
            raise ValidationError({"status": _("Report the case to the MCH institution before closing it.")})
        if not case.close_note.strip():
            raise ValidationError({"close_note": _("Say why the case is closed.")})
        case.closed_at = case.closed_at or clock.now()
        not_future_moment(case.closed_at, "closed_at")
        if case.closed_at < case.reported_at:
            raise ValidationError({"closed_at": _("The case cannot be closed before it was reported.")})
    else:
        case.closed_at = None


def case_update(*, actor: User, record: RiskCase, **changes: Any) -> RiskCase:
    """Assign the responsible person (a user, or a name), record the report (``reported_at``), close
    with a note — at the time given (``closed_at``: a case entered afterwards is closed when it was), else now —
    or reopen. A case is never created or deleted by hand: gradings open it."""
    for name in ("reported_at", "closed_at"):
        if name in changes:
            changes[name] = as_aware(changes[name])
    if "close_note" in changes:
        changes["close_note"] = (changes["close_note"] or "").strip()
    if "responsible" in changes and "responsible_name" not in changes:
        user = changes["responsible"]
        changes["responsible_name"] = (getattr(user, "full_name", "") or getattr(user, "username", "")).strip()
    elif "responsible_name" in changes and "responsible" not in changes:
        changes["responsible"] = None
    with tracking(pregnancy=record.pregnancy):
        current = RiskCase.objects.select_for_update().get(pk=record.pk)
        if "status" in changes and changes["status"] != current.status:
            closing = changes["status"] == CaseStatus.CLOSED
            changes["closed_at"] = (changes.get("closed_at") or clock.now()) if closing else None
            if changes["status"] == CaseStatus.OPEN:
                changes.setdefault("close_note", "")
        return record_update(
            actor=actor,
            record=current,
            changes=changes,
            editable=CASE_EDITABLE,
            validate=_validate_case,
        )


def case_create_refused(**_kwargs: Any) -> None:
    raise ValidationError(_("A case opens by itself when a grading is orange, red or purple."))


def case_delete_refused(**_kwargs: Any) -> None:
    raise ValidationError(_("A case is closed, not deleted."))
