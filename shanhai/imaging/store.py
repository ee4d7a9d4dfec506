"""The DICOM archive behind one interface: the embedded store (files under ``SHANHAI_DICOM_DIR``, read with pydicom)
or Orthanc over DICOMweb (STOW-RS to store, QIDO-RS to list, WADO-RS to fetch). ``SHANHAI_DICOM_STORE`` chooses.

Patient names and IDs in the files are personal data: nothing here logs them or puts them in an exception, and
``masked_instance`` gives the copy of an instance that leaves Shanhai (to the viewer), its identifiers masked."""

from __future__ import annotations

import io
import re
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pydicom
import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image
from pydicom.errors import InvalidDicomError

from shanhai.core.personal import mask_id_number, mask_name

UID = re.compile(r"^[0-9]+(\.[0-9]+)*$")
DICOM_MEDIA_TYPE = "application/dicom"


class StoreError(Exception):
    """The archive could not be reached or refused a request (the message names no patient)."""


def is_uid(value: str) -> bool:
    return len(value) <= 64 and bool(UID.match(value))


@dataclass(frozen=True)
class ParsedInstance:
    """One uploaded DICOM file: its bytes and the header values Shanhai keeps (no patient data)."""

    content: bytes
    study_uid: str
    series_uid: str
    sop_uid: str
    modality: str
    body_part: str
    description: str
    started_at: datetime | None


@dataclass
class SeriesInfo:
    uid: str
    modality: str = ""
    number: int | None = None
    description: str = ""
    instances: list[str] = field(default_factory=list)


def _text(dataset: pydicom.Dataset, keyword: str) -> str:
    return str(dataset.get(keyword, "") or "").strip()


def _started_at(dataset: pydicom.Dataset) -> datetime | None:
    day, clock = _text(dataset, "StudyDate"), _text(dataset, "StudyTime")
    if not re.fullmatch(r"\d{8}", day):
        return None
    digits = (re.sub(r"[^0-9]", "", clock.split(".")[0]) + "000000")[:6]
    try:
        naive = datetime.strptime(day + digits, "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return timezone.make_aware(naive)


def parse_instance(content: bytes, name: str) -> ParsedInstance:
    """Read one uploaded file; a ``ValidationError`` in Chinese or English (the file's name, never its content)."""
    try:
        dataset = pydicom.dcmread(io.BytesIO(content), stop_before_pixels=True)
    except (InvalidDicomError, EOFError, ValueError, TypeError, OSError, AttributeError, KeyError):
        raise ValidationError(_("“%(name)s” is not a DICOM file.") % {"name": name}) from None
    uids = {key: _text(dataset, key) for key in ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID")}
    if not all(is_uid(value) for value in uids.values()):
        raise ValidationError(
            _("“%(name)s” lacks a valid study, series or instance UID; it cannot be stored.") % {"name": name}
        )
    return ParsedInstance(
        content=content,
        study_uid=uids["StudyInstanceUID"],
        series_uid=uids["SeriesInstanceUID"],
        sop_uid=uids["SOPInstanceUID"],
        modality=_text(dataset, "Modality"),
        body_part=_text(dataset, "BodyPartExamined"),
        description=_text(dataset, "StudyDescription")[:200],
        started_at=_started_at(dataset),
    )


def masked_instance(content: bytes) -> bytes:
    """The instance with the patient's name and ID masked and birth date removed: the copy that leaves Shanhai."""
    dataset = pydicom.dcmread(io.BytesIO(content))
    if "PatientName" in dataset:
        dataset.PatientName = mask_name(str(dataset.PatientName).replace("^", ""))
    if "PatientID" in dataset:
        dataset.PatientID = mask_id_number(str(dataset.PatientID))
    for keyword in ("PatientBirthDate", "OtherPatientIDs", "PatientAddress", "PatientTelephoneNumbers"):
        if keyword in dataset:
            delattr(dataset, keyword)
    buffer = io.BytesIO()
    dataset.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def render_png(content: bytes, *, frame: int = 1, center: float | None = None, width: float | None = None) -> bytes:
    """A frame of an instance as 8-bit PNG: rescaled (slope/intercept), windowed (given, else the file's own
    window, else its value range), MONOCHROME1 inverted."""
    dataset = pydicom.dcmread(io.BytesIO(content))
    pixels = dataset.pixel_array
    frames = int(dataset.get("NumberOfFrames", 1) or 1)
    if frames > 1:
        pixels = pixels[max(1, min(frame, frames)) - 1]
    values = pixels.astype(np.float64) * float(dataset.get("RescaleSlope", 1) or 1) + float(
        dataset.get("RescaleIntercept", 0) or 0
    )
    if center is None or width is None:
        own_center, own_width = dataset.get("WindowCenter"), dataset.get("WindowWidth")
        if own_center is not None and own_width is not None:
            center = float(own_center[0] if isinstance(own_center, pydicom.multival.MultiValue) else own_center)
            width = float(own_width[0] if isinstance(own_width, pydicom.multival.MultiValue) else own_width)
        else:
            low, high = float(values.min()), float(values.max())
            center, width = (low + high) / 2, max(high - low, 1.0)
    width = max(width, 1.0)
    scaled = np.clip((values - (center - width / 2)) / width, 0.0, 1.0) * 255.0
    if _text(dataset, "PhotometricInterpretation") == "MONOCHROME1":
        scaled = 255.0 - scaled
    if scaled.ndim == 3:  # colour: keep the channels
        image = Image.fromarray(scaled.astype(np.uint8), mode="RGB")
    else:
        image = Image.fromarray(scaled.astype(np.uint8), mode="L")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class DicomStore(Protocol):
    name: str

    def store(self, instances: list[ParsedInstance]) -> None: ...

    def series(self, study_uid: str) -> list[SeriesInfo]: ...

    def instance(self, study_uid: str, sop_uid: str) -> bytes | None: ...

    def delete_study(self, study_uid: str) -> None: ...


class EmbeddedStore:
    """Files at ``<root>/<study uid>/<series uid>/<sop uid>.dcm`` (UIDs are digits and dots: no path escapes)."""

    name = "embedded"

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root or settings.SHANHAI_DICOM_DIR)

    def _study_dir(self, study_uid: str) -> Path:
        if not is_uid(study_uid):
            raise StoreError("not a UID")
        return self.root / study_uid

    def store(self, instances: list[ParsedInstance]) -> None:
        for item in instances:
            folder = self._study_dir(item.study_uid) / item.series_uid
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            temporary = folder / f".{uuid.uuid4().hex}.part"
            temporary.write_bytes(item.content)
            temporary.replace(folder / f"{item.sop_uid}.dcm")

    def series(self, study_uid: str) -> list[SeriesInfo]:
        found: list[SeriesInfo] = []
        folder = self._study_dir(study_uid)
        if not folder.is_dir():
            return found
        for series_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
            entries: list[tuple[int, str]] = []
            info = SeriesInfo(uid=series_dir.name)
            for path in series_dir.glob("*.dcm"):
                dataset = pydicom.dcmread(path, stop_before_pixels=True)
                number = dataset.get("InstanceNumber")
                entries.append((int(number) if number not in (None, "") else 0, path.stem))
                info.modality = info.modality or _text(dataset, "Modality")
                info.description = info.description or _text(dataset, "SeriesDescription")
                series_number = dataset.get("SeriesNumber")
                info.number = int(series_number) if series_number not in (None, "") else info.number
            info.instances = [uid for _number, uid in sorted(entries)]
            found.append(info)
        return sorted(found, key=lambda s: (s.number is None, s.number or 0, s.uid))

    def instance(self, study_uid: str, sop_uid: str) -> bytes | None:
        if not is_uid(sop_uid):
            return None
        matches = list(self._study_dir(study_uid).glob(f"*/{sop_uid}.dcm"))
        return matches[0].read_bytes() if matches else None

    def delete_study(self, study_uid: str) -> None:
        shutil.rmtree(self._study_dir(study_uid), ignore_errors=True)


class OrthancStore:
    """Orthanc with its DICOMweb plugin (root ``<url>/dicom-web``); deletion through Orthanc's REST API."""

    name = "orthanc"

    def __init__(self, url: str | None = None, user: str | None = None, password: str | None = None) -> None:
        self.url = (url or settings.SHANHAI_ORTHANC_URL).rstrip("/")
        user = settings.SHANHAI_ORTHANC_USER if user is None else user
        password = settings.SHANHAI_ORTHANC_PASSWORD if password is None else password
        self.session = requests.Session()
        if user:
            self.session.auth = (user, password)

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        try:
            response = self.session.request(method, f"{self.url}{path}", timeout=30, **kwargs)
        except requests.RequestException as error:
            raise StoreError(f"Orthanc at {self.url} cannot be reached: {type(error).__name__}") from None
        if response.status_code >= 400 and response.status_code != 404:
            raise StoreError(f"Orthanc answered {response.status_code} to {method} {path.split('?')[0]}")
        return response

    def store(self, instances: list[ParsedInstance]) -> None:
        """STOW-RS: one multipart/related request per study."""
        boundary = f"shanhai-{uuid.uuid4().hex}"
        body = (
            b"".join(
                b"--" + boundary.encode() + b"\r\nContent-Type: application/dicom\r\n\r\n" + item.content + b"\r\n"
                for item in instances
            )
            + b"--"
            + boundary.encode()
            + b"--\r\n"
        )
        headers = {
            "Content-Type": f'multipart/related; type="application/dicom"; boundary={boundary}',
            "Accept": "application/dicom+json",
        }
        response = self._request("POST", "/dicom-web/studies", data=body, headers=headers)
        if response.status_code >= 400:
            raise StoreError(f"Orthanc refused the study ({response.status_code})")

    def _qido(self, path: str) -> list[dict[str, Any]]:
        response = self._request("GET", path, headers={"Accept": "application/dicom+json"})
        if response.status_code == 404 or not response.content:
            return []
        result: list[dict[str, Any]] = response.json()
        return result

    @staticmethod
    def _value(item: dict[str, Any], tag: str) -> Any:
        values = item.get(tag, {}).get("Value") or [None]
        return values[0]

    def series(self, study_uid: str) -> list[SeriesInfo]:
        if not is_uid(study_uid):
            return []
        found: dict[str, SeriesInfo] = {}
        for item in self._qido(f"/dicom-web/studies/{study_uid}/series"):
            uid = str(self._value(item, "0020000E"))
            number = self._value(item, "00200011")
            found[uid] = SeriesInfo(
                uid=uid,
                modality=str(self._value(item, "00080060") or ""),
                number=int(number) if number not in (None, "") else None,
                description=str(self._value(item, "0008103E") or ""),
            )
        for uid, info in found.items():
            entries = []
            for item in self._qido(f"/dicom-web/studies/{study_uid}/series/{uid}/instances"):
                number = self._value(item, "00200013")
                entries.append((int(number) if number not in (None, "") else 0, str(self._value(item, "00080018"))))
            info.instances = [sop for _number, sop in sorted(entries)]
        return sorted(found.values(), key=lambda s: (s.number is None, s.number or 0, s.uid))

    def instance(self, study_uid: str, sop_uid: str) -> bytes | None:
        """WADO-RS of one instance (its series found by QIDO-RS), the part of the multipart answer."""
        if not (is_uid(study_uid) and is_uid(sop_uid)):
            return None
        matches = self._qido(f"/dicom-web/studies/{study_uid}/instances?SOPInstanceUID={sop_uid}")
        if not matches:
            return None
        series_uid = self._value(matches[0], "0020000E")
        response = self._request(
            "GET",
            f"/dicom-web/studies/{study_uid}/series/{series_uid}/instances/{sop_uid}",
            headers={"Accept": 'multipart/related; type="application/dicom"'},
        )
        if response.status_code == 404:
            return None
        return _first_part(response.content, response.headers.get("Content-Type", ""))

    def delete_study(self, study_uid: str) -> None:
        response = self._request("POST", "/tools/lookup", data=study_uid)
        for item in response.json() if response.status_code == 200 else []:
            if item.get("Type") == "Study":
                self._request("DELETE", f"/studies/{item['ID']}")


def _first_part(body: bytes, content_type: str) -> bytes:
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        return body
    delimiter = b"--" + match.group(1).encode()
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        _headers, _separator, payload = part.partition(b"\r\n\r\n")
        return payload[:-2] if payload.endswith(b"\r\n") else payload
    raise StoreError("Orthanc's answer held no instance")


def get_store(name: str | None = None) -> DicomStore:
    chosen = name or settings.SHANHAI_DICOM_STORE
    if chosen == "orthanc":
        return OrthancStore()
    if chosen == "embedded":
        return EmbeddedStore()
    raise StoreError(f"unknown SHANHAI_DICOM_STORE {chosen!r}")
