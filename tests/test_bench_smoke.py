"""The benchmark's pipeline at 20,000 records (bench/README.md): generate, load, rebuild the facts, ask both
dashboard questions through the engine and through DuckDB over the raw records, and get the same answers.
The timed run at 10 million records is `make bench`, never part of the test suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import dataset, questions
from shanhai.analytics.facts import rebuild
from shanhai.analytics.models import Fact
from shanhai.outreach.models import OutreachEvent

SIZE = 20_000


@pytest.mark.django_db
def test_engine_answers_equal_duckdb_over_the_raw_records(tmp_path: Path) -> None:
    dataset.generate(tmp_path, SIZE)
    t = dataset.tree()
    dataset.load_tree(t)
    dataset.reset_sequences()
    dataset.load_records(tmp_path, bulk=False)
    assert OutreachEvent.objects.count() == SIZE
    facts = rebuild()
    assert facts == Fact.objects.count()
    assert facts > 0
    questions.register_bench_indicators()
    con, _load_s = questions.duckdb_connect(tmp_path)
    province = t.provinces[0]

    grid = questions.engine_q1(province["code"])
    assert len(grid.rows) == dataset.PREFECTURES
    assert len(grid.months) == 12
    engine_q1 = questions.engine_cells(grid, questions.Q1_INDICATORS)
    duck_q1 = questions.duckdb_q1_cells(questions.duckdb_q1(con, province["id"]))
    assert len(engine_q1) == len(duck_q1) == 10 * (dataset.PREFECTURES + 1) * 13
    assert questions.compare(engine_q1, duck_q1) == []

    grid2, ranked = questions.engine_q2()
    assert len(grid2.rows) == dataset.PROVINCES * dataset.PREFECTURES * dataset.COUNTIES
    duck_rows = questions.duckdb_q2(con)
    engine_q2 = questions.engine_cells(grid2, [questions.Q2_INDICATOR], with_months=False)
    assert questions.compare(engine_q2, questions.duckdb_q2_cells(duck_rows)) == []
    assert questions.q2_ranking_matches(ranked, duck_rows)
    # The province's year equals the sum of its records' people seen, straight from the table.
    people = sum(
        OutreachEvent.objects.filter(place__anc_1=province["id"], held_on__year=questions.YEAR).values_list(
            "people_seen", flat=True
        )
    )
    assert grid.get("outreach_people_seen").value == people


def test_the_tree_has_five_thousand_units_and_one_partnership_per_county() -> None:
    t = dataset.tree()
    assert len(t.units) == dataset.TOTAL_UNITS == 5000
    assert len(t.counties) == len(t.partnerships) == 300
    assert {p["recipient_id"] for p in t.partnerships} == {c["id"] for c in t.counties}
    assert t.institutions == 5000 - 10 - 3 - 30 - 300
    assert sum(t.per_county) == t.institutions
