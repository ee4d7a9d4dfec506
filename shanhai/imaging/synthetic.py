"""Small synthetic CT studies written with pydicom, for the demo and the tests: a few 64×64 slices of a body-like
ellipse (soft tissue, bone ring, optional bright lesion), deterministic from a seed. The patient is invented."""

from __future__ import annotations

import io
from datetime import datetime

import numpy as np
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import PYDICOM_IMPLEMENTATION_UID, UID, CTImageStorage, ExplicitVRLittleEndian

#: Root of the UIDs the synthetic studies get (a UUID-derived root, 2.25, keeps them unique and valid).
UID_ROOT = "2.25."


def synthetic_uid(seed: int, part: int, index: int = 0) -> str:
    return f"{UID_ROOT}{1_000_000_000_000 + seed}{part:02d}{index:04d}"


def ct_study(
    *,
    seed: int,
    started_at: datetime,
    slices: int = 3,
    size: int = 64,
    body_part: str = "HEAD",
    description: str = "CT HEAD",
    lesion: bool = False,
    patient_name: str = "Demo^Patient",
    patient_id: str = "DEMO0001",
) -> list[bytes]:
    """The DICOM files (bytes) of one CT study with one series of ``slices`` axial slices."""
    rng = np.random.default_rng(seed)
    study_uid, series_uid = synthetic_uid(seed, 1), synthetic_uid(seed, 2)
    y, x = np.mgrid[0:size, 0:size]
    centre = (size - 1) / 2
    radius = ((x - centre) / (size * 0.42)) ** 2 + ((y - centre) / (size * 0.36)) ** 2
    files = []
    for index in range(slices):
        hu = np.full((size, size), -1000.0)
        hu[radius <= 1.0] = 700.0  # bone ring
        hu[radius <= 0.85] = 35.0  # soft tissue
        if lesion:
            spot = ((x - centre - 8) ** 2 + (y - centre + 4 - index) ** 2) <= 16
            hu[spot] = 80.0  # a bright (haemorrhage-like) spot
        hu += rng.normal(0, 6, hu.shape)
        stored = np.clip(hu + 1024, 0, 4095).astype(np.uint16)
        files.append(
            _slice(
                study_uid, series_uid, seed, index, stored, started_at, body_part, description, patient_name, patient_id
            )
        )
    return files


def _slice(
    study_uid: str,
    series_uid: str,
    seed: int,
    index: int,
    pixels: np.ndarray,
    started_at: datetime,
    body_part: str,
    description: str,
    patient_name: str,
    patient_id: str,
) -> bytes:
    sop_uid = UID(synthetic_uid(seed, 3, index))
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CTImageStorage
    meta.MediaStorageSOPInstanceUID = sop_uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    dataset = FileDataset("", {}, file_meta=meta, preamble=b"\0" * 128)
    dataset.SpecificCharacterSet = "ISO_IR 192"  # UTF-8: the descriptions are Chinese
    dataset.SOPClassUID = CTImageStorage
    dataset.SOPInstanceUID = sop_uid
    dataset.StudyInstanceUID = study_uid
    dataset.SeriesInstanceUID = series_uid
    dataset.FrameOfReferenceUID = synthetic_uid(seed, 4)
    dataset.PatientName = patient_name
    dataset.PatientID = patient_id
    dataset.Modality = "CT"
    dataset.BodyPartExamined = body_part
    dataset.StudyDescription = description
    dataset.SeriesDescription = "AXIAL 5mm"
    dataset.StudyDate = started_at.strftime("%Y%m%d")
    dataset.StudyTime = started_at.strftime("%H%M%S")
    dataset.StudyID = str(seed % 100000)
    dataset.AccessionNumber = f"A{seed:08d}"
    dataset.SeriesNumber = 1
    dataset.InstanceNumber = index + 1
    dataset.ImagePositionPatient = [0.0, 0.0, float(index * 5)]
    dataset.ImageOrientationPatient = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
    dataset.SliceThickness = 5.0
    dataset.PixelSpacing = [3.5, 3.5]
    dataset.SamplesPerPixel = 1
    dataset.PhotometricInterpretation = "MONOCHROME2"
    dataset.Rows, dataset.Columns = pixels.shape
    dataset.BitsAllocated = 16
    dataset.BitsStored = 12
    dataset.HighBit = 11
    dataset.PixelRepresentation = 0
    dataset.RescaleIntercept = -1024
    dataset.RescaleSlope = 1
    dataset.WindowCenter = 40
    dataset.WindowWidth = 400
    dataset.PixelData = pixels.tobytes()
    buffer = io.BytesIO()
    dataset.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()
