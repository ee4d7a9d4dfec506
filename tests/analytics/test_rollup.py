"""The region roll-up (``FactRollup``): kept equal to the facts summed per region ancestor by every
write path, and read by the engine only where it gives the same answer."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from shanhai.analytics import engine, facts
from shanhai.analytics.models import ROLLUP_LEVELS, Fact, FactRollup
from shanhai.core.models import OrgUnitKind
from shanhai.core.periods import parse_period
from shanhai.core.services import org_unit_move
from shanhai.outreach.indicators import OUTREACH_EVENTS
from shanhai.outreach.models import OutreachKind
from shanhai.outreach.services import outreach_event_create, outreach_event_delete, outreach_event_update
from shanhai.partnerships.services import agreement_add, partnership_create, partnership_update
from tests.core.factories import OrgUnitFactory, ProgrammeFactory

ANCESTORS = ("anc_1", "anc_2", "anc_3", "anc_4", "anc_5", "anc_6")
FIGURES = ["outreach_events", "outreach_people_seen", "outreach_medicine_value", "partnerships_active"]


def rollup_table() -> list[tuple]:
    rows = FactRollup.objects.values_list(
        "metric", "level", "unit_id", *ANCESTORS, "programme_id", "partnership_id", "month", "value", "record_count"
    )
    return sorted((*row[:-2], round(row[-2], 6), row[-1]) for row in rows)


def recomputed() -> list[tuple]:
    """The roll-up as its definition says, summed in Python from the fact table."""
    cells: dict[tuple, list] = {}
    for fact in Fact.objects.values():
        for level in ROLLUP_LEVELS:
            unit = fact[f"anc_{level}"]
            if unit is None:
                continue
            ancestors = tuple(fact[f"anc_{k}"] if k <= level else None for k in range(1, 7))
            key = (fact["metric"], level, unit, fact["partnership_id"], fact["month"])
            cell = cells.setdefault(key, [ancestors, fact["programme_id"], 0.0, 0])
            assert cell[:2] == [ancestors, fact["programme_id"]]  # the same for every fact under the unit
            cell[2] += fact["value"]
            cell[3] += fact["record_count"]
    return sorted(
        (metric, level, unit, *ancestors, programme, partnership, month, round(value, 6), count)
        for (metric, level, unit, partnership, month), (ancestors, programme, value, count) in cells.items()
    )


def event(world, place, day, people, medicine="0"):
    return outreach_event_create(
        actor=None,
        kind=OutreachKind.FREE_CLINIC,
        held_on=day,
        place=place,
        partnership=world.partnership,
        people_seen=people,
        medicine_value=Decimal(medicine),
    )


def test_rollup_follows_every_write_and_equals_the_rebuild(world):
    county = event(world, world.qitai, dt.date(2023, 3, 4), 120, "35.50")
    hospital = event(world, world.qitai_hospital, dt.date(2023, 3, 20), 80)
    event(world, world.qitai_mch, dt.date(2023, 4, 2), 45, "12.25")
    agreement_add(actor=None, partnership=world.partnership, title="对口支援协议", signed_on=dt.date(2023, 3, 5))
    assert rollup_table() == recomputed()
    assert FactRollup.objects.filter(level=3, unit_id=world.qitai.pk).exists()

    outreach_event_update(actor=None, record=hospital, people_seen=95, held_on=dt.date(2023, 5, 1))
    assert rollup_table() == recomputed()
    outreach_event_update(actor=None, record=county, place=world.qitai_mch)  # same county: the roll-up nets out
    assert rollup_table() == recomputed()

    outreach_event_delete(actor=None, record=hospital)
    assert rollup_table() == recomputed()
    assert not FactRollup.objects.filter(record_count__lte=0).exists()
    assert not Fact.objects.filter(record_count__lte=0).exists()

    org_unit_move(actor=None, unit=world.qitai, new_parent=world.fuzhou)
    assert rollup_table() == recomputed()
    assert not FactRollup.objects.filter(unit_id__in=[world.changji.pk, world.xinjiang.pk]).exists()
    assert FactRollup.objects.filter(level=2, unit_id=world.fuzhou.pk).exists()

    partnership_update(actor=None, partnership=world.partnership, programme=ProgrammeFactory(owner=world.fujian))
    assert rollup_table() == recomputed()

    incremental = rollup_table()
    assert len(incremental) > 0
    facts.rebuild()
    assert rollup_table() == incremental == recomputed()


def test_levels_copy_the_ancestors_of_their_unit(world):
    event(world, world.qitai_hospital, dt.date(2024, 1, 9), 10)
    rows = {
        row.level: (row.unit_id, row.anc_1, row.anc_2, row.anc_3, row.anc_4)
        for row in FactRollup.objects.filter(metric=OUTREACH_EVENTS.id)
    }
    assert rows == {
        1: (world.xinjiang.pk, world.xinjiang.pk, None, None, None),
        2: (world.changji.pk, world.xinjiang.pk, world.changji.pk, None, None),
        3: (world.qitai.pk, world.xinjiang.pk, world.changji.pk, world.qitai.pk, None),
    }


def test_the_choice_of_table(world):
    def source(scope, units=None):
        chosen = engine.fact_source(scope, units)
        return chosen.queryset.model, chosen.column

    changji = engine.Scope(org_unit=world.changji)
    assert source(changji) == (FactRollup, None)
    assert source(engine.Scope()) == (FactRollup, None)
    assert source(engine.Scope(programme=world.programme)) == (FactRollup, None)
    assert source(engine.Scope(org_unit=world.qitai_hospital)) == (Fact, None)  # an institution
    assert source(engine.Scope(org_unit=world.fuqing, side="supporter")) == (Fact, None)
    assert source(changji, [world.qitai]) == (FactRollup, "unit_id")
    assert source(engine.Scope(), [world.qitai, world.fuqing]) == (FactRollup, "unit_id")
    assert source(changji, [world.qitai, world.changji_commission]) == (
        Fact,
        "anc_3",
    )  # mixes a region and an institution
    assert source(engine.Scope(org_unit=world.qitai), [world.qitai_hospital]) == (Fact, "anc_4")


def _all_cells(grid):
    return {key: (v.numerator, v.denominator, v.value, v.is_reported) for key, v in grid.values.items()}


def _from_facts(monkeypatch, grid_call):
    """The same grid with the roll-up taken out of the choice (every read from ``Fact``)."""
    original = engine.fact_source

    def facts_only(scope, units=None):
        chosen = original(scope, units)
        if chosen.queryset.model is Fact:
            return chosen
        column = None if units is None else f"anc_{units[0].level}"
        return engine.FactSource(Fact.objects.filter(scope.fact_filter()), column)

    with monkeypatch.context() as patch:
        patch.setattr(engine, "fact_source", facts_only)
        return grid_call()


def test_grids_and_values_from_the_rollup_equal_those_from_the_facts(world, monkeypatch):
    for place, day, people in [
        (world.qitai, dt.date(2022, 11, 3), 30),
        (world.qitai_hospital, dt.date(2023, 2, 14), 50),
        (world.qitai_mch, dt.date(2023, 2, 20), 70),
        (world.qitai_hospital, dt.date(2023, 9, 1), 20),
    ]:
        event(world, place, day, people, "10.5")
    # Facts on institutions that are no row's: the commission under Changji, a hospital right under Xinjiang.
    regional = OrgUnitFactory(code="H650000001", kind=OrgUnitKind.GENERAL_HOSPITAL, parent=world.xinjiang)
    for recipient in (world.changji_commission, regional):
        partnership_create(
            actor=None,
            supporter=world.fuqing_hospital,
            recipient=recipient,
            mode="pairing",
            started_on=dt.date(2023, 7, 1),
        )
    period = parse_period("2023")
    calls = [
        lambda: engine.evaluate_grid(
            FIGURES, engine.Scope(org_unit=world.xinjiang), period, group="unit", monthly=True
        ),
        lambda: engine.evaluate_grid(FIGURES, engine.Scope(org_unit=world.changji), period, group="unit", monthly=True),
        lambda: engine.evaluate_grid(FIGURES, engine.Scope(), period, group="unit", units=[world.qitai, world.fuqing]),
        lambda: engine.evaluate_grid(
            FIGURES, engine.Scope(org_unit=world.xinjiang), period, group="unit", units=[world.changji]
        ),
        lambda: engine.evaluate_grid(
            FIGURES, engine.Scope(org_unit=world.xinjiang), period, group="unit", unit_level=3
        ),
        lambda: engine.evaluate_grid(
            FIGURES, engine.Scope(org_unit=world.xinjiang, programme=world.programme), period, group="programme"
        ),
        lambda: engine.evaluate_grid(FIGURES, engine.Scope(org_unit=world.changji), period, group="partnership"),
        lambda: engine.evaluate_grid(FIGURES, engine.Scope(org_unit=world.qitai), parse_period("202302"), monthly=True),
    ]
    for call in calls:
        assert _all_cells(call()) == _all_cells(_from_facts(monkeypatch, call))
    grid = calls[0]()
    assert grid.get("outreach_people_seen", world.changji.pk).value == 140
    assert grid.get("outreach_people_seen", world.changji.pk, 202302).value == 120
    assert grid.get("partnerships_active").value == 3  # a stock: the start in 2021 is read
    assert calls[3]().get("partnerships_active", world.changji.pk).value == 2  # not the hospital under Xinjiang
    assert calls[2]().get("outreach_people_seen", world.fuqing.pk).is_reported is False


def test_region_scope_reads_the_rollup_in_one_query(world):
    event(world, world.qitai_hospital, dt.date(2023, 6, 1), 25)
    rollup = FactRollup._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        values = engine.evaluate(FIGURES, engine.Scope(org_unit=world.changji), parse_period("2023"))
    assert len(queries.captured_queries) == 1
    assert rollup in queries.captured_queries[0]["sql"]
    assert [v.value for v in values] == [1, 25, 0, 1]
    with CaptureQueriesContext(connection) as queries:
        engine.evaluate_grid(
            FIGURES, engine.Scope(org_unit=world.xinjiang), parse_period("2023"), group="unit", monthly=True
        )
    # The rows, the one query of the roll-up, then (months before the first event lack facts) since when each row
    # keeps outreach records: 0 from then on, not reported before.
    assert len(queries.captured_queries) == 3
    assert rollup in queries.captured_queries[1]["sql"] and rollup in queries.captured_queries[2]["sql"]


def test_flow_questions_do_not_read_months_before_the_period(world):
    event(world, world.qitai_hospital, dt.date(2022, 6, 1), 25)
    event(world, world.qitai_hospital, dt.date(2023, 6, 1), 5)
    with CaptureQueriesContext(connection) as queries:
        value = engine.evaluate_one("outreach_people_seen", engine.Scope(org_unit=world.changji), parse_period("2023"))
    assert value.value == 5
    assert "202301" in queries.captured_queries[0]["sql"]
