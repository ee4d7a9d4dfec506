"""Writes to programmes, partnerships, agreements and targets.

Each service validates with messages a user can read, saves, audits and keeps the facts right,
in one transaction. Callers check access first (``access.py``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from shanhai.accounts.models import User
from shanhai.analytics import facts
from shanhai.analytics.registry import registry
from shanhai.core import clock
from shanhai.core.audit import audit_record, snapshot
from shanhai.core.models import AuditAction, Department, OrgUnit
from shanhai.partnerships.models import Agreement, Mode, Partnership, Programme, Target

PARTNERSHIP_FIELDS = (
    "programme",
    "supporter",
    "recipient",
    "mode",
    "level",
    "department",
    "started_on",
    "ended_on",
    "baseline_start",
    "baseline_end",
    "description",
)


# --- programmes -------------------------------------------------------------------------------
def _validate_programme(programme: Programme) -> None:
    errors = {}
    if not programme.name.strip():
        errors["name"] = _("Enter a name.")
    if programme.ended_on and programme.ended_on < programme.started_on:
        errors["ended_on"] = _("The programme ends before it starts.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def programme_create(
    *,
    actor: User,
    name: str,
    owner: OrgUnit,
    started_on: date,
    ended_on: date | None = None,
    short_name: str = "",
    description: str = "",
) -> Programme:
    programme = Programme(
        name=name.strip(),
        short_name=short_name.strip(),
        owner=owner,
        started_on=started_on,
        ended_on=ended_on,
        description=description,
    )
    _validate_programme(programme)
    programme.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=programme, after=snapshot(programme), org_unit=owner)
    return programme


@transaction.atomic
def programme_update(*, actor: User, programme: Programme, **changes: Any) -> Programme:
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    before = snapshot(programme)
    for field, value in changes.items():
        setattr(programme, field, value)
    _validate_programme(programme)
    programme.save(update_fields=list(changes))
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=programme,
        before=before,
        after=snapshot(programme),
        org_unit=programme.owner,
    )
    return programme


# --- partnerships -------------------------------------------------------------------------------
def _validate_partnership(p: Partnership) -> None:
    errors: dict[str, str] = {}
    if p.supporter_id and p.supporter_id == p.recipient_id:
        errors["recipient"] = _("The supporting and the receiving organisation must be different.")
    if p.ended_on and p.ended_on < p.started_on:
        errors["ended_on"] = _("The end date (%(end)s) is before the start date (%(start)s).") % {
            "end": p.ended_on,
            "start": p.started_on,
        }
    if bool(p.baseline_start) != bool(p.baseline_end):
        errors["baseline_end"] = _("Give both ends of the baseline window, or neither.")
    elif p.baseline_start and p.baseline_end and p.baseline_end < p.baseline_start:
        errors["baseline_end"] = _("The baseline window ends before it starts.")
    if p.mode == Mode.DEPARTMENT and not p.department_id:
        errors["department"] = _("Choose the department the supporting hospital takes over (以院包科).")
    if p.programme_id and p.programme and p.programme.ended_on and p.started_on > p.programme.ended_on:
        errors["started_on"] = _("The partnership starts after its programme has ended (%(end)s).") % {
            "end": p.programme.ended_on
        }
    if not errors and p.supporter_id and p.recipient_id:
        overlapping = Partnership.objects.filter(supporter_id=p.supporter_id, recipient_id=p.recipient_id, mode=p.mode)
        if p.ended_on:
            overlapping = overlapping.filter(started_on__lte=p.ended_on)
        overlapping = overlapping.exclude(ended_on__lt=p.started_on).exclude(pk=p.pk)
        if p.department_id:
            overlapping = overlapping.filter(department_id=p.department_id)
        if clash := overlapping.first():
            errors["__all__"] = _(
                "%(supporter)s already supports %(recipient)s in this mode from %(start)s; "
                "end that partnership first or change the dates."
            ) % {"supporter": clash.supporter.name, "recipient": clash.recipient.name, "start": clash.started_on}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def partnership_create(
    *,
    actor: User,
    supporter: OrgUnit,
    recipient: OrgUnit,
    mode: str,
    started_on: date,
    programme: Programme | None = None,
    level: str = "institution",
    department: Department | None = None,
    ended_on: date | None = None,
    baseline_start: date | None = None,
    baseline_end: date | None = None,
    description: str = "",
) -> Partnership:
    partnership = Partnership(
        programme=programme,
        supporter=supporter,
        recipient=recipient,
        mode=mode,
        level=level,
        department=department,
        started_on=started_on,
        ended_on=ended_on,
        baseline_start=baseline_start,
        baseline_end=baseline_end,
        description=description,
    )
    _validate_partnership(partnership)
    partnership.save()
    facts.apply([], facts.rows_for(partnership))
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=partnership, after=snapshot(partnership), org_unit=recipient
    )
    return partnership


@transaction.atomic
def partnership_update(*, actor: User, partnership: Partnership, **changes: Any) -> Partnership:
    if unknown := set(changes) - set(PARTNERSHIP_FIELDS):
        raise ValueError(f"not editable: {sorted(unknown)}")
    partnership = Partnership.objects.select_for_update(of=("self",)).select_related("programme").get(pk=partnership.pk)
    before, before_rows = snapshot(partnership), facts.rows_for(partnership)
    for field, value in changes.items():
        setattr(partnership, field, value)
    _validate_partnership(partnership)
    partnership.save(update_fields=list(changes))
    facts.apply(before_rows, facts.rows_for(partnership))
    if "programme" in changes:
        facts.repoint_partnership(partnership.pk, partnership.programme_id)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=partnership,
        before=before,
        after=snapshot(partnership),
        org_unit=partnership.recipient,
    )
    return partnership


@transaction.atomic
def partnership_delete(*, actor: User, partnership: Partnership) -> None:
    """Delete a partnership with nothing credited to it yet (its agreements and targets go too)."""
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    before_rows = list(facts.rows_for(partnership))
    for agreement in partnership.agreements.all():
        before_rows += facts.rows_for(agreement)
    snapshot_before = snapshot(partnership)
    recipient = partnership.recipient
    facts.apply(before_rows, [])
    partnership.delete()
    audit_record(actor=actor, action=AuditAction.DELETE, obj=partnership, before=snapshot_before, org_unit=recipient)


# --- agreements and targets ------------------------------------------------------------------
@transaction.atomic
def agreement_add(
    *, actor: User, partnership: Partnership, title: str, signed_on: date, document: UploadedFile | None = None
) -> Agreement:
    errors = {}
    if not title.strip():
        errors["title"] = _("Enter the agreement's title.")
    if signed_on > clock.today():
        errors["signed_on"] = _("The signing date cannot be in the future.")
    if document is not None and not (document.name or "").lower().endswith(
        (".pdf", ".doc", ".docx", ".jpg", ".jpeg", ".png")
    ):
        errors["document"] = _("Upload a PDF, Word document or image.")
    if errors:
        raise ValidationError(errors)
    agreement = Agreement(partnership=partnership, title=title.strip(), signed_on=signed_on)
    if document is not None:
        agreement.document = document  # type: ignore[assignment]
    agreement.save()
    facts.apply([], facts.rows_for(agreement))
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=agreement, after=snapshot(agreement), org_unit=partnership.recipient
    )
    return agreement


@transaction.atomic
def target_set(
    *, actor: User, partnership: Partnership, indicator: str, value: float, due_on: date, note: str = ""
) -> Target:
    if indicator not in registry.indicators:
        raise ValidationError({"indicator": _("Choose a registered indicator.")})
    target, created = Target.objects.get_or_create(
        partnership=partnership, indicator=indicator, due_on=due_on, defaults={"value": value, "note": note}
    )
    before = {} if created else snapshot(target)
    if not created:
        target.value, target.note = value, note
        target.save(update_fields=["value", "note"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=target,
        before=before,
        after=snapshot(target),
        org_unit=partnership.recipient,
    )
    return target
