"""Fixtures of the imaging tests: the stores (embedded always; Orthanc when SHANHAI_ORTHANC_URL is set), synthetic
CT studies, and the world's Fuqing radiologist (supporting side) and Qitai clerk (asking side)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator

import pytest
from django.utils import timezone

from shanhai.accounts.models import Role, User
from shanhai.imaging.store import DicomStore, EmbeddedStore, OrthancStore
from shanhai.imaging.synthetic import ct_study
from tests.core.factories import make_user

STARTED = timezone.make_aware(dt.datetime(2025, 3, 4, 10, 0))


@pytest.fixture(autouse=True)
def dicom_dir(tmp_path, settings):
    settings.SHANHAI_DICOM_DIR = tmp_path / "dicom"
    settings.SHANHAI_DICOM_STORE = "embedded"
    return settings.SHANHAI_DICOM_DIR


@pytest.fixture
def orthanc_url() -> str:
    url = os.environ.get("SHANHAI_ORTHANC_URL", "")
    if not url:
        pytest.skip("SHANHAI_ORTHANC_URL is not set: no Orthanc to test against")
    return url


@pytest.fixture(params=["embedded", "orthanc"])
def store(request, dicom_dir, settings) -> Iterator[DicomStore]:
    if request.param == "embedded":
        yield EmbeddedStore(dicom_dir)
        return
    url = request.getfixturevalue("orthanc_url")
    settings.SHANHAI_DICOM_STORE = "orthanc"
    settings.SHANHAI_ORTHANC_URL = url
    yield OrthancStore(url)


@pytest.fixture
def files() -> list[bytes]:
    return ct_study(seed=4242, started_at=STARTED, slices=3, patient_name="Zhang^San", patient_id="630105199001011234")


@pytest.fixture
def radiologist(world) -> User:
    return make_user("fuqing-radiologist", unit=world.fuqing_hospital, role=Role.EXPERT)


@pytest.fixture
def clerk(world) -> User:
    return make_user("qitai-hospital-clerk", unit=world.qitai_hospital, role=Role.DATA_CLERK)
