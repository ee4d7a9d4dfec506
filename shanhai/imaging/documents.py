"""A reading's report as PDF (WeasyPrint, the Chinese font Shanhai ships for its reports). It names the study by
modality, body part, date and site, never the patient: the DICOM headers' name and ID are not read."""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string

import shanhai
from shanhai.imaging.models import ImagingReading

#: The font shipped in ``shanhai/reports/fonts`` (a file, not an import: reports sit above this app).
FONT_PATH = Path(shanhai.__file__).resolve().parent / "reports" / "fonts" / "NotoSansSC-Shanhai.otf"
CSS_FAMILY = "Shanhai Sans SC"


def reading_pdf(reading: ImagingReading) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "imaging/reading_report.html",
        {
            "reading": reading,
            "study": reading.study,
            "font_url": FONT_PATH.as_uri(),
            "font_family": CSS_FAMILY,
        },
    )
    return bytes(HTML(string=html, base_url=str(Path(__file__).resolve().parent)).write_pdf())
