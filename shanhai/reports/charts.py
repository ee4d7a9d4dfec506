"""Charts for reports as PNG images (matplotlib, Agg, the shipped Chinese font). They draw engine values only."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import matplotlib
from django.utils.translation import gettext as _
from matplotlib.figure import Figure

from shanhai.analytics.engine import IndicatorValue
from shanhai.reports.fonts import matplotlib_family
from shanhai.reports.selectors import Chart, ReportContent

COLOURS = ("#1f6f8b", "#e07a1f", "#3a8d3f", "#8e44ad")
DPI = 150


def _style() -> Any:  # matplotlib types rc keys as literals
    return {
        "font.family": [matplotlib_family()],
        "axes.unicode_minus": False,
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    return buffer.getvalue()


def _month_label(month: int) -> str:
    return f"{month // 100}-{month % 100:02d}"


def trend_chart(months: Sequence[int], series: Sequence[tuple[str, Sequence[IndicatorValue]]]) -> bytes:
    """One small panel per indicator, months along x; a month not reported is a gap, never a zero."""
    with matplotlib.rc_context(_style()):
        figure = Figure(figsize=(7.0, 1.45 * len(series) + 0.7))
        axes_list = figure.subplots(len(series), 1, sharex=True, squeeze=False)[:, 0]
        x = list(range(len(months)))
        for index, (axes, (title, values)) in enumerate(zip(axes_list, series, strict=True)):
            y = [v.value if v.is_reported else float("nan") for v in values]
            colour = COLOURS[index % len(COLOURS)]
            axes.plot(x, y, color=colour, linewidth=1.6, marker="o", markersize=2.5)
            axes.set_title(title, loc="left", fontsize=10)
            axes.grid(axis="y", color="#dddddd", linewidth=0.6)
            axes.set_ylim(bottom=0)
        step = max(1, len(months) // 12)
        axes_list[-1].set_xticks(x[::step], [_month_label(m) for m in months[::step]], rotation=45, ha="right")
        return _png(figure)


def bar_chart(bars: Sequence[tuple[str, IndicatorValue]], not_reported: str) -> bytes:
    """Horizontal bars, one per row; a row not reported gets no bar and says so."""
    with matplotlib.rc_context(_style()):
        figure = Figure(figsize=(7.0, 0.32 * len(bars) + 1.0))
        axes = figure.subplots()
        labels = [label for label, _value in bars][::-1]
        values = [value for _label, value in bars][::-1]
        widths = [v.value if v.is_reported and v.value is not None else 0.0 for v in values]
        axes.barh(range(len(bars)), widths, color=COLOURS[0], height=0.6)
        axes.set_yticks(range(len(bars)), labels, fontsize=8)
        top = max(widths, default=0.0) or 1.0
        for position, value in enumerate(values):
            text = value.display if value.is_reported else not_reported
            axes.text(
                (value.value or 0.0) + top * 0.01 if value.is_reported else top * 0.01,
                position,
                text,
                va="center",
                fontsize=7,
                color="#333333" if value.is_reported else "#a00000",
            )
        axes.set_xlim(0, top * 1.15)
        axes.grid(axis="x", color="#dddddd", linewidth=0.6)
        return _png(figure)


def draw_charts(content: ReportContent) -> list[Chart]:
    """The report's charts: the monthly trend of its key indicators, then each bar indicator by partnership."""
    charts = []
    months, series = content.trend
    if series:
        title = _("Monthly trend, %(period)s (a month with nothing reported is left blank)") % {
            "period": content.period.label
        }
        charts.append(Chart(title, trend_chart(months, series)))
    for name, bars in content.bars:
        if bars:
            title = _("%(indicator)s by partnership") % {"indicator": name}
            charts.append(Chart(title, bar_chart(bars, _("not reported"))))
    return charts
