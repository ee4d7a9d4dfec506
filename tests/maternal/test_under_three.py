"""3岁以下儿童系统管理率 (``mch.under_three_management_rate``) on the children's stored check dates, against the
definition computed here in plain Python over the same records, and those dates kept by the services.

The definition (``indicators._under_three_due``, domain.md §3.2): a child counts when it is alive and under 3 at the
period's end (born on or before it, its third birthday after it, not dead by then) and one of its 3, 6, 8, 12, 18,
24 or 30-month checks falls due in the period (its date: the same day that many months after birth, or that
month's last day); it is managed when every check due in the period was done (a check of that kind dated on or
before the period's end). The hand-counted cohort is in ``test_indicators.py``.
"""

import importlib
import random
from dataclasses import dataclass
from datetime import date as D
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shanhai.analytics.engine import Scope, evaluate
from shanhai.core.periods import Period, add_months, parse_period
from shanhai.maternal import services
from shanhai.maternal.derived import derive_child
from shanhai.maternal.indicators import UNDER_THREE_DUE, UNDER_THREE_MANAGED
from shanhai.maternal.models import Child, ChildCheck, add_years, months_after
from shanhai.maternal.rules import CHILD_SCHEDULE, UNDER_THREE_CHECK_FIELDS
from tests.maternal.factories import make_child

CODE = "mch.under_three_management_rate"
#: The checks of the measure and the months after birth each falls due (4:2:2), written out.
MEASURED = {"m3": 3, "m6": 6, "m8": 8, "m12": 12, "m18": 18, "m24": 24, "m30": 30}
#: Checks of the schedule the measure does not count (they must change nothing).
OTHERS = {"newborn_visit": 0, "m1": 1, "m36": 36, "y4": 48}
FILL = importlib.import_module("shanhai.maternal.migrations.0007_child_under_three_checks").fill


@dataclass
class Record:
    pk: int
    unit: int
    born: D
    died: D | None
    checks: dict[str, D]


def reference(records: list[Record], units: set[int], period: Period) -> tuple[set[int], set[int]]:
    """The children with a check due in the period and those of them managed, by the module docstring."""
    due_children, managed = set(), set()
    for r in records:
        end = period.end
        # Under 3: born after the same day three years before the end (a child born on 29 February is under 3
        # until the end of 28 February three years on, though add_years puts its birthday on that day).
        under_three = add_years(end, -3) < r.born <= end and (r.died is None or r.died > end)
        if r.unit not in units or not under_three:
            continue
        due = [kind for kind, months in MEASURED.items() if period.start <= months_after(r.born, months) <= end]
        if not due:
            continue
        due_children.add(r.pk)
        if all(kind in r.checks and r.checks[kind] <= end for kind in due):
            managed.add(r.pk)
    return due_children, managed


def random_period(rng: random.Random) -> Period:
    year = rng.randint(2019, 2025)
    kind = rng.choice(("month", "quarter", "mch_year", "year", "range"))
    if kind == "month":
        return parse_period(f"{year}{rng.randint(1, 12):02d}")
    if kind == "quarter":
        return parse_period(f"{year}Q{rng.randint(1, 4)}")
    if kind == "mch_year":
        return parse_period(f"{year}Oct")
    if kind == "year":
        return parse_period(str(year))
    first = year * 100 + rng.randint(1, 12)
    return parse_period(f"{first}..{add_months(first, rng.randint(1, 30))}")


def build(rng: random.Random, units: list, institution, count: int) -> list[Record]:
    """``count`` children born 2015–2025 with random checks (early, late, on month ends, missing) and deaths,
    saved in bulk, then their stored fields derived as ``children_refresh`` derives them."""
    children, plans = [], []
    for index in range(count):
        born = D(2015, 1, 1) + timedelta(days=rng.randint(0, 11 * 365))
        if rng.random() < 0.15:  # month ends: the due date keeps the month (31 Jan + 1 month → 28/29 Feb)
            born = months_after(D(born.year, born.month, 1), 1) - timedelta(days=1)
        died = born + timedelta(days=rng.randint(0, 4 * 365)) if rng.random() < 0.12 else None
        unit = rng.choice(units)
        children.append(
            Child(
                number=f"T-{index}",
                sex="female",
                birth_date=born,
                residence=unit,
                registered_at=institution,
                died_on=died,
            )
        )
        checks = {}
        for kind, months in (MEASURED | OTHERS).items():
            if rng.random() < 0.8:
                due = months_after(born, months)
                checks[kind] = max(born, due + timedelta(days=rng.choice((-40, -3, 0, 1, 10, 25, 31, 60, 200))))
        plans.append(checks)
    Child.objects.bulk_create(children)
    ChildCheck.objects.bulk_create(
        ChildCheck(child=child, kind=kind, checked_on=on, institution=child.registered_at)
        for child, checks in zip(children, plans, strict=True)
        for kind, on in checks.items()
    )
    services.children_refresh(Child.objects.all())
    return [
        Record(c.pk, c.residence_id, c.birth_date, c.died_on, checks) for c, checks in zip(children, plans, strict=True)
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_measure_equals_its_definition_on_random_children_and_periods(world, places, seed):
    rng = random.Random(seed)
    township, jimsar = places.township, places.jimsar
    records = build(rng, [township, jimsar], places.township_centre, 300)
    scopes = {
        world.qitai: {township.pk},
        jimsar: {jimsar.pk},
        world.changji: {township.pk, jimsar.pk},
        world.fuqing: set(),
    }
    periods = [random_period(rng) for _ in range(25)] + [
        parse_period(p) for p in ("2021Oct", "2022", "202202", "2024Q1")
    ]
    for period in periods:
        for unit, units in scopes.items():
            scope = Scope(org_unit=unit)
            due, managed = reference(records, units, period)
            assert UNDER_THREE_DUE.query(scope, period) == (float(len(due)), bool(due)), (unit.name, period.code)
            assert UNDER_THREE_MANAGED.query(scope, period) == (float(len(managed)), bool(due)), (
                unit.name,
                period.code,
            )
            listed = UNDER_THREE_MANAGED.evidence(scope, period).records
            assert set(listed.values_list("pk", flat=True)) == managed, (unit.name, period.code)
    period = parse_period("2021Oct")
    found = evaluate([CODE], Scope(org_unit=world.changji), period)[0]
    due, managed = reference(records, {township.pk, jimsar.pk}, period)
    assert (found.numerator, found.denominator) == (float(len(managed)), float(len(due)))


def stored(child: Child) -> dict[str, D | None]:
    child.refresh_from_db()
    return {kind: getattr(child, name) for kind, name in UNDER_THREE_CHECK_FIELDS.items()}


def test_stored_check_dates_are_the_schedule_under_three(world, places):
    """One stored date per check of the measure, and the measure's checks are the 4:2:2 ones."""
    assert {kind: f"check_{kind}_on" for kind in MEASURED} == UNDER_THREE_CHECK_FIELDS
    assert {w.kind: w.due for w in CHILD_SCHEDULE if w.under_three} == {k: (m, 0) for k, m in MEASURED.items()}
    for name in UNDER_THREE_CHECK_FIELDS.values():
        field = Child._meta.get_field(name)
        assert (field.null, field.editable) == (True, False)


def test_the_migration_fills_the_stored_dates_as_derive_child(world, places):
    """The migration's one UPDATE gives every child the dates ``derive_child`` gives (none without a check)."""
    rng = random.Random(7)
    build(rng, [places.township, places.jimsar], places.township_centre, 200)
    derived = {c.pk: derive_child(c) for c in Child.objects.prefetch_related("checks")}
    assert any(values["check_m30_on"] for values in derived.values())
    Child.objects.update(**dict.fromkeys(UNDER_THREE_CHECK_FIELDS.values()))
    FILL(django_apps, SimpleNamespace(connection=connection))  # what it reads of the schema editor
    names = list(UNDER_THREE_CHECK_FIELDS.values())
    for child in Child.objects.all():
        assert {name: getattr(child, name) for name in names} == {name: derived[child.pk][name] for name in names}


def test_check_writes_keep_the_stored_dates_and_the_measure(world, places):
    """Creating, re-dating, changing the kind of and deleting a check re-derive the child's dates in the same
    write, and the measure follows. Child born 2021-01-31: 6-month check due 2021-07-31, 8-month 2021-09-30."""
    centre = places.township_centre
    child = make_child(residence=places.township, registered_at=centre, born=D(2021, 1, 31))
    q3 = parse_period("2021Q3")
    scope = Scope(org_unit=world.qitai)

    def measure():
        return UNDER_THREE_MANAGED.query(scope, q3)[0], UNDER_THREE_DUE.query(scope, q3)[0]

    assert stored(child) == dict.fromkeys(MEASURED) and measure() == (0.0, 1.0)
    m6 = services.child_check_create(actor=None, child=child, kind="m6", checked_on=D(2021, 8, 2), institution=centre)
    assert stored(child) == dict.fromkeys(MEASURED) | {"m6": D(2021, 8, 2)}
    assert measure() == (0.0, 1.0)  # the 8-month check is due in the quarter too
    m8 = services.child_check_create(actor=None, child=child, kind="m8", checked_on=D(2021, 9, 30), institution=centre)
    assert measure() == (1.0, 1.0)
    services.child_check_update(actor=None, record=m8, checked_on=D(2021, 10, 1))  # after the quarter's end
    assert stored(child)["m8"] == D(2021, 10, 1) and measure() == (0.0, 1.0)
    services.child_check_update(actor=None, record=m8, kind="m12", checked_on=D(2022, 2, 1))  # another kind
    assert stored(child) == dict.fromkeys(MEASURED) | {"m6": D(2021, 8, 2), "m12": D(2022, 2, 1)}
    services.child_check_create(actor=None, child=child, kind="m8", checked_on=D(2021, 9, 29), institution=centre)
    assert measure() == (1.0, 1.0)
    with pytest.raises(ValueError, match="not editable"):  # a check never moves to another child
        services.child_check_update(
            actor=None, record=m6, child=make_child(residence=places.township, registered_at=centre, born=D(2015, 2, 1))
        )
    services.child_check_delete(actor=None, record=m6)
    assert stored(child)["m6"] is None and measure() == (0.0, 1.0)
    services.child_check_create(actor=None, child=child, kind="m1", checked_on=D(2021, 3, 1), institution=centre)
    assert stored(child) == dict.fromkeys(MEASURED) | {"m8": D(2021, 9, 29), "m12": D(2022, 2, 1)}
    assert services.children_refresh(Child.objects.all()) == 0  # what the writes stored is what a refresh derives


def test_children_refresh_takes_the_same_queries_for_more_children(world, places):
    """The checks are prefetched: ten times the children, the same number of queries."""

    def queries(count: int) -> int:
        build(random.Random(count), [places.township], places.township_centre, count)
        Child.objects.update(**dict.fromkeys(UNDER_THREE_CHECK_FIELDS.values()))
        with CaptureQueriesContext(connection) as captured:
            assert services.children_refresh(Child.objects.all(), batch_size=1000) > 0
        ChildCheck.objects.all().delete()
        Child.objects.all().delete()
        return len(captured)

    assert queries(5) == queries(50)
