"""Writes to case discussions: series and the sessions they schedule, sessions, their cases, attendance and
follow-up actions. Every write goes through the records transaction (validate → save → facts → audit); callers
check access first (``records.access``). A session's facts depend on its status, so a change of the session
re-applies its cases' and attendance's facts (``dependents``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shanhai.accounts.models import User
from shanhai.analytics import facts
from shanhai.capacity.models import SpecialtyUnit
from shanhai.core import clock
from shanhai.core.audit import audit_record
from shanhai.core.models import AuditAction, Department, OrgUnit
from shanhai.maternal.models import Pregnancy
from shanhai.partnerships.models import Partnership
from shanhai.records.services import record_create, record_delete, record_update
from shanhai.telehealth.models import (
    CaseDiscussion,
    Consultation,
    DiscussedCase,
    DiscussionAttendance,
    DiscussionKind,
    DiscussionSeries,
    DiscussionStatus,
    FollowUpAction,
    Recurrence,
    Side,
)
from shanhai.workforce.models import Person

Errors = dict[str, str]
#: How many sessions "schedule the next sessions" creates, and a new series creates at once.
SCHEDULE_AHEAD = 4
#: A series never schedules more than this many sessions in one go.
SCHEDULE_MAX = 52


# --- shared rules ------------------------------------------------------------------------------------
def _within(unit: OrgUnit | None, root: OrgUnit) -> bool:
    return unit is not None and unit.path.startswith(root.path)


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _check_sides(errors: Errors, partnership: Partnership, host: OrgUnit | None, recipient: OrgUnit | None) -> None:
    if host is not None and not _within(host, partnership.supporter):
        errors["host"] = _(
            "The host must be %(supporter)s, the partnership's supporting side, or one of its units."
        ) % {"supporter": partnership.supporter.name}
    if recipient is not None and not _within(recipient, partnership.recipient):
        errors["recipient"] = _(
            "The participating institution must be %(recipient)s, the partnership's recipient, or one of its units."
        ) % {"recipient": partnership.recipient.name}


def _check_times(errors: Errors, start: time | None, end: time | None) -> None:
    if start is None:
        errors["start_time"] = _("This is required.")
    if end is None:
        errors["end_time"] = _("This is required.")
    if start is not None and end is not None and end <= start:
        errors["end_time"] = _("The end time must be after the start time.")


def _check_in_partnership(errors: Errors, field: str, day: date, partnership: Partnership) -> None:
    if day < partnership.started_on:
        errors[field] = _("The partnership starts on %(start)s; the date cannot be earlier.") % {
            "start": partnership.started_on
        }
    elif partnership.ended_on and day > partnership.ended_on:
        errors[field] = _("The partnership ended on %(end)s; the date cannot be later.") % {"end": partnership.ended_on}


def _check_choice(errors: Errors, field: str, value: Any, choices: Iterable[Any]) -> None:
    if value not in list(choices):
        errors[field] = _("“%(value)s” is not one of the choices.") % {"value": value}


# --- recurrence ----------------------------------------------------------------------------------------
def _first_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The ``nth`` (1–4) ``weekday`` of a month."""
    first = _first_on_or_after(date(year, month, 1), weekday)
    return first + timedelta(weeks=nth - 1)


def occurrences(series: DiscussionSeries, *, after: date, count: int) -> list[date]:
    """The next ``count`` session dates of a series strictly after ``after``, within its dates and its
    partnership's. Weekly and every two weeks count from the first session day on or after ``starts_on`` (so
    fortnights keep their rhythm); monthly is the same weekday of the same week of each month as that first
    day (the 2nd Thursday…; a 5th becomes the 4th)."""
    anchor = _first_on_or_after(series.starts_on, series.weekday)
    last = min(d for d in (series.ends_on, series.partnership.ended_on, date.max) if d is not None)
    found: list[date] = []
    if series.recurrence == Recurrence.MONTHLY:
        nth = min((anchor.day - 1) // 7 + 1, 4)
        year, month = anchor.year, anchor.month
        while len(found) < count:
            day = _nth_weekday(year, month, series.weekday, nth)
            if day > last:
                break
            if day > after and day >= anchor:
                found.append(day)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found
    step = timedelta(weeks=2 if series.recurrence == Recurrence.BIWEEKLY else 1)
    day = anchor
    if after >= anchor:
        day = anchor + step * ((after - anchor) // step + 1)
    while len(found) < count and day <= last:
        found.append(day)
        day += step
    return found


# --- series --------------------------------------------------------------------------------------------
SERIES_FIELDS = (
    "title",
    "partnership",
    "studio",
    "host",
    "recipient",
    "kind",
    "recurrence",
    "weekday",
    "start_time",
    "end_time",
    "starts_on",
    "ends_on",
    "description",
)


def _validate_series(series: DiscussionSeries) -> None:
    errors: Errors = {}
    partnership = series.partnership
    _check_sides(errors, partnership, series.host, series.recipient)
    _check_choice(errors, "kind", series.kind, DiscussionKind.values)
    _check_choice(errors, "recurrence", series.recurrence, Recurrence.values)
    _check_choice(errors, "weekday", series.weekday, range(7))
    _check_times(errors, series.start_time, series.end_time)
    if series.starts_on is None:
        errors["starts_on"] = _("This is required.")
    else:
        _check_in_partnership(errors, "starts_on", series.starts_on, partnership)
        if series.ends_on is not None and series.ends_on < series.starts_on:
            errors["ends_on"] = _("The end cannot be before the start.")
    if series.studio is not None and series.studio.partnership_id != partnership.pk:
        errors["studio"] = _("The expert studio must have been set up under the same partnership.")
    if not (series.title or "").strip():
        errors["title"] = _("This is required.")
    _raise(errors)


def series_create(
    *,
    actor: User,
    title: str,
    partnership: Partnership,
    recurrence: str,
    weekday: int,
    start_time: time,
    end_time: time,
    starts_on: date,
    host: OrgUnit | None = None,
    recipient: OrgUnit | None = None,
    kind: str = DiscussionKind.CASE_DISCUSSION,
    ends_on: date | None = None,
    studio: SpecialtyUnit | None = None,
    description: str = "",
    schedule: int = SCHEDULE_AHEAD,
) -> DiscussionSeries:
    """A new series, and its next ``schedule`` sessions (from today or its start, whichever is later)."""
    series = DiscussionSeries(
        title=(title or "").strip(),
        partnership=partnership,
        studio=studio,
        host=host or partnership.supporter,
        recipient=recipient or partnership.recipient,
        kind=kind,
        recurrence=recurrence,
        weekday=int(weekday),
        start_time=start_time,
        end_time=end_time,
        starts_on=starts_on,
        ends_on=ends_on,
        description=(description or "").strip(),
    )
    with transaction.atomic():
        series = record_create(actor=actor, record=series, validate=_validate_series)
        if schedule:
            series_schedule_next(actor=actor, series=series, count=schedule)
    return series


def series_update(*, actor: User, record: DiscussionSeries, **changes: Any) -> DiscussionSeries:
    if "weekday" in changes and changes["weekday"] is not None:
        changes["weekday"] = int(changes["weekday"])
    return record_update(actor=actor, record=record, changes=changes, editable=SERIES_FIELDS, validate=_validate_series)


def series_delete(*, actor: User, record: DiscussionSeries) -> None:
    """Deletes the series; its sessions stay, without a series."""
    record_delete(actor=actor, record=record)


def series_schedule_next(*, actor: User, series: DiscussionSeries, count: int = SCHEDULE_AHEAD) -> list[CaseDiscussion]:
    """Schedule the series' next ``count`` sessions after its last one (or after yesterday, if later)."""
    if not 1 <= count <= SCHEDULE_MAX:
        raise ValidationError(_("Schedule from 1 to %(maximum)s sessions at a time.") % {"maximum": SCHEDULE_MAX})
    last = series.sessions.order_by("-scheduled_on").values_list("scheduled_on", flat=True).first()
    after = max(d for d in (last, clock.today() - timedelta(days=1), series.starts_on - timedelta(days=1)) if d)
    days = occurrences(series, after=after, count=count)
    if not days:
        raise ValidationError(_("The series has no session day left within its dates and its partnership's."))
    with transaction.atomic():
        return [
            discussion_create(
                actor=actor,
                partnership=series.partnership,
                series=series,
                host=series.host,
                recipient=series.recipient,
                kind=series.kind,
                scheduled_on=day,
                start_time=series.start_time,
                end_time=series.end_time,
                topic=series.title,
            )
            for day in days
        ]


# --- sessions --------------------------------------------------------------------------------------------
DISCUSSION_FIELDS = (
    "partnership",
    "series",
    "host",
    "recipient",
    "other_institutions",
    "kind",
    "scheduled_on",
    "start_time",
    "end_time",
    "status",
    "topic",
    "minutes",
)


def _validate_discussion(discussion: CaseDiscussion) -> None:
    errors: Errors = {}
    partnership = discussion.partnership
    _check_sides(errors, partnership, discussion.host, discussion.recipient)
    _check_choice(errors, "kind", discussion.kind, DiscussionKind.values)
    _check_choice(errors, "status", discussion.status, DiscussionStatus.values)
    _check_times(errors, discussion.start_time, discussion.end_time)
    if discussion.scheduled_on is None:
        errors["scheduled_on"] = _("This is required.")
    else:
        _check_in_partnership(errors, "scheduled_on", discussion.scheduled_on, partnership)
        if discussion.status == DiscussionStatus.HELD and discussion.scheduled_on > clock.today():
            errors["status"] = _("A session on a later day cannot have been held yet.")
    if discussion.series is not None and discussion.series.partnership_id != partnership.pk:
        errors["series"] = _("The series belongs to another partnership.")
    if len(discussion.minutes or "") > 20000:
        errors["minutes"] = _("At most %(count)d characters.") % {"count": 20000}
    _raise(errors)


def _check_others(host: OrgUnit, recipient: OrgUnit, others: Sequence[OrgUnit]) -> None:
    if twice := [u.name for u in others if u.pk in {host.pk, recipient.pk}]:
        raise ValidationError(
            {
                "other_institutions": _("Already host or participating institution: %(names)s.")
                % {"names": "、".join(twice)}
            }
        )


def _children(discussion: CaseDiscussion) -> list[Any]:
    """The rows whose facts follow the session's status and month."""
    return [*discussion.cases.all(), *discussion.attendance.all()]


def discussion_create(
    *,
    actor: User,
    partnership: Partnership,
    scheduled_on: date,
    start_time: time,
    end_time: time,
    host: OrgUnit | None = None,
    recipient: OrgUnit | None = None,
    other_institutions: Sequence[OrgUnit] = (),
    kind: str = DiscussionKind.CASE_DISCUSSION,
    status: str = DiscussionStatus.SCHEDULED,
    topic: str = "",
    minutes: str = "",
    series: DiscussionSeries | None = None,
) -> CaseDiscussion:
    discussion = CaseDiscussion(
        partnership=partnership,
        series=series,
        host=host or partnership.supporter,
        recipient=recipient or partnership.recipient,
        kind=kind or DiscussionKind.CASE_DISCUSSION,
        scheduled_on=scheduled_on,
        start_time=start_time,
        end_time=end_time,
        status=status or DiscussionStatus.SCHEDULED,
        topic=(topic or "").strip(),
        minutes=(minutes or "").strip(),
    )
    others = list(other_institutions or [])
    _check_others(discussion.host, discussion.recipient, others)
    if series is not None and CaseDiscussion.objects.filter(series=series, scheduled_on=scheduled_on).exists():
        raise ValidationError({"scheduled_on": _("The series already has a session on this day.")})
    return record_create(
        actor=actor, record=discussion, validate=_validate_discussion, m2m={"other_institutions": others}
    )


def discussion_update(*, actor: User, record: CaseDiscussion, **changes: Any) -> CaseDiscussion:
    for text in ("topic", "minutes"):
        if text in changes:
            changes[text] = (changes[text] or "").strip()
    if "other_institutions" in changes:
        _check_others(
            changes.get("host") or record.host,
            changes.get("recipient") or record.recipient,
            list(changes["other_institutions"] or []),
        )
    return record_update(
        actor=actor,
        record=record,
        changes=changes,
        editable=DISCUSSION_FIELDS,
        validate=_validate_discussion,
        m2m_fields=("other_institutions",),
        dependents=_children,
    )


def discussion_delete(*, actor: User, record: CaseDiscussion) -> None:
    """Deletes the session with its cases, attendance and follow-up actions (their facts withdrawn)."""
    record_delete(actor=actor, record=record, dependents=_children)


# --- cases -----------------------------------------------------------------------------------------------
CASE_FIELDS = ("discussion", "presenter", "presenter_name", "department", "summary", "consultation", "pregnancy")


def _validate_case(case: DiscussedCase) -> None:
    errors: Errors = {}
    if not (case.summary or "").strip():
        errors["summary"] = _("This is required.")
    if case.presenter is None and not (case.presenter_name or "").strip():
        errors["presenter"] = _("Name the presenter: a person or a name.")
    discussion = case.discussion
    units = [discussion.host, discussion.recipient, *discussion.other_institutions.all()]
    ends = [discussion.partnership.supporter, discussion.partnership.recipient, *units]
    if case.presenter is not None and not any(_within(case.presenter.institution, u) for u in ends):
        errors["presenter"] = _("The presenter must work at one of the session's institutions.")
    if case.consultation is not None and case.consultation.partnership_id != discussion.partnership_id:
        errors["consultation"] = _("The consultation belongs to another partnership.")
    _raise(errors)


def discussed_case_create(
    *,
    actor: User,
    discussion: CaseDiscussion,
    summary: str,
    presenter: Person | None = None,
    presenter_name: str = "",
    department: Department | None = None,
    consultation: Consultation | None = None,
    pregnancy: Pregnancy | None = None,
) -> DiscussedCase:
    case = DiscussedCase(
        discussion=discussion,
        presenter=presenter,
        presenter_name=(presenter_name or "").strip(),
        department=department,
        summary=(summary or "").strip(),
        consultation=consultation,
        pregnancy=pregnancy,
    )
    return record_create(actor=actor, record=case, validate=_validate_case)


def discussed_case_update(*, actor: User, record: DiscussedCase, **changes: Any) -> DiscussedCase:
    for text in ("summary", "presenter_name"):
        if text in changes:
            changes[text] = (changes[text] or "").strip()
    return record_update(actor=actor, record=record, changes=changes, editable=CASE_FIELDS, validate=_validate_case)


def discussed_case_delete(*, actor: User, record: DiscussedCase) -> None:
    record_delete(actor=actor, record=record)


# --- attendance ------------------------------------------------------------------------------------------
ATTENDANCE_FIELDS = ("discussion", "person", "institution", "attended")


def side_of(discussion: CaseDiscussion, institution: OrgUnit) -> str:
    """The supporting side: the host and the partnership's supporter with their units; everyone else attends
    from the recipient side (the participating institutions)."""
    if _within(institution, discussion.partnership.supporter) or _within(institution, discussion.host):
        return Side.SUPPORTING
    return Side.RECIPIENT


def session_institutions(discussion: CaseDiscussion) -> list[OrgUnit]:
    """Whose staff may attend: host, participating institutions, and both ends of the partnership."""
    units = [discussion.host, discussion.recipient, *discussion.other_institutions.all()]
    units += [discussion.partnership.supporter, discussion.partnership.recipient]
    seen: dict[int, OrgUnit] = {}
    for unit in units:
        seen.setdefault(unit.pk, unit)
    return list(seen.values())


def _validate_attendance(row: DiscussionAttendance) -> None:
    errors: Errors = {}
    if row.person is None and row.user is None:
        errors["person"] = _("Name the person who attended.")
    if not any(_within(row.institution, u) for u in session_institutions(row.discussion)):
        errors["institution"] = _("The institution takes no part in this session.")
    duplicate = DiscussionAttendance.objects.filter(discussion=row.discussion).exclude(pk=row.pk)
    if row.person is not None and duplicate.filter(person=row.person).exists():
        errors["person"] = _("%(name)s is already on this session's attendance list.") % {"name": row.person.name}
    if row.user is not None and duplicate.filter(user=row.user).exists():
        errors["person"] = _("%(name)s is already on this session's attendance list.") % {"name": str(row.user)}
    _raise(errors)
    row.side = side_of(row.discussion, row.institution)


def attendance_create(
    *,
    actor: User,
    discussion: CaseDiscussion,
    person: Person | None = None,
    user: User | None = None,
    institution: OrgUnit | None = None,
    attended: bool = True,
) -> DiscussionAttendance:
    unit = institution or (person.institution if person is not None else None)
    if unit is None:
        raise ValidationError({"institution": _("This is required.")})
    row = DiscussionAttendance(
        discussion=discussion, person=person, user=user, institution=unit, attended=bool(attended), side=""
    )
    return record_create(actor=actor, record=row, validate=_validate_attendance)


def attendance_update(*, actor: User, record: DiscussionAttendance, **changes: Any) -> DiscussionAttendance:
    if "institution" in changes and changes["institution"] is None:
        changes["institution"] = (changes.get("person") or record.person or record).institution
    if "attended" in changes:
        changes["attended"] = bool(changes["attended"])
    # The side follows the institution: validation sets it, so it is saved with the changes.
    return record_update(
        actor=actor,
        record=record,
        changes={**changes, "side": record.side},
        editable=(*ATTENDANCE_FIELDS, "side"),
        validate=_validate_attendance,
    )


def attendance_delete(*, actor: User, record: DiscussionAttendance) -> None:
    record_delete(actor=actor, record=record)


@transaction.atomic
def attendance_take(
    *, actor: User, discussion: CaseDiscussion, present: Iterable[Person], expected: Iterable[Person]
) -> tuple[int, int]:
    """Tick who attended among ``expected`` (the staff listed on the page): those in ``present`` get a row
    marked attended; those listed before and not ticked now are marked absent. Returns (present, absent)."""
    ticked = {p.pk for p in present}
    rows = {row.person_id: row for row in discussion.attendance.select_related("person") if row.person_id}
    attended = absent = 0
    for person in expected:
        row = rows.get(person.pk)
        if person.pk in ticked:
            attended += 1
            if row is None:
                attendance_create(actor=actor, discussion=discussion, person=person, attended=True)
            elif not row.attended:
                attendance_update(actor=actor, record=row, attended=True)
        elif row is not None:
            absent += 1
            if row.attended:
                attendance_update(actor=actor, record=row, attended=False)
    return attended, absent


# --- follow-up actions ---------------------------------------------------------------------------------
FOLLOW_UP_FIELDS = ("discussion", "description", "owner", "owner_name", "due_on", "done_at")


def _validate_follow_up(action: FollowUpAction) -> None:
    errors: Errors = {}
    if not (action.description or "").strip():
        errors["description"] = _("This is required.")
    if action.owner is None and not (action.owner_name or "").strip():
        errors["owner_name"] = _("Name the owner: a user or a name.")
    if action.due_on is not None and action.due_on < action.discussion.scheduled_on:
        errors["due_on"] = _("The due date cannot be before the session.")
    _raise(errors)


def follow_up_create(
    *,
    actor: User,
    discussion: CaseDiscussion,
    description: str,
    owner: User | None = None,
    owner_name: str = "",
    due_on: date | None = None,
    done: bool = False,
) -> FollowUpAction:
    action = FollowUpAction(
        discussion=discussion,
        description=(description or "").strip(),
        owner=owner,
        owner_name=(owner_name or "").strip(),
        due_on=due_on,
        done_at=clock.now() if done else None,
    )
    return record_create(actor=actor, record=action, validate=_validate_follow_up)


def follow_up_update(*, actor: User, record: FollowUpAction, **changes: Any) -> FollowUpAction:
    """``done``: True marks it done now (kept if it was done already), False reopens it."""
    if "done" in changes:
        done = bool(changes.pop("done"))
        if done != record.done:
            changes["done_at"] = clock.now() if done else None
    for text in ("description", "owner_name"):
        if text in changes:
            changes[text] = (changes[text] or "").strip()
    return record_update(
        actor=actor, record=record, changes=changes, editable=FOLLOW_UP_FIELDS, validate=_validate_follow_up
    )


def follow_up_set_done(*, actor: User, record: FollowUpAction, done: bool) -> FollowUpAction:
    return follow_up_update(actor=actor, record=record, done=done)


def follow_up_delete(*, actor: User, record: FollowUpAction) -> None:
    record_delete(actor=actor, record=record)


__all__ = [
    "SCHEDULE_AHEAD",
    "attendance_create",
    "attendance_delete",
    "attendance_take",
    "attendance_update",
    "discussed_case_create",
    "discussed_case_delete",
    "discussed_case_update",
    "discussion_create",
    "discussion_delete",
    "discussion_update",
    "discussions_bulk_load",
    "follow_up_create",
    "follow_up_delete",
    "follow_up_set_done",
    "follow_up_update",
    "occurrences",
    "series_create",
    "series_delete",
    "series_schedule_next",
    "series_update",
    "session_institutions",
    "side_of",
]


# --- bulk loading (the demo's years of weekly sessions) -----------------------------------------------
@transaction.atomic
def discussions_bulk_load(
    *,
    actor: User,
    sessions: Sequence[CaseDiscussion],
    cases: Sequence[DiscussedCase] = (),
    attendance: Sequence[DiscussionAttendance] = (),
    follow_ups: Sequence[FollowUpAction] = (),
    org_unit: OrgUnit,
    note: str,
) -> dict[str, int]:
    """Save many sessions with their rows in one statement per table, with the same rules and the same facts as
    the services (each session validated, each attendance's side derived) and one audit entry at ``org_unit``.
    The rows refer to the (unsaved) sessions; the sessions' partnerships come with their two ends loaded."""
    for session in sessions:
        _validate_discussion(session)
    for row in attendance:
        if row.person is None and row.user is None:
            raise ValidationError({"person": _("Name the person who attended.")})
        row.institution = row.institution if row.institution_id else row.person.institution  # type: ignore[union-attr]
        row.side = side_of(row.discussion, row.institution)
    for case in cases:
        if not case.summary.strip() or (case.presenter is None and not case.presenter_name.strip()):
            raise ValidationError({"summary": _("This is required.")})
    CaseDiscussion.objects.bulk_create(sessions)
    DiscussedCase.objects.bulk_create(cases)
    DiscussionAttendance.objects.bulk_create(attendance)
    FollowUpAction.objects.bulk_create(follow_ups)
    fact_rows: list[facts.FactRow] = []
    for record in (*sessions, *cases, *attendance):
        fact_rows += facts.rows_for(record)
    facts.apply([], fact_rows)
    counts = {
        "sessions": len(sessions),
        "cases": len(cases),
        "attendance": len(attendance),
        "follow_ups": len(follow_ups),
    }
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=org_unit,
        org_unit=org_unit,
        extra={"bulk_load": "case discussions", "note": note, "counts": counts},
    )
    return counts
