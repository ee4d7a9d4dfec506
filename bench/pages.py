"""`make bench-pages [RUNS=3] [CAP=150]`: server time of every page a demo user reaches (issue 13, item 8).

On a demo database (``--var DIR``: the SQLite database in DIR, loaded with ``load_demo --seed SEED`` first when it
has no demo yet; default: a fresh one in a temp directory), for every demo login (``shanhai.demo.logins.LOGINS``),
signed in with Django's test client (``force_login``; a session that needs a second factor is verified with an
authenticator, as a real sign-in leaves it):

1. **Crawl** breadth-first from ``/``: every same-site ``<a href>`` of every HTML page, GET only. Links with side
   effects or that are not pages are skipped: sign-out, delete, reveal, export, download, imports' templates,
   pickers, the API, static and media files, the Django admin site, the language switch, the second factor's
   pages and opening a notice (which marks it read). URLs are deduplicated by **pattern**: the view, its non-id
   arguments (a record kind, an action) and the names of the query parameters; a pattern is sampled at most
   SAMPLES times (default 3), so a thousand record pages count as three. At most CAP pages per persona (default
   150). This pass is the warm-up.
2. **Time** every page that answered 200: the median of RUNS runs (default 3) of the whole request through the
   test client (middleware, view, templates), then one more run to count its queries.

Prints, per persona, the pages crawled and the median and p95 of their medians; then every page over the
threshold (default 300 ms) with its time and query count; and the command line. Exit status 0: no assertions.
The crawl writes what a user's page views write (sessions, the authenticator it adds for a second factor), so
``--var`` is meant for a throw-away demo directory.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urldefrag, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULTS = {"runs": 3, "cap": 150, "samples": 3, "threshold": 300.0}
#: Path fragments of links that are never followed: side effects, files, not pages.
SKIP_FRAGMENTS = (
    "/logout",
    "/delete",
    "reveal",
    "/export",
    "download",
    "/template/",
    "/pick/",
    "/api/",
    "/static/",
    "/media/",
    "/django-admin/",
    "/i18n/",
    "/two-factor/",
    ".pdf",
)
#: Views never followed, by name: opening a notice marks it read; images and documents are files.
SKIP_VIEWS = {
    "telehealth:notice_open",
    "telehealth:notices_read",
    "imaging:instance",
    "imaging:instance_rendered",
    "imaging:study_instances",
    "partnerships:agreement_document",
    "set_language",
}
#: URL arguments that name one object (deduplicated as ``*``); any other argument (a record kind) is kept.
ID_ARGUMENTS = {"pk", "public_id", "code", "job_id", "agreement_pk", "notice_id", "token_key", "sop_uid"}


class Links(HTMLParser):
    """The ``href`` of every ``<a>`` of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


@dataclass
class Page:
    url: str
    pattern: str
    status: int = 0
    ms: float = 0.0
    runs: list[float] = field(default_factory=list)
    queries: int = 0
    kib: float = 0.0


def pattern_of(url: str) -> str | None:
    """The URL's pattern (None when it is skipped or not a page of the site)."""
    from django.urls import Resolver404, resolve

    parts = urlsplit(url)
    if any(fragment in parts.path for fragment in SKIP_FRAGMENTS):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.view_name in SKIP_VIEWS or match.view_name.startswith("admin:"):
        return None
    arguments = ",".join(
        f"{name}={'*' if name in ID_ARGUMENTS else value}" for name, value in sorted(match.kwargs.items())
    )
    names = ",".join(sorted({name for name, _value in parse_qsl(parts.query, keep_blank_values=True)}))
    return f"{match.view_name}({arguments})" + (f"?{names}" if names else "")


def same_site(base: str, href: str) -> str | None:
    """The link as a site path with its query (no fragment), or None for another site, ``mailto:`` and the like."""
    href, _fragment = urldefrag(href.strip())
    if not href or href.startswith(("mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        if parts.netloc not in ("127.0.0.1", "testserver", "localhost"):
            return None
        href = parts.path + (f"?{parts.query}" if parts.query else "")
    elif not href.startswith("/"):
        base_path = urlsplit(base).path
        href = base_path[: base_path.rfind("/") + 1] + href
    return href


def client_for(username: str) -> Any:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from shanhai.accounts.models import User
    from shanhai.accounts.scoping import scope_of

    user = User.objects.get(username=username)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_HOST="127.0.0.1")
    client.force_login(user)
    if scope_of(user).needs_second_factor:
        device, _created = TOTPDevice.objects.get_or_create(user=user, name="bench authenticator", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def crawl(client: Any, cap: int, samples: int) -> tuple[list[Page], dict[int, int]]:
    """Breadth-first from ``/``; every page fetched once (the warm-up). Returns the pages and a count per status.

    A link whose pattern already has k samples waits in the k-th queue: every pattern's first sample is taken
    before any pattern's second, so the cap cuts repeats (sort orders, other records) before new kinds of page."""
    queues: list[deque[str]] = [deque() for _ in range(max(samples, 1))]
    queues[0].append("/")
    seen: set[str] = {"/"}
    per_pattern: dict[str, int] = {}
    pages: list[Page] = []
    statuses: dict[int, int] = {}
    while len(pages) < cap:
        rank = next((k for k, queue in enumerate(queues) if queue), None)
        if rank is None:
            break
        url = queues[rank].popleft()
        pattern = pattern_of(url)
        count = per_pattern.get(pattern, 0) if pattern else 0
        if pattern is None or count >= samples:
            continue
        if count > rank:
            queues[count].append(url)
            continue
        per_pattern[pattern] = count + 1
        response = client.get(url)
        page = Page(url, pattern, response.status_code)
        statuses[page.status] = statuses.get(page.status, 0) + 1
        pages.append(page)
        targets: list[str] = []
        if response.status_code in (301, 302) and response.get("Location"):
            targets = [response["Location"]]
        elif response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            parser = Links()
            parser.feed(response.content.decode(response.charset or "utf-8", errors="replace"))
            targets = parser.hrefs
        for href in targets:
            link = same_site(url, href)
            if link is not None and link not in seen:
                seen.add(link)
                queues[0].append(link)
    return pages, statuses


def measure(client: Any, page: Page, runs: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(page.url)
        page.runs.append((time.perf_counter() - started) * 1000)
    page.ms = statistics.median(page.runs)
    page.status = response.status_code
    page.kib = len(response.content) / 1024
    with CaptureQueriesContext(connection) as captured:
        client.get(page.url)
    page.queries = len(captured.captured_queries)


def worker_main(args: argparse.Namespace, result: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanhai.project.settings")
    os.environ.setdefault("SHANHAI_PLAIN_STATIC", "1")  # no collectstatic manifest in a fresh var dir
    import django

    django.setup()
    import logging

    from django.core.management import call_command

    logging.disable(logging.WARNING)  # sign-ins, refusals (403) and the like: the table says what it needs

    from shanhai.accounts.models import User
    from shanhai.demo.logins import LOGINS

    call_command("migrate", verbosity=0)
    if not User.objects.filter(username=LOGINS[0].username).exists():
        print(f"  loading the demo (seed {args.seed}) …", flush=True)
        started = time.perf_counter()
        call_command("load_demo", seed=args.seed, verbosity=0)
        print(f"  loaded in {time.perf_counter() - started:.0f} s", flush=True)
    out: dict[str, Any] = {}
    only = set(args.persona or ())
    for login in LOGINS:
        if only and login.username not in only:
            continue
        started = time.perf_counter()
        client = client_for(login.username)
        pages, statuses = crawl(client, args.cap, args.samples)
        for page in pages:
            if page.status == 200:
                measure(client, page, args.runs)
        timed = [p for p in pages if p.status == 200]
        out[login.username] = {
            "role": str(login.role),
            "pages": [asdict(p) for p in pages],
            "statuses": statuses,
            "wall_s": time.perf_counter() - started,
        }
        times = sorted(p.ms for p in timed)
        slow = sum(1 for t in times if t > args.threshold)
        print(
            f"  {login.username}: {len(pages)} pages ({len(timed)} timed), median {_median(times):.0f} ms, "
            f"max {max(times, default=0):.0f} ms, {slow} over {args.threshold:.0f} ms "
            f"({out[login.username]['wall_s']:.0f} s)",
            flush=True,
        )
    result.write_text(json.dumps(out))


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return max(values, default=0.0)
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def report(command: str, args: argparse.Namespace, results: dict[str, Any], load: tuple[str, str]) -> str:
    lines = [
        f"Shanhai demo pages (seed {args.seed}): crawled from / per persona, at most {args.cap} pages and "
        f"{args.samples} per URL pattern; a warm-up pass, then the median of {args.runs} runs per page",
        f"command: {command}",
        f"load average before / after: {load[0]} / {load[1]} (2 cores; other work skews timings)",
        "",
        f"| persona | role | pages (200 / other) | median ms | p95 ms | max ms | over {args.threshold:.0f} ms |",
        "|---|---|---|---|---|---|---|",
    ]
    slow: list[tuple[str, dict[str, Any]]] = []
    for username, r in results.items():
        timed = [p for p in r["pages"] if p["status"] == 200]
        times = sorted(p["ms"] for p in timed)
        others = ", ".join(f"{n}×{s}" for s, n in sorted(r["statuses"].items()) if s != "200")
        over = [p for p in timed if p["ms"] > args.threshold]
        slow += [(username, p) for p in over]
        lines.append(
            f"| {username} | {r['role']} | {len(timed)}"
            + (f" / {others}" if others else "")
            + f" | {_median(times):.0f} | {_p95(times):.0f} | {max(times, default=0):.0f} | {len(over)} |"
        )
    lines += ["", f"Pages over {args.threshold:.0f} ms"]
    if slow:
        lines += ["", "| persona | page | ms (runs) | queries | KiB | pattern |", "|---|---|---|---|---|---|"]
        for username, p in sorted(slow, key=lambda item: -item[1]["ms"]):
            runs = "/".join(f"{t:.0f}" for t in p["runs"])
            lines.append(
                f"| {username} | `{p['url']}` | {p['ms']:.0f} ({runs}) | {p['queries']} | {p['kib']:.0f} | {p['pattern']} |"
            )
    else:
        lines.append("none")
    if args.all:
        lines += ["", "Every page", "", "| persona | page | status | ms | queries | KiB |", "|---|---|---|---|---|---|"]
        for username, r in results.items():
            for p in r["pages"]:
                lines.append(
                    f"| {username} | `{p['url']}` | {p['status']} | {p['ms']:.0f} | {p['queries']} | {p['kib']:.0f} |"
                )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=DEFAULTS["runs"], help="timed runs per page (default 3)")
    parser.add_argument("--cap", type=int, default=DEFAULTS["cap"], help="pages per persona (default 150)")
    parser.add_argument("--samples", type=int, default=DEFAULTS["samples"], help="pages per URL pattern (default 3)")
    parser.add_argument("--threshold", type=float, default=DEFAULTS["threshold"], help="ms (default 300)")
    parser.add_argument("--seed", type=int, default=2025, help="the demo's seed when it is loaded (default 2025)")
    parser.add_argument("--var", type=Path, default=None, help="demo var directory (loaded there when empty)")
    parser.add_argument("--persona", action="append", help="only this demo login (repeatable)")
    parser.add_argument("--all", action="store_true", help="also list every page crawled")
    parser.add_argument("--save", type=Path, default=None, help="write every measurement to this JSON file")
    parser.add_argument("--worker", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker_main(args, Path(args.worker))
        return 0
    raw = shlex.join(sys.argv[1:] if argv is None else argv)
    given = {"RUNS": (args.runs, DEFAULTS["runs"]), "CAP": (args.cap, DEFAULTS["cap"])}
    command = "make bench-pages " + " ".join(f"{k}={v}" for k, (v, d) in given.items() if v != d)
    if args.var or args.persona or args.save or args.all or args.samples != DEFAULTS["samples"]:
        command = f"python bench/pages.py {raw}"
    print(f"$ {command.strip()}   (python bench/pages.py {raw})", flush=True)
    before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="shanhai-bench-pages-") as tmp:
        var = args.var or Path(tmp) / "var"
        var.mkdir(parents=True, exist_ok=True)
        result = Path(tmp) / "pages.json"
        env = {"SHANHAI_VAR_DIR": str(var.resolve()), "SHANHAI_PLAIN_STATIC": "1"}
        env.pop("DATABASE_URL", None)
        child_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
        subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--worker", str(result), *(argv or sys.argv[1:])],
            check=True,
            env=child_env,
            cwd=ROOT,
        )
        results = json.loads(result.read_text())
    after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    if args.save:
        args.save.write_text(json.dumps(results))
    print(report(command.strip(), args, results, (before, after)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
