"""The morning worklist (what a township or county worker has to do today, due and overdue, in a
fixed number of queries whatever the rows) and the MCH home's counts."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache, partial, reduce
from operator import or_
from types import SimpleNamespace
from typing import Any, NamedTuple

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.core.models import OrgUnit
from shanhai.maternal import access, due
from shanhai.maternal.models import (
    CaseStatus,
    Child,
    ChildCheckKind,
    Colour,
    DueItem,
    DueSection,
    Pregnancy,
    PregnancyStatus,
    ReferralStatus,
    RiskCase,
    Woman,
    case_report_overdue,
)
from shanhai.maternal.rules import (
    mch_rules,
    postpartum_visit_window,
)
from shanhai.maternal.selectors.links import child_url, pregnancy_url
from shanhai.maternal.selectors.states import DUE, OVERDUE, PURPLE, STATE_LABELS, gestation_label, moment
from shanhai.records.kinds import kind_of
from shanhai.records.selectors import record_list

#: The worklist's sections: the scheduled ones stored (``models.DueSection``), then the open 专案 and referrals.
ANTENATAL, POSTPARTUM, CHECK_42, OUTCOME, CHILD_CHECK = (
    DueSection.ANTENATAL.value,
    DueSection.POSTPARTUM.value,
    DueSection.CHECK_42.value,
    DueSection.OUTCOME.value,
    DueSection.CHILD_CHECK.value,
)
CASE, REFERRAL = "case", "referral"


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
    """One section of the worklist: its counts over all its items, and the items shown (``items``: all of
    them, or one page of them in the worklist's order, from ``offset``)."""

    code: str
    items: list[WorkItem] = field(default_factory=list)
    due_count: int = 0
    overdue_count: int = 0
    #: Open cases by colour, red first (the case section's ``code`` is the case's colour), over all its items.
    colour_counts: list[tuple[str, int]] = field(default_factory=list)
    offset: int = 0
    #: The page's links to the rest of the section (set by the view).
    links: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str(SECTION_TITLES[self.code])

    @property
    def count(self) -> int:
        return self.due_count + self.overdue_count

    @property
    def has_more(self) -> bool:
        """More items than are shown (the page links to the section's pages)."""
        return self.offset > 0 or self.offset + len(self.items) < self.count

    @property
    def cards(self) -> list[list[WorkItem]]:
        """The items by woman or child (one card each on a narrow screen), in the order of their first item."""
        grouped: dict[uuid.UUID, list[WorkItem]] = {}
        for item in self.items:
            grouped.setdefault(item.subject_id, []).append(item)
        return list(grouped.values())


@dataclass
class Worklist:
    today: date
    sections: list[Section]

    @property
    def total(self) -> int:
        return sum(section.count for section in self.sections)

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


class _Entry(NamedTuple):
    """An item before it is shown: what orders and counts it, and how to make it from its pregnancy (or
    child) once the few shown are loaded. Counting and ordering every item of a county needs no model
    instance and no decryption; only the items of the page shown load their women (bench/README.md, MCH).
    A tuple: a county makes thousands (a frozen dataclass took a tenth of the worklist's Python time)."""

    state: str
    deadline: date | datetime | None
    ref: int  # the pregnancy's (or the child's) pk
    make: Callable[[Any], WorkItem]
    is_child: bool = False
    code: str = ""


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


def _pregnancy_entry(ref: int, section: str, state: str, code: str, what: Any, **extra: Any) -> _Entry:
    """``what``: the text, or a function of the pregnancy giving it."""

    def make(pregnancy: Pregnancy) -> WorkItem:
        text = what(pregnancy) if callable(what) else what
        return _pregnancy_item(pregnancy, section, state, code, text, **extra)

    return _Entry(state, extra.get("deadline"), ref, make, code=code)


def worklist(
    user: User,
    *,
    today: date | None = None,
    now: datetime | None = None,
    unit: OrgUnit | None = None,
    section: str = "",
    colour: str = "",
    limit: int | None = None,
    offset: int = 0,
    records: _Records | None = None,
) -> Worklist:
    """Due and overdue work in the user's scope (``unit``: one subtree of it), in a fixed number of queries
    whatever the rows. Every section is counted whole; ``limit`` items of each are made from ``offset`` on
    (all of them without a limit; none with ``limit=0``: counts only, as the MCH home)."""
    today, now = moment(today, now)
    wanted = [section] if section else list(SECTION_TITLES)
    if colour:
        wanted = [code for code in wanted if code != CHILD_CHECK]  # children have no colour
    entries: dict[str, list[_Entry]] = {code: [] for code in wanted}
    records = records or _Records(user)
    pregnancies = records("pregnancies").filter(_unit_q(unit, "woman__residence", "registered_at"), _colour_q(colour))
    _due_items(records, unit, pregnancies, today, entries, narrowed=unit is not None or bool(colour))
    if CASE in entries:
        _case_items(records, unit, colour, today, now, entries[CASE])
    if REFERRAL in entries:
        _referral_items(records, unit, colour, now, entries[REFERRAL])
    return Worklist(today, _sections(entries, limit, offset))


class _Records:
    """``record_list`` of each kind the worklist reads, with the user's units and women read once for all of them
    (``access.units_seen``, ``access.women_seen``): at a million pregnancies each section computed the UNION of a
    county's women again, and PostgreSQL scanned whole tables behind the units' subquery."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.units: Any = None
        self.women: Any = None
        self.pregnancies: access.IdSet | None = None
        if not scope_of(user).is_admin:
            self.units = access.units_seen(user)
            self.women = access.women_seen(user, units=self.units)
            self.pregnancies = access.pregnancies_seen(self.women)

    def __call__(self, slug: str) -> QuerySet[Any]:
        kind = kind_of(slug)
        if self.women is None or kind.visibility is None:
            return record_list(kind, self.user)
        visible = kind.visibility(self.user, women=self.women, units=self.units, pregnancies=self.pregnancies)  # type: ignore[call-arg]
        return kind.model._default_manager.filter(visible).order_by(*kind.ordering, "pk")


class _Order(NamedTuple):
    """The worklist's order (overdue first, then by deadline, then by name) as sort keys, with the time zone read
    once: a county sorts thousands of entries, and each read of the current zone (thread- and task-local) cost
    more than the comparison."""

    first: Callable[[_Entry], tuple[bool, datetime]]  # an entry, before its item is made (no name)
    item: Callable[[WorkItem], tuple[bool, datetime, str]]


def _order() -> _Order:
    zone = timezone.get_current_timezone_name()

    def when(deadline: date | datetime | None) -> datetime:
        return deadline if isinstance(deadline, datetime) else _day_start(deadline, zone)

    return _Order(
        first=lambda entry: (entry.state != OVERDUE, when(entry.deadline)),
        item=lambda item: (item.state != OVERDUE, when(item.deadline), item.subject),
    )


def _sections(entries: dict[str, list[_Entry]], limit: int | None, offset: int) -> list[Section]:
    """Count every section, order it (overdue first, then by deadline, then by name) and make the items of
    the page: only the entries tied with the page's first or last for the name's sake are loaded besides."""
    chosen: dict[str, tuple[list[_Entry], int]] = {}
    sections = []
    order = _order()
    first_key = order.first
    for code, found in entries.items():
        states = Counter(entry.state for entry in found)
        colours = Counter(entry.code for entry in found) if code == CASE else Counter()
        section = Section(
            code,
            due_count=states[DUE],
            overdue_count=states[OVERDUE],
            colour_counts=[(c, colours[c]) for c in (Colour.RED, Colour.ORANGE, PURPLE) if colours[c]],
            offset=offset,
        )
        sections.append(section)
        found.sort(key=first_key)  # stable: equal keys keep the order the rows came in
        first, last = offset, len(found) if limit is None else min(offset + limit, len(found))
        if first >= last:
            continue
        start, stop = first, last
        while start > 0 and first_key(found[start - 1]) == first_key(found[first]):
            start -= 1
        while stop < len(found) and first_key(found[stop]) == first_key(found[last - 1]):
            stop += 1
        chosen[code] = (found[start:stop], first - start)
    wanted = [entry for shown, _skip in chosen.values() for entry in shown]
    pregnancies = _load_pregnancies({e.ref for e in wanted if not e.is_child})
    children = _load_children({e.ref for e in wanted if e.is_child})
    for section in sections:
        if section.code not in chosen:
            continue
        shown, skip = chosen[section.code]
        items = [entry.make(children[entry.ref] if entry.is_child else pregnancies[entry.ref]) for entry in shown]
        items.sort(key=order.item)
        count = len(shown) - skip if limit is None else limit
        section.items = items[skip : skip + count]
    return sections


def _load_pregnancies(ids: set[int]) -> dict[int, Pregnancy]:
    if not ids:
        return {}
    rows = Pregnancy.objects.filter(pk__in=ids).select_related("woman", "woman__residence", "registered_at", "delivery")
    return {pregnancy.pk: pregnancy for pregnancy in rows}


def _load_children(ids: set[int]) -> dict[int, Child]:
    if not ids:
        return {}
    rows = Child.objects.filter(pk__in=ids).select_related("residence", "registered_at")
    return {child.pk: child for child in rows}


@lru_cache(maxsize=4096)
def _day_start(day: date | None, zone: str) -> datetime:
    """The start of ``day`` in the current time zone (the end of time for none): a county's worklist sorts
    thousands of items by a few hundred distinct days."""
    if day is None:
        return datetime.max.replace(tzinfo=timezone.get_current_timezone())
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _outcome_what(pregnancy: Pregnancy) -> str:
    return str(_("Expected delivery %(date)s: record the delivery or the end")) % {
        "date": pregnancy.expected_delivery_on.isoformat()
    }


def _shown(today: date) -> Q:
    """The stored items (``due.py``) shown on ``today``."""
    return Q(shown_from__lte=today) & (Q(shown_until__isnull=True) | Q(shown_until__gt=today))


def _due_items(
    records: _Records,
    unit: OrgUnit | None,
    pregnancies: QuerySet[Pregnancy],
    today: date,
    entries: dict[str, list[_Entry]],
    *,
    narrowed: bool,
) -> None:
    """The scheduled items shown today (``models.DueItem``, kept by the services) of the pregnancies and the
    children in view: one indexed read a section group, whatever the schedule; states by their dates."""
    wanted = [code for code in (ANTENATAL, POSTPARTUM, CHECK_42, OUTCOME) if code in entries]
    if wanted:
        seen = (
            access.among("pregnancy_id", records.pregnancies)
            if records.pregnancies is not None and not narrowed
            else Q(pregnancy_id__in=pregnancies.select_related(None).values("pk"))
        )
        rows = DueItem.objects.filter(_shown(today), seen, section__in=wanted).values_list(
            "pregnancy_id", "section", "code", "overdue_from", "deadline"
        )
        for pk, section, code, overdue_from, deadline in rows:
            state = OVERDUE if overdue_from <= today else DUE
            make = partial(_scheduled_item, section=section, state=state, code=code, deadline=deadline, today=today)
            entries[section].append(_Entry(state, deadline, pk, make, code=code))
    if CHILD_CHECK in entries:
        # A child's stored items already end at its death and at its 7th birthday (``due.child_items``): no test on
        # the child's row (at a million pregnancies it was one more index probe for each of a county's children).
        # The user's children as their ids' UNION (``access.visible_children_ids``), not as the children kind's rows
        # filtered by it: that joined the UNION back to the child table, which PostgreSQL did by reading its
        # whole primary key (640,000 ids at a million pregnancies).
        children: Any = (
            access.visible_children_ids(
                records.user, women=records.women, units=records.units, pregnancies=records.pregnancies
            )
            if records.women is not None and unit is None
            else records("children").filter(_unit_q(unit, "residence", "registered_at")).values("pk")
        )
        rows = DueItem.objects.filter(_shown(today), section=CHILD_CHECK, child_id__in=children).values_list(
            "child_id", "section", "code", "overdue_from", "deadline"
        )
        for pk, _section, code, overdue_from, deadline in rows:
            state = OVERDUE if overdue_from <= today else DUE
            make = partial(_child_item, state=state, code=code, deadline=deadline)
            entries[CHILD_CHECK].append(_Entry(state, deadline, pk, make, is_child=True, code=code))


def _scheduled_item(
    pregnancy: Pregnancy, *, section: str, state: str, code: str, deadline: date | None, today: date
) -> WorkItem:
    """A pregnancy's stored item as the worklist shows it."""
    rules = mch_rules()
    if section == ANTENATAL:
        window = next(w for w in rules.antenatal_schedule if w.code == code)
        note = gestation_label((today - pregnancy.last_menstrual_period_on).days)
        return _pregnancy_item(pregnancy, section, state, code, window.label, deadline=deadline, note=note)
    if section == OUTCOME:
        return _pregnancy_item(pregnancy, section, state, code, _outcome_what(pregnancy), deadline=deadline)
    delivery = pregnancy.delivery
    if section == POSTPARTUM:
        start, _last = postpartum_visit_window(delivery, rules)
        what = str(_("Home visit after discharge on %(date)s")) % {"date": start.isoformat()}
        late = deadline is not None and today > deadline
        return _pregnancy_item(pregnancy, section, state, code, what, deadline=deadline, is_late=late)
    what = str(_("42-day check after delivery on %(date)s")) % {"date": delivery.delivered_on.isoformat()}
    return _pregnancy_item(pregnancy, section, state, code, what, deadline=deadline)


def _child_item(child: Child, *, state: str, code: str, deadline: date | None) -> WorkItem:
    return WorkItem(
        section=CHILD_CHECK,
        state=state,
        subject_id=child.public_id,
        subject=str(child),
        url=child_url(child),
        residence=child.residence.name,
        institution=child.registered_at.name,
        code=code,
        what=str(ChildCheckKind(code).label),
        deadline=deadline,
    )


def _case_items(
    records: _Records, unit: OrgUnit | None, colour: str, today: date, now: datetime, found: list[_Entry]
) -> None:
    """Open 专案: a report due, or the next antenatal contact (``due.next_contact`` on the stored items, else the
    expected delivery date while ongoing)."""
    cases = (
        records("risk-cases")
        .filter(
            _unit_q(unit, "pregnancy__woman__residence", "pregnancy__registered_at"),
            _colour_q(colour, "pregnancy__"),
            status=CaseStatus.OPEN,
        )
        .select_related(None)
        .annotate(next_window=due.next_contact_q(today))
    )
    rows = cases.values_list(
        "pregnancy_id",
        "colour",
        "responsible_name",
        "reported_at",
        "report_due_at",
        "status",
        "pregnancy__status",
        "pregnancy__expected_delivery_on",
        "next_window",
    )
    overdue_q = case_report_overdue(now)
    # Translated once, not for each of a county's hundreds of cases (each lookup reads the active language).
    report_due, next_contact = str(_("Report due")), str(_("Next antenatal contact"))
    manager = str(_("%(colour)s · case manager %(name)s"))
    colour_labels = {value: str(label) for value, label in Colour.choices} | {"": str(_("Purple"))}
    for pregnancy_id, case_colour, responsible, reported_at, due_at, status, p_status, expected, next_window in rows:
        overdue = overdue_q.holds(SimpleNamespace(status=status, reported_at=reported_at, report_due_at=due_at))
        deadline: date | datetime | None
        if reported_at is None:
            deadline, note = due_at, report_due
        else:
            ongoing = p_status == PregnancyStatus.ONGOING
            deadline, note = (next_window or expected) if ongoing else None, next_contact
        what = manager % {"colour": colour_labels[case_colour or ""], "name": responsible}
        found.append(
            _pregnancy_entry(
                pregnancy_id,
                CASE,
                OVERDUE if overdue else DUE,
                case_colour or PURPLE,
                what,
                deadline=deadline,
                note=note,
            )
        )


def _referral_items(records: _Records, unit: OrgUnit | None, colour: str, now: datetime, found: list[_Entry]) -> None:
    follow_up = timedelta(days=mch_rules().referral_follow_up_days)
    referrals = (
        records("referrals")
        .filter(
            _unit_q(unit, "pregnancy__woman__residence", "pregnancy__registered_at", "from_unit", "to_unit"),
            _colour_q(colour, "pregnancy__"),
            status__in=[ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED],
            requested_at__lt=now - follow_up,
        )
        .select_related(None)
        .select_related("from_unit", "to_unit")
    )
    labels = {value: str(label) for value, label in ReferralStatus.choices}  # translated once
    for referral in referrals:
        what = f"{referral.from_unit.name} → {referral.to_unit.name} · {labels[referral.status]}"
        found.append(
            _pregnancy_entry(
                referral.pregnancy_id,
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
    #: The worklist's counts (no items); none for a province or a prefecture (:func:`area_roots`).
    worklist: Worklist | None
    #: The regions counted, for a province or prefecture: the pregnancies registered at their institutions.
    areas: tuple[OrgUnit, ...] = ()


#: Users whose subtrees are all regions at this level or above (province 1, prefecture 2) see the MCH home by area.
AREA_LEVEL = 2


def area_roots(user: User) -> tuple[OrgUnit | None, ...]:
    """The regions of a user who sees whole provinces or prefectures (``(None,)``: an administrator, everything);
    empty for everyone else. Their MCH home counts the pregnancies registered at the institutions there and
    shows no worklist counts: a province's worklist is a hundred counties' (bench/README.md, MCH)."""
    scope = scope_of(user)
    if scope.is_admin:
        return (None,)
    roots = [root for root in scope.roots if not any(root.path.startswith(o.path) and o != root for o in scope.roots)]
    if roots and all(root.is_region and root.level <= AREA_LEVEL for root in roots):
        return tuple(roots)
    return ()


def _colour_counts(ongoing: QuerySet[Any]) -> Counter[str]:
    """Ongoing pregnancies by current colour ("" not graded), with ``total`` and ``purple``: one GROUP BY on the
    (status, registered_at, current_colour, is_purple) index, not a filtered count per colour over every row."""
    counts: Counter[str] = Counter()
    # Grouped by institution first, in the index's order (no sort of a province's 333,000 rows), summed here.
    rows = ongoing.order_by().values_list("registered_at_id", "current_colour", "is_purple").annotate(n=Count("*"))
    for _unit, colour, purple, count in rows:
        counts[colour] += count
        counts["total"] += count
        if purple:
            counts["purple"] += count
    return counts


def mch_overview(user: User, *, today: date | None = None, now: datetime | None = None) -> Overview:
    """Ongoing pregnancies by colour, open 专案 and overdue reports, and the worklist's counts, in the user's
    scope; for a province or prefecture (:func:`area_roots`), of the pregnancies registered at its institutions
    (one count each, on an index) and without the worklist."""
    today, now = moment(today, now)
    roots = area_roots(user)
    ongoing: QuerySet[Any]
    cases: QuerySet[Any]
    if roots:
        units = Q() if None in roots else reduce(or_, (Q(path__startswith=root.path) for root in roots if root))
        registered = OrgUnit.objects.filter(units).values("pk")
        ongoing = Pregnancy.objects.filter(status=PregnancyStatus.ONGOING, registered_at_id__in=registered)
        cases = RiskCase.objects.filter(status=CaseStatus.OPEN, pregnancy__registered_at_id__in=registered)
        work = None
    else:
        records = _Records(user)
        ongoing = records("pregnancies").filter(status=PregnancyStatus.ONGOING)
        cases = records("risk-cases").filter(status=CaseStatus.OPEN)
        work = worklist(user, today=today, now=now, limit=0, records=records)
    counts = _colour_counts(ongoing)
    open_cases = cases.order_by().aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=case_report_overdue(now).q()),
    )
    return Overview(
        ongoing=counts["total"],
        by_colour=[(value, str(label), counts[value]) for value, label in Colour.choices],
        purple=counts["purple"],
        not_graded=counts[""],
        open_cases=open_cases["open"],
        reports_overdue=open_cases["overdue"],
        worklist=work,
        areas=tuple(root for root in roots if root is not None),
    )
