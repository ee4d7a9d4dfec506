"""Writers of the three report formats. They lay out figures the selectors got from the engine; none computes one."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from shanhai.analytics.engine import IndicatorValue
from shanhai.reports.fonts import CSS_FAMILY, DOCX_EAST_ASIA_FONT, font_url
from shanhai.reports.selectors import IndicatorTable, ReportContent

LATIN_FONT = "Arial"


def number(value: float | None, decimals: int = 0) -> str:
    """A numerator or denominator as the tables print it (the engine's float, with thousands separators)."""
    if value is None:
        return ""
    return f"{value:,.{decimals if value != int(value) else 0}f}"


def value_columns(value: IndicatorValue) -> list[str]:
    """Indicator, value, unit, numerator, denominator: a row of a section's table."""
    has_ratio = value.denominator is not None
    return [
        value.name,
        value.display,
        value.unit,
        number(value.numerator, 2) if has_ratio else "",
        number(value.denominator, 2) if has_ratio else "",
    ]


def value_headers() -> list[str]:
    return [_("Indicator"), _("Value"), _("Unit"), _("Numerator"), _("Denominator")]


def partnership_headers() -> list[str]:
    return [_("Supporter"), _("Recipient"), _("Mode"), _("Level"), _("Start date"), _("End date")]


def partnership_columns(content: ReportContent) -> list[list[str]]:
    return [
        [
            p.supporter,
            p.recipient,
            p.mode,
            p.level,
            p.started_on.isoformat(),
            p.ended_on.isoformat() if p.ended_on else _("open-ended"),
        ]
        for p in content.partnerships
    ]


def unreported_note(count: int) -> str:
    return _("%(count)s more indicators of this section were not reported in the period.") % {"count": count}


# --- DOCX ----------------------------------------------------------------------------------------------
def _set_fonts(element: Any, size: float | None = None) -> None:
    """Latin and East-Asian fonts on a style or a run (``w:rFonts w:eastAsia``); theme fonts would win otherwise."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    element.font.name = LATIN_FONT
    if size is not None:
        element.font.size = Pt(size)
    r_fonts = element.element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        r_fonts.attrib.pop(qn(theme), None)
    r_fonts.set(qn("w:eastAsia"), DOCX_EAST_ASIA_FONT)


def _paragraph(document: Any, text: str, style: str | None = None) -> Any:
    paragraph = document.add_paragraph(style=style)
    _set_fonts(paragraph.add_run(text))
    return paragraph


def _heading(document: Any, text: str, level: int) -> None:
    heading = document.add_heading(level=level)
    _set_fonts(heading.add_run(text))


def _table(document: Any, headers: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        _set_fonts(run, 9)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            _set_fonts(cell.paragraphs[0].add_run(text), 9)


def _picture(document: Any, png: bytes, caption: str) -> None:
    from docx.shared import Mm

    document.add_picture(io.BytesIO(png), width=Mm(150))  # within A4's text width (210 − 2 × 26 mm)
    _paragraph(document, caption, "Caption")


def build_docx(content: ReportContent) -> bytes:
    from docx import Document
    from docx.shared import Mm

    document = Document()
    for page in document.sections:  # A4 (GB/T 9704 official documents), not python-docx's US Letter default
        page.page_width, page.page_height = Mm(210), Mm(297)
        page.left_margin = page.right_margin = Mm(26)
        page.top_margin, page.bottom_margin = Mm(37), Mm(35)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Caption"):
        _set_fonts(document.styles[name])
    title = document.add_heading(level=0)
    _set_fonts(title.add_run(content.title))
    _paragraph(document, f"{_('Period')}: {content.period.label}")
    _paragraph(document, f"{_('Generated at')}: {content.generated_at:%Y-%m-%d %H:%M}")
    _heading(document, _("Summary"), 1)
    for sentence in content.narrative:
        _paragraph(document, sentence)
    charts = iter(content.charts)
    if content.trend[1]:
        chart = next(charts)
        _picture(document, chart.png, chart.title)
    for section in content.sections:
        if not section.values and not section.unreported:
            continue
        _heading(document, section.label, 1)
        if section.values:
            _table(document, value_headers(), [value_columns(v) for v in section.values])
        if section.unreported:
            _paragraph(document, unreported_note(section.unreported))
    _heading(document, _("Partnerships"), 1)
    _table(document, partnership_headers(), partnership_columns(content))
    for chart in charts:
        _picture(document, chart.png, chart.title)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- XLSX ----------------------------------------------------------------------------------------------
def build_xlsx(content_title: str, period_label: str, table: IndicatorTable) -> bytes:
    """Sheet 指标: one row per indicator × (whole programme | partnership), one column per period;
    numbers as numbers, a value not reported as the text 未上报 — never 0."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Indicators")
    not_reported = _("not reported")
    sheet.append([_("Indicator"), _("Code"), _("Unit"), _("Partnership"), *table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        values: list[Any] = [v.value if v.is_reported else not_reported for v in row.values]
        sheet.append([row.indicator.name(), row.indicator.code, row.indicator.unit(), row.label, *values])
    sheet.freeze_panes = "E2"
    for index, width in enumerate([30, 26, 8, 40, *([14] * len(table.columns))], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    about = workbook.create_sheet(_("About"))
    about.append([content_title])
    about.append([_("Period"), period_label])
    about.append([_("Figures not reported in the period are shown as “not reported”, never as zero.")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- PDF -----------------------------------------------------------------------------------------------
def build_pdf(content: ReportContent) -> bytes:
    from weasyprint import HTML

    charts = [
        {"title": c.title, "src": "data:image/png;base64," + base64.b64encode(c.png).decode("ascii")}
        for c in content.charts
    ]
    html = render_to_string(
        "reports/report_document.html",
        {
            "content": content,
            "trend_chart": charts[0] if content.trend[1] and charts else None,
            "other_charts": charts[1:] if content.trend[1] else charts,
            "font_url": font_url(),
            "font_family": CSS_FAMILY,
            "value_headers": value_headers(),
            "sections": [
                {
                    "label": s.label,
                    "rows": [value_columns(v) for v in s.values],
                    "note": unreported_note(s.unreported) if s.unreported else "",
                }
                for s in content.sections
                if s.values or s.unreported
            ],
            "partnership_headers": partnership_headers(),
            "partnership_rows": partnership_columns(content),
        },
    )
    return HTML(string=html, base_url=str(Path(__file__).resolve().parent)).write_pdf()
