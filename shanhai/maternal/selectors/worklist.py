"""The morning worklist (what a township or county worker has to do today, due and overdue, in a
fixed number of queries whatever the rows) and the MCH home's counts."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.core.models import OrgUnit
from shanhai.maternal.models import (
    AntenatalVisit,
    CaseStatus,
    ChildCheck,
    Colour,
    PostpartumKind,
    PostpartumVisit,
    Pregnancy,
    PregnancyStatus,
    ReferralStatus,
    Woman,
    case_report_overdue,
    months_after,
)
from shanhai.maternal.rules import CHILD_FOLLOWED_MONTHS, mch_rules, postpartum_visit_window
from shanhai.maternal.selectors.children import child_schedule
from shanhai.maternal.selectors.links import child_url, pregnancy_url
from shanhai.maternal.selectors.states import DUE, OVERDUE, PURPLE, STATE_LABELS, gestation_label, moment
from shanhai.maternal.selectors.visits import antenatal_contacts, next_contact
from shanhai.records.kinds import kind_of
from shanhai.records.selectors import record_list

#: Ongoing pregnancies past 42 weeks without a delivery on record: the outcome is to be recorded.
OUTCOME_DUE_DAYS = 42 * 7
#: The 42-day check (产后42天健康检查) is shown a week ahead and is overdue two weeks after day 42
#: (practice: 42–56 days); after this many days from delivery it leaves the worklist.
CHECK_42_LEAD_DAYS = 7
CHECK_42_GRACE_DAYS = 14
POSTPARTUM_SHOWN_DAYS = 90

#: The worklist's sections.
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
    #: The woman of a pregnancy's item (never shown: ``worklist_reveal`` reads it); none for a child.
    woman: Woman | None = field(default=None, repr=False, compare=False)
    #: Her phone, and ``subject`` her clear name, once ``worklist_reveal`` revealed them.
    phone: str = ""
    is_revealed: bool = False

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
    def cards(self) -> list[list[WorkItem]]:
        """The items by woman or child (one card each on a narrow screen), in the order of their first item."""
        grouped: dict[uuid.UUID, list[WorkItem]] = {}
        for item in self.items:
            grouped.setdefault(item.subject_id, []).append(item)
        return list(grouped.values())

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
        url=pregnancy_url(pregnancy),
        residence=pregnancy.woman.residence.name,
        institution=pregnancy.registered_at.name,
        code=code,
        what=what,
        colour=pregnancy.current_colour,
        is_purple=pregnancy.is_purple,
        woman=pregnancy.woman,
        **extra,
    )


def worklist(
    user: User,
    *,
    today: date | None = None,
    now: datetime | None = None,
    unit: OrgUnit | None = None,
    section: str = "",
    colour: str = "",
) -> Worklist:
    """Due and overdue work in the user's scope (``unit``: one subtree of it), eight queries whatever the rows."""
    today, now = moment(today, now)
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


def _child_items(user: User, unit: OrgUnit | None, today: date, section: Section) -> None:
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
                        url=child_url(child),
                        residence=child.residence.name,
                        institution=child.registered_at.name,
                        code=scheduled.kind,
                        what=scheduled.label,
                        deadline=scheduled.overdue_on - timedelta(days=1),
                    )
                )


def _case_items(user: User, unit: OrgUnit | None, colour: str, today: date, now: datetime, section: Section) -> None:
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


def _referral_items(user: User, unit: OrgUnit | None, colour: str, now: datetime, section: Section) -> None:
    follow_up = timedelta(days=mch_rules().referral_follow_up_days)
    referrals = record_list(kind_of("referrals"), user).filter(
        _unit_q(unit, "pregnancy__woman__residence", "pregnancy__registered_at", "from_unit", "to_unit"),
        _colour_q(colour, "pregnancy__"),
        status__in=[ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED],
        requested_at__lt=now - follow_up,
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
                deadline=referral.requested_at + follow_up,
                note=referral.reason,
            )
        )


def worklist_units(user: User) -> QuerySet[OrgUnit]:
    """The units the worklist may be narrowed to: the user's own subtrees."""
    scope = scope_of(user)
    return OrgUnit.objects.filter(scope.read_q()).order_by("path")


@dataclass(frozen=True)
class Overview:
    ongoing: int
    by_colour: list[tuple[str, str, int]]  # (code, label, count)
    purple: int
    not_graded: int
    open_cases: int
    reports_overdue: int
    worklist: Worklist


def mch_overview(user: User, *, today: date | None = None, now: datetime | None = None) -> Overview:
    today, now = moment(today, now)
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
