"""Background imports (django-tasks): the worker beside the server runs them; pages poll the progress."""

from __future__ import annotations

from django.core.cache import cache
from django_tasks import task

from shanhai.core import clock
from shanhai.records.imports import import_rows
from shanhai.records.kinds import kind_of
from shanhai.records.models import ImportJob, ImportStatus
from shanhai.records.tabular import read_table


def progress_key(job: ImportJob) -> str:
    return f"records:import:{job.public_id}"


def progress_of(job: ImportJob) -> tuple[int, int]:
    """(rows done, rows in the file) while the job runs; the cache is shared by the worker and the pages."""
    done, total = cache.get(progress_key(job), (0, job.total_rows))
    return done, total


@task()
def run_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    job.status = ImportStatus.RUNNING
    job.save(update_fields=["status"])
    headers, rows = read_table(job.file_name, bytes(job.content))
    key = progress_key(job)
    result = import_rows(
        kind_of(job.kind), job.user, headers, rows, progress=lambda done, total: cache.set(key, (done, total), 3600)
    )
    job.status = ImportStatus.DONE if result.ok else ImportStatus.FAILED
    job.created_count, job.updated_count = result.created, result.updated
    job.errors = result.errors_as_dicts()
    job.finished_at = clock.now()
    job.content = b""  # the file is not kept once imported
    job.save(update_fields=["status", "created_count", "updated_count", "errors", "finished_at", "content"])
