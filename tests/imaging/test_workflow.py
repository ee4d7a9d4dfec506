"""Upload, access, the reading workflow, critical findings and the measures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from shanhai.analytics import engine, facts
from shanhai.analytics.models import Fact
from shanhai.core.models import AuditEntry, Notice
from shanhai.core.periods import parse_period
from shanhai.core.working_time import add_working_hours
from shanhai.imaging import services
from shanhai.imaging.indicators import CRITICAL_FINDINGS, READ_WITHIN_DUE, STUDIES_READ
from shanhai.imaging.models import ImagingReading, ImagingStudy, ReadingKind, ReadingStatus
from shanhai.imaging.synthetic import ct_study
from tests.imaging.conftest import STARTED

TZ = timezone.get_current_timezone()


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def upload(world, clerk, files, seed=None):
    named = [(f"{i}.dcm", f) for i, f in enumerate(files)]
    return services.study_upload(actor=clerk, site=world.qitai_hospital, partnership=world.partnership, files=named)


@pytest.fixture
def study(world, clerk, files) -> ImagingStudy:
    with mock.patch("shanhai.core.clock.now", return_value=at(2025, 3, 4, 10, 0)):
        return upload(world, clerk, files)


def test_upload_stores_the_files_and_requests_a_remote_reading(study, dicom_dir):
    assert (study.modality, study.body_part, study.series_count, study.instance_count) == ("CT", "HEAD", 1, 3)
    assert study.started_at == STARTED
    assert len(list(Path(dicom_dir, study.study_uid).glob("*/*.dcm"))) == 3
    reading = study.readings.get()
    assert (reading.kind, reading.status) == (ReadingKind.REMOTE_FINAL, ReadingStatus.REQUESTED)
    # 8 working hours: 10:00–12:00 and 14:30–18:00 (5.5 h), then 08:30–11:00 the next working day
    assert reading.due_at == at(2025, 3, 5, 11, 0)


def test_a_non_dicom_file_refuses_the_upload_with_nothing_written(world, clerk, client, files, dicom_dir):
    client.force_login(clerk)
    response = client.post(
        reverse("imaging:study_upload"),
        {
            "site": world.qitai_hospital.pk,
            "partnership": world.partnership.pk,
            "dicom_files": [
                SimpleUploadedFile("1.dcm", files[0]),
                SimpleUploadedFile("病历.docx", b"PK\x03\x04 not dicom"),
            ],
        },
    )
    assert response.status_code == 400
    assert "“病历.docx” is not a DICOM file." in response.content.decode()
    assert ImagingStudy.objects.count() == 0
    assert ImagingReading.objects.count() == 0
    assert not dicom_dir.exists() or list(dicom_dir.rglob("*.dcm")) == []
    assert not AuditEntry.objects.filter(object_type__contains="imaging").exists()


def test_the_api_upload_refuses_a_non_dicom_file(world, clerk, client, dicom_dir):
    client.force_login(clerk)
    response = client.post(
        "/api/v1/imaging/studies/",
        {"site": world.qitai_hospital.code, "files": [SimpleUploadedFile("x.txt", b"hello")]},
    )
    assert response.status_code == 400
    assert response.json() == {"files": ["“x.txt” is not a DICOM file."]}
    assert ImagingStudy.objects.count() == 0


def test_the_api_upload_stores_a_study(world, clerk, client, files):
    client.force_login(clerk)
    response = client.post(
        "/api/v1/imaging/studies/",
        {
            "site": world.qitai_hospital.code,
            "partnership": world.partnership.pk,
            "files": [SimpleUploadedFile(f"{i}.dcm", f) for i, f in enumerate(files)],
        },
    )
    assert response.status_code == 201
    assert response.json()["instance_count"] == 3
    assert ImagingStudy.objects.get().partnership == world.partnership


def _urls(study: ImagingStudy) -> list[str]:
    sop = ct_study(seed=4242, started_at=STARTED)[0]
    from shanhai.imaging.store import parse_instance

    sop_uid = parse_instance(sop, "x").sop_uid
    reading = study.readings.get()
    return [
        reverse("imaging:study_detail", kwargs={"public_id": study.public_id}),
        reverse("records:detail", kwargs={"kind": "imaging-studies", "public_id": study.public_id}),
        reverse("imaging:study_viewer", kwargs={"public_id": study.public_id}),
        reverse("imaging:study_instances", kwargs={"public_id": study.public_id}),
        reverse("imaging:instance", kwargs={"public_id": study.public_id, "sop_uid": sop_uid}),
        reverse("imaging:instance_rendered", kwargs={"public_id": study.public_id, "sop_uid": sop_uid}),
        reverse("imaging:reading_report", kwargs={"public_id": reading.public_id}),
        reverse("records:detail", kwargs={"kind": "imaging-readings", "public_id": reading.public_id}),
        f"/api/v1/records/imaging-studies/{study.public_id}/",
        f"/api/v1/records/imaging-readings/{reading.public_id}/",
    ]


def test_outsiders_get_404_on_every_study_image_and_report_url(study, client, outsider, radiologist):
    client.force_login(outsider)
    for url in _urls(study):
        assert client.get(url).status_code == 404, url
    reading = study.readings.get()
    for url in (
        reverse("imaging:reading_sign", kwargs={"public_id": reading.public_id}),
        reverse("imaging:reading_preliminary", kwargs={"public_id": study.public_id}),
        reverse("imaging:reading_request_second", kwargs={"public_id": study.public_id}),
    ):
        assert client.post(url, {"impression": "x"}).status_code == 404, url
    reading.refresh_from_db()
    assert reading.status == ReadingStatus.REQUESTED


def test_both_sides_see_every_url(study, client, clerk, radiologist):
    for user in (clerk, radiologist):
        client.force_login(user)
        for url in _urls(study):
            response = client.get(url)
            assert response.status_code in (200, 302), (user, url, response.status_code)
    instance = client.get(_urls(study)[4])
    assert instance["Content-Type"] == "application/dicom"
    assert b"Zhang" not in instance.content and b"630105199001011234" not in instance.content
    assert client.get(_urls(study)[5])["Content-Type"] == "image/png"


def test_reading_workflow_and_critical_notice(study, clerk, radiologist, client):
    services.reading_record_preliminary(
        actor=clerk,
        study=study,
        kind=ReadingKind.AI_PRELIMINARY,
        findings="右额叶高密度影",
        impression="疑似出血",
        reader_name="AI 辅助诊断",
        is_critical=False,
    )
    with pytest.raises(ValidationError):
        services.reading_request(actor=clerk, study=study, kind=ReadingKind.SECOND_OPINION)  # before the final
    reading = study.readings.get(kind=ReadingKind.REMOTE_FINAL)
    client.force_login(clerk)  # the asking side cannot sign
    response = client.post(
        reverse("imaging:reading_sign", kwargs={"public_id": reading.public_id}), {"impression": "x"}
    )
    assert response.status_code == 403
    client.force_login(radiologist)
    with mock.patch("shanhai.core.clock.now", return_value=at(2025, 3, 4, 15, 0)):
        response = client.post(
            reverse("imaging:reading_sign", kwargs={"public_id": reading.public_id}),
            {"findings": "右额叶见约1.5cm高密度影", "impression": "急性脑出血", "is_critical": "on"},
        )
    assert response.status_code == 302
    reading.refresh_from_db()
    assert (reading.status, reading.reader, reading.is_critical, reading.is_within_due_time) == (
        ReadingStatus.FINAL,
        radiologist,
        True,
        True,
    )
    notices = Notice.objects.filter(kind="imaging_critical")
    assert sorted(n.user.username for n in notices) == ["qitai-hospital-clerk"]
    assert notices.get().url == f"/imaging/studies/{study.public_id}/"
    with pytest.raises(ValidationError):
        services.reading_sign(actor=radiologist, reading=reading, findings="", impression="again")
    second = services.reading_request(actor=clerk, study=study, kind=ReadingKind.SECOND_OPINION)
    assert second.status == ReadingStatus.REQUESTED
    pdf = client.get(reverse("imaging:reading_report", kwargs={"public_id": reading.public_id}))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"


def test_working_hours_skip_the_night_the_weekend_and_holidays():
    assert add_working_hours(at(2025, 3, 4, 10, 0), 8) == at(2025, 3, 5, 11, 0)
    assert add_working_hours(at(2025, 3, 7, 17, 30), 1) == at(2025, 3, 10, 9, 0)  # Friday → Monday
    # 2025-01-26 (Sunday) was a 调休 working day; 2025-01-28…02-04 the Spring Festival holiday.
    assert add_working_hours(at(2025, 1, 25, 9, 0), 1) == at(2025, 1, 26, 9, 30)
    assert add_working_hours(at(2025, 1, 27, 17, 30), 1) == at(2025, 2, 5, 9, 0)


def test_measures_equal_a_hand_count(world, clerk, radiologist):
    """Five studies: three read in March 2025 (one late, two critical), one in April (late), one never read."""
    signed = [
        (at(2025, 3, 3, 9, 0), at(2025, 3, 3, 11, 0), False),  # on time
        (at(2025, 3, 4, 9, 0), at(2025, 3, 10, 11, 0), True),  # late, critical
        (at(2025, 3, 5, 9, 0), at(2025, 3, 5, 16, 0), True),  # on time, critical
        (at(2025, 3, 28, 9, 0), at(2025, 4, 1, 10, 0), False),  # read in April, late (due 03-31 10:00)
        (at(2025, 3, 31, 9, 0), None, False),  # not read
    ]
    for seed, (requested, read, critical) in enumerate(signed):
        with mock.patch("shanhai.core.clock.now", return_value=requested):
            study = upload(world, clerk, ct_study(seed=100 + seed, started_at=requested, slices=1))
        if read is not None:
            with mock.patch("shanhai.core.clock.now", return_value=read):
                services.reading_sign(
                    actor=radiologist,
                    reading=study.readings.get(),
                    findings="",
                    impression="所见",
                    is_critical=critical,
                )
    scope = engine.Scope(partnership=world.partnership)
    codes = ["imaging_studies_read", "imaging_critical_findings", "imaging_read_within_due_share"]
    march = {v.code: v.value for v in engine.evaluate(codes, scope, parse_period("202503"))}
    assert march == {"imaging_studies_read": 3, "imaging_critical_findings": 2, "imaging_read_within_due_share": 66.7}
    first_half = {v.code: v.value for v in engine.evaluate(codes, scope, parse_period("202501..202506"))}
    assert first_half["imaging_studies_read"] == 4
    assert first_half["imaging_read_within_due_share"] == 50.0
    supporter = engine.Scope(org_unit=world.fuqing_hospital, side="supporter")
    assert engine.evaluate(["imaging_studies_read"], supporter, parse_period("2025"))[0].value == 4
    incremental = sorted(
        Fact.objects.filter(metric__in=[STUDIES_READ.id, READ_WITHIN_DUE.id, CRITICAL_FINDINGS.id]).values_list(
            "metric", "org_unit_id", "partnership_id", "month", "value"
        )
    )
    facts.rebuild()
    assert (
        sorted(
            Fact.objects.filter(metric__in=[STUDIES_READ.id, READ_WITHIN_DUE.id, CRITICAL_FINDINGS.id]).values_list(
                "metric", "org_unit_id", "partnership_id", "month", "value"
            )
        )
        == incremental
    )


def test_the_record_pages_serve_both_kinds(study, client, clerk, outsider):
    client.force_login(clerk)
    for kind in ("imaging-studies", "imaging-readings"):
        for name in ("records:list", "records:export", "records:template"):
            assert client.get(reverse(name, kwargs={"kind": kind})).status_code == 200, (kind, name)
        assert client.get(f"/api/v1/records/{kind}/").json()["count"] == 1
    client.force_login(outsider)
    assert client.get("/api/v1/records/imaging-studies/").json()["count"] == 0
