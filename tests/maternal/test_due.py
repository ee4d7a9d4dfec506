"""The worklist's stored items (``maternal/due.py``) give, on every day, the states the schedules compute on the
fly: the antenatal contacts (``selectors.antenatal_contacts``), the child checks (``selectors.child_schedule``) and
the postpartum visit and 42-day check as the worklist shows them; and what the services write item by item is what
the bulk refresh writes."""

from __future__ import annotations

import random
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any, cast

import pytest

from shanhai.maternal import due
from shanhai.maternal.models import Child, ChildCheck, DueItem, PostpartumKind, Pregnancy, PregnancyStatus
from shanhai.maternal.rules import CHILD_SCHEDULE, mch_rules
from shanhai.maternal.selectors import DUE, OVERDUE, UPCOMING, antenatal_contacts, child_schedule
from tests.maternal.test_worklist import cohort  # noqa: F401  (the fixture: a cohort made through the services)

START = date(2024, 1, 1)


def _shown(items: list[due.Item], day: date) -> set[tuple[str, str, str, date | None]]:
    return {
        (item.section, item.code, OVERDUE if item.overdue_from <= day else DUE, item.deadline)
        for item in items
        if item.shown_from <= day and (item.shown_until is None or day < item.shown_until)
    }


def _ongoing_reference(lmp: date, registered_on: date, visits: list[date], day: date) -> set[Any]:
    """What the worklist showed for an ongoing pregnancy on ``day``: its antenatal contacts due or overdue up to
    42 weeks, then the delivery to record."""
    reached = (day - lmp).days
    if reached > due.OUTCOME_DUE_DAYS:
        return {("outcome", "outcome", OVERDUE, lmp + timedelta(days=280))}
    plain = SimpleNamespace(last_menstrual_period_on=lmp, registered_on=registered_on, status=PregnancyStatus.ONGOING)
    return {
        ("antenatal", contact.window.code, contact.state, contact.closes_on)
        for contact in antenatal_contacts(cast(Pregnancy, plain), visits, day)
        if contact.state in (DUE, OVERDUE)
    }


def _next_contact_reference(lmp: date, registered_on: date, visits: list[date], day: date) -> date | None:
    """The close of the first antenatal contact due or upcoming (``selectors.next_contact`` before its fallback)."""
    plain = SimpleNamespace(last_menstrual_period_on=lmp, registered_on=registered_on, status=PregnancyStatus.ONGOING)
    contacts = antenatal_contacts(cast(Pregnancy, plain), visits, day)
    return next((contact.closes_on for contact in contacts if contact.state in (DUE, UPCOMING)), None)


def _postpartum_reference(delivered_on: date, discharged_on: date | None, done: set[str], day: date) -> set[Any]:
    """The postpartum rules of the worklist, written out: shown for 90 days after the delivery; the home visit
    from discharge to day 42 after it, due for ``postpartum_visit_days``; the 42-day check from day 35, due
    until day 56."""
    rules = mch_rules()
    shown: set[Any] = set()
    if day > delivered_on + timedelta(days=due.POSTPARTUM_SHOWN_DAYS):
        return shown
    start = discharged_on or delivered_on
    since = (day - start).days
    if PostpartumKind.VISIT not in done and 0 <= since <= rules.postpartum_check_day:
        state = DUE if since <= rules.postpartum_visit_days else OVERDUE
        shown.add(("postpartum", "visit", state, start + timedelta(days=rules.postpartum_visit_due_days)))
    after = (day - delivered_on).days
    if PostpartumKind.CHECK_42 not in done and after >= rules.postpartum_check_day - due.CHECK_42_LEAD_DAYS:
        state = DUE if after <= rules.postpartum_check_day + due.CHECK_42_GRACE_DAYS else OVERDUE
        shown.add(("check_42", "check_42", state, delivered_on + timedelta(days=rules.postpartum_check_day)))
    return shown


@pytest.mark.parametrize("seed", range(4))
def test_an_ongoing_pregnancys_items_give_the_schedules_states_every_day(seed: int) -> None:
    rng = random.Random(seed)
    rules = mch_rules()
    for _ in range(25):
        lmp = START + timedelta(days=rng.randrange(200))
        registered_on = lmp + timedelta(days=rng.randrange(30, 200))
        visits = sorted(lmp + timedelta(days=rng.randrange(40, 290)) for _ in range(rng.randrange(5)))
        items = due.pregnancy_items(
            status=PregnancyStatus.ONGOING,
            lmp=lmp,
            registered_on=registered_on,
            delivered_on=None,
            discharged_on=None,
            visits=visits,
            postpartum=(),
            rules=rules,
        )
        for offset in range(0, 330, 3):
            day = registered_on + timedelta(days=offset)
            assert _shown(items, day) == _ongoing_reference(lmp, registered_on, visits, day), (lmp, day)
            assert due.next_contact(items, day) == _next_contact_reference(lmp, registered_on, visits, day), (lmp, day)


@pytest.mark.parametrize("seed", range(3))
def test_a_delivered_pregnancys_items_give_the_postpartum_rules_every_day(seed: int) -> None:
    rng = random.Random(seed)
    rules = mch_rules()
    for _ in range(30):
        delivered_on = START + timedelta(days=rng.randrange(300))
        discharged_on = rng.choice([None, delivered_on + timedelta(days=rng.randrange(8))])
        done = set(rng.sample([PostpartumKind.VISIT.value, PostpartumKind.CHECK_42.value], rng.randrange(3)))
        items = due.pregnancy_items(
            status=PregnancyStatus.DELIVERED,
            lmp=delivered_on - timedelta(days=270),
            registered_on=delivered_on - timedelta(days=200),
            delivered_on=delivered_on,
            discharged_on=discharged_on,
            visits=(),
            postpartum=done,
            rules=rules,
        )
        for offset in range(-5, 100):
            day = delivered_on + timedelta(days=offset)
            assert _shown(items, day) == _postpartum_reference(delivered_on, discharged_on, done, day), (offset, done)


def test_an_ended_pregnancy_owes_nothing() -> None:
    for status in (PregnancyStatus.ENDED, PregnancyStatus.MATERNAL_DEATH):
        items = due.pregnancy_items(
            status=status,
            lmp=START,
            registered_on=START + timedelta(days=60),
            delivered_on=None,
            discharged_on=None,
            visits=(),
            postpartum=(),
            rules=mch_rules(),
        )
        assert items == []


@pytest.mark.parametrize("seed", range(3))
def test_a_childs_items_give_the_child_schedules_states_every_day(seed: int) -> None:
    rng = random.Random(seed)
    kinds = [window.kind for window in CHILD_SCHEDULE]
    for _ in range(12):
        born = START + timedelta(days=rng.randrange(366))  # month ends and 29 February included
        done = rng.sample(kinds, rng.randrange(len(kinds)))
        items = due.child_items(birth_date=born, died_on=None, checks=done)
        plain = SimpleNamespace(birth_date=born, died_on=None)
        checks = [SimpleNamespace(kind=kind) for kind in done]
        for offset in range(0, 7 * 366, 5):
            day = born + timedelta(days=offset)
            expected = {
                ("child", s.kind, s.state, s.overdue_on - timedelta(days=1))
                for s in child_schedule(cast(Child, plain), cast(list[ChildCheck], checks), day)
                if s.state in (DUE, OVERDUE)
            }
            assert _shown(items, day) == expected, (born, day)
    assert due.child_items(birth_date=START, died_on=START + timedelta(days=3), checks=()) == []


@pytest.mark.django_db
def test_the_bulk_refresh_writes_what_the_services_wrote(cohort: Any) -> None:  # noqa: F811
    """The worklist's cohort is made through the services (``test_worklist``): each write kept its record's items;
    the bulk refresh (``shanhai refresh_mch``, bulk loading, the migration) gives the same rows."""

    def stored() -> list[tuple[Any, ...]]:
        return sorted(
            DueItem.objects.values_list(
                "pregnancy_id", "child_id", "section", "code", "shown_from", "overdue_from", "shown_until", "deadline"
            ),
            key=repr,
        )

    written = stored()
    assert written, "the cohort owes contacts and checks"
    due.refresh_pregnancies()
    due.refresh_children()
    assert stored() == written
    DueItem.objects.all().delete()
    assert due.refresh_pregnancies(Pregnancy.objects.all()) + due.refresh_children(Child.objects.all()) == len(written)
    assert stored() == written
