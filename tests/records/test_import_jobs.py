"""Background import jobs that end, however they end: done, refused, crashed or found with a dead worker;
the uploaded file never outlives the job."""

from __future__ import annotations

import io
import os
import socket
import subprocess
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from conftest import World
from shanhai.accounts.models import User
from shanhai.core import clock
from shanhai.outreach.models import Donation
from shanhai.records import tasks
from shanhai.records.imports import import_rows
from shanhai.records.kinds import kind_of
from shanhai.records.models import ImportJob, ImportStatus

HEADERS_ZH = ["捐赠方（代码或名称）", "受赠方（代码或名称）", "帮扶关系（编号）", "类型", "金额（元）", "日期", "说明"]
DEAD = "The import stopped before it ended (its worker ended); nothing was imported. Import the file again."


def _xlsx(world: World, amounts: list[Any]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADERS_ZH)
    for amount in amounts:
        sheet.append(["H350181001", "H652325001", world.partnership.pk, "资金", amount, "2023-03-01", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _job(world: World, user: User, content: bytes, **fields: Any) -> ImportJob:
    return ImportJob.objects.create(
        kind="donations", user=user, file_name="d.xlsx", content=content, total_rows=3, **fields
    )


def _ended(job: ImportJob) -> tuple[str, int, list[dict[str, Any]], bytes]:
    job.refresh_from_db()
    return job.status, job.created_count, job.errors, bytes(job.content)


def test_a_job_done_keeps_no_file(world: World, hospital_admin: User) -> None:
    job = _job(world, hospital_admin, _xlsx(world, [1000, 2000, 3000]))
    tasks.run_import.call(job.pk)
    assert _ended(job) == (ImportStatus.DONE, 3, [], b"")
    assert Donation.objects.count() == 3


def test_a_refused_job_keeps_no_file_and_writes_nothing(world: World, hospital_admin: User) -> None:
    job = _job(world, hospital_admin, _xlsx(world, [1000, "十万", 3000]))
    tasks.run_import.call(job.pk)
    status, created, errors, content = _ended(job)
    assert (status, created, [e["row"] for e in errors], content) == (ImportStatus.FAILED, 0, [3], b"")
    assert Donation.objects.count() == 0


def test_an_unreadable_file_fails_the_job_and_is_deleted(world: World, hospital_admin: User) -> None:
    job = _job(world, hospital_admin, b"not a workbook")
    tasks.run_import.call(job.pk)
    assert _ended(job) == (
        ImportStatus.FAILED,
        0,
        [{"row": 1, "column": "", "message": "The file could not be read as an XLSX workbook."}],
        b"",
    )


def test_a_crash_fails_the_job_and_deletes_the_file(
    world: World, hospital_admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(tasks, "import_rows", crash)
    job = _job(world, hospital_admin, _xlsx(world, [1000]))
    with pytest.raises(RuntimeError):
        tasks.run_import.call(job.pk)
    assert _ended(job) == (
        ImportStatus.FAILED,
        0,
        [{"row": 0, "column": "", "message": "The import failed; nothing was imported."}],
        b"",
    )


def test_a_job_whose_worker_died_is_marked_failed_when_its_page_is_polled(
    world: World, hospital_admin: User, settings: Any
) -> None:
    settings.SHANHAI_IMPORT_STALE_SECONDS = 60
    old = clock.now() - timedelta(seconds=61)
    dead = _job(world, hospital_admin, _xlsx(world, [1000]), status=ImportStatus.RUNNING, heartbeat_at=old)
    alive = _job(world, hospital_admin, _xlsx(world, [1000]), status=ImportStatus.RUNNING, heartbeat_at=clock.now())
    client = Client()
    client.force_login(hospital_admin)
    page = client.get(reverse("records:import_job", kwargs={"kind": "donations", "job_id": dead.public_id}))
    assert page.status_code == 200
    assert DEAD in page.content.decode()
    assert _ended(dead) == (ImportStatus.FAILED, 0, [{"row": 0, "column": "", "message": DEAD}], b"")
    assert _ended(alive)[0] == ImportStatus.RUNNING
    assert Donation.objects.count() == 0


def test_the_worker_marks_dead_jobs_failed_before_it_starts(world: World, hospital_admin: User) -> None:
    dead = _job(
        world,
        hospital_admin,
        _xlsx(world, [1000]),
        status=ImportStatus.RUNNING,
        heartbeat_at=clock.now() - timedelta(hours=1),
    )
    queued = _job(world, hospital_admin, _xlsx(world, [1000, 2000]))
    tasks.run_import.call(queued.pk)
    assert _ended(dead) == (ImportStatus.FAILED, 0, [{"row": 0, "column": "", "message": DEAD}], b"")
    assert _ended(queued)[:2] == (ImportStatus.DONE, 2)
    assert Donation.objects.count() == 2


def test_a_job_ended_meanwhile_is_not_run(world: World, hospital_admin: User) -> None:
    job = _job(world, hospital_admin, b"", status=ImportStatus.FAILED)
    tasks.run_import.call(job.pk)
    assert _ended(job)[0] == ImportStatus.FAILED
    assert Donation.objects.count() == 0


def test_nothing_is_written_when_the_job_ended_before_the_write(world: World, hospital_admin: User) -> None:
    rows = [["H350181001", "H652325001", world.partnership.pk, "资金", 1000, "2023-03-01", ""]]
    result = import_rows(kind_of("donations"), hospital_admin, HEADERS_ZH, rows, before_write=lambda: False)
    assert (result.ok, result.created) == (True, 0)
    assert Donation.objects.count() == 0


def test_a_job_whose_process_is_gone_from_this_host_fails_at_once_a_live_one_runs_on(
    world: World, hospital_admin: User
) -> None:
    ended = subprocess.Popen(["true"])
    ended.wait()
    here = socket.gethostname()
    gone = _job(
        world, hospital_admin, b"x", status=ImportStatus.RUNNING, heartbeat_at=clock.now(), worker=f"{here}:{ended.pid}"
    )
    live = _job(
        world,
        hospital_admin,
        b"x",
        status=ImportStatus.RUNNING,
        heartbeat_at=clock.now(),
        worker=f"{here}:{os.getpid()}",
    )
    elsewhere = _job(
        world,
        hospital_admin,
        b"x",
        status=ImportStatus.RUNNING,
        heartbeat_at=clock.now(),
        worker=f"other-host:{ended.pid}",
    )
    assert tasks.fail_stale_jobs() == 1
    assert _ended(gone) == (ImportStatus.FAILED, 0, [{"row": 0, "column": "", "message": DEAD}], b"")
    assert _ended(live)[0] == ImportStatus.RUNNING
    assert _ended(elsewhere)[0] == ImportStatus.RUNNING  # another host's process: only its heartbeat tells
