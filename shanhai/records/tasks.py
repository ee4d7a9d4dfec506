"""Background imports (django-tasks): the worker beside the server runs them; pages poll the progress.

A running job beats (``heartbeat_at``, and in the shared cache while its write transaction holds the database)
at each progress step, and names its process (``worker``: host and pid). A job still "running" whose process is
gone (on this host) or whose last beat is older than ``SHANHAI_IMPORT_STALE_SECONDS`` (any host) has lost its
worker (killed, crashed): :func:`fail_stale_jobs` — called when a job page is polled, when a task worker starts
(``shanhai task_worker``, which ``make serve`` restarts whenever it ends) and before each job — marks it failed
with a message. Its write transaction died with the worker, so no row of it
was written. The uploaded file is deleted when a job ends, however it ends.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _
from django_tasks import task

from shanhai.core import clock
from shanhai.records.imports import ImportResult, RowError, import_rows
from shanhai.records.kinds import kind_of
from shanhai.records.models import ImportJob, ImportStatus
from shanhai.records.tabular import read_table


def progress_key(job: ImportJob) -> str:
    return f"records:import:{job.public_id}"


def heartbeat_key(job: ImportJob) -> str:
    return f"records:import-beat:{job.public_id}"


def progress_of(job: ImportJob) -> tuple[int, int]:
    """(rows done, rows in the file) while the job runs; the cache is shared by the worker and the pages."""
    done, steps = cache.get(progress_key(job), (0, 2 * job.total_rows))
    return done // 2, steps // 2  # each row is read, then written


def stale_limit() -> timedelta:
    return timedelta(seconds=settings.SHANHAI_IMPORT_STALE_SECONDS)


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _process_gone(worker: str) -> bool:
    """Whether ``worker`` (``host:pid``) names a process of this host that no longer runs (a zombie — killed,
    not yet reaped — counts as gone). A process of another host is never known to be gone."""
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # someone else's process: running
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state in {"Z", "X"}


def fail_stale_jobs() -> int:
    """Mark failed every running job whose worker is gone or stopped beating; how many were."""
    limit = clock.now() - stale_limit()
    failed = 0
    for job in ImportJob.objects.filter(status=ImportStatus.RUNNING):
        if not (job.worker and _process_gone(job.worker)):
            if job.heartbeat_at is None or job.heartbeat_at >= limit:
                continue
            beat: datetime | None = cache.get(heartbeat_key(job))
            if beat is not None and beat >= limit:  # alive, writing: its transaction holds the database
                continue
        message = _(
            "The import stopped before it ended (its worker ended); nothing was imported. Import the file again."
        )
        failed += _finish(job, ImportStatus.FAILED, errors=[RowError(0, "", message)])
    return failed


def _finish(
    job: ImportJob, status: ImportStatus, *, result: ImportResult | None = None, errors: Sequence[RowError] = ()
) -> int:
    """End a running job (once: a job another process already ended is left alone); the file goes."""
    result = result or ImportResult(errors=list(errors))
    cache.delete_many([progress_key(job), heartbeat_key(job)])
    return ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
        status=status,
        created_count=result.created,
        updated_count=result.updated,
        errors=result.errors_as_dicts(),
        finished_at=clock.now(),
        content=b"",
    )


def _done(job: ImportJob, result: ImportResult) -> None:
    _finish(job, ImportStatus.DONE, result=result)


def _beat(job: ImportJob, done: int, steps: int) -> None:
    now = clock.now()
    cache.set(progress_key(job), (done, steps), 3600)
    cache.set(heartbeat_key(job), now, 3600)
    if not connection.in_atomic_block:  # while writing, the row would only be seen once committed
        ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=now)


@task()
def run_import(job_id: int) -> None:
    fail_stale_jobs()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, heartbeat_at=clock.now(), worker=this_process()
    )
    if not claimed:  # ended already (found dead before the worker came back)
        return
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    try:
        headers, rows = read_table(job.file_name, bytes(job.content))
    except ValidationError as error:
        _finish(job, ImportStatus.FAILED, errors=[RowError(1, "", m) for m in error.messages])
        return
    try:
        result = import_rows(
            kind_of(job.kind),
            job.user,
            headers,
            rows,
            progress=lambda done, steps: _beat(job, done, steps),
            before_write=lambda: (
                ImportJob.objects.select_for_update().filter(pk=job.pk, status=ImportStatus.RUNNING).exists()
            ),
            after_write=lambda result: _done(job, result),
        )
    except Exception:
        _finish(job, ImportStatus.FAILED, errors=[RowError(0, "", _("The import failed; nothing was imported."))])
        raise
    # Written: the job is done already, committed with its rows. Refused: failed with every row's problems.
    # Found dead meanwhile by a page (a stall longer than the limit): it stays failed, nothing written.
    _finish(job, ImportStatus.FAILED, result=result)
