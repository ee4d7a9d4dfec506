"""One measured process of the benchmark (started by bench/run.py; not meant to be run by hand).

``python bench/worker.py engine DIR RUNS`` — against the database in DATABASE_URL: migrate, load the
tree and the records from DIR, rebuild the facts, ask Q1 and Q2 through the engine RUNS times each, render
the province dashboard RUNS times; write DIR/engine-<vendor>.json.
``python bench/worker.py duckdb DIR RUNS`` — load the raw records into an in-memory DuckDB and ask the same
questions RUNS times each; write DIR/duckdb.json.
Both report their own peak memory (ru_maxrss of the process and of its children).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def peak_mib() -> float:
    """Peak resident memory of this process in MiB: VmHWM (reset by exec, unlike ru_maxrss on Linux,
    which a child inherits from the bench runner), or the larger of ru_maxrss of self and children."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, list[float], Any]:
    """Median in ms over ``runs`` calls after one warm-up call, every run's time, the last result."""
    result = fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), times, result


def encode(cells: dict[tuple[str, Any, Any], Any]) -> dict[str, Any]:
    return {json.dumps(list(key)): value for key, value in cells.items()}


def engine_main(directory: Path, runs: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanhai.project.settings")
    os.environ.setdefault("SHANHAI_PLAIN_STATIC", "1")  # no collectstatic manifest in a fresh var dir
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from bench import dataset, questions
    from shanhai.analytics.facts import rebuild

    out: dict[str, Any] = {"vendor": connection.vendor}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    out["migrate_s"] = time.perf_counter() - started
    t = dataset.tree()
    started = time.perf_counter()
    dataset.load_tree(t)
    dataset.reset_sequences()
    out["load_tree_s"] = time.perf_counter() - started
    out |= dataset.load_records(directory)
    out["peak_mib_after_load"] = peak_mib()
    from shanhai.outreach.models import OutreachEvent

    out["records"] = OutreachEvent.objects.count()

    started = time.perf_counter()
    with transaction.atomic():
        out["facts"] = rebuild()
    out["rebuild_s"] = time.perf_counter() - started
    out["peak_mib_after_rebuild"] = peak_mib()

    questions.register_bench_indicators()
    province = t.provinces[0]
    out["q1_ms"], out["q1_runs"], grid = timed(lambda: questions.engine_q1(province["code"]), runs)
    out["q1_cells"] = encode(questions.engine_cells(grid, questions.Q1_INDICATORS))
    out["q2_ms"], out["q2_runs"], (grid2, ranked) = timed(questions.engine_q2, runs)
    out["q2_cells"] = encode(questions.engine_cells(grid2, [questions.Q2_INDICATOR], with_months=False))
    out["q2_ranked"] = [rv[1].value for rv in ranked if rv[1].is_reported]
    out["q2_not_reported"] = sum(1 for rv in ranked if not rv[1].is_reported)
    out |= dashboard(province["code"], runs)
    out["peak_mib"] = peak_mib()
    return out


def dashboard(province_code: str, runs: int) -> dict[str, Any]:
    """Server time of the province's dashboard page for one year (Django test client, logged-in admin)."""
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from shanhai.accounts.models import User

    user = User.objects.filter(username="bench").first() or User.objects.create_superuser("bench", "", None)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_HOST="127.0.0.1")
    client.force_login(user)
    try:
        url = reverse("portal:dashboard") + f"?org={province_code}&period={2025}"
    except NoReverseMatch:
        return {"dashboard_ms": None, "dashboard_note": "portal:dashboard is not routed yet"}

    def get() -> int:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(response.content)

    median, times, size = timed(get, runs)
    return {"dashboard_ms": median, "dashboard_runs": times, "dashboard_bytes": size, "dashboard_url": url}


def duckdb_main(directory: Path, runs: int) -> dict[str, Any]:
    from bench import dataset, questions

    t = dataset.tree()
    con, load_s = questions.duckdb_connect(directory)
    import duckdb

    out: dict[str, Any] = {
        "version": duckdb.__version__,
        "load_s": load_s,
        "records": con.execute("SELECT count(*) FROM records").fetchone()[0],
    }
    province_id = t.provinces[0]["id"]
    out["q1_ms"], out["q1_runs"], rows = timed(lambda: questions.duckdb_q1(con, province_id), runs)
    out["q1_cells"] = encode(questions.duckdb_q1_cells(rows))
    out["q2_ms"], out["q2_runs"], rows2 = timed(lambda: questions.duckdb_q2(con), runs)
    out["q2_cells"] = encode(questions.duckdb_q2_cells(rows2))
    out["q2_ranked"] = [float(p) for _c, p in rows2]
    out["peak_mib"] = peak_mib()
    return out


def main() -> None:
    mode, directory, runs = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    result = engine_main(directory, runs) if mode == "engine" else duckdb_main(directory, runs)
    name = f"engine-{result['vendor']}.json" if mode == "engine" else "duckdb.json"
    (directory / name).write_text(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
