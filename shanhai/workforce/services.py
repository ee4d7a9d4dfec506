"""Writes to people: validated, audited (phone numbers masked in the audit diff)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shanhai.accounts.models import User
from shanhai.accounts.scoping import jurisdiction
from shanhai.core import clock
from shanhai.core.audit import audit_record, snapshot
from shanhai.core.models import AuditAction, Department, OrgUnit, OrgUnitKind, ProfessionalTitle
from shanhai.core.periods import month_of
from shanhai.partnerships.models import Partnership, Programme
from shanhai.records.services import record_create, record_delete, record_update
from shanhai.workforce.models import (
    Batch,
    Gender,
    Person,
    Placement,
    PlacementKind,
    Posting,
    PostingLog,
    PostingTerm,
    PostType,
    VisitingTrip,
)

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
PERSON_FIELDS = ("name", "gender", "institution", "department", "title", "phone")


def _validate(person: Person) -> None:
    errors = {}
    if not person.name.strip():
        errors["name"] = _("Enter the person's name.")
    if person.gender not in Gender.values:
        errors["gender"] = _("Choose a gender.")
    if person.institution_id and person.institution.kind in OrgUnitKind.region_kinds():
        errors["institution"] = _("Choose an institution, not a region.")
    if person.phone and not PHONE.match(person.phone.replace(" ", "")):
        errors["phone"] = _("Enter an 11-digit mobile number or a landline such as 0994-1234567.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def person_create(
    *,
    actor: User,
    name: str,
    gender: str,
    institution: OrgUnit,
    department: Department | None = None,
    title: ProfessionalTitle | None = None,
    phone: str = "",
) -> Person:
    person = Person(
        name=name.strip(),
        gender=gender,
        institution=institution,
        department=department,
        title=title,
        phone=phone.replace(" ", ""),
    )
    _validate(person)
    person.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=person, after=snapshot(person), org_unit=institution)
    return person


@transaction.atomic
def person_update(*, actor: User, person: Person, **changes: Any) -> Person:
    if unknown := set(changes) - set(PERSON_FIELDS):
        raise ValueError(f"not editable: {sorted(unknown)}")
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = snapshot(person)
    for field, value in changes.items():
        setattr(person, field, value)
    _validate(person)
    person.save(update_fields=list(changes))
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=person,
        before=before,
        after=snapshot(person),
        org_unit=person.institution,
    )
    return person


# --- assistance records (issue 3): batches, postings, work logs, visiting trips, placements ------------
# Each service validates with messages a user can act on and hands the record to the shared
# ``records.services`` transaction (validate → save → facts → audit). Callers check access first.


def _month_label(month: int) -> str:
    return f"{month // 100}-{month % 100:02d}"


def _end_label(day: date | None) -> str:
    return day.isoformat() if day else _("open end")


def add_months_to(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def min_long_posting_months() -> int:
    return int(getattr(settings, "SHANHAI_MIN_LONG_POSTING_MONTHS", 6))


def posting_is_short(posting: Posting) -> bool:
    """A long-term posting that ended before the configured minimum (a flag, not an error)."""
    if posting.term != PostingTerm.LONG or posting.ended_on is None:
        return False
    return posting.ended_on < add_months_to(posting.started_on, min_long_posting_months()) - timedelta(days=1)


def _in_subtree(unit: OrgUnit | None, root: OrgUnit | None) -> bool:
    return unit is not None and root is not None and unit.path.startswith(root.path)


def _check_period(errors: dict[str, str], started_on: date | None, ended_on: date | None) -> None:
    if started_on and ended_on and ended_on < started_on:
        errors["ended_on"] = _("The end date (%(end)s) is before the start date (%(start)s).") % {
            "end": ended_on,
            "start": started_on,
        }


def _check_within_partnership(errors: dict[str, str], partnership: Partnership | None, started_on: date | None) -> None:
    if partnership is None or started_on is None or "started_on" in errors:
        return
    if started_on < partnership.started_on or (partnership.ended_on and started_on > partnership.ended_on):
        errors["started_on"] = _(
            "The start date (%(start)s) is outside the partnership's period (%(from)s to %(to)s)."
        ) % {"start": started_on, "from": partnership.started_on, "to": _end_label(partnership.ended_on)}


def _check_host(errors: dict[str, str], host: OrgUnit | None, root: OrgUnit | None, side: str) -> None:
    if host is None:
        errors["host"] = _("Choose the host institution.")
    elif host.kind in OrgUnitKind.region_kinds():
        errors["host"] = _("Choose an institution, not a region.")
    elif root is not None and not _in_subtree(host, root):
        errors["host"] = (
            _("%(host)s is not on the receiving side of this partnership (%(root)s or one of its units).")
            if side == "recipient"
            else _("%(host)s is not on the supporting side of this partnership (%(root)s or one of its units).")
        ) % {"host": host.name, "root": root.name}


def _overlapping(queryset: QuerySet[Any], started_on: date, ended_on: date | None) -> QuerySet[Any]:
    if ended_on is not None:
        queryset = queryset.filter(started_on__lte=ended_on)
    return queryset.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=started_on))


# --- batches -------------------------------------------------------------------------------------
BATCH_FIELDS = ("programme", "number", "name", "started_on", "ended_on")


def _validate_batch(batch: Batch) -> None:
    errors: dict[str, str] = {}
    if batch.programme_id is None:
        errors["programme"] = _("Choose the programme.")
    if not batch.number or batch.number < 1:
        errors["number"] = _("Enter the batch number (1 for the first batch).")
    _check_period(errors, batch.started_on, batch.ended_on)
    if batch.programme_id and batch.started_on and batch.started_on < batch.programme.started_on:
        errors["started_on"] = _("The batch starts before its programme (%(start)s).") % {
            "start": batch.programme.started_on
        }
    if not errors:
        clash = Batch.objects.filter(programme_id=batch.programme_id, number=batch.number).exclude(pk=batch.pk)
        if clash.exists():
            errors["number"] = _("%(programme)s already has batch %(number)s.") % {
                "programme": batch.programme.name,
                "number": batch.number,
            }
    if errors:
        raise ValidationError(errors)


def batch_create(
    *,
    actor: User,
    programme: Programme,
    number: int,
    started_on: date,
    name: str = "",
    ended_on: date | None = None,
) -> Batch:
    batch = Batch(
        programme=programme, number=number, name=(name or "").strip(), started_on=started_on, ended_on=ended_on
    )
    return record_create(actor=actor, record=batch, validate=_validate_batch)


def batch_update(*, actor: User, record: Batch, **changes: Any) -> Batch:
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    return record_update(actor=actor, record=record, changes=changes, editable=BATCH_FIELDS, validate=_validate_batch)


def batch_delete(*, actor: User, record: Batch) -> None:
    if count := record.postings.count():
        message = ngettext(
            "%(count)d posting belongs to this batch; move or delete it first.",
            "%(count)d postings belong to this batch; move or delete them first.",
            count,
        ) % {"count": count}
        raise ValidationError({NON_FIELD_ERRORS: message})
    record_delete(actor=actor, record=record)


# --- postings ------------------------------------------------------------------------------------
POSTING_FIELDS = (
    "person",
    "partnership",
    "batch",
    "host",
    "department",
    "post",
    "term",
    "started_on",
    "ended_on",
    "note",
)


def _validate_posting(posting: Posting) -> None:
    errors: dict[str, str] = {}
    partnership = posting.partnership if posting.partnership_id else None
    if posting.person_id is None:
        errors["person"] = _("Choose the expert.")
    if partnership is None:
        errors["partnership"] = _("Choose the partnership the posting is credited to.")
    elif posting.person_id is not None:
        # A posted expert comes from the supporting side: an institution in the supporter's subtree (for a health
        # commission, the region it governs) (issue 14).
        sending = jurisdiction(partnership.supporter)
        institution = posting.person.institution
        if institution is not None and not _in_subtree(institution, sending):
            errors["person"] = _(
                "%(person)s works at %(institution)s, which is not on the supporting side of this partnership "
                "(%(supporter)s or one of its units)."
            ) % {"person": posting.person.name, "institution": institution.name, "supporter": sending.name}
    _check_host(
        errors, posting.host if posting.host_id else None, partnership.recipient if partnership else None, "recipient"
    )
    if posting.post not in PostType.values:
        errors["post"] = _("Choose the post held.")
    if posting.term not in PostingTerm.values:
        errors["term"] = _("Choose long-term or short-term.")
    if posting.started_on is None:
        errors["started_on"] = _("Enter the start date.")
    _check_period(errors, posting.started_on, posting.ended_on)
    _check_within_partnership(errors, partnership, posting.started_on)
    batch = posting.batch if posting.batch_id else None
    if batch is not None and partnership is not None and batch.programme_id != partnership.programme_id:
        errors["batch"] = _("%(batch)s belongs to %(programme)s, not to this partnership's programme.") % {
            "batch": batch,
            "programme": batch.programme.name,
        }
    if not errors:
        others = _overlapping(
            Posting.objects.filter(person_id=posting.person_id).exclude(pk=posting.pk),
            posting.started_on,
            posting.ended_on,
        ).select_related("host")
        if clash := others.order_by("started_on").first():
            errors["started_on"] = _(
                "%(name)s is already posted to %(host)s from %(start)s to %(end)s; postings of one person cannot overlap."
            ) % {
                "name": posting.person.name,
                "host": clash.host.name,
                "start": clash.started_on,
                "end": _end_label(clash.ended_on),
            }
    if not errors and posting.pk:
        first, last = month_of(posting.started_on), month_of(posting.ended_on) if posting.ended_on else None
        outside = posting.logs.filter(Q(month__lt=first) | Q(month__gt=last) if last else Q(month__lt=first))
        months = sorted(outside.values_list("month", flat=True))
        if months:
            errors["started_on"] = _(
                "Work logs exist for months outside these dates (%(months)s); delete those logs first."
            ) % {"months": ", ".join(_month_label(m) for m in months)}
    if errors:
        raise ValidationError(errors)


def _logs_of(posting: Posting) -> Iterable[PostingLog]:
    return list(posting.logs.all())


def posting_create(
    *,
    actor: User,
    person: Person,
    partnership: Partnership,
    host: OrgUnit,
    started_on: date,
    ended_on: date | None = None,
    batch: Batch | None = None,
    department: Department | None = None,
    post: str = PostType.MEMBER,
    term: str = PostingTerm.LONG,
    note: str = "",
) -> Posting:
    posting = Posting(
        person=person,
        partnership=partnership,
        batch=batch,
        host=host,
        department=department,
        post=post or PostType.MEMBER,
        term=term or PostingTerm.LONG,
        started_on=started_on,
        ended_on=ended_on,
        note=(note or "").strip(),
    )
    return record_create(actor=actor, record=posting, validate=_validate_posting)


def posting_update(*, actor: User, record: Posting, **changes: Any) -> Posting:
    return record_update(
        actor=actor,
        record=record,
        changes=changes,
        editable=POSTING_FIELDS,
        validate=_validate_posting,
        dependents=_logs_of,
    )


def posting_delete(*, actor: User, record: Posting) -> None:
    """Delete a posting with its work logs (their facts are withdrawn too)."""
    record_delete(actor=actor, record=record, dependents=_logs_of)


# --- posting work logs ---------------------------------------------------------------------------
LOG_COUNTS = (
    "patients",
    "operations_grade_1",
    "operations_grade_2",
    "operations_grade_3",
    "operations_grade_4",
    "teaching_sessions",
    "consultations",
)
LOG_FIELDS = ("posting", "month", *LOG_COUNTS)


def _validate_log(log: PostingLog) -> None:
    errors: dict[str, str] = {}
    posting = log.posting if log.posting_id else None
    if posting is None:
        errors["posting"] = _("Choose the posting.")
    if not log.month or not 190001 <= log.month <= 299912 or not 1 <= log.month % 100 <= 12:
        errors["month"] = _("Enter the month as 2024-03.")
    elif posting is not None:
        first = month_of(posting.started_on)
        last = month_of(posting.ended_on) if posting.ended_on else month_of(clock.today())
        if not first <= log.month <= last:
            errors["month"] = _("%(month)s is outside the posting (%(first)s to %(last)s).") % {
                "month": _month_label(log.month),
                "first": _month_label(first),
                "last": _month_label(last),
            }
    for name in LOG_COUNTS:
        value = getattr(log, name)
        if value is None or value < 0:
            errors[name] = _("Enter a number not below 0.")
    if not errors:
        clash = PostingLog.objects.filter(posting_id=log.posting_id, month=log.month).exclude(pk=log.pk)
        if clash.exists():
            errors["month"] = _("This posting already has a work log for %(month)s; edit that one instead.") % {
                "month": _month_label(log.month)
            }
    if errors:
        raise ValidationError(errors)


def posting_log_create(
    *,
    actor: User,
    posting: Posting,
    month: int,
    patients: int | None = 0,
    operations_grade_1: int | None = 0,
    operations_grade_2: int | None = 0,
    operations_grade_3: int | None = 0,
    operations_grade_4: int | None = 0,
    teaching_sessions: int | None = 0,
    consultations: int | None = 0,
) -> PostingLog:
    log = PostingLog(
        posting=posting,
        month=month,
        patients=patients or 0,
        operations_grade_1=operations_grade_1 or 0,
        operations_grade_2=operations_grade_2 or 0,
        operations_grade_3=operations_grade_3 or 0,
        operations_grade_4=operations_grade_4 or 0,
        teaching_sessions=teaching_sessions or 0,
        consultations=consultations or 0,
    )
    return record_create(actor=actor, record=log, validate=_validate_log)


def posting_log_update(*, actor: User, record: PostingLog, **changes: Any) -> PostingLog:
    changes = {k: (v or 0) if k in LOG_COUNTS else v for k, v in changes.items()}
    return record_update(actor=actor, record=record, changes=changes, editable=LOG_FIELDS, validate=_validate_log)


def posting_log_delete(*, actor: User, record: PostingLog) -> None:
    record_delete(actor=actor, record=record)


# --- visiting trips ------------------------------------------------------------------------------
TRIP_FIELDS = ("partnership", "host", "started_on", "ended_on", "experts", "purpose")


def _validate_trip(trip: VisitingTrip, experts: list[Person] | None = None) -> None:
    errors: dict[str, str] = {}
    partnership = trip.partnership if trip.partnership_id else None
    if partnership is None:
        errors["partnership"] = _("Choose the partnership the trip is credited to.")
    _check_host(
        errors, trip.host if trip.host_id else None, partnership.recipient if partnership else None, "recipient"
    )
    if trip.started_on is None:
        errors["started_on"] = _("Enter the start date.")
    if trip.ended_on is None:
        errors["ended_on"] = _("Enter the end date.")
    _check_period(errors, trip.started_on, trip.ended_on)
    _check_within_partnership(errors, partnership, trip.started_on)
    if not (trip.purpose or "").strip():
        errors["purpose"] = _("Say what the trip was for (e.g. ward rounds and teaching in cardiology).")
    if experts is not None and not experts:
        errors["experts"] = _("Name at least one visiting expert.")
    if errors:
        raise ValidationError(errors)


def visiting_trip_create(
    *,
    actor: User,
    partnership: Partnership,
    host: OrgUnit,
    started_on: date,
    experts: Iterable[Person],
    purpose: str,
    ended_on: date | None = None,
) -> VisitingTrip:
    people = list(dict.fromkeys(experts or ()))
    trip = VisitingTrip(
        partnership=partnership,
        host=host,
        started_on=started_on,
        ended_on=ended_on or started_on,
        purpose=(purpose or "").strip(),
    )
    return record_create(
        actor=actor, record=trip, validate=lambda t: _validate_trip(t, people), m2m={"experts": people}
    )


def visiting_trip_update(*, actor: User, record: VisitingTrip, **changes: Any) -> VisitingTrip:
    experts = list(dict.fromkeys(changes["experts"])) if "experts" in changes else None
    if experts is not None:
        changes["experts"] = experts
    if "purpose" in changes:
        changes["purpose"] = (changes["purpose"] or "").strip()
    return record_update(
        actor=actor,
        record=record,
        changes=changes,
        editable=TRIP_FIELDS,
        validate=lambda t: _validate_trip(t, experts),
        m2m_fields=("experts",),
    )


def visiting_trip_delete(*, actor: User, record: VisitingTrip) -> None:
    record_delete(actor=actor, record=record)


# --- placements ----------------------------------------------------------------------------------
PLACEMENT_FIELDS = (
    "person",
    "partnership",
    "host",
    "department",
    "kind",
    "started_on",
    "ended_on",
    "after_return",
    "new_post",
)


def _validate_placement(placement: Placement) -> None:
    errors: dict[str, str] = {}
    partnership = placement.partnership if placement.partnership_id else None
    person = placement.person if placement.person_id else None
    if person is None:
        errors["person"] = _("Choose the staff member placed.")
    if partnership is None:
        errors["partnership"] = _("Choose the partnership the placement is credited to.")
    if person is not None and partnership is not None and not _in_subtree(person.institution, partnership.recipient):
        errors["person"] = _(
            "%(name)s works at %(unit)s, not on the receiving side of this partnership (%(recipient)s)."
        ) % {"name": person.name, "unit": person.institution.name, "recipient": partnership.recipient.name}
    _check_host(
        errors,
        placement.host if placement.host_id else None,
        partnership.supporter if partnership else None,
        "supporter",
    )
    if placement.kind not in PlacementKind.values:
        errors["kind"] = _("Choose study (进修) or attachment (挂职).")
    if placement.new_post and placement.new_post not in PostType.values:
        errors["new_post"] = _("Choose the new post, or leave it empty.")
    if placement.started_on is None:
        errors["started_on"] = _("Enter the start date.")
    _check_period(errors, placement.started_on, placement.ended_on)
    _check_within_partnership(errors, partnership, placement.started_on)
    if not errors:
        others = _overlapping(
            Placement.objects.filter(person_id=placement.person_id).exclude(pk=placement.pk),
            placement.started_on,
            placement.ended_on,
        ).select_related("host")
        if clash := others.order_by("started_on").first():
            errors["started_on"] = _(
                "%(name)s is already placed at %(host)s from %(start)s to %(end)s; placements of one person cannot overlap."
            ) % {
                "name": placement.person.name,
                "host": clash.host.name,
                "start": clash.started_on,
                "end": _end_label(clash.ended_on),
            }
    if errors:
        raise ValidationError(errors)


def placement_create(
    *,
    actor: User,
    person: Person,
    partnership: Partnership,
    host: OrgUnit,
    kind: str,
    started_on: date,
    ended_on: date | None = None,
    department: Department | None = None,
    after_return: str = "",
    new_post: str | None = "",
) -> Placement:
    placement = Placement(
        person=person,
        home_id=person.institution_id if person is not None else None,
        partnership=partnership,
        host=host,
        department=department,
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
        after_return=(after_return or "").strip(),
        new_post=new_post or "",
    )
    return record_create(actor=actor, record=placement, validate=_validate_placement)


def placement_update(*, actor: User, record: Placement, **changes: Any) -> Placement:
    if unknown := set(changes) - set(PLACEMENT_FIELDS):
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "person" in changes and changes["person"] is not None:
        changes["home"] = changes["person"].institution
    if "new_post" in changes:
        changes["new_post"] = changes["new_post"] or ""
    if "after_return" in changes:
        changes["after_return"] = (changes["after_return"] or "").strip()
    return record_update(
        actor=actor,
        record=record,
        changes=changes,
        editable=(*PLACEMENT_FIELDS, "home"),
        validate=_validate_placement,
    )


def placement_delete(*, actor: User, record: Placement) -> None:
    record_delete(actor=actor, record=record)
