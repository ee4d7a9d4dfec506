"""Reads for the MCH pages, already limited to what the user sees (through the record kinds' visibility).

- :func:`antenatal_contacts`: the five 基本公卫 contacts of a pregnancy (done / due / overdue …).
- :func:`child_schedule`: the 0–6 checks of a child by age.
- :func:`worklist`: what a township or county worker has to do today, in a fixed number of queries.
- :func:`pregnancy_page`, :func:`woman_page`, :func:`child_page`, :func:`mch_overview`, :func:`find_woman`.

"Today" (and "now") are arguments so that tests fix them.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shanhai.accounts.scoping import scope_of
from shanhai.core.models import OrgUnit
from shanhai.maternal import risk
from shanhai.maternal.columns import factor_text
from shanhai.maternal.conditions import related_or_none
from shanhai.maternal.identity import id_number_digest
from shanhai.maternal.models import (
    AntenatalVisit,
    AssessmentKind,
    CaseStatus,
    Child,
    ChildCheck,
    ChildCheckKind,
    Colour,
    PostpartumKind,
    PostpartumVisit,
    Pregnancy,
    PregnancyStatus,
    Referral,
    ReferralStatus,
    RiskAssessment,
    Woman,
    case_report_overdue,
    months_after,
)
from shanhai.maternal.rules import (
    CHILD_FOLLOWED_MONTHS,
    CHILD_SCHEDULE,
    AntenatalWindow,
    assessment_result,
    is_postpartum_visit_in_time,
    mch_rules,
    postpartum_visit_window,
    pregnancy_end_date,
)
from shanhai.maternal.services import REFERRAL_MOVES
from shanhai.records.kinds import kind_of
from shanhai.records.lookup import Lookup
from shanhai.records.selectors import can_write_record, record_list

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

#: Ongoing pregnancies past 42 weeks without a delivery on record: the outcome is to be recorded.
OUTCOME_DUE_DAYS = 42 * 7
#: The 42-day check (产后42天健康检查) is shown a week ahead and is overdue two weeks after day 42
#: (practice: 42–56 days); after this many days from delivery it leaves the worklist.
CHECK_42_LEAD_DAYS = 7
CHECK_42_GRACE_DAYS = 14
POSTPARTUM_SHOWN_DAYS = 90


def _aware_now(today: date | None, now: datetime | None) -> tuple[date, datetime]:
    if now is None:
        now = timezone.now()
    return (today or timezone.localdate(now)), now


# --- antenatal contacts -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Contact:
    window: AntenatalWindow
    state: str
    opens_on: date
    closes_on: date
    visits: tuple[date, ...] = ()

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


def _schedule_end(pregnancy: Pregnancy) -> date | None:
    """Where the pregnancy's schedule stops: ``rules.pregnancy_end_date`` (a maternal death included);
    for one lost to follow-up with no date, the day it was last changed. ``None`` while ongoing."""
    if pregnancy.status == PregnancyStatus.ONGOING:
        return None
    return pregnancy_end_date(pregnancy, or_death=True) or pregnancy.updated_at.date()


def antenatal_contacts(pregnancy: Pregnancy, visit_dates: Iterable[date], today: date) -> list[Contact]:
    """The 基本公卫 schedule of five contacts (rules.antenatal_schedule, domain.md §3.3) against the visits.

    Done: a visit in the window. While the pregnancy is ongoing: upcoming, due (today in the window) or
    overdue (the window passed without a visit). A window that closed before registration is not the
    registering institution's to make up; one still open when the pregnancy ended is missed.
    """
    lmp = pregnancy.last_menstrual_period_on
    registered = (pregnancy.registered_on - lmp).days
    end = _schedule_end(pregnancy)
    reached = ((end or today) - lmp).days
    dates = sorted(visit_dates)
    contacts = []
    for window in mch_rules().antenatal_schedule:
        inside = tuple(d for d in dates if window.first_day <= (d - lmp).days <= window.last_day)
        if inside:
            state = DONE
        elif window.last_day < registered:
            state = BEFORE_REGISTRATION
        elif end is not None:
            state = MISSED if reached >= window.first_day else NOT_APPLICABLE
        elif reached < window.first_day:
            state = UPCOMING
        elif reached <= window.last_day:
            state = DUE
        else:
            state = OVERDUE
        opens, closes = lmp + timedelta(days=window.first_day), lmp + timedelta(days=window.last_day)
        contacts.append(Contact(window, state, opens, closes, inside))
    return contacts


def age_on(born: date, day: date) -> int:
    """Whole years of age on ``day`` (the age the 筛查表 asks about: ≥35 or ≤18)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def gestation_label(days: int | None) -> str:
    """``12+3 weeks`` for 87 days of gestation; blank for none."""
    if days is None:
        return ""
    return str(_("%(weeks)d+%(days)d weeks")) % {"weeks": days // 7, "days": days % 7}


# --- children's checks ------------------------------------------------------------------------------------------


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


# --- the worklist --------------------------------------------------------------------------------------------------
ANTENATAL, POSTPARTUM, CHECK_42, OUTCOME, CHILD_CHECK, CASE, REFERRAL = (
    "antenatal",
    "postpartum",
    "check_42",
    "outcome",
    "child",
    "case",
    "referral",
)
SECTION_TITLES: dict[str, Promise] = {
    ANTENATAL: _("Antenatal contacts"),
    POSTPARTUM: _("Postpartum visits"),
    CHECK_42: _("42-day checks"),
    OUTCOME: _("Deliveries to record"),
    CHILD_CHECK: _("Child health checks"),
    CASE: _("Open high-risk cases (专案)"),
    REFERRAL: _("Referrals to follow up"),
}
PURPLE = "purple"


@dataclass(frozen=True)
class WorkItem:
    section: str
    state: str  # due or overdue
    #: The pregnancy's or the child's record number (the row links to its page).
    subject_id: uuid.UUID
    subject: str  # masked name
    url: str
    residence: str
    institution: str
    code: str  # the window, check, case colour or referral status
    what: str
    deadline: date | datetime | None = None
    colour: str = ""
    is_purple: bool = False
    note: str = ""
    is_late: bool = False

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def deadline_text(self) -> str:
        if isinstance(self.deadline, datetime):
            return timezone.localtime(self.deadline).strftime("%Y-%m-%d %H:%M")
        return self.deadline.isoformat() if self.deadline else ""


@dataclass
class Section:
    code: str
    items: list[WorkItem] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(SECTION_TITLES[self.code])

    @property
    def due_count(self) -> int:
        return sum(1 for item in self.items if item.state == DUE)

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self.items if item.state == OVERDUE)

    @property
    def colour_counts(self) -> list[tuple[str, int]]:
        """Open cases by colour, red first (the case section's ``code`` is the case's colour)."""
        counts = Counter(item.code for item in self.items)
        return [(colour, counts[colour]) for colour in (Colour.RED, Colour.ORANGE, PURPLE) if counts[colour]]


@dataclass
class Worklist:
    today: date
    sections: list[Section]

    @property
    def total(self) -> int:
        return sum(len(section.items) for section in self.sections)

    @property
    def overdue_count(self) -> int:
        return sum(section.overdue_count for section in self.sections)

    def section(self, code: str) -> Section:
        return next(s for s in self.sections if s.code == code)


def _pregnancy_url(pregnancy: Pregnancy) -> str:
    return reverse("records:detail", kwargs={"kind": "pregnancies", "public_id": pregnancy.public_id})


def _child_url(child: Child) -> str:
    return reverse("records:detail", kwargs={"kind": "children", "public_id": child.public_id})


def _unit_q(unit: OrgUnit | None, *paths: str) -> Q:
    if unit is None:
        return Q()
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{path}__path__startswith": unit.path})
    return condition


def _colour_q(colour: str, prefix: str = "") -> Q:
    if not colour:
        return Q()
    if colour == PURPLE:
        return Q(**{f"{prefix}is_purple": True})
    return Q(**{f"{prefix}current_colour": colour})


def _pregnancy_item(pregnancy: Pregnancy, section: str, state: str, code: str, what: str, **extra: Any) -> WorkItem:
    return WorkItem(
        section=section,
        state=state,
        subject_id=pregnancy.public_id,
        subject=str(pregnancy.woman),
        url=_pregnancy_url(pregnancy),
        residence=pregnancy.woman.residence.name,
        institution=pregnancy.registered_at.name,
        code=code,
        what=what,
        colour=pregnancy.current_colour,
        is_purple=pregnancy.is_purple,
        **extra,
    )


def worklist(
    user: Any,
    *,
    today: date | None = None,
    now: datetime | None = None,
    unit: OrgUnit | None = None,
    section: str = "",
    colour: str = "",
) -> Worklist:
    """Due and overdue work in the user's scope (``unit``: one subtree of it), eight queries whatever the rows."""
    today, now = _aware_now(today, now)
    wanted = [section] if section else list(SECTION_TITLES)
    if colour:
        wanted = [code for code in wanted if code != CHILD_CHECK]  # children have no colour
    sections = {code: Section(code) for code in wanted}
    pregnancies = record_list(kind_of("pregnancies"), user).filter(
        _unit_q(unit, "woman__residence", "registered_at"), _colour_q(colour)
    )
    if {ANTENATAL, OUTCOME} & set(sections):
        _antenatal_items(pregnancies, today, sections)
    if {POSTPARTUM, CHECK_42} & set(sections):
        _postpartum_items(pregnancies, today, sections)
    if CHILD_CHECK in sections:
        _child_items(user, unit, today, sections[CHILD_CHECK])
    if CASE in sections:
        _case_items(user, unit, colour, today, now, sections[CASE])
    if REFERRAL in sections:
        _referral_items(user, unit, colour, now, sections[REFERRAL])
    for found in sections.values():
        found.items.sort(key=lambda item: (item.state != OVERDUE, _sort_key(item.deadline), item.subject))
    return Worklist(today, list(sections.values()))


def _sort_key(deadline: date | datetime | None) -> datetime:
    if deadline is None:
        return datetime.max.replace(tzinfo=timezone.get_current_timezone())
    if isinstance(deadline, datetime):
        return deadline
    return timezone.make_aware(datetime.combine(deadline, datetime.min.time()))


def _antenatal_items(pregnancies: QuerySet[Pregnancy], today: date, sections: dict[str, Section]) -> None:
    visits = Prefetch("antenatal_visits", queryset=AntenatalVisit.objects.only("pk", "pregnancy_id", "visited_on"))
    ongoing = pregnancies.filter(status=PregnancyStatus.ONGOING).prefetch_related(visits)
    for pregnancy in ongoing:
        reached = (today - pregnancy.last_menstrual_period_on).days
        if reached > OUTCOME_DUE_DAYS:
            if OUTCOME in sections:
                what = str(_("Expected delivery %(date)s: record the delivery or the end")) % {
                    "date": pregnancy.expected_delivery_on.isoformat()
                }
                item = _pregnancy_item(
                    pregnancy, OUTCOME, OVERDUE, "outcome", what, deadline=pregnancy.expected_delivery_on
                )
                sections[OUTCOME].items.append(item)
            continue
        if ANTENATAL not in sections:
            continue
        contacts = antenatal_contacts(pregnancy, [v.visited_on for v in pregnancy.antenatal_visits.all()], today)
        for contact in contacts:
            if contact.state in (DUE, OVERDUE):
                item = _pregnancy_item(
                    pregnancy,
                    ANTENATAL,
                    contact.state,
                    contact.window.code,
                    contact.window.label_zh,
                    deadline=contact.closes_on,
                    note=gestation_label(reached),
                )
                sections[ANTENATAL].items.append(item)


def _postpartum_items(pregnancies: QuerySet[Pregnancy], today: date, sections: dict[str, Section]) -> None:
    rules = mch_rules()
    delivered = (
        pregnancies.filter(
            status=PregnancyStatus.DELIVERED,
            delivery__delivered_on__gte=today - timedelta(days=POSTPARTUM_SHOWN_DAYS),
        )
        .select_related("delivery")
        .prefetch_related(
            Prefetch(
                "postpartum_visits", queryset=PostpartumVisit.objects.only("pk", "pregnancy_id", "kind", "visited_on")
            )
        )
    )
    for pregnancy in delivered:
        delivery = pregnancy.delivery
        kinds = {visit.kind for visit in pregnancy.postpartum_visits.all()}
        start, _last = postpartum_visit_window(delivery, rules)
        since = (today - start).days
        if POSTPARTUM in sections and PostpartumKind.VISIT not in kinds and since >= 0:
            due_on = start + timedelta(days=rules.postpartum_visit_due_days)
            state = DUE if since <= rules.postpartum_visit_days else OVERDUE
            if since <= rules.postpartum_check_day:
                what = str(_("Home visit after discharge on %(date)s")) % {"date": start.isoformat()}
                item = _pregnancy_item(
                    pregnancy, POSTPARTUM, state, "visit", what, deadline=due_on, is_late=today > due_on
                )
                sections[POSTPARTUM].items.append(item)
        after = (today - delivery.delivered_on).days
        check_day = rules.postpartum_check_day
        if CHECK_42 in sections and PostpartumKind.CHECK_42 not in kinds and after >= check_day - CHECK_42_LEAD_DAYS:
            state = DUE if after <= check_day + CHECK_42_GRACE_DAYS else OVERDUE
            due_on = delivery.delivered_on + timedelta(days=check_day)
            what = str(_("42-day check after delivery on %(date)s")) % {"date": delivery.delivered_on.isoformat()}
            sections[CHECK_42].items.append(
                _pregnancy_item(pregnancy, CHECK_42, state, "check_42", what, deadline=due_on)
            )


def _child_items(user: Any, unit: OrgUnit | None, today: date, section: Section) -> None:
    oldest = months_after(today, -CHILD_FOLLOWED_MONTHS)
    checks = Prefetch("checks", queryset=ChildCheck.objects.only("pk", "child_id", "kind", "checked_on"))
    children = (
        record_list(kind_of("children"), user)
        .filter(_unit_q(unit, "residence", "registered_at"), died_on__isnull=True, birth_date__gt=oldest)
        # Not the kind's mother and her (encrypted, decrypted on load) file: the worklist shows none of it.
        .select_related(None)
        .select_related("residence", "registered_at")
        .prefetch_related(checks)
    )
    for child in children:
        for scheduled in child_schedule(child, child.checks.all(), today):
            if scheduled.state in (DUE, OVERDUE):
                section.items.append(
                    WorkItem(
                        section=CHILD_CHECK,
                        state=scheduled.state,
                        subject_id=child.public_id,
                        subject=str(child),
                        url=_child_url(child),
                        residence=child.residence.name,
                        institution=child.registered_at.name,
                        code=scheduled.kind,
                        what=scheduled.label,
                        deadline=scheduled.overdue_on - timedelta(days=1),
                    )
                )


def _case_items(user: Any, unit: OrgUnit | None, colour: str, today: date, now: datetime, section: Section) -> None:
    visits = Prefetch(
        "pregnancy__antenatal_visits", queryset=AntenatalVisit.objects.only("pk", "pregnancy_id", "visited_on")
    )
    cases = (
        record_list(kind_of("risk-cases"), user)
        .filter(
            _unit_q(unit, "pregnancy__woman__residence", "pregnancy__registered_at"),
            _colour_q(colour, "pregnancy__"),
            status=CaseStatus.OPEN,
        )
        .prefetch_related(visits)
    )
    for case in cases:
        pregnancy = case.pregnancy
        overdue = case.is_report_overdue(now)
        deadline: date | datetime | None
        if case.reported_at is None:
            deadline, note = case.report_due_at, str(_("Report due"))
        else:
            deadline, note = next_contact(pregnancy, today), str(_("Next antenatal contact"))
        colour_label = str(Colour(case.colour).label) if case.colour else str(_("Purple"))
        section.items.append(
            _pregnancy_item(
                pregnancy,
                CASE,
                OVERDUE if overdue else DUE,
                case.colour or PURPLE,
                str(_("%(colour)s · case manager %(name)s")) % {"colour": colour_label, "name": case.responsible_name},
                deadline=deadline,
                note=note,
            )
        )


def next_contact(pregnancy: Pregnancy, today: date) -> date | None:
    """The close of the next antenatal window still to be made, else the expected delivery date."""
    visits = [v.visited_on for v in pregnancy.antenatal_visits.all()]
    for contact in antenatal_contacts(pregnancy, visits, today):
        if contact.state in (DUE, UPCOMING):
            return contact.closes_on
    return pregnancy.expected_delivery_on if pregnancy.status == PregnancyStatus.ONGOING else None


def _referral_items(user: Any, unit: OrgUnit | None, colour: str, now: datetime, section: Section) -> None:
    limit = now - timedelta(days=mch_rules().referral_follow_up_days)
    referrals = record_list(kind_of("referrals"), user).filter(
        _unit_q(unit, "pregnancy__woman__residence", "pregnancy__registered_at", "from_unit", "to_unit"),
        _colour_q(colour, "pregnancy__"),
        status__in=[ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED],
        requested_at__lt=limit,
    )
    for referral in referrals:
        what = f"{referral.from_unit.name} → {referral.to_unit.name} · {ReferralStatus(referral.status).label}"
        section.items.append(
            _pregnancy_item(
                referral.pregnancy,
                REFERRAL,
                OVERDUE,
                referral.status,
                what,
                deadline=referral.requested_at + timedelta(days=mch_rules().referral_follow_up_days),
                note=referral.reason,
            )
        )


def worklist_units(user: Any) -> QuerySet[OrgUnit]:
    """The units the worklist may be narrowed to: the user's own subtrees."""
    scope = scope_of(user)
    return OrgUnit.objects.filter(scope.read_q()).order_by("path")


# --- the MCH home -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Overview:
    ongoing: int
    by_colour: list[tuple[str, str, int]]  # (code, label, count)
    purple: int
    not_graded: int
    open_cases: int
    reports_overdue: int
    worklist: Worklist


def mch_overview(user: Any, *, today: date | None = None, now: datetime | None = None) -> Overview:
    today, now = _aware_now(today, now)
    ongoing = record_list(kind_of("pregnancies"), user).filter(status=PregnancyStatus.ONGOING).order_by()
    counts = ongoing.aggregate(
        total=Count("pk"),
        purple=Count("pk", filter=Q(is_purple=True)),
        not_graded=Count("pk", filter=Q(current_colour="")),
        **{colour: Count("pk", filter=Q(current_colour=colour)) for colour in Colour.values},
    )
    cases = (
        record_list(kind_of("risk-cases"), user)
        .filter(status=CaseStatus.OPEN)
        .order_by()
        .aggregate(
            open=Count("pk"),
            overdue=Count("pk", filter=case_report_overdue(now).q()),
        )
    )
    return Overview(
        ongoing=counts["total"],
        by_colour=[(value, str(label), counts[value]) for value, label in Colour.choices],
        purple=counts["purple"],
        not_graded=counts["not_graded"],
        open_cases=cases["open"],
        reports_overdue=cases["overdue"],
        worklist=worklist(user, today=today, now=now),
    )


def find_woman(user: Any, id_number: str) -> Woman | None:
    """The woman with this (normalised) ID number among those the user sees, matched on its digest."""
    return record_list(kind_of("women"), user).filter(id_number_digest=id_number_digest(id_number)).first()


# --- the pages of a woman, a pregnancy, a child ---------------------------------------------------------------
def _create_url(slug: str, **query: Any) -> str:
    params = "&".join(f"{key}={value}" for key, value in query.items())
    return f"{reverse('records:create', kwargs={'kind': slug})}?{params}"


def woman_page(user: Any, woman: Woman) -> dict[str, Any]:
    pregnancies = list(record_list(kind_of("pregnancies"), user).filter(woman=woman).order_by("-registered_on", "-pk"))
    children = list(record_list(kind_of("children"), user).filter(mother__woman=woman).order_by("birth_date"))
    return {
        "pregnancies": pregnancies,
        "children": children,
        "can_write_woman": can_write_record(kind_of("women"), user, woman),
        "new_pregnancy_url": _create_url("pregnancies", woman=woman.public_id),
    }


@dataclass(frozen=True)
class AssessmentEntry:
    assessment: RiskAssessment
    factors_by_colour: list[tuple[str, str, list[str]]]  # (colour code, label, factor texts)
    screening_items: list[str]


def _assessment_entry(assessment: RiskAssessment) -> AssessmentEntry:
    try:
        catalogue = risk.RiskCatalogue.load(assessment.catalogue_version or risk.NATIONAL_VERSION)
    except ValueError:
        catalogue = risk.RiskCatalogue.load()
    groups: dict[str, list[str]] = {}
    screening = []
    for code in assessment.factor_codes:
        if code in catalogue:
            groups.setdefault(catalogue.factor(code).colour.value, []).append(factor_text(code, catalogue))
        else:
            screening.append(factor_text(code, catalogue))
    labels = {**dict(Colour.choices), PURPLE: _("Purple (infectious disease)")}
    ordered = [
        (colour, str(labels[colour]), groups[colour])
        for colour in (*reversed(Colour.values), PURPLE)
        if colour in groups
    ]
    return AssessmentEntry(assessment, ordered, screening)


@dataclass(frozen=True)
class ReferralEntry:
    referral: Referral
    moves: list[tuple[str, str]]  # allowed next states (value, label)
    can_move: bool
    stamps: list[tuple[str, datetime]]


def _referral_entry(user: Any, referral: Referral) -> ReferralEntry:
    moves = [
        (status.value, str(status.label)) for status in ReferralStatus if status in REFERRAL_MOVES[referral.status]
    ]
    stamps = [
        (str(label), stamp)
        for label, stamp in (
            (_("Requested"), referral.requested_at),
            (_("Accepted"), referral.accepted_at),
            (_("Arrived"), referral.arrived_at),
            (_("Referred back"), referral.returned_at),
            (_("Declined"), referral.declined_at),
            (_("Cancelled"), referral.cancelled_at),
        )
        if stamp is not None
    ]
    return ReferralEntry(referral, moves, can_write_record(kind_of("referrals"), user, referral), stamps)


@dataclass(frozen=True)
class PostpartumStatus:
    start: date
    visit_due_on: date
    visit_last_day: date
    visit: PostpartumVisit | None
    is_visit_in_window: bool
    check_due_on: date
    check: PostpartumVisit | None


def _postpartum_status(pregnancy: Pregnancy, visits: list[PostpartumVisit]) -> PostpartumStatus | None:
    delivery = related_or_none(pregnancy, "delivery")
    if delivery is None:
        return None
    rules = mch_rules()
    start, last = postpartum_visit_window(delivery, rules)
    home = [v for v in visits if v.kind == PostpartumKind.VISIT]
    in_window = [v for v in home if is_postpartum_visit_in_time(v, delivery, rules)]
    checks = [v for v in visits if v.kind == PostpartumKind.CHECK_42]
    return PostpartumStatus(
        start=start,
        visit_due_on=start + timedelta(days=rules.postpartum_visit_due_days),
        visit_last_day=last,
        visit=next(iter(in_window or home), None),
        is_visit_in_window=bool(in_window),
        check_due_on=delivery.delivered_on + timedelta(days=rules.postpartum_check_day),
        check=next(iter(checks), None),
    )


def pregnancy_page(
    user: Any, pregnancy: Pregnancy, *, today: date | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Everything the pregnancy page shows besides the record's own columns."""
    today, now = _aware_now(today, now)
    assessments = list(pregnancy.assessments.select_related("institution").order_by("assessed_on", "pk"))
    visits = list(pregnancy.antenatal_visits.select_related("institution").order_by("visited_on", "pk"))
    postpartum = list(pregnancy.postpartum_visits.select_related("institution").order_by("visited_on", "pk"))
    referrals = list(pregnancy.referrals.select_related("from_unit", "to_unit").order_by("requested_at", "pk"))
    delivery = related_or_none(pregnancy, "delivery")
    case = related_or_none(pregnancy, "case")
    end = _schedule_end(pregnancy)
    can_write = can_write_record(kind_of("pregnancies"), user, pregnancy)
    public_id = pregnancy.public_id
    return {
        "pregnancy": pregnancy,
        "woman": pregnancy.woman,
        "gestation_today": gestation_label((today - pregnancy.last_menstrual_period_on).days) if end is None else "",
        "gestation_at_end": gestation_label((end - pregnancy.last_menstrual_period_on).days) if end else "",
        "gestation_at_registration": gestation_label(pregnancy.gestation_days_at_registration),
        "age_at_registration": age_on(pregnancy.woman.birth_date, pregnancy.registered_on),
        "assessments": [_assessment_entry(a) for a in assessments],
        "contacts": antenatal_contacts(pregnancy, [v.visited_on for v in visits], today),
        "visits": visits,
        "delivery": delivery,
        "death": related_or_none(pregnancy, "death"),
        "postpartum": _postpartum_status(pregnancy, postpartum),
        "postpartum_visits": postpartum,
        "case": case,
        "case_report_overdue": bool(case and case.is_report_overdue(now)),
        "can_write_case": bool(case) and can_write_record(kind_of("risk-cases"), user, case),
        "referrals": [_referral_entry(user, r) for r in referrals],
        "children": list(pregnancy.children.all()),
        "can_write": can_write,
        "can_add": scope_of(user).can_write_anything,
        "is_ongoing": pregnancy.status == PregnancyStatus.ONGOING,
        "add": {
            "assessment": reverse("maternal:assessment_create", kwargs={"public_id": public_id}),
            "visit": _create_url("antenatal-visits", pregnancy=public_id),
            "referral": _create_url("referrals", pregnancy=public_id),
            "delivery": _create_url("deliveries", pregnancy=public_id),
            "postpartum": _create_url("postpartum-visits", pregnancy=public_id),
            "check_42": _create_url("postpartum-visits", pregnancy=public_id, kind=PostpartumKind.CHECK_42),
            "death": _create_url("maternal-deaths", pregnancy=public_id),
            "child": _create_url("children", mother=public_id),
        },
        "woman_url": reverse("records:detail", kwargs={"kind": "women", "public_id": pregnancy.woman.public_id}),
        "screening_only": AssessmentKind.SCREENING,
    }


def child_page(user: Any, child: Child, *, today: date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    checks = list(child.checks.select_related("institution").order_by("checked_on", "pk"))
    mother = child.mother
    return {
        "schedule": child_schedule(child, checks, today),
        "checks": checks,
        "add_check_url": _create_url("child-checks", child=child.public_id),
        "mother_url": _pregnancy_url(mother) if mother is not None else "",
        "can_write_child": can_write_record(kind_of("children"), user, child),
    }


def grading_institutions(user: Any) -> QuerySet[OrgUnit]:
    """Institutions where the user may record an assessment (write access there)."""
    scope = scope_of(user)
    units = Lookup(user).units()
    if scope.is_admin:
        return units.select_related("grade")
    return units.filter(scope_write_q(user)).select_related("grade")


def scope_write_q(user: Any) -> Q:
    condition = Q(pk__in=[])
    for path in scope_of(user).write_paths:
        condition |= Q(path__startswith=path)
    return condition


# --- the grading page ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GradingResult:
    """What the ticked items give: a colour and the purple flag for a grading, positive/negative for a screening."""

    kind: str
    colour: str
    is_purple: bool
    screening_result: str
    count: int

    @property
    def colour_label(self) -> str:
        return str(Colour(self.colour).label) if self.colour else ""

    @property
    def is_screening(self) -> bool:
        return self.kind == AssessmentKind.SCREENING


def grading_result(catalogue: risk.RiskCatalogue, kind: str, codes: Iterable[str]) -> GradingResult:
    """``risk.grade`` over the ticked factors (unknown codes are the service's to refuse); for a screening,
    positive when any item is ticked."""
    if kind == AssessmentKind.SCREENING:
        items = {item.code for item in catalogue.screening_items}
        ticked = [code for code in dict.fromkeys(codes) if code in items]
    else:
        ticked = [code for code in dict.fromkeys(codes) if code in catalogue]
    result = assessment_result(catalogue, kind, ticked)
    return GradingResult(kind, result.colour, result.is_purple, result.screening_result, len(ticked))


@dataclass(frozen=True)
class FactorGroup:
    colour: str
    label: str
    categories: list[tuple[str, list[risk.RiskFactor]]]


def factor_groups(catalogue: risk.RiskCatalogue) -> list[FactorGroup]:
    """The 评估表's factors by colour (yellow → red, then purple; green last), then by category."""
    labels = {**dict(Colour.choices), PURPLE: _("Purple (infectious disease)")}
    groups = []
    for colour in (Colour.YELLOW, Colour.ORANGE, Colour.RED, PURPLE, Colour.GREEN):
        categories: dict[str, list[risk.RiskFactor]] = {}
        for factor in catalogue.factors_of(risk.Colour(colour)):
            categories.setdefault(factor.category_zh or factor.category, []).append(factor)
        if categories:
            groups.append(FactorGroup(str(colour), str(labels[colour]), list(categories.items())))
    return groups


def screening_groups(catalogue: risk.RiskCatalogue) -> list[tuple[str, list[risk.ScreeningItem]]]:
    """The 筛查表's positive items by section."""
    sections: dict[str, list[risk.ScreeningItem]] = {}
    for item in catalogue.screening_items:
        sections.setdefault(f"{item.section} {item.section_zh}".strip(), []).append(item)
    return list(sections.items())
