"""`make bench [SIZE=10000000] [DB=both|sqlite|postgres] [RUNS=7]`: the engine against DuckDB at national scale.

Generates SIZE outreach events for 5,000 org units over 2021–2025 (bench/dataset.py), then per database, in
its own process (bench/worker.py): migrate a fresh database (SQLite: a temp file; PostgreSQL: a fresh
database ``shanhai_bench`` at PGURL, dropped afterwards), load, ``rebuild_facts``, ask Q1 and Q2 through
``engine.evaluate_grid`` and render the province dashboard. DuckDB answers the same questions over the raw
records in a third process. Prints the figures, fails (exit 1) if any answer differs from DuckDB's or a
target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import dataset, questions  # noqa: E402

PGURL = os.environ.get("PGURL", "postgres://postgres@127.0.0.1:5432")
PG_DB = "shanhai_bench"
TARGETS = {"ratio": 1.0, "rebuild_sqlite_s": 180.0, "peak_mib": 2048.0, "dashboard_ms": 300.0}


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PGURL}/postgres", autocommit=True) as con:
        con.execute(sql)


def _run_worker(mode: str, directory: Path, runs: int, env: dict[str, str]) -> dict[str, Any]:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "worker.py"), mode, str(directory), str(runs)],
        check=True,
        env={**os.environ, **env},
        cwd=ROOT,
    )
    name = "duckdb.json" if mode == "duckdb" else f"engine-{env['BENCH_VENDOR']}.json"
    result = json.loads((directory / name).read_text())
    result["wall_s"] = time.perf_counter() - started
    return result


def _decode(cells: dict[str, Any]) -> dict[tuple[Any, ...], Any]:
    return {tuple(json.loads(key)): tuple(value) for key, value in cells.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--db", choices=["both", "sqlite", "postgres"], default="both")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the generated files here")
    parser.add_argument("--save", type=Path, default=None, help="write every measurement to this JSON file")
    args = parser.parse_args(argv)
    command = "make bench " + " ".join(
        f"{k}={v}"
        for k, v, d in (("SIZE", args.size, 10_000_000), ("DB", args.db, "both"), ("RUNS", args.runs, 7))
        if v != d
    )
    print(f"$ {command.strip()}   (python bench/run.py {shlex.join(sys.argv[1:] if argv is None else argv)})")
    with tempfile.TemporaryDirectory(prefix="shanhai-bench-") as tmp:
        directory = args.workdir or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        print(
            f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores; other work skews timings)"
        )
        timing = dataset.generate(directory, args.size)
        print(f"generated {args.size:,} records in {timing['generate_s']:.1f} s")
        duck = _run_worker("duckdb", directory, args.runs, {})
        print(f"duckdb: loaded in {duck['load_s']:.2f} s, Q1 {duck['q1_ms']:.1f} ms, Q2 {duck['q2_ms']:.1f} ms")
        results: dict[str, dict[str, Any]] = {}
        for vendor in ("sqlite", "postgresql"):
            if args.db not in ("both", vendor.removesuffix("ql")):
                continue
            var = Path(tmp) / f"var-{vendor}"
            env = {"SHANHAI_VAR_DIR": str(var), "BENCH_VENDOR": vendor, "SHANHAI_PLAIN_STATIC": "1"}
            if vendor == "sqlite":
                env["DATABASE_URL"] = f"sqlite:///{var / 'bench.sqlite3'}"
            else:
                _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}")
                _pg_admin(f"CREATE DATABASE {PG_DB}")
                env["DATABASE_URL"] = f"{PGURL}/{PG_DB}"
            try:
                results[vendor] = _run_worker("engine", directory, args.runs, env)
            finally:
                if vendor == "postgresql":
                    _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}")
            r = results[vendor]
            print(
                f"{vendor}: loaded in {r['load_s']:.1f} s (+{r['load_indexes_s']:.1f} s indexes), "
                f"rebuild {r['rebuild_s']:.1f} s → {r['facts']:,} facts"
            )
        if args.save:
            args.save.write_text(json.dumps({"size": args.size, "duckdb": duck, **results}, default=str))
        return report(command.strip(), args, duck, results)


def report(command: str, args: Any, duck: dict[str, Any], results: dict[str, dict[str, Any]]) -> int:
    failures: list[str] = []
    duck_q1, duck_q2 = _decode(duck["q1_cells"]), _decode(duck["q2_cells"])
    lines = [
        f"Shanhai bench: {args.size:,} outreach events, 5,000 org units, 2021–2025; median of {args.runs} runs "
        "after a warm-up",
        f"command: {command}",
        "",
        "| | rebuild_facts | peak memory | Q1 engine | Q1 DuckDB | Q1 ratio | Q2 engine | Q2 DuckDB | Q2 ratio | "
        "dashboard page |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for vendor, r in results.items():
        for q, mine in (("q1", duck_q1), ("q2", duck_q2)):
            problems = questions.compare(_decode(r[f"{q}_cells"]), mine)
            if problems:
                failures.append(f"{vendor} {q.upper()}: {len(problems)} cells differ from DuckDB, e.g. {problems[:3]}")
        if r["q2_ranked"] != duck["q2_ranked"]:
            failures.append(f"{vendor} Q2: the ranking differs from DuckDB's")
        if r["records"] != duck["records"]:
            failures.append(f"{vendor}: {r['records']} records loaded, DuckDB has {duck['records']}")
        ratios = {q: r[f"{q}_ms"] / duck[f"{q}_ms"] for q in ("q1", "q2")}
        dash = "n/a" if r.get("dashboard_ms") is None else f"{r['dashboard_ms']:.0f} ms"
        lines.append(
            f"| {vendor} | {r['rebuild_s']:.1f} s | {r['peak_mib']:.0f} MiB | {r['q1_ms']:.1f} ms | "
            f"{duck['q1_ms']:.1f} ms | {ratios['q1']:.2f} | {r['q2_ms']:.1f} ms | {duck['q2_ms']:.1f} ms | "
            f"{ratios['q2']:.2f} | {dash} |"
        )
        for q, ratio in ratios.items():
            if ratio > TARGETS["ratio"]:
                failures.append(f"{vendor} {q.upper()}: engine/DuckDB = {ratio:.2f} > {TARGETS['ratio']}")
        if vendor == "sqlite" and r["rebuild_s"] > TARGETS["rebuild_sqlite_s"]:
            failures.append(f"sqlite: rebuild {r['rebuild_s']:.0f} s > {TARGETS['rebuild_sqlite_s']:.0f} s")
        if r["peak_mib"] > TARGETS["peak_mib"]:
            failures.append(f"{vendor}: peak memory {r['peak_mib']:.0f} MiB > {TARGETS['peak_mib']:.0f} MiB")
        if r.get("dashboard_ms") is not None and r["dashboard_ms"] > TARGETS["dashboard_ms"]:
            failures.append(f"{vendor}: dashboard {r['dashboard_ms']:.0f} ms > {TARGETS['dashboard_ms']:.0f} ms")
        if r.get("dashboard_note"):
            failures.append(f"{vendor}: dashboard not measured ({r['dashboard_note']})")
    lines += [
        "",
        f"DuckDB {duck.get('version', '')}: raw records loaded from Parquet in {duck['load_s']:.2f} s; "
        f"peak memory {duck['peak_mib']:.0f} MiB.",
    ]
    for vendor, r in results.items():
        lines.append(
            f"{vendor}: load {r['load_s']:.1f} s + indexes {r['load_indexes_s']:.1f} s, "
            f"{r['records']:,} records → {r['facts']:,} facts; Q2 not reported: {r['q2_not_reported']} counties; "
            f"process wall time {r['wall_s']:.0f} s."
        )
    lines.append(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    lines.append("")
    lines += [f"FAIL: {f}" for f in failures] or ["OK: every answer equals DuckDB's and every target is met."]
    print("\n".join(lines))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
