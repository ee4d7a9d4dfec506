"""The store interface: a round trip through the embedded store and, when SHANHAI_ORTHANC_URL is set, Orthanc."""

from __future__ import annotations

import io

import pydicom
import pytest

from shanhai.imaging.store import masked_instance, parse_instance, render_png


def test_round_trip(store, files):
    parsed = [parse_instance(content, f"{i}.dcm") for i, content in enumerate(files)]
    study_uid = parsed[0].study_uid
    store.delete_study(study_uid)
    try:
        store.store(parsed)
        series = store.series(study_uid)
        assert [(s.uid, s.modality, len(s.instances)) for s in series] == [(parsed[0].series_uid, "CT", 3)]
        assert series[0].instances == [p.sop_uid for p in parsed]  # in instance-number order
        fetched = store.instance(study_uid, parsed[1].sop_uid)
        assert fetched is not None
        dataset = pydicom.dcmread(io.BytesIO(fetched))
        assert dataset.SOPInstanceUID == parsed[1].sop_uid
        assert dataset.pixel_array.shape == (64, 64)
        assert store.instance(study_uid, "1.2.3.4") is None
        assert store.instance(study_uid, "../../etc/passwd") is None
    finally:
        store.delete_study(study_uid)
    assert store.series(study_uid) == []


def test_the_copy_that_leaves_is_masked_and_renders(files):
    dataset = pydicom.dcmread(io.BytesIO(masked_instance(files[0])))
    assert str(dataset.PatientName) == "Z*******"
    assert str(dataset.PatientID) == "****************34"
    png = render_png(files[0], center=40, width=400)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("content", [b"", b"not a dicom file at all", b"\0" * 200])
def test_non_dicom_is_refused_with_its_name(content):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        parse_instance(content, "报告.pdf")
    assert error.value.messages == ["“报告.pdf” is not a DICOM file."]
