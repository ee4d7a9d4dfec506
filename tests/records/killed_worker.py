"""The other process of ``test_killed_worker`` (run as ``python -m tests.records.killed_worker STEP …`` with the
project's settings and a temporary ``SHANHAI_VAR_DIR``): ``setup ROWS`` builds a small world and queues a
ROWS-row donations import as the upload page does, printing the job's id; ``state JOB`` prints the job's status,
its counts, whether its file is still kept, its first message and how many donations exist, as JSON."""

from __future__ import annotations

import csv
import io
import json
import os
import sys


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanhai.project.settings")
    import django

    django.setup()


def setup(rows: int) -> None:
    from shanhai.accounts.models import Role
    from shanhai.records.models import ImportJob
    from shanhai.records.tasks import run_import
    from tests.core.factories import OrgUnitFactory, PartnershipFactory, ProgrammeFactory, make_user

    county = OrgUnitFactory(code="350181", name="福清市", kind="county")
    supporter = OrgUnitFactory(code="H350181001", name="福清市医院", kind="general_hospital", parent=county)
    recipient_county = OrgUnitFactory(code="652325", name="奇台县", kind="county")
    recipient = OrgUnitFactory(
        code="H652325001", name="奇台县人民医院", kind="general_hospital", parent=recipient_county
    )
    programme = ProgrammeFactory(name="福清—奇台对口支援", owner=county)
    partnership = PartnershipFactory(supporter=supporter, recipient=recipient, programme=programme)
    importer = make_user("importer", unit=recipient, role=Role.INSTITUTION_ADMIN)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["捐赠方（代码或名称）", "受赠方（代码或名称）", "帮扶关系（编号）", "类型", "金额（元）", "日期", "说明"]
    )
    for i in range(rows):
        writer.writerow(["H350181001", "H652325001", partnership.pk, "资金", 1000 + i, "2023-03-01", f"批量 {i}"])
    job = ImportJob.objects.create(
        kind="donations",
        user=importer,
        file_name="donations.csv",
        content=buffer.getvalue().encode(),
        total_rows=rows,
    )
    run_import.enqueue(job.pk)
    print(job.pk)


def state(job_id: int) -> None:
    from shanhai.outreach.models import Donation
    from shanhai.records.models import ImportJob

    job = ImportJob.objects.get(pk=job_id)
    print(
        json.dumps(
            {
                "status": job.status,
                "created": job.created_count,
                "file_kept": bool(bytes(job.content)),
                "message": job.errors[0]["message"] if job.errors else "",
                "donations": Donation.objects.count(),
            }
        )
    )


if __name__ == "__main__":
    _django()
    if sys.argv[1] == "setup":
        setup(int(sys.argv[2]))
    else:
        state(int(sys.argv[2]))
