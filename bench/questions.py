"""The dashboard's two questions, asked of the engine and of DuckDB over the raw records.

- Q1: ten indicators for one province, by prefecture × the 12 months of a year (plus each prefecture's and
  the province's year, and the province by month — every cell of the engine's grid).
- Q2: one indicator over all counties for a year, ranked (highest first; unreported counties last).

Three of the ten indicators are the product's outreach indicators; the other seven are bench-only
combinations of the same three metrics (ratios, a factor, sums and a difference), registered here and
not in the product, so the engine evaluates numerators, denominators and factors per cell as it would for
any dashboard. Both sides produce ``{(indicator, row key, month): (numerator, denominator, value)}`` with
``None`` for the whole province / the whole year, and :func:`compare` checks them cell by cell.
"""

from __future__ import annotations

from typing import Any

YEAR = 2025
Q2_INDICATOR = "outreach_people_seen"
Cells = dict[tuple[str, int | None, int | None], tuple[float | None, float | None, float | None]]

# code → (numerator, denominator or None, factor, decimals) over E (events), P (people seen), M (medicines ¥).
FORMULAS: dict[str, tuple[str, str | None, int, int]] = {
    "outreach_events": ("E", None, 1, 0),
    "outreach_people_seen": ("P", None, 1, 0),
    "outreach_medicine_value": ("M", None, 1, 2),
    "bench_people_per_event": ("P", "E", 1, 1),
    "bench_medicine_per_event": ("M", "E", 1, 2),
    "bench_medicine_per_person": ("M", "P", 1, 2),
    "bench_events_per_100k_people": ("E", "P", 100000, 1),
    "bench_people_share_pct": ("P", "E + P", 100, 1),
    "bench_people_beyond_first": ("P - E", None, 1, 0),
    "bench_contacts_per_event": ("P + E", "E", 1, 2),
}
Q1_INDICATORS = list(FORMULAS)


def register_bench_indicators() -> None:
    """Register the seven bench-only indicators (idempotent)."""
    from shanhai.analytics.registry import Flow, Term, registry
    from shanhai.outreach.indicators import OUTREACH_EVENTS, OUTREACH_MEDICINE_VALUE, OUTREACH_PEOPLE_SEEN

    terms = {"E": Flow(OUTREACH_EVENTS), "P": Flow(OUTREACH_PEOPLE_SEEN), "M": Flow(OUTREACH_MEDICINE_VALUE)}

    def term(expression: str) -> Term:
        parts = expression.split()
        result = terms[parts[0]]
        for op, name in zip(parts[1::2], parts[2::2], strict=True):
            result = result + terms[name] if op == "+" else result - terms[name]
        return result

    for code, (numerator, denominator, factor, decimals) in FORMULAS.items():
        if not code.startswith("bench_"):
            continue
        registry.indicator(
            code=code,
            name_zh=code,
            name_en=code,
            numerator=term(numerator),
            denominator=term(denominator) if denominator else None,
            factor=factor,
            decimals=decimals,
            app="bench",
        )


# --- the engine ---------------------------------------------------------------------------------------
def engine_q1(province_code: str) -> Any:
    from shanhai.analytics.engine import Scope, evaluate_grid
    from shanhai.core.models import OrgUnit
    from shanhai.core.periods import parse_period

    province = OrgUnit.objects.get(code=province_code)
    return evaluate_grid(Q1_INDICATORS, Scope(org_unit=province), parse_period(str(YEAR)), group="unit", monthly=True)


def engine_q2() -> tuple[Any, list[Any]]:
    """The grid over all counties, and its rows ranked (highest first, unreported last)."""
    from shanhai.analytics.engine import Scope, evaluate_grid
    from shanhai.core.models import OrgUnit, OrgUnitKind
    from shanhai.core.periods import parse_period

    counties = list(OrgUnit.objects.filter(kind=OrgUnitKind.COUNTY).order_by("path"))
    grid = evaluate_grid([Q2_INDICATOR], Scope(), parse_period(str(YEAR)), group="unit", units=counties)
    ranked = sorted(
        grid.row_values(Q2_INDICATOR),
        key=lambda rv: (not rv[1].is_reported, -(rv[1].value or 0), rv[0].code),
    )
    return grid, ranked


def engine_cells(grid: Any, codes: list[str], with_months: bool = True) -> Cells:
    cells: Cells = {}
    for code in codes:
        for key in [None, *(row.key for row in grid.rows)]:
            for month in [None, *(grid.months if with_months else [])]:
                v = grid.get(code, key, month)
                if v.is_reported:
                    cells[(code, key, month)] = (v.numerator, v.denominator, v.value)
    return cells


# --- DuckDB over the raw records ------------------------------------------------------------------------
def duckdb_connect(directory: Any) -> tuple[Any, float]:
    """An in-memory DuckDB with the raw records and the units loaded as native tables; returns the
    connection and the load time."""
    import time

    import duckdb

    from bench.dataset import DUCKDB_CONFIG

    con = duckdb.connect(config=DUCKDB_CONFIG)
    con.execute("SET enable_progress_bar = false")
    started = time.perf_counter()
    con.execute(
        "CREATE TABLE records AS SELECT id, kind, held_on, people_seen, medicine_value, partnership_id, place_id "
        f"FROM read_parquet('{directory / 'records.parquet'}')"
    )
    con.execute(f"CREATE TABLE units AS SELECT * FROM read_csv('{directory / 'units.csv'}', header = true)")
    return con, time.perf_counter() - started


def _sql_value(expression: str) -> str:
    return " ".join({"E": "e", "P": "p", "M": "m"}.get(part, part) for part in expression.split())


def _indicator_sql(code: str) -> str:
    numerator, denominator, factor, _decimals = FORMULAS[code]
    num = f"CAST({_sql_value(numerator)} AS DOUBLE)"
    if denominator is None:
        return f"{num}, NULL, {num} * {factor}"
    den = f"CAST({_sql_value(denominator)} AS DOUBLE)"
    return f"{num}, {den}, CASE WHEN {den} = 0 THEN NULL ELSE {num} / {den} * {factor} END"


def duckdb_q1(con: Any, province_id: int) -> list[tuple[Any, ...]]:
    values = ", ".join(_indicator_sql(code) for code in Q1_INDICATORS)
    return con.execute(
        f"""
        WITH a AS (
            SELECT u.anc_2 AS prefecture, year(r.held_on) * 100 + month(r.held_on) AS month,
                   count(*) AS e, sum(r.people_seen) AS p, sum(r.medicine_value) AS m
            FROM records r JOIN units u ON u.id = r.place_id
            WHERE u.anc_1 = $province AND r.held_on >= make_date($year, 1, 1) AND r.held_on < make_date($year + 1, 1, 1)
            GROUP BY GROUPING SETS ((prefecture, month), (prefecture), (month), ())
        )
        SELECT prefecture, month, {values} FROM a
        """,
        {"province": province_id, "year": YEAR},
    ).fetchall()


def duckdb_q2(con: Any) -> list[tuple[Any, ...]]:
    """(county id, people seen) for the counties with records in the year, highest first."""
    return con.execute(
        """
        SELECT u.anc_3 AS county, sum(r.people_seen) AS p
        FROM records r JOIN units u ON u.id = r.place_id
        WHERE r.held_on >= make_date($year, 1, 1) AND r.held_on < make_date($year + 1, 1, 1) AND u.anc_3 IS NOT NULL
        GROUP BY county ORDER BY p DESC, county
        """,
        {"year": YEAR},
    ).fetchall()


def duckdb_q1_cells(rows: list[tuple[Any, ...]]) -> Cells:
    cells: Cells = {}
    for row in rows:
        key, month = row[0], row[1]
        for i, code in enumerate(Q1_INDICATORS):
            numerator, denominator, value = row[2 + 3 * i : 5 + 3 * i]
            decimals = FORMULAS[code][3]
            cells[(code, key, month)] = (numerator, denominator, None if value is None else round(value, decimals))
    return cells


def duckdb_q2_cells(rows: list[tuple[Any, ...]]) -> Cells:
    return {(Q2_INDICATOR, None, None): (float(sum(p for _c, p in rows)), None, float(sum(p for _c, p in rows)))} | {
        (Q2_INDICATOR, county, None): (float(p), None, float(p)) for county, p in rows
    }


# --- checking ---------------------------------------------------------------------------------------------
def _close(a: float | None, b: float | None, tolerance: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= tolerance + 1e-9 * max(abs(float(a)), abs(float(b)))


def compare(engine: Cells, duck: Cells) -> list[str]:
    """Differences between the two answers (empty: equal). Numerators and denominators must agree to
    1e-9 relative (float sums in a different order); rounded values to one unit of their last decimal (a
    quotient on a rounding boundary, e.g. 2930.465, may fall either side after summing in another order)."""
    problems = []
    for cell in sorted(set(engine) | set(duck), key=str):
        if cell not in engine or cell not in duck:
            problems.append(f"{cell}: only in {'engine' if cell in engine else 'duckdb'}")
            continue
        (en, ed, ev), (dn, dd, dv) = engine[cell], duck[cell]
        decimals = FORMULAS[cell[0]][3]
        if not (_close(en, dn, 0) and _close(ed, dd, 0) and _close(ev, dv, 1.0001 * 10**-decimals)):
            problems.append(f"{cell}: engine {engine[cell]} != duckdb {duck[cell]}")
    return problems


def q2_ranking_matches(ranked: list[Any], duck_rows: list[tuple[Any, ...]]) -> bool:
    """The engine's reported counties in rank order have the same values as DuckDB's ranking."""
    engine_values = [rv[1].value for rv in ranked if rv[1].is_reported]
    return engine_values == [float(p) for _c, p in duck_rows]
