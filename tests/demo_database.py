"""The demo database of the test suite: built once per test run, copied for each test process.

A run (``pytest`` alone or with pytest-xdist) has an id and a directory made by the process that starts
it and passed to the xdist workers. The first process that needs the demo takes a file lock in that
directory and builds it once, committed, in a database of its own: its own test database as it stands
after the migrations, the reference data, then ``load_demo --seed 2025``. Every process then runs its
tests on the demo against a copy of that database, each test inside a transaction rolled back after it:

- PostgreSQL: the demo is the database ``test_shanhai_demo_<run>``; a process copies it with
  ``CREATE DATABASE … TEMPLATE`` into ``test_shanhai_demo_<run>_<worker>`` and points its connection
  there while tests on the demo run, back at its own test database otherwise. The process that started
  the run drops them all at the end.
- SQLite: the demo is built in the process's (in-memory) test database and saved to a file in the run's
  directory; a process copies that file into its test database with SQLite's backup API (a few
  hundredths of a second), and copies back a snapshot of its database as it was before the demo.

The root conftest builds the demo early, in the first process to start a test when the run holds tests
on the demo (the others go on with their tests meanwhile), and runs the tests on the demo last.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import shutil
import sqlite3
import tempfile
import traceback
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

SEED = 2025
_WORKERINPUT_KEY = "shanhai_demo_run"
_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # demo logins: PBKDF2 would add seconds per login


@dataclass(frozen=True)
class DemoRun:
    """What the processes of one test run share: an id and a directory (lock, build status, SQLite file)."""

    id: str
    directory: Path

    @property
    def postgres_name(self) -> str:
        return f"test_shanhai_demo_{self.id}"


_RUN = pytest.StashKey[DemoRun]()
_DATABASE = pytest.StashKey["DemoDatabase"]()


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def start_run(config: pytest.Config) -> None:
    """Give the run its id and directory (in the process that starts it), or read them (in an xdist worker)."""
    if _is_worker(config):
        shared = config.workerinput[_WORKERINPUT_KEY]  # type: ignore[attr-defined]
        config.stash[_RUN] = DemoRun(shared["id"], Path(shared["directory"]))
        return
    run_id = uuid.uuid4().hex[:12]
    config.stash[_RUN] = DemoRun(run_id, Path(tempfile.mkdtemp(prefix=f"shanhai-demo-{run_id}-")))


def share_run(config: pytest.Config, workerinput: dict[str, Any]) -> None:
    """Pass the run's id and directory to an xdist worker."""
    run = config.stash[_RUN]
    workerinput[_WORKERINPUT_KEY] = {"id": run.id, "directory": str(run.directory)}


def finish_run(config: pytest.Config) -> None:
    """Drop the run's PostgreSQL demo databases and remove its directory (in the process that started it)."""
    if _is_worker(config) or _RUN not in config.stash:
        return
    run = config.stash[_RUN]
    if (run.directory / "postgres").exists():
        _drop_postgres_databases(run.postgres_name)
    shutil.rmtree(run.directory, ignore_errors=True)


def demo_database_of(config: pytest.Config) -> DemoDatabase:
    """This process's demo database (call once the test databases are set up)."""
    if _DATABASE not in config.stash:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        config.stash[_DATABASE] = DemoDatabase(config.stash[_RUN], worker)
    return config.stash[_DATABASE]


def active_demo_database(config: pytest.Config) -> DemoDatabase | None:
    """This process's demo database if its connection points at the demo now."""
    database = config.stash.get(_DATABASE, None)
    return database if database is not None and database.is_active else None


#: True while this process builds the run's demo (the conftest's marker check lets that load through).
building = False


class DemoDatabase:
    """The demo for this test process: built once per run, then switched to and away from."""

    def __init__(self, run: DemoRun, worker: str) -> None:
        from django.db import connection

        self.run = run
        #: The line ``load_demo`` printed when the run's demo was built.
        self.summary = ""
        self._backend: _Postgres | _Sqlite = (
            _Postgres(run, worker) if connection.vendor == "postgresql" else _Sqlite(run)
        )

    @property
    def is_active(self) -> bool:
        return self._backend.is_active

    def build(self, *, wait: bool = True) -> bool:
        """Make sure the run's demo exists, building it unless another process has; ``wait=False`` returns
        False at once if another process holds the lock (it is building it)."""
        directory = self.run.directory
        with _locked(directory / "build.lock", wait=wait) as locked:
            if not locked:
                return False
            done, failed = directory / "summary.txt", directory / "failed.txt"
            if failed.exists():
                raise RuntimeError(f"another test process could not build the demo:\n{failed.read_text()}")
            if not done.exists():
                global building
                building = True
                try:
                    summary = self._backend.build()
                except BaseException:
                    failed.write_text(traceback.format_exc())
                    raise
                finally:
                    building = False
                done.write_text(summary)
            self.summary = done.read_text()
        return True

    def activate(self) -> None:
        """Point this process's database connection at its copy of the demo."""
        self.build()
        if not self._backend.is_active:
            _outside_transactions("switch to the demo")
            self._backend.activate()
            _forget_cached_rows()

    def deactivate(self) -> None:
        """Point it back at the process's own test database, as it was before the demo."""
        if self._backend.is_active:
            _outside_transactions("switch away from the demo")
            self._backend.deactivate()
            _forget_cached_rows()

    @contextlib.contextmanager
    def activated(self) -> Iterator[None]:
        self.activate()
        try:
            yield
        finally:
            self.deactivate()

    def close(self) -> None:
        """At the end of the process: back to its own test database; drop its copy of the demo."""
        self.deactivate()
        self._backend.close()


def load_demo() -> str:
    """Reference data and the demo through ``load_demo``, committed; returns its summary line (English), the last it
    printed after the steps' progress lines."""
    from django.core.management import call_command
    from django.test import override_settings
    from django.utils import translation

    from shanhai.core.reference import load_reference_data

    out = io.StringIO()
    with override_settings(PASSWORD_HASHERS=_HASHERS), translation.override("en"):
        load_reference_data()  # a browser test's flush may have removed it (idempotent)
        call_command("load_demo", "--seed", str(SEED), stdout=out)
    return out.getvalue().strip().splitlines()[-1]


class _Sqlite:
    """The demo as a file; a process's (in-memory) test database is overwritten by it and restored after."""

    def __init__(self, run: DemoRun) -> None:
        self.file = run.directory / "demo.sqlite3"
        self.is_active = False
        self._before: sqlite3.Connection | None = None  # the test database as it was before the demo

    def build(self) -> str:
        from django.db import connection

        _outside_transactions("build the demo")
        self._keep_the_database_as_it_is()
        self.is_active = True  # from here on the test database holds (part of) the demo
        summary = load_demo()
        partial = self.file.with_suffix(".partial")
        target = sqlite3.connect(partial)
        try:
            self._raw(connection).backup(target)
        finally:
            target.close()
        partial.rename(self.file)
        return summary

    def activate(self) -> None:
        from django.db import connection

        self._keep_the_database_as_it_is()
        source = sqlite3.connect(f"file:{self.file}?mode=ro", uri=True)
        try:
            source.backup(self._raw(connection))
        finally:
            source.close()
        self.is_active = True

    def deactivate(self) -> None:
        from django.db import connection

        assert self._before is not None
        self._before.backup(self._raw(connection))
        self.is_active = False

    def close(self) -> None:
        if self._before is not None:
            self._before.close()
            self._before = None

    def _keep_the_database_as_it_is(self) -> None:
        from django.db import connection

        if self._before is None:
            self._before = sqlite3.connect(":memory:")
            self._raw(connection).backup(self._before)

    @staticmethod
    def _raw(connection: Any) -> sqlite3.Connection:
        connection.ensure_connection()
        raw: sqlite3.Connection = connection.connection
        return raw


class _Postgres:
    """The demo as a database used as a template; a process's copy of it is made once and switched to."""

    def __init__(self, run: DemoRun, worker: str) -> None:
        from django.db import connection

        self.run = run
        self.own = connection.settings_dict["NAME"]  # the process's test database
        self.copy = f"{run.postgres_name}_{worker}"
        self.is_active = False
        self._copied = False

    def build(self) -> str:
        from django.db import connection

        _outside_transactions("build the demo")
        (self.run.directory / "postgres").touch()  # tells finish_run to drop the run's databases
        template = self.run.postgres_name
        self._point_at(None)
        with connection._nodb_cursor() as cursor:  # the process's test database, just migrated, is the start
            cursor.execute(f"DROP DATABASE IF EXISTS {_quoted(template)} WITH (FORCE)")  # a crashed build's
            cursor.execute(f"CREATE DATABASE {_quoted(template)} TEMPLATE {_quoted(self.own)}")
        self._point_at(template)
        try:
            summary = load_demo()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")  # compact copies, with planner statistics
        finally:
            self._point_at(self.own)
        return summary

    def activate(self) -> None:
        from django.db import connection

        if not self._copied:
            self._point_at(None)
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"CREATE DATABASE {_quoted(self.copy)} TEMPLATE {_quoted(self.run.postgres_name)}")
            self._copied = True
        self._point_at(self.copy)
        self.is_active = True

    def deactivate(self) -> None:
        self._point_at(self.own)
        self.is_active = False

    def close(self) -> None:
        from django.db import connection

        if self._copied:
            self._point_at(self.own)
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {_quoted(self.copy)} WITH (FORCE)")
            self._copied = False

    @staticmethod
    def _point_at(name: str | None) -> None:
        """Close the connection and, given a name, open the next one on that database."""
        from django.db import connection

        connection.close()
        if name is not None:
            connection.settings_dict["NAME"] = name


def _drop_postgres_databases(prefix: str) -> None:
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix.replace("_", r"\_") + "%"])
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")


def _quoted(name: str) -> str:
    from django.db import connection

    return connection.ops.quote_name(name)


def _outside_transactions(what: str) -> None:
    from django.db import connection

    if connection.in_atomic_block:
        raise RuntimeError(
            f"cannot {what} inside a transaction: a test without the demo ran among tests on the demo of one "
            "module (the root conftest runs the tests on the demo last; keep them together)"
        )


def _forget_cached_rows() -> None:
    """Django caches content types by id; the other database may number them differently."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@contextlib.contextmanager
def _locked(path: Path, *, wait: bool) -> Iterator[bool]:
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
