"""Other users' work during a big import on SQLite (issue 11, item 4): ``python bench/import_load.py [--rows 20000]``.

In a temporary var directory (its own SQLite database, WAL, the project's settings): migrate, build a small world
(the test suite's), write a ROWS-row donations file and queue it as an import job; serve the site with gunicorn as
``make serve`` does (2 workers × 4 threads); run the job in its own process, exactly as the task worker runs it
(``records.tasks.run_import``); and, while it runs, make other users' requests from this process: a list page
view (signed in), a sign-in (a fresh session, user name and password) and an API write (a donation created with a
token), in turn, one cycle every PAUSE seconds. Prints the import's time and outcome, each request kind's count,
errors (any status other than the expected one, or no answer) and latencies, and the command. Exit status 1 when
there was an error or the import did not import every row.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PASSWORD = "correct-horse-9"


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanhai.project.settings")
    import django

    django.setup()


def setup(directory: Path, rows: int) -> None:
    """The world, the users (a clerk who imports, a hospital admin who reads and writes), the file and its job."""
    _django()
    from shanhai.accounts.models import Role
    from shanhai.records.models import ImportJob
    from tests.core.factories import OrgUnitFactory, PartnershipFactory, ProgrammeFactory, make_user

    province = OrgUnitFactory(code="350000", name="福建省", kind="province")
    county = OrgUnitFactory(code="350181", name="福清市", kind="county", parent=province)
    supporter = OrgUnitFactory(code="H350181001", name="福清市医院", kind="general_hospital", parent=county)
    recipient_county = OrgUnitFactory(code="652325", name="奇台县", kind="county")
    recipient = OrgUnitFactory(code="H652325001", name="奇台县人民医院", kind="general_hospital", parent=recipient_county)
    programme = ProgrammeFactory(name="福清—奇台对口支援", owner=county)
    partnership = PartnershipFactory(supporter=supporter, recipient=recipient, programme=programme)
    importer = make_user("importer", unit=recipient, role=Role.INSTITUTION_ADMIN, password=PASSWORD)
    make_user("reader", unit=recipient, role=Role.INSTITUTION_ADMIN, password=PASSWORD)
    path = directory / "donations.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["捐赠方（代码或名称）", "受赠方（代码或名称）", "帮扶关系（编号）", "类型", "金额（元）", "日期", "说明"])
        for i in range(rows):
            day = f"2023-{i % 12 + 1:02d}-{i % 28 + 1:02d}"
            writer.writerow(["H350181001", "H652325001", partnership.pk, "资金", 1000 + i, day, f"批量 {i}"])
    job = ImportJob.objects.create(
        kind="donations", user=importer, file_name="donations.csv", content=path.read_bytes(), total_rows=rows
    )
    print(job.pk, partnership.pk)


def run_job(job_id: int) -> None:
    """The task worker's code path for one job, timed."""
    _django()
    from shanhai.records.models import ImportJob
    from shanhai.records.tasks import run_import

    started = time.perf_counter()
    run_import.call(job_id)
    job = ImportJob.objects.get(pk=job_id)
    print(f"{time.perf_counter() - started:.1f} {job.status} {job.created_count} {len(job.errors)}")


class Load:
    """Other users' requests, one kind after another, with each one's status and time."""

    def __init__(self, base: str, partnership: int) -> None:
        self.base = base
        self.partnership = partnership
        self.times: dict[str, list[float]] = {"page": [], "sign-in": [], "api-write": []}
        self.errors: dict[str, list[str]] = {name: [] for name in self.times}
        self.reader = self._signed_in("reader")
        token = requests.post(f"{base}/api/v1/auth/token/", data={"username": "reader", "password": PASSWORD})
        token.raise_for_status()
        self.api_headers = {"Authorization": f"Token {token.json()['token']}"}
        self.count = 0

    def _signed_in(self, username: str) -> requests.Session:
        session = requests.Session()
        page = session.get(f"{self.base}/accounts/login/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert match, "no CSRF token on the login page"
        response = session.post(
            f"{self.base}/accounts/login/",
            data={"csrfmiddlewaretoken": match.group(1), "username": username, "password": PASSWORD},
            headers={"Referer": f"{self.base}/accounts/login/"},
            allow_redirects=False,
            timeout=120,
        )
        if response.status_code != 302:
            raise RuntimeError(f"sign-in answered {response.status_code}")
        return session

    def _timed(self, name: str, expected: int, call: object) -> None:
        started = time.perf_counter()
        try:
            status = call()  # type: ignore[operator]
        except Exception as error:  # no answer at all counts as an error
            status = type(error).__name__
        self.times[name].append(time.perf_counter() - started)
        if status != expected:
            self.errors[name].append(str(status))

    def cycle(self) -> None:
        self.count += 1
        self._timed(
            "page",
            200,
            lambda: self.reader.get(f"{self.base}/records/donations/", allow_redirects=False, timeout=120).status_code,
        )
        self._timed("sign-in", 302, lambda: (self._signed_in("reader"), 302)[1])
        body = {
            "donor": "H350181001",
            "recipient": "H652325001",
            "partnership": self.partnership,
            "kind": "funds",
            "amount": "500",
            "donated_on": "2024-01-02",
            "description": f"load {self.count}",
        }
        self._timed(
            "api-write",
            201,
            lambda: requests.post(
                f"{self.base}/api/v1/records/donations/", json=body, headers=self.api_headers, timeout=120
            ).status_code,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between two cycles of requests")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("step", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step and args.step[0] == "setup":
        setup(Path(args.step[1]), args.rows)
        return 0
    if args.step and args.step[0] == "run":
        run_job(int(args.step[1]))
        return 0

    directory = Path(tempfile.mkdtemp(prefix="shanhai-import-load-"))
    env = os.environ | {
        "SHANHAI_VAR_DIR": str(directory),
        "SHANHAI_PLAIN_STATIC": "1",
        "DJANGO_SETTINGS_MODULE": "shanhai.project.settings",
        "ALLOWED_HOSTS": "127.0.0.1",
        # Every simulated user signs in from this one address, once a cycle: the per-address sign-in limit (meant
        # for one person's or one attacker's attempts) would refuse them after a few minutes.
        "SHANHAI_RATE_SIGN_IN": "none",
    }
    env.pop("DATABASE_URL", None)
    here = Path(__file__).resolve()
    server = None
    try:
        subprocess.run([PYTHON, "-m", "django", "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
        out = subprocess.run(
            [PYTHON, str(here), "--rows", str(args.rows), "setup", str(directory)],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.split()
        job_id, partnership = int(out[-2]), int(out[-1])
        server = subprocess.Popen(
            [GUNICORN, "shanhai.project.wsgi", "--bind", f"127.0.0.1:{args.port}", "--workers", "2", "--threads", "4"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(100):
            try:
                requests.get(f"{base}/accounts/login/", timeout=30)
                break
            except requests.RequestException:
                time.sleep(0.2)
        load = Load(base, partnership)
        importer = subprocess.Popen(
            [PYTHON, str(here), "run", str(job_id)], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        while importer.poll() is None:
            load.cycle()
            time.sleep(args.pause)
        seconds, status, created, row_errors = (importer.stdout.read() if importer.stdout else "").split()
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)
    print(f"command: python bench/import_load.py --rows {args.rows} --pause {args.pause}")
    print(f"import: {args.rows} rows, {seconds} s, status {status}, {created} created, {row_errors} row errors")
    total_errors = 0
    for name, times in load.times.items():
        errors = load.errors[name]
        total_errors += len(errors)
        statuses = ", ".join(sorted(set(errors))) or "-"
        print(
            f"{name:9}  {len(times):4} requests  {len(errors):4} errors ({statuses})  "
            f"median {statistics.median(times) * 1000:7.0f} ms  max {max(times) * 1000:7.0f} ms"
        )
    print(f"errors: {total_errors}")
    return 1 if total_errors or status != "done" or int(created) != args.rows else 0


if __name__ == "__main__":
    sys.exit(main())
