"""Issue 12, done when: the Qitai clinician asks a consultation with a study attached; the Fuqing expert finds it in
the inbox, opens the images in the viewer and answers; the clinician records the decision — in headless Chromium,
in Chinese, with no request leaving the server."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from shanhai.accounts.models import Role
from shanhai.core import clock
from shanhai.imaging.services import study_upload
from shanhai.imaging.synthetic import ct_study
from shanhai.telehealth.models import Consultation, ConsultationPool, Status
from tests.core.factories import make_user

PASSWORD = "shanhai-demo-9"
SCREENSHOTS = Path("/tmp")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        shutil.which("chromium") is None, reason="Debian chromium is not installed (.ci/run installs it)"
    ),
]


def _sign_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_asked_with_a_study_answered_after_viewing_the_images_and_decided(  # type: ignore[no-untyped-def]
    page,
    live_server,
    world,
    settings,
    tmp_path,
):
    settings.SHANHAI_DICOM_DIR = tmp_path / "dicom"
    settings.SHANHAI_DICOM_STORE = "embedded"
    clinician = make_user("qitai-doctor", unit=world.qitai_hospital, role=Role.DATA_CLERK, password=PASSWORD)
    expert = make_user("fuqing-expert", unit=world.fuqing_hospital, role=Role.EXPERT, password=PASSWORD)
    pool = ConsultationPool.objects.create(institution=world.fuqing_hospital, name="福清市医院远程会诊中心")
    pool.members.add(expert)
    study = study_upload(
        actor=clinician,
        site=world.qitai_hospital,
        partnership=world.partnership,
        files=[(f"{i}.dcm", c) for i, c in enumerate(ct_study(seed=7, started_at=clock.now() - timedelta(hours=1)))],
    )
    base = live_server.url

    # The clinician asks, attaching the study.
    _sign_in(page, base, "qitai-doctor")
    page.goto(f"{base}/records/consultations/new/")
    page.select_option("select[name=partnership]", str(world.partnership.pk))
    page.select_option("select[name=requesting_unit]", str(world.qitai_hospital.pk))
    page.select_option("select[name=priority]", "urgent")
    page.select_option("select[name=pool]", str(pool.pk))
    page.fill("textarea[name=question]", "头颅CT见可疑高密度影，是否需要转诊神经外科？")
    page.select_option("select[name=studies]", [str(study.pk)])
    page.click("form.form button[type=submit]")
    page.wait_for_selector("[data-status=requested]")
    consultation = Consultation.objects.get()
    assert consultation.number in page.inner_text("h1")
    assert list(consultation.studies.all()) == [study]

    # The expert finds it in the inbox, opens the images, answers.
    _sign_in(page, base, "fuqing-expert")
    page.goto(f"{base}/telehealth/")
    page.click(f"#to-answer a:has-text('{consultation.number}')")
    page.click(f"main a[href$='/records/imaging-studies/{study.public_id}/']")
    page.click("main a[href$='/viewer/']")
    page.wait_for_selector("[data-viewer-status]:has-text('3')", timeout=20_000)
    page.screenshot(path=str(SCREENSHOTS / "consultation-viewer.png"), full_page=True)
    page.go_back()
    page.go_back()
    page.fill("textarea[name=answer-answer]", "考虑少量出血，建议复查CT并转诊州医院神经外科。")
    page.click("#answer-form button[type=submit]")
    page.wait_for_selector("[data-status=answered]")

    # The clinician records what the treating hospital decided.
    _sign_in(page, base, "qitai-doctor")
    page.goto(f"{base}/records/consultations/{consultation.public_id}/")
    assert "建议复查CT" in page.inner_text("[data-answer]")
    page.select_option("select[name=decide-decision]", "adopted")
    page.click("#decide-form button[type=submit]")
    page.wait_for_selector("[data-status=decided]")
    page.screenshot(path=str(SCREENSHOTS / "consultation-decided.png"), full_page=True)
    consultation.refresh_from_db()
    assert (consultation.status, consultation.decision, consultation.answered_by) == (Status.DECIDED, "adopted", expert)
    assert page.outside_requests == []  # type: ignore[attr-defined]
