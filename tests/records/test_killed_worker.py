"""``kill -9`` of the task worker in the middle of an import's write (issue 11): no row is written, and the job is
marked failed — with a message, its file deleted — as soon as a task worker starts again (``make serve`` restarts
it within seconds), well within a minute.

Real processes on a real SQLite file: the project's settings in a temporary ``SHANHAI_VAR_DIR``, migrated; the
world and the queued job made by ``tests.records.killed_worker``; ``shanhai task_worker`` runs the job and is
killed while its write transaction holds the database (seen from here: the database refuses a second writer)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHANHAI = str(Path(sys.executable).with_name("shanhai"))
ROWS = 4000
DEAD = (
    "导入在完成前中断（处理进程已终止），没有导入任何数据。请重新导入该文件。"  # the worker writes in the site language
)


@pytest.fixture
def var_dir(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = os.environ | {
        "SHANHAI_VAR_DIR": str(tmp_path),
        "SHANHAI_PLAIN_STATIC": "1",
        "DJANGO_SETTINGS_MODULE": "shanhai.project.settings",
    }
    env.pop("DATABASE_URL", None)
    subprocess.run([SHANHAI, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT, capture_output=True)
    yield env


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tests.records.killed_worker", *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [SHANHAI, "task_worker", "--no-startup-delay", "-v", "0"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _status(database: Path, job_id: int) -> str:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as connection:
        (status,) = connection.execute("SELECT status FROM records_importjob WHERE id = ?", (job_id,)).fetchone()
    return str(status)


def _writing(database: Path) -> bool:
    """Whether another connection holds the write lock (the import's write transaction)."""
    connection = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        connection.close()


@pytest.mark.slow  # a fresh database migrated and a worker started twice (about half a minute): `make test-slow` and CI
def test_a_worker_killed_mid_write_leaves_no_rows_and_its_job_failed_within_a_minute(
    var_dir: dict[str, str], tmp_path: Path
) -> None:
    job_id = int(_run(var_dir, "setup", str(ROWS)))
    database = tmp_path / "shanhai.sqlite3"
    worker = _worker(var_dir)
    try:
        deadline = time.monotonic() + 120
        while not (_status(database, job_id) == "running" and _writing(database)):
            assert worker.poll() is None, "the worker ended by itself"
            assert time.monotonic() < deadline, "the import never reached its write"
            time.sleep(0.02)
        time.sleep(0.3)  # well into the write
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    finally:
        worker.kill()
        worker.wait()
    killed_at = time.monotonic()
    assert _status(database, job_id) == "running"  # nobody has noticed yet

    restarted = _worker(var_dir)  # as `make serve` does
    try:
        while _status(database, job_id) == "running":
            assert time.monotonic() - killed_at < 60, "the job was not marked failed within a minute"
            time.sleep(0.2)
    finally:
        restarted.kill()
        restarted.wait()
    assert json.loads(_run(var_dir, "state", str(job_id))) == {
        "status": "failed",
        "created": 0,
        "file_kept": False,
        "message": DEAD,
        "donations": 0,
    }
