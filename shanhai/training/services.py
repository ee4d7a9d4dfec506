"""Writes to courses, their sessions and counted groups, mentorships, apprenticeships and milestones.

Every service validates with messages a user can act on and goes through the shared record
transaction (``shanhai.records.services``): validate → save → facts → audit. Callers check access
first (the generic record pages and API do).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shanhai.accounts.models import User
from shanhai.core import clock
from shanhai.core.audit import audit_record, snapshot
from shanhai.core.models import AuditAction, OrgUnit
from shanhai.partnerships.models import Partnership
from shanhai.records.services import record_create, record_delete, record_update
from shanhai.training.models import (
    Apprenticeship,
    Course,
    CourseGroup,
    CourseSession,
    Mentorship,
    MentorshipHandover,
    MentorshipMilestone,
    MilestoneKind,
    Outcome,
)
from shanhai.workforce.models import Person


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _within_partnership(partnership: Partnership | None, day: date | None, field: str, errors: dict[str, str]) -> None:
    if partnership is None or day is None or field in errors:
        return
    if day < partnership.started_on:
        errors[field] = _("This is before the partnership started (%(start)s).") % {"start": partnership.started_on}
    elif partnership.ended_on and day > partnership.ended_on:
        errors[field] = _("This is after the partnership ended (%(end)s).") % {"end": partnership.ended_on}


# --- courses ----------------------------------------------------------------------------------
COURSE_FIELDS = (
    "title",
    "kind",
    "started_on",
    "ended_on",
    "place",
    "organiser",
    "partnership",
    "recipient",
    "hours",
    "trainers",
    "participants",
    "description",
)


def _course_dependents(course: Course) -> Iterable[CourseGroup]:
    return list(course.groups.all()) if course.pk else []


def _validate_course(course: Course, trainers: Iterable[Person] | None, participants: Iterable[Person] | None) -> None:
    errors: dict[str, str] = {}
    if not course.title.strip():
        errors["title"] = _("Enter the course's title.")
    if course.started_on and course.ended_on and course.ended_on < course.started_on:
        errors["ended_on"] = _("The course ends (%(end)s) before it starts (%(start)s).") % {
            "end": course.ended_on,
            "start": course.started_on,
        }
    if course.recipient_id is None:
        errors["recipient"] = _("Choose the trainees' organisation, or a partnership whose recipient it is.")
    if course.hours is None or course.hours < 0:
        errors["hours"] = _("Enter the total training hours (0 or more).")
    _within_partnership(course.partnership, course.started_on, "started_on", errors)
    if trainers is not None and participants is not None:
        both = {p.pk for p in trainers} & {p.pk for p in participants}
        if both:
            names = "、".join(sorted(p.name for p in participants if p.pk in both))
            errors["participants"] = _("%(names)s cannot be both a trainer and a participant.") % {"names": names}
    if course.pk:
        outside = course.sessions.exclude(on__gte=course.started_on, on__lte=course.ended_on).first()
        if outside is not None and "ended_on" not in errors:
            errors["started_on"] = _(
                "The session “%(topic)s” on %(day)s would fall outside the course's dates; move it first."
            ) % {"topic": outside.topic, "day": outside.on}
    _raise(errors)


def course_create(
    *,
    actor: User,
    title: str,
    kind: str,
    started_on: date,
    ended_on: date | None = None,
    organiser: OrgUnit,
    partnership: Partnership | None = None,
    recipient: OrgUnit | None = None,
    place: str = "",
    hours: Decimal | int | float | None = 0,
    trainers: Iterable[Person] = (),
    participants: Iterable[Person] = (),
    description: str = "",
) -> Course:
    """Record a course; ``recipient`` (the trainees' side) defaults to the partnership's recipient."""
    trainers, participants = list(trainers), list(participants)
    if recipient is None and partnership is not None:
        recipient = partnership.recipient
    course = Course(
        title=(title or "").strip(),
        kind=kind,
        started_on=started_on,
        ended_on=ended_on or started_on,
        place=(place or "").strip(),
        organiser=organiser,
        partnership=partnership,
        recipient=recipient,
        hours=Decimal(str(hours if hours is not None else 0)),
        description=description or "",
    )
    return record_create(
        actor=actor,
        record=course,
        validate=lambda c: _validate_course(c, trainers, participants),
        m2m={"trainers": trainers, "participants": participants},
    )


def course_update(*, actor: User, record: Course, **changes: Any) -> Course:
    if "ended_on" in changes and changes["ended_on"] is None:
        changes["ended_on"] = changes.get("started_on", record.started_on)
    if "hours" in changes:
        changes["hours"] = Decimal(str(changes["hours"] if changes["hours"] is not None else 0))
    if "recipient" in changes and changes["recipient"] is None:
        partnership = changes.get("partnership", record.partnership)
        changes["recipient"] = partnership.recipient if partnership is not None else None
    trainers = list(changes["trainers"]) if "trainers" in changes else list(record.trainers.all())
    participants = list(changes["participants"]) if "participants" in changes else list(record.participants.all())
    return record_update(
        actor=actor,
        record=record,
        changes=changes,
        editable=COURSE_FIELDS,
        validate=lambda c: _validate_course(c, trainers, participants),
        m2m_fields=("trainers", "participants"),
        dependents=_course_dependents,
    )


def course_delete(*, actor: User, record: Course) -> None:
    """Delete a course with its sessions and counted groups (their facts are withdrawn too)."""
    record_delete(actor=actor, record=record, dependents=_course_dependents)


# --- sessions ---------------------------------------------------------------------------------
SESSION_FIELDS = ("course", "on", "kind", "topic", "hours", "place")


def _validate_session(session: CourseSession) -> None:
    errors: dict[str, str] = {}
    if not session.topic.strip():
        errors["topic"] = _("Enter the session's topic.")
    course = session.course
    if session.on and not (course.started_on <= session.on <= course.ended_on):
        errors["on"] = _("The session must be within the course's dates (%(start)s – %(end)s).") % {
            "start": course.started_on,
            "end": course.ended_on,
        }
    if session.hours is None or session.hours < 0:
        errors["hours"] = _("Enter the session's hours (0 or more).")
    _raise(errors)


def course_session_create(
    *,
    actor: User,
    course: Course,
    on: date,
    kind: str,
    topic: str,
    hours: Decimal | int | float | None = 0,
    place: str = "",
) -> CourseSession:
    session = CourseSession(
        course=course,
        on=on,
        kind=kind,
        topic=(topic or "").strip(),
        hours=Decimal(str(hours if hours is not None else 0)),
        place=(place or "").strip(),
    )
    return record_create(actor=actor, record=session, validate=_validate_session)


def course_session_update(*, actor: User, record: CourseSession, **changes: Any) -> CourseSession:
    if "hours" in changes:
        changes["hours"] = Decimal(str(changes["hours"] if changes["hours"] is not None else 0))
    return record_update(
        actor=actor, record=record, changes=changes, editable=SESSION_FIELDS, validate=_validate_session
    )


def course_session_delete(*, actor: User, record: CourseSession) -> None:
    record_delete(actor=actor, record=record)


# --- counted groups -----------------------------------------------------------------------------
GROUP_FIELDS = ("course", "institution", "count")


def _validate_group(group: CourseGroup) -> None:
    errors: dict[str, str] = {}
    if group.count is None or group.count < 1:
        errors["count"] = _("Enter how many participants came from this institution (at least 1).")
    clash = CourseGroup.objects.filter(course_id=group.course_id, institution_id=group.institution_id).exclude(
        pk=group.pk
    )
    if group.institution_id and clash.exists():
        errors["institution"] = _("This course already has a group from %(institution)s; change its count instead.") % {
            "institution": group.institution.name
        }
    _raise(errors)


def course_group_create(*, actor: User, course: Course, institution: OrgUnit, count: int) -> CourseGroup:
    group = CourseGroup(course=course, institution=institution, count=count)
    return record_create(actor=actor, record=group, validate=_validate_group)


def course_group_update(*, actor: User, record: CourseGroup, **changes: Any) -> CourseGroup:
    return record_update(actor=actor, record=record, changes=changes, editable=GROUP_FIELDS, validate=_validate_group)


def course_group_delete(*, actor: User, record: CourseGroup) -> None:
    record_delete(actor=actor, record=record)


# --- mentorships --------------------------------------------------------------------------------
MENTORSHIP_FIELDS = ("mentor", "partnership", "started_on", "goals", "apprentices")


def _mentorship_dependents(mentorship: Mentorship) -> Iterable[Apprenticeship]:
    return list(mentorship.apprenticeships.all()) if mentorship.pk else []


def _validate_mentorship(mentorship: Mentorship, apprentices: Iterable[Person] | None) -> None:
    errors: dict[str, str] = {}
    if not (mentorship.goals or "").strip():
        errors["goals"] = _("Describe the techniques the apprentices are to master.")
    _within_partnership(mentorship.partnership, mentorship.started_on, "started_on", errors)
    if apprentices is not None:
        people = list(apprentices)
        if not people:
            errors["apprentices"] = _("Name at least one apprentice.")
        elif mentorship.mentor_id in {p.pk for p in people}:
            errors["apprentices"] = _("The mentor cannot be their own apprentice.")
    if mentorship.pk and mentorship.started_on:
        early = mentorship.apprenticeships.filter(started_on__lt=mentorship.started_on).first()
        if early is not None and "started_on" not in errors:
            errors["started_on"] = _("%(name)s's apprenticeship starts earlier (%(day)s).") % {
                "name": early.apprentice.name,
                "day": early.started_on,
            }
    _raise(errors)


@transaction.atomic
def mentorship_create(
    *,
    actor: User,
    mentor: Person,
    partnership: Partnership,
    started_on: date,
    goals: str,
    apprentices: Iterable[Person],
) -> Mentorship:
    """A mentor takes on one or more apprentices (one apprenticeship each, from ``started_on``)."""
    people = list(dict.fromkeys(apprentices))
    mentorship = Mentorship(mentor=mentor, partnership=partnership, started_on=started_on, goals=(goals or "").strip())
    record_create(actor=actor, record=mentorship, validate=lambda m: _validate_mentorship(m, people))
    for person in people:
        apprenticeship_create(actor=actor, mentorship=mentorship, apprentice=person, started_on=started_on)
    return mentorship


@transaction.atomic
def mentorship_update(*, actor: User, record: Mentorship, **changes: Any) -> Mentorship:
    """Change a mentorship; ``apprentices`` adds pairs for new people and removes pairs with no logbook yet."""
    wanted = list(dict.fromkeys(changes.pop("apprentices"))) if "apprentices" in changes else None
    record = record_update(
        actor=actor,
        record=record,
        changes=changes,
        editable=MENTORSHIP_FIELDS,
        validate=lambda m: _validate_mentorship(m, wanted),
        dependents=_mentorship_dependents,
    )
    if wanted is not None:
        current = {a.apprentice_id: a for a in record.apprenticeships.select_related("apprentice")}
        wanted_ids = {p.pk for p in wanted}
        for person_id, apprenticeship in current.items():
            if person_id in wanted_ids:
                continue
            if apprenticeship.milestones.exists() or apprenticeship.outcome != Outcome.IN_PROGRESS:
                raise ValidationError(
                    {
                        "apprentices": _(
                            "%(name)s already has logbook entries or an outcome; record a withdrawal instead of "
                            "removing them."
                        )
                        % {"name": apprenticeship.apprentice.name}
                    }
                )
            apprenticeship_delete(actor=actor, record=apprenticeship)
        for person in wanted:
            if person.pk not in current:
                apprenticeship_create(
                    actor=actor, mentorship=record, apprentice=person, started_on=max(record.started_on, clock.today())
                )
    return record


def mentorship_delete(*, actor: User, record: Mentorship) -> None:
    """Delete a mentorship with its apprenticeships and logbook (their facts are withdrawn)."""
    record_delete(actor=actor, record=record, dependents=_mentorship_dependents)


@transaction.atomic
def mentorship_hand_over(*, actor: User, record: Mentorship, successor: Person, on: date, note: str = "") -> Mentorship:
    """The mentor leaves: the mentorship and its open apprenticeships continue under ``successor``.

    Keeps the history in a ``MentorshipHandover`` row (audited); the pairs are not interrupted.
    """
    mentorship = Mentorship.objects.select_for_update().select_related("mentor").get(pk=record.pk)
    errors: dict[str, str] = {}
    if successor.pk == mentorship.mentor_id:
        errors["successor"] = _("Choose a successor other than the current mentor.")
    elif mentorship.apprenticeships.filter(apprentice=successor, outcome=Outcome.IN_PROGRESS).exists():
        errors["successor"] = _("%(name)s is an apprentice of this mentorship.") % {"name": successor.name}
    if not mentorship.apprenticeships.filter(outcome=Outcome.IN_PROGRESS).exists():
        errors["__all__"] = _("This mentorship has no apprentice in training left to hand over.")
    last = mentorship.handovers.order_by("-on").first()
    earliest = last.on if last is not None else mentorship.started_on
    if on < earliest:
        errors["on"] = _("The hand-over cannot be before %(day)s.") % {"day": earliest}
    if on > clock.today():
        errors["on"] = _("The hand-over date cannot be in the future.")
    _raise(errors)
    before = snapshot(mentorship)
    handover = MentorshipHandover.objects.create(
        mentorship=mentorship, from_mentor=mentorship.mentor, to_mentor=successor, on=on, note=(note or "").strip()
    )
    mentorship.mentor = successor
    mentorship.save(update_fields=["mentor", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=mentorship,
        before=before,
        after=snapshot(mentorship),
        org_unit=mentorship.partnership.recipient,
        extra={"handover": {"from": handover.from_mentor.name, "to": successor.name, "on": on.isoformat()}},
    )
    return mentorship


# --- apprenticeships ------------------------------------------------------------------------------
APPRENTICESHIP_FIELDS = ("mentorship", "apprentice", "started_on", "outcome", "ended_on", "is_backbone", "backbone_on")


def _validate_apprenticeship(a: Apprenticeship) -> None:
    errors: dict[str, str] = {}
    mentorship = a.mentorship
    if a.started_on and a.started_on < mentorship.started_on:
        errors["started_on"] = _("The apprenticeship cannot start before its mentorship (%(start)s).") % {
            "start": mentorship.started_on
        }
    if a.apprentice_id == mentorship.mentor_id:
        errors["apprentice"] = _("The mentor cannot be their own apprentice.")
    elif Apprenticeship.objects.filter(mentorship=mentorship, apprentice_id=a.apprentice_id).exclude(pk=a.pk).exists():
        errors["apprentice"] = _("%(name)s is already an apprentice of this mentorship.") % {"name": a.apprentice.name}
    if a.outcome == Outcome.IN_PROGRESS:
        if a.ended_on:
            errors["ended_on"] = _("An apprenticeship in progress has no end date; choose its outcome.")
        if a.is_backbone:
            errors["is_backbone"] = _("Only an apprentice who completed can be recorded as a technical backbone.")
    else:
        if not a.ended_on:
            errors["ended_on"] = _("Enter the date the apprenticeship ended.")
        elif a.started_on and a.ended_on < a.started_on:
            errors["ended_on"] = _("The apprenticeship ends (%(end)s) before it starts (%(start)s).") % {
                "end": a.ended_on,
                "start": a.started_on,
            }
        if a.outcome == Outcome.WITHDRAWN and a.is_backbone:
            errors["is_backbone"] = _("Only an apprentice who completed can be recorded as a technical backbone.")
    if a.is_backbone and not a.backbone_on:
        errors["backbone_on"] = _("Enter the date from which %(name)s is a technical backbone.") % {
            "name": a.apprentice.name
        }
    elif a.backbone_on and not a.is_backbone:
        errors["backbone_on"] = _("Leave this empty unless the apprentice is a technical backbone.")
    elif a.backbone_on and a.ended_on and a.backbone_on < a.ended_on:
        errors["backbone_on"] = _("The backbone date cannot be before the apprenticeship was completed (%(day)s).") % {
            "day": a.ended_on
        }
    if a.ended_on and a.ended_on > clock.today():
        errors.setdefault("ended_on", _("The end date cannot be in the future."))
    _raise(errors)


def apprenticeship_create(
    *,
    actor: User,
    mentorship: Mentorship,
    apprentice: Person,
    started_on: date | None = None,
    outcome: str = Outcome.IN_PROGRESS,
    ended_on: date | None = None,
    is_backbone: bool = False,
    backbone_on: date | None = None,
) -> Apprenticeship:
    record = Apprenticeship(
        mentorship=mentorship,
        apprentice=apprentice,
        started_on=started_on or mentorship.started_on,
        outcome=outcome or Outcome.IN_PROGRESS,
        ended_on=ended_on,
        is_backbone=bool(is_backbone),
        backbone_on=backbone_on,
    )
    return record_create(actor=actor, record=record, validate=_validate_apprenticeship)


def apprenticeship_update(*, actor: User, record: Apprenticeship, **changes: Any) -> Apprenticeship:
    if "outcome" in changes and not changes["outcome"]:
        changes["outcome"] = Outcome.IN_PROGRESS
    return record_update(
        actor=actor, record=record, changes=changes, editable=APPRENTICESHIP_FIELDS, validate=_validate_apprenticeship
    )


def apprenticeship_delete(*, actor: User, record: Apprenticeship) -> None:
    record_delete(actor=actor, record=record)


def apprenticeship_complete(
    *, actor: User, record: Apprenticeship, on: date, is_backbone: bool = True
) -> Apprenticeship:
    """The apprentice completes on ``on``; with ``is_backbone`` they count as a technical backbone (技术骨干) from then."""
    if record.outcome != Outcome.IN_PROGRESS:
        raise ValidationError({"__all__": _("This apprenticeship has already ended.")})
    return apprenticeship_update(
        actor=actor,
        record=record,
        outcome=Outcome.COMPLETED,
        ended_on=on,
        is_backbone=is_backbone,
        backbone_on=on if is_backbone else None,
    )


# --- milestones ---------------------------------------------------------------------------------------
MILESTONE_FIELDS = ("apprenticeship", "on", "kind", "cases", "note")


def _validate_milestone(m: MentorshipMilestone) -> None:
    errors: dict[str, str] = {}
    a = m.apprenticeship
    if m.on and m.on < a.started_on:
        errors["on"] = _("This is before the apprenticeship started (%(start)s).") % {"start": a.started_on}
    elif m.on and m.on > clock.today():
        errors["on"] = _("A logbook entry cannot be in the future.")
    if m.kind in {MilestoneKind.SUPERVISED_CASES, MilestoneKind.INDEPENDENT_CASES} and not m.cases:
        errors["cases"] = _("Enter how many cases (at least 1).")
    if m.kind == MilestoneKind.SIGN_OFF:
        other = a.milestones.filter(kind=MilestoneKind.SIGN_OFF).exclude(pk=m.pk)
        if other.exists():
            errors["kind"] = _("This apprentice has already been signed off.")
        elif m.pk is None and a.outcome != Outcome.IN_PROGRESS:
            errors["kind"] = _("This apprenticeship has already ended.")
    _raise(errors)


@transaction.atomic
def mentorship_milestone_create(
    *,
    actor: User,
    apprenticeship: Apprenticeship,
    on: date,
    kind: str,
    cases: int | None = None,
    note: str = "",
) -> MentorshipMilestone:
    """Log a milestone; a sign-off completes the apprenticeship and records a technical backbone that day."""
    milestone = MentorshipMilestone(apprenticeship=apprenticeship, on=on, kind=kind, cases=cases, note=note or "")
    record_create(actor=actor, record=milestone, validate=_validate_milestone)
    if kind == MilestoneKind.SIGN_OFF:
        apprenticeship_complete(actor=actor, record=apprenticeship, on=on, is_backbone=True)
    return milestone


def mentorship_milestone_update(*, actor: User, record: MentorshipMilestone, **changes: Any) -> MentorshipMilestone:
    if record.kind == MilestoneKind.SIGN_OFF and ({"kind", "on", "apprenticeship"} & set(changes)):
        raise ValidationError(
            {"kind": _("Delete this sign-off and record a new one to change its date or apprentice.")}
        )
    return record_update(
        actor=actor, record=record, changes=changes, editable=MILESTONE_FIELDS, validate=_validate_milestone
    )


@transaction.atomic
def mentorship_milestone_delete(*, actor: User, record: MentorshipMilestone) -> None:
    """Delete a logbook entry; deleting the sign-off reopens the apprenticeship it completed."""
    apprenticeship = record.apprenticeship
    is_sign_off = record.kind == MilestoneKind.SIGN_OFF
    record_delete(actor=actor, record=record)
    apprenticeship.refresh_from_db()
    if is_sign_off and apprenticeship.outcome == Outcome.COMPLETED:
        apprenticeship_update(
            actor=actor,
            record=apprenticeship,
            outcome=Outcome.IN_PROGRESS,
            ended_on=None,
            is_backbone=False,
            backbone_on=None,
        )
