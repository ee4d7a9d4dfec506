"""Where a worklist's time goes, on a database kept by ``bench/mch.py --keep DIR`` (issue 13, item 8).

    .venv/bin/python bench/worklist_queries.py DIR [--db sqlite|postgres] [--user bench-county] [--runs 9]
        [--explain 2,4]

Runs ``selectors.worklist`` for the user (the page's ``limit``) ``--runs`` times after a warm-up and prints the
median and every run, then each query of one more run with its time and the start of its SQL; ``--explain``
prints PostgreSQL's ``EXPLAIN (ANALYZE, BUFFERS)`` of the queries at those positions (0-based). It reads only: it
applies no migration (``bench/mch.py --reuse DIR`` does). ``PYTHONPATH=<another checkout>`` measures that code
against the same database, for a back-to-back comparison. A query's time is its execution as Django logs it: on
SQLite the rows are read after it, as they are iterated, so only the PostgreSQL figures add up to the run's SQL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.mch import PG_DB, PGURL  # the database bench/mch.py keeps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kept", type=Path, help="the directory given to bench/mch.py --keep")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--user", default="bench-county")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--explain", default="", help="query positions, comma-separated (PostgreSQL)")
    args = parser.parse_args()
    vendor = "sqlite" if args.db == "sqlite" else "postgresql"
    var = args.kept / f"var-{vendor}"
    os.environ["SHANHAI_VAR_DIR"] = str(var)
    os.environ["SHANHAI_PLAIN_STATIC"] = "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "shanhai.project.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{var / 'bench-mch.sqlite3'}" if vendor == "sqlite" else f"{PGURL}/{PG_DB}"
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import shanhai
    from shanhai.accounts.models import User
    from shanhai.maternal import selectors
    from shanhai.maternal.views import WORKLIST_SHOWN_PER_SECTION

    print(f"$ python bench/worklist_queries.py {' '.join(sys.argv[1:])}")
    print(f"code: {Path(shanhai.__file__).parent.parent}; load average {os.getloadavg()[0]:.2f}")
    user = User.objects.get(username=args.user)

    def run() -> selectors.Worklist:
        return selectors.worklist(user, limit=WORKLIST_SHOWN_PER_SECTION)

    run()  # warm-up
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        work = run()
        times.append((time.perf_counter() - started) * 1000)
    print(
        f"{args.user}: median {statistics.median(times):.0f} ms over {args.runs} runs {[round(t) for t in times]}; "
        f"{work.total:,} items"
    )
    with CaptureQueriesContext(connection) as captured:
        run()
    queries = captured.captured_queries
    print(f"one run's SQL: {sum(float(q['time']) for q in queries) * 1000:.0f} ms in {len(queries)} queries")
    for position, query in enumerate(queries):
        print(f"  [{position}] {float(query['time']) * 1000:6.1f} ms  {query['sql'][:140]}")
    if args.explain and vendor == "postgresql":
        with connection.cursor() as cursor:
            for position in (int(p) for p in args.explain.split(",")):
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + queries[position]["sql"])
                print(f"\n[{position}]\n" + "\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
