"""Consultations: asking, routing, the supporting side's work, the asking side's decision, and the sweep that
reminds and escalates. Every write goes through the records transaction (validate → save → facts → audit), adds an
event to the consultation's history and tells the people concerned (``core.notices``). Callers check that the
actor sees the consultation (``records.access``); these services check what the actor may do to it
(``telehealth.access``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from shanhai.accounts.models import WRITER_ROLES, Membership, User
from shanhai.core import clock
from shanhai.core import working_time as clocks
from shanhai.core.models import Department, OrgUnit
from shanhai.core.notices import notify
from shanhai.imaging.models import ImagingStudy
from shanhai.maternal.models import Pregnancy
from shanhai.partnerships.models import Partnership
from shanhai.records.services import record_create, record_delete, record_update
from shanhai.telehealth.access import in_pool, is_asking_side, is_supporting_side, may_reassign, require
from shanhai.telehealth.models import (
    AWAITING_ANSWER,
    Consultation,
    ConsultationEvent,
    ConsultationPool,
    Decision,
    EventAction,
    Priority,
    ResponseRule,
    Status,
)

Errors = dict[str, str]
MAX_TEXT = 8000


# --- response times ------------------------------------------------------------------------------
def response_rule(partnership: Partnership, priority: str) -> tuple[float, bool]:
    """(hours to answer, counted in working hours?) for a consultation of ``priority`` in ``partnership``."""
    rule = ResponseRule.objects.filter(partnership=partnership, priority=priority).first()
    if rule is not None:
        return float(rule.hours), rule.working_hours
    return _default_rule(priority)


def _default_rule(priority: str) -> tuple[float, bool]:
    hours, working = settings.SHANHAI_CONSULT_RESPONSE[priority]
    return float(hours), bool(working)


def _validate_rule(rule: ResponseRule) -> None:
    errors: Errors = {}
    if rule.priority not in Priority.values:
        errors["priority"] = _("“%(value)s” is not one of the choices.") % {"value": rule.priority}
    if rule.hours is None or not 1 <= rule.hours <= 720:
        errors["hours"] = _("Enter a number of hours from 1 to 720.")
    clash = ResponseRule.objects.filter(partnership=rule.partnership, priority=rule.priority).exclude(pk=rule.pk)
    if rule.partnership_id and clash.exists():
        errors["priority"] = _("This partnership already has a response time for this priority: change that one.")
    if errors:
        raise ValidationError(errors)


def response_rule_create(
    *, actor: User, partnership: Partnership, priority: str, hours: int, working_hours: bool = True
) -> ResponseRule:
    """A partnership's own time to answer consultations of one priority (new requests; due times already given
    stay)."""
    rule = ResponseRule(partnership=partnership, priority=priority, hours=hours, working_hours=working_hours)
    return record_create(actor=actor, record=rule, validate=_validate_rule)


def response_rule_update(*, actor: User, record: ResponseRule, **changes: Any) -> ResponseRule:
    return record_update(
        actor=actor,
        record=record,
        changes=changes,
        editable=("partnership", "priority", "hours", "working_hours"),
        validate=_validate_rule,
    )


def response_rule_delete(*, actor: User, record: ResponseRule) -> None:
    record_delete(actor=actor, record=record)


# --- pools ---------------------------------------------------------------------------------------
def _validate_pool(pool: ConsultationPool, members: Sequence[User] = ()) -> None:
    errors: Errors = {}
    if not (pool.name or "").strip():
        errors["name"] = _("This is required.")
    outside = [u for u in [*members, *([pool.head] if pool.head else [])] if not _works_at(u, pool.institution)]
    if outside:
        errors["members" if any(u in members for u in outside) else "head"] = _(
            "Not at %(institution)s: %(names)s."
        ) % {"institution": pool.institution.name, "names": "、".join(str(u) for u in outside)}
    if errors:
        raise ValidationError(errors)


def pool_create(
    *,
    actor: User,
    institution: OrgUnit,
    name: str,
    department: Department | None = None,
    head: User | None = None,
    members: Sequence[User] = (),
) -> ConsultationPool:
    """A department's consultation group at a supporting institution; its head and members work there."""
    pool = ConsultationPool(institution=institution, name=(name or "").strip(), department=department, head=head)
    return record_create(
        actor=actor, record=pool, validate=lambda p: _validate_pool(p, members), m2m={"members": members}
    )


def pool_update(*, actor: User, record: ConsultationPool, **changes: Any) -> ConsultationPool:
    members = changes.get("members", list(record.members.all()))
    return record_update(
        actor=actor,
        record=record,
        changes=changes,
        editable=("institution", "name", "department", "head", "members"),
        validate=lambda p: _validate_pool(p, members),
        m2m_fields=("members",),
    )


def pool_delete(*, actor: User, record: ConsultationPool) -> None:
    if record.consultations.exists():
        raise ValidationError(_("Consultations went to this pool: it is kept for their history."))
    record_delete(actor=actor, record=record)


def _timing(consultation: Consultation) -> tuple[float, bool]:
    return response_rule(consultation.partnership, consultation.priority)


# --- numbers -------------------------------------------------------------------------------------
def next_number(year: int) -> str:
    """HZ-<year>-<5-digit sequence>: the year's highest number plus one."""
    prefix = f"HZ-{year}-"
    last = (
        Consultation.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{int(last.removeprefix(prefix)) + 1 if last else 1:05d}"


# --- validation ----------------------------------------------------------------------------------
def _within(unit: OrgUnit | None, root: OrgUnit) -> bool:
    return unit is not None and unit.path.startswith(root.path)


def _validate(consultation: Consultation) -> None:
    errors: Errors = {}
    partnership = consultation.partnership
    if not _within(consultation.requesting_unit, partnership.recipient):
        errors["requesting_unit"] = _(
            "The asking institution must be the partnership's recipient %(recipient)s or one of its units."
        ) % {"recipient": partnership.recipient.name}
    if consultation.priority not in Priority.values:
        errors["priority"] = _("“%(value)s” is not one of the choices.") % {"value": consultation.priority}
    if not (consultation.question or "").strip():
        errors["question"] = _("Write the question for the experts.")
    if consultation.pool is not None and not _within(consultation.pool.institution, partnership.supporter):
        errors["pool"] = _("This pool is not at the partnership's supporting institution %(supporter)s.") % {
            "supporter": partnership.supporter.name
        }
    if consultation.expert is not None and not (
        in_pool(consultation.expert, consultation.pool) or _works_at(consultation.expert, partnership.supporter)
    ):
        errors["expert"] = _("This expert is neither in the pool nor at the supporting institution %(supporter)s.") % {
            "supporter": partnership.supporter.name
        }
    if consultation.pool is None and consultation.expert is None:
        errors["pool"] = _("Choose the pool or the expert the request goes to.")
    if consultation.patient_age is not None and not 0 <= consultation.patient_age <= 120:
        errors["patient_age"] = _("Enter an age from 0 to 120.")
    if consultation.patient_sex not in ("", "female", "male"):
        errors["patient_sex"] = _("“%(value)s” is not one of the choices.") % {"value": consultation.patient_sex}
    if consultation.requested_at and consultation.requested_at > clock.now():
        errors["requested_at"] = _("The time cannot be in the future.")
    if errors:
        raise ValidationError(errors)


def _works_at(user: User, unit: OrgUnit) -> bool:
    return Membership.objects.filter(user=user, org_unit__path__startswith=unit.path).exists()


def _check_studies(studies: Sequence[ImagingStudy], partnership: Partnership) -> None:
    for study in studies:
        if not (_within(study.site, partnership.recipient) or study.partnership_id == partnership.pk):
            raise ValidationError(
                {"studies": _("Study %(study)s was not made at the partnership's recipient.") % {"study": study}}
            )


def default_pool(partnership: Partnership, department: Department | None) -> ConsultationPool | None:
    """The supporting institution's pool of the department, or its only pool."""
    pools = ConsultationPool.objects.filter(institution__path__startswith=partnership.supporter.path)
    if department is not None and (match := pools.filter(department=department).first()) is not None:
        return match
    return pools.first() if pools.count() == 1 else None


# --- asking --------------------------------------------------------------------------------------
def consultation_create(
    *,
    actor: User,
    partnership: Partnership,
    requesting_unit: OrgUnit,
    question: str,
    priority: str = Priority.ROUTINE,
    summary: str = "",
    department: Department | None = None,
    pool: ConsultationPool | None = None,
    expert: User | None = None,
    pregnancy: Pregnancy | None = None,
    patient_sex: str = "",
    patient_age: int | None = None,
    studies: Sequence[ImagingStudy] = (),
    requested_at: datetime | None = None,
) -> Consultation:
    """Ask: the request goes to ``pool`` or ``expert`` (the department's pool when neither is given); due by the
    partnership's response time for the priority. ``requested_at`` (default now) lets past requests be entered."""
    if pool is None and expert is None:
        pool = default_pool(partnership, department)
    at = requested_at or clock.now()
    consultation = Consultation(
        partnership=partnership,
        requesting_unit=requesting_unit,
        requested_by=actor,
        priority=priority,
        department=department,
        pool=pool,
        expert=expert,
        question=(question or "").strip()[:MAX_TEXT],
        summary=(summary or "").strip()[:MAX_TEXT],
        pregnancy=pregnancy,
        patient_sex=patient_sex or "",
        patient_age=patient_age,
        requested_at=at,
        requested_on=at.astimezone(clocks.ZONE).date(),
        status=Status.REQUESTED,
    )
    _check_studies(studies, partnership)
    if priority in Priority.values:
        hours, working = response_rule(partnership, priority)
        consultation.due_at = clocks.due_at(at, hours, working=working)
    for attempt in range(5):
        consultation.number = next_number(at.astimezone(clocks.ZONE).year)
        try:
            with transaction.atomic():
                record_create(actor=actor, record=consultation, validate=_validate, m2m={"studies": studies})
                _event(consultation, actor, EventAction.REQUEST, "", Status.REQUESTED, at=at)
                break
        except IntegrityError:
            if attempt == 4 or Consultation.objects.filter(number=consultation.number).count() == 0:
                raise
            consultation.pk = None
    _tell(
        _supporting_people(consultation),
        consultation,
        gettext_noop("New consultation request %(number)s"),
        kind="consultation.requested",
    )
    return consultation


def consultation_update(*, actor: User, record: Consultation, **changes: Any) -> Consultation:
    """The asking side corrects its request while nobody has taken it up."""
    require(is_asking_side(actor, record))
    if record.status != Status.REQUESTED:
        raise ValidationError(_("Only a request nobody has taken up yet can be changed."))
    studies = changes.pop("studies", None)
    if studies is not None:
        _check_studies(list(studies), changes.get("partnership", record.partnership))
        changes["studies"] = studies
    editable: tuple[str, ...] = (
        "priority",
        "department",
        "pool",
        "expert",
        "question",
        "summary",
        "pregnancy",
        "patient_sex",
        "patient_age",
        "studies",
    )
    if "priority" in changes and changes["priority"] != record.priority:
        hours, working = response_rule(record.partnership, changes["priority"])
        changes["due_at"] = clocks.due_at(record.requested_at, hours, working=working)
        editable = (*editable, "due_at")
    return record_update(
        actor=actor, record=record, changes=changes, editable=editable, validate=_validate, m2m_fields=("studies",)
    )


def consultation_delete(*, actor: User, record: Consultation) -> None:
    """Only a request nobody has taken up may be deleted (entered by mistake); later ones are cancelled or closed."""
    require(is_asking_side(actor, record))
    if record.status != Status.REQUESTED:
        raise ValidationError(_("A consultation that was taken up is kept: cancel or close it instead."))
    record_delete(actor=actor, record=record, dependents=None)


# --- the workflow --------------------------------------------------------------------------------
def _transition(
    actor: User | None,
    consultation: Consultation,
    *,
    allowed_from: Iterable[str],
    action: str,
    to_status: str | None,
    changes: dict[str, Any] | None = None,
    note: str = "",
    at: datetime | None = None,
    validate: Callable[[Consultation], None] = lambda c: None,
) -> Consultation:
    """Move the consultation on, under a row lock (a state changed meanwhile by someone else is refused);
    ``validate`` checks the consultation as changed, before it is saved."""
    at = at or clock.now()
    with transaction.atomic():
        current = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if current.status not in set(allowed_from):
            raise ValidationError(
                _("This consultation is now “%(status)s”: reload the page to see what changed.")
                % {"status": current.get_status_display()}
            )
        from_status = current.status
        changes = dict(changes or {})
        if to_status is not None:
            changes["status"] = to_status
        current = record_update(
            actor=actor,  # type: ignore[arg-type]
            record=current,
            changes=changes,
            editable=list(changes),
            validate=validate,
        )
        _event(current, actor, action, from_status, current.status, at=at, note=note)
    return current


def _event(
    consultation: Consultation,
    actor: User | None,
    action: str,
    from_status: str,
    to_status: str,
    *,
    at: datetime,
    note: str = "",
) -> ConsultationEvent:
    return ConsultationEvent.objects.create(
        consultation=consultation,
        at=at,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        pool=consultation.pool,
        expert=consultation.expert,
        note=note[:2000],
    )


def consultation_accept(*, actor: User, consultation: Consultation, at: datetime | None = None) -> Consultation:
    require(is_supporting_side(actor, consultation))
    at = at or clock.now()
    changes: dict[str, Any] = {"accepted_at": at}
    if consultation.expert_id is None:
        changes["expert"] = actor  # who takes it up from the pool answers it
    done = _transition(
        actor,
        consultation,
        allowed_from=[Status.REQUESTED],
        action=EventAction.ACCEPT,
        to_status=Status.ACCEPTED,
        changes=changes,
        at=at,
    )
    _tell([done.requested_by], done, gettext_noop("Consultation %(number)s was accepted"), kind="consultation.accepted")
    return done


def consultation_decline(*, actor: User, consultation: Consultation, reason: str) -> Consultation:
    require(is_supporting_side(actor, consultation))
    reason = " ".join((reason or "").split())
    if len(reason) < 2:
        raise ValidationError({"reason": _("Say why the request is declined.")})
    done = _transition(
        actor,
        consultation,
        allowed_from=[Status.REQUESTED, Status.ACCEPTED],
        action=EventAction.DECLINE,
        to_status=Status.DECLINED,
        changes={"decline_reason": reason[:2000], "closed_at": clock.now()},
        note=reason,
    )
    _tell([done.requested_by], done, gettext_noop("Consultation %(number)s was declined"), kind="consultation.declined")
    return done


def consultation_start(*, actor: User, consultation: Consultation) -> Consultation:
    require(is_supporting_side(actor, consultation))
    changes: dict[str, Any] = {}
    if consultation.accepted_at is None:
        changes["accepted_at"] = clock.now()
    if consultation.expert_id is None:
        changes["expert"] = actor
    return _transition(
        actor,
        consultation,
        allowed_from=[Status.REQUESTED, Status.ACCEPTED],
        action=EventAction.START,
        to_status=Status.IN_PROGRESS,
        changes=changes,
    )


def consultation_reassign(
    *,
    actor: User,
    consultation: Consultation,
    pool: ConsultationPool | None = None,
    expert: User | None = None,
    note: str = "",
) -> Consultation:
    """Hand the request to another pool or expert of the supporting side; the history keeps who had it."""
    require(may_reassign(actor, consultation))
    if pool is None and expert is None:
        raise ValidationError({"expert": _("Choose the pool or the expert the request goes to.")})
    done = _transition(
        actor,
        consultation,
        allowed_from=AWAITING_ANSWER,
        action=EventAction.REASSIGN,
        to_status=Status.REQUESTED,
        changes={"pool": pool or consultation.pool, "expert": expert, "accepted_at": None},
        note=note,
        validate=_validate,
    )
    _tell(
        _supporting_people(done),
        done,
        gettext_noop("Consultation request %(number)s was passed to you"),
        kind="consultation.reassigned",
        key=f"consultation:{done.pk}:reassigned:{done.events.count()}",
    )
    return done


def consultation_answer(
    *, actor: User, consultation: Consultation, answer: str, at: datetime | None = None
) -> Consultation:
    """The supporting side's answer (advice, not an order: the treating hospital decides). Stops the clock."""
    require(is_supporting_side(actor, consultation))
    answer = (answer or "").strip()
    if len(answer) < 2:
        raise ValidationError({"answer": _("Write the answer.")})
    at = at or clock.now()
    _hours, working = _timing(consultation)
    changes: dict[str, Any] = {
        "answer": answer[:MAX_TEXT],
        "answered_by": actor,
        "answered_at": at,
        "answered_on": at.astimezone(clocks.ZONE).date(),
        "turnaround_hours": round(clocks.elapsed_hours(consultation.requested_at, at, working=working), 2),
        "answered_in_time": at <= consultation.due_at,
    }
    if consultation.accepted_at is None:
        changes["accepted_at"] = at
    if consultation.expert_id is None:
        changes["expert"] = actor
    done = _transition(
        actor,
        consultation,
        allowed_from=AWAITING_ANSWER,
        action=EventAction.ANSWER,
        to_status=Status.ANSWERED,
        changes=changes,
        at=at,
    )
    _tell([done.requested_by], done, gettext_noop("Consultation %(number)s was answered"), kind="consultation.answered")
    return done


def consultation_decide(
    *, actor: User, consultation: Consultation, decision: str, note: str = "", at: datetime | None = None
) -> Consultation:
    """The asking side records what it did with the advice: adopted, adopted with changes, not adopted."""
    require(is_asking_side(actor, consultation))
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose what was done with the advice.")})
    if decision != Decision.ADOPTED and len((note or "").strip()) < 2:
        raise ValidationError({"note": _("Say what was changed or why the advice was not followed.")})
    done = _transition(
        actor,
        consultation,
        allowed_from=[Status.ANSWERED],
        action=EventAction.DECIDE,
        to_status=Status.DECIDED,
        changes={"decision": decision, "decision_note": (note or "").strip()[:2000], "decided_at": at or clock.now()},
        note=note,
        at=at,
    )
    _tell(
        [done.answered_by, done.expert],
        done,
        gettext_noop("The asking side recorded its decision on consultation %(number)s"),
        kind="consultation.decided",
    )
    return done


def consultation_close(*, actor: User, consultation: Consultation) -> Consultation:
    require(is_asking_side(actor, consultation))
    return _transition(
        actor,
        consultation,
        allowed_from=[Status.DECIDED, Status.ANSWERED],
        action=EventAction.CLOSE,
        to_status=Status.CLOSED,
        changes={"closed_at": clock.now()},
    )


def consultation_cancel(*, actor: User, consultation: Consultation, reason: str) -> Consultation:
    require(is_asking_side(actor, consultation))
    reason = " ".join((reason or "").split())
    if len(reason) < 2:
        raise ValidationError({"reason": _("Say why the request is cancelled.")})
    done = _transition(
        actor,
        consultation,
        allowed_from=AWAITING_ANSWER,
        action=EventAction.CANCEL,
        to_status=Status.CANCELLED,
        changes={"closed_at": clock.now()},
        note=reason,
    )
    _tell(
        _supporting_people(done),
        done,
        gettext_noop("Consultation %(number)s was cancelled"),
        kind="consultation.cancelled",
    )
    return done


# --- reminders and escalation --------------------------------------------------------------------
def sweep(now: datetime | None = None) -> dict[str, int]:
    """Tell the supporting side when a request nears its due time (``SHANHAI_CONSULT_REMIND_AT`` of the time to
    answer gone) and escalate it to its pool's head (or the supporting institution's administrators) once it
    is overdue — each once. Safe to run as often as wanted (``shanhai consultations_sweep``; pages run it at
    most once a minute)."""
    now = now or clock.now()
    counts = {"reminded": 0, "escalated": 0}
    open_ = Consultation.objects.filter(status__in=AWAITING_ANSWER, escalated_at__isnull=True).select_related(
        "partnership__supporter", "pool__head", "expert", "requested_by"
    )
    rules = {
        (r.partnership_id, r.priority): (float(r.hours), r.working_hours)
        for r in ResponseRule.objects.filter(partnership__in=open_.values("partnership"))
    }
    for consultation in open_:
        hours, working = rules.get(
            (consultation.partnership_id, consultation.priority), _default_rule(consultation.priority)
        )
        if consultation.due_at <= now:
            with transaction.atomic():
                updated = Consultation.objects.filter(pk=consultation.pk, escalated_at__isnull=True).update(
                    escalated_at=now
                )
                if not updated:
                    continue
                _event(consultation, None, EventAction.ESCALATE, consultation.status, consultation.status, at=now)
            heads = (
                [consultation.pool.head]
                if consultation.pool and consultation.pool.head
                else _supporting_admins(consultation)
            )
            _tell(
                [*heads, consultation.expert],
                consultation,
                gettext_noop("Consultation %(number)s is overdue"),
                kind="consultation.overdue",
                key=f"consultation:{consultation.pk}:overdue",
            )
            counts["escalated"] += 1
            continue
        remind_at = clocks.due_at(
            consultation.requested_at, hours * settings.SHANHAI_CONSULT_REMIND_AT, working=working
        )
        if remind_at <= now:
            written = _tell(
                _supporting_people(consultation),
                consultation,
                gettext_noop("Consultation %(number)s is due soon"),
                kind="consultation.due_soon",
                key=f"consultation:{consultation.pk}:due-soon",
            )
            counts["reminded"] += bool(written)
    return counts


# --- who is told ---------------------------------------------------------------------------------
def _supporting_people(consultation: Consultation) -> list[User]:
    if consultation.expert is not None:
        return [consultation.expert]
    if consultation.pool is not None:
        members = list(consultation.pool.members.all())
        return members + ([consultation.pool.head] if consultation.pool.head else [])
    return _supporting_admins(consultation)


def _supporting_admins(consultation: Consultation) -> list[User]:
    supporter = consultation.partnership.supporter
    return list(
        User.objects.filter(
            memberships__org_unit=supporter, memberships__role__in=WRITER_ROLES, is_active=True
        ).distinct()
    )


def _tell(
    users: Iterable[User | None], consultation: Consultation, title: str, *, kind: str, key: str = ""
) -> list[Any]:
    """Notices in the site's language (the title names the consultation by number only)."""
    url = reverse("records:detail", kwargs={"kind": "consultations", "public_id": consultation.public_id})
    text = _(title) % {"number": consultation.number}
    return notify(users, kind=kind, title=text, url=url, obj=consultation, key=key)


# --- one entry for the workflow's actions (pages and API) ------------------------------------------
ACTIONS = ("accept", "decline", "start", "answer", "reassign", "decide", "close", "cancel")


def consultation_act(
    *,
    actor: User,
    consultation: Consultation,
    action: str,
    reason: str = "",
    answer: str = "",
    decision: str = "",
    note: str = "",
    pool: ConsultationPool | None = None,
    expert: User | None = None,
) -> Consultation:
    """Do one of ``ACTIONS`` with the fields it takes (the others are ignored)."""
    if action == "accept":
        return consultation_accept(actor=actor, consultation=consultation)
    if action == "start":
        return consultation_start(actor=actor, consultation=consultation)
    if action == "close":
        return consultation_close(actor=actor, consultation=consultation)
    if action == "decline":
        return consultation_decline(actor=actor, consultation=consultation, reason=reason)
    if action == "cancel":
        return consultation_cancel(actor=actor, consultation=consultation, reason=reason)
    if action == "answer":
        return consultation_answer(actor=actor, consultation=consultation, answer=answer)
    if action == "decide":
        return consultation_decide(actor=actor, consultation=consultation, decision=decision, note=note)
    if action == "reassign":
        return consultation_reassign(actor=actor, consultation=consultation, pool=pool, expert=expert, note=note)
    raise ValueError(f"unknown action {action!r}")
