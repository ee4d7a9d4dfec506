"""The worklist's scheduled work, stored (``models.DueItem``): each antenatal contact, postpartum visit,
42-day check and child check a pregnancy or a child still owes, and the delivery to record once a pregnancy
passes 42 weeks, each with the days it is shown — due from, overdue from, gone from.

Which item shows on a day is a function of dates the records fix (the last menstrual period, the delivery,
the birth) and of the visits and checks made; only "today" moves. So the items are derived like the other
stored fields: written with them after every change (``services.registry.tracking``), for many records at
once (:func:`refresh_pregnancies`, :func:`refresh_children`: bulk loading, ``shanhai refresh_mch``), and the
worklist of any day reads the rows shown that day instead of computing the schedule of every pregnancy and
child of a county (bench/README.md, MCH at 1,000,000 pregnancies).

The rules are those the worklist applied on the fly before: ``selectors.visits.antenatal_contacts`` (a
window is due while open and overdue once closed without a visit; one closed before registration is not
owed), ``selectors.children.child_schedule`` (due, overdue until the next check falls due), the postpartum
home visit from discharge and the 42-day check (``rules.postpartum_visit_window``), the delivery to record
after 42 weeks. ``tests/maternal/test_due.py`` checks, day by day, that the stored items give the states of
those functions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any, cast

from django.db import connection
from django.db.models import Model, OuterRef, QuerySet, Subquery

from shanhai.maternal.conditions import related_or_none
from shanhai.maternal.models import (
    Child,
    Delivery,
    DueItem,
    DueSection,
    PostpartumKind,
    Pregnancy,
    PregnancyStatus,
)
from shanhai.maternal.rules import CHILD_SCHEDULE, TERM_DAYS, MchRules, mch_rules, postpartum_visit_window

#: Ongoing pregnancies past 42 weeks without a delivery on record: the outcome is to be recorded (from this
#: day of gestation on, instead of their antenatal contacts).
OUTCOME_DUE_DAYS = 42 * 7
#: The 42-day check (产后42天健康检查) is shown a week ahead and is overdue two weeks after day 42
#: (practice: 42–56 days); after this many days from delivery it leaves the worklist.
CHECK_42_LEAD_DAYS = 7
CHECK_42_GRACE_DAYS = 14
POSTPARTUM_SHOWN_DAYS = 90

DAY = timedelta(days=1)
#: Records read and written per statement by the bulk refreshes.
CHUNK = 5000


@dataclass(frozen=True)
class Item:
    """A stored item's values (a ``DueItem`` without its subject)."""

    section: str
    code: str
    shown_from: date
    overdue_from: date
    shown_until: date | None
    deadline: date | None


# --- the items of one pregnancy or child ------------------------------------------------------------------------
def pregnancy_items(
    *,
    status: str,
    lmp: date,
    registered_on: date,
    delivered_on: date | None,
    discharged_on: date | None,
    visits: Iterable[date],
    postpartum: Iterable[str],
    rules: MchRules,
) -> list[Item]:
    """What a pregnancy owes by its schedule, from its values: the antenatal windows without a visit and,
    past 42 weeks, the delivery to record while it is ongoing; the home visit and the 42-day check not made
    once delivered."""
    items: list[Item] = []
    if status == PregnancyStatus.ONGOING:
        outcome_from = lmp + timedelta(days=OUTCOME_DUE_DAYS + 1)
        items.append(Item(DueSection.OUTCOME, "outcome", outcome_from, outcome_from, None, lmp + timedelta(TERM_DAYS)))
        registered = (registered_on - lmp).days
        days = [(visit - lmp).days for visit in visits]
        for window in rules.antenatal_schedule:
            if window.last_day < registered or any(window.first_day <= d <= window.last_day for d in days):
                continue
            opens, closes = lmp + timedelta(days=window.first_day), lmp + timedelta(days=window.last_day)
            if opens < outcome_from:
                items.append(Item(DueSection.ANTENATAL, window.code, opens, closes + DAY, outcome_from, closes))
    elif status == PregnancyStatus.DELIVERED and delivered_on is not None:
        done = set(postpartum)
        gone = delivered_on + timedelta(days=POSTPARTUM_SHOWN_DAYS) + DAY
        if PostpartumKind.VISIT not in done:
            delivery = SimpleNamespace(delivered_on=delivered_on, discharged_on=discharged_on)
            start, _last = postpartum_visit_window(cast(Delivery, delivery), rules)
            until = min(start + timedelta(days=rules.postpartum_check_day) + DAY, gone)
            if start < until:
                overdue = start + timedelta(days=rules.postpartum_visit_days) + DAY
                deadline = start + timedelta(days=rules.postpartum_visit_due_days)
                items.append(Item(DueSection.POSTPARTUM, PostpartumKind.VISIT, start, overdue, until, deadline))
        if PostpartumKind.CHECK_42 not in done:
            check_day = timedelta(days=rules.postpartum_check_day)
            items.append(
                Item(
                    DueSection.CHECK_42,
                    PostpartumKind.CHECK_42,
                    delivered_on + check_day - timedelta(days=CHECK_42_LEAD_DAYS),
                    delivered_on + check_day + timedelta(days=CHECK_42_GRACE_DAYS) + DAY,
                    gone,
                    delivered_on + check_day,
                )
            )
    return items


def next_contact(items: Iterable[Item], today: date) -> date | None:
    """The close of the next antenatal window still to be made on ``today`` (``selectors.next_contact`` without
    the expected delivery date it falls back to): the earliest deadline of the antenatal items not yet closed.
    The worklist reads it as :func:`next_contact_q` for every open 专案 at once."""
    closes = [
        item.deadline
        for item in items
        if item.section == DueSection.ANTENATAL and item.deadline is not None and item.deadline >= today
    ]
    return min(closes, default=None)


def next_contact_q(today: date, pregnancy: str = "pregnancy_id") -> Subquery:
    """:func:`next_contact` of the pregnancy ``pregnancy`` names, as a subquery on its stored items."""
    return Subquery(
        DueItem.objects.filter(pregnancy_id=OuterRef(pregnancy), section=DueSection.ANTENATAL, deadline__gte=today)
        .order_by("deadline")
        .values("deadline")[:1]
    )


def child_items(*, birth_date: date, died_on: date | None, checks: Iterable[str]) -> list[Item]:
    """The checks of ``rules.CHILD_SCHEDULE`` a living child has not had: due from its day, overdue until the
    next one falls due (the deadline is the last day it is due)."""
    if died_on is not None:
        return []
    done = set(checks)
    items = []
    for window in CHILD_SCHEDULE:
        if window.kind in done:
            continue
        due_on, overdue_on = window.after(birth_date, window.due), window.after(birth_date, window.overdue)
        until = window.after(birth_date, window.until)
        if due_on < until:
            items.append(Item(DueSection.CHILD_CHECK, window.kind, due_on, overdue_on, until, overdue_on - DAY))
    return items


def _of_pregnancy(pregnancy: Pregnancy, rules: MchRules) -> list[Item]:
    """The items of a pregnancy instance, its relations read as prefetched (``derived.with_relations``)."""
    delivery = related_or_none(pregnancy, "delivery")
    return pregnancy_items(
        status=pregnancy.status,
        lmp=pregnancy.last_menstrual_period_on,
        registered_on=pregnancy.registered_on,
        delivered_on=delivery.delivered_on if delivery else None,
        discharged_on=delivery.discharged_on if delivery else None,
        visits=[visit.visited_on for visit in pregnancy.antenatal_visits.all()],
        postpartum=[visit.kind for visit in pregnancy.postpartum_visits.all()],
        rules=rules,
    )


# --- writing them ------------------------------------------------------------------------------------------------
def _stored(**subject: Any) -> set[Item]:
    rows = DueItem.objects.filter(**subject).values_list(
        "section", "code", "shown_from", "overdue_from", "shown_until", "deadline"
    )
    return {Item(*row) for row in rows}


def write_pregnancy(pregnancy: Pregnancy, *, rules: MchRules | None = None) -> None:
    """Store one pregnancy's items as its records give them now (after a write on them); nothing is written
    when they are unchanged."""
    items = _of_pregnancy(pregnancy, rules or mch_rules())
    if set(items) != _stored(pregnancy_id=pregnancy.pk):
        DueItem.objects.filter(pregnancy_id=pregnancy.pk).delete()
        DueItem.objects.bulk_create(DueItem(pregnancy_id=pregnancy.pk, **vars(item)) for item in items)


def write_child(child: Child) -> None:
    """Store one child's items as its record and checks give them now."""
    kinds = child.checks.values_list("kind", flat=True)
    items = child_items(birth_date=child.birth_date, died_on=child.died_on, checks=kinds)
    if set(items) != _stored(child_id=child.pk):
        DueItem.objects.filter(child_id=child.pk).delete()
        DueItem.objects.bulk_create(DueItem(child_id=child.pk, **vars(item)) for item in items)


def refresh_pregnancies(queryset: QuerySet[Pregnancy] | None = None, *, models: Any = None) -> int:
    """Re-write the items of many pregnancies (all of them without a queryset) from their values: a few
    statements per :data:`CHUNK` pregnancies, no model instance. Returns how many items were written.
    ``models``: the models to read and write (a migration's historical ones), else the current ones."""
    m = models or _current()
    rules = mch_rules()
    written = 0
    for ids in id_chunks(queryset if queryset is not None else m.Pregnancy.objects.all()):
        rows = m.Pregnancy.objects.filter(pk__in=ids).values_list(
            "pk", "status", "last_menstrual_period_on", "registered_on", "delivery__delivered_on",
            "delivery__discharged_on",
        )  # fmt: skip
        visits = _grouped(m.AntenatalVisit.objects.filter(pregnancy_id__in=ids), "pregnancy_id", "visited_on")
        postpartum = _grouped(m.PostpartumVisit.objects.filter(pregnancy_id__in=ids), "pregnancy_id", "kind")
        items = [
            (pk, item)
            for pk, status, lmp, registered_on, delivered_on, discharged_on in rows
            for item in pregnancy_items(
                status=status,
                lmp=lmp,
                registered_on=registered_on,
                delivered_on=delivered_on,
                discharged_on=discharged_on,
                visits=visits.get(pk, ()),
                postpartum=postpartum.get(pk, ()),
                rules=rules,
            )
        ]
        written += _replace(m.DueItem, "pregnancy_id", ids, items)
    return written


def refresh_children(queryset: QuerySet[Child] | None = None, *, models: Any = None) -> int:
    """Re-write the items of many children (all of them without a queryset), as :func:`refresh_pregnancies`."""
    m = models or _current()
    written = 0
    for ids in id_chunks(queryset if queryset is not None else m.Child.objects.all()):
        rows = m.Child.objects.filter(pk__in=ids).values_list("pk", "birth_date", "died_on")
        checks = _grouped(m.ChildCheck.objects.filter(child_id__in=ids), "child_id", "kind")
        items = [
            (pk, item)
            for pk, birth_date, died_on in rows
            for item in child_items(birth_date=birth_date, died_on=died_on, checks=checks.get(pk, ()))
        ]
        written += _replace(m.DueItem, "child_id", ids, items)
    return written


def _current() -> SimpleNamespace:
    from shanhai.maternal.models import AntenatalVisit, ChildCheck, PostpartumVisit

    return SimpleNamespace(
        Pregnancy=Pregnancy,
        Child=Child,
        AntenatalVisit=AntenatalVisit,
        PostpartumVisit=PostpartumVisit,
        ChildCheck=ChildCheck,
        DueItem=DueItem,
    )


def id_chunks(queryset: QuerySet[Any], size: int = CHUNK) -> Iterator[list[int]]:
    """The records' ids in order, read at once, in lists of ``size``: each chunk is then read and written by
    statements of its own. An open cursor over the whole table instead kept SQLite's write-ahead log from being
    recycled while every changed page was appended to it (22 GB at a million pregnancies)."""
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _grouped(queryset: QuerySet[Any], key: str, value: str) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for pk, found in queryset.order_by().values_list(key, value):
        grouped[pk].append(found)
    return grouped


def _replace(model: type[Model], subject: str, ids: Sequence[int], items: list[tuple[int, Item]]) -> int:
    """Delete the items of the ``ids`` and insert ``items`` with one prepared INSERT run over them (Django's
    ``bulk_create`` compiles SQL per batch: slow over millions of rows)."""
    model._default_manager.filter(**{f"{subject}__in": ids}).delete()
    if not items:
        return 0
    names = (subject, "section", "code", "shown_from", "overdue_from", "shown_until", "deadline")
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)  # type: ignore[union-attr]
    marks = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    to_db = connection.ops.adapt_datefield_value
    params = [
        (pk, item.section, item.code, to_db(item.shown_from), to_db(item.overdue_from), to_db(item.shown_until),
         to_db(item.deadline))
        for pk, item in items
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)
