"""Reads for reports: the reports a user may see, and a report's content — every figure from the engine.

A report covers ``Scope(programme=…)`` (what every viewer of the programme sees on its page) and breaks
it down only by the partnerships its requester could see when asking (``Report.partnership_ids``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _

from shanhai.accounts.models import User
from shanhai.analytics.engine import Grid, IndicatorValue, Scope, evaluate, evaluate_grid
from shanhai.analytics.registry import Indicator, registry
from shanhai.analytics.tiles import RECORD_APPS
from shanhai.core import clock
from shanhai.core.periods import Period, own_period, parse_period
from shanhai.partnerships.models import Partnership, Programme
from shanhai.partnerships.selectors import partnership_visibility
from shanhai.reports.models import Report

#: Sections of a report, in order: the programme's own indicators, then each record app's.
SECTION_APPS = ("partnerships", *RECORD_APPS)
#: Monthly trends drawn as a chart (additive indicators: one grouped fact query answers every month).
TREND_INDICATORS = ("experts_on_post", "expert_patient_visits", "outreach_events")
#: Indicators drawn as bars by partnership.
BAR_INDICATORS = ("techniques_introduced", "expert_patient_visits")
RECENT_REPORTS = 20


def visible_partnership_ids(actor: User, programme: Programme) -> list[int]:
    """The programme's partnerships the user sees (a report breaks its figures down by these only)."""
    visible = Partnership.objects.filter(partnership_visibility(actor), programme=programme)
    return list(visible.order_by("pk").values_list("pk", flat=True))


def report_list(actor: User, programme: Programme) -> list[Report]:
    """The programme's recent reports the user may download: none breaks down a partnership they do not see."""
    visible = set(visible_partnership_ids(actor, programme))
    reports = Report.objects.filter(programme=programme).select_related("programme", "requested_by")
    return [r for r in reports[:RECENT_REPORTS] if set(r.partnership_ids) <= visible]


def report_indicators() -> list[Indicator]:
    """Every indicator a programme report shows: the sections' apps, declared for programme scope."""
    return [i for app in SECTION_APPS for i in registry.indicators.values() if i.app == app and "programme" in i.scopes]


# --- the content of a DOCX or PDF report --------------------------------------------------------------
@dataclass(frozen=True)
class Section:
    label: str
    values: list[IndicatorValue]
    unreported: int


@dataclass(frozen=True)
class PartnershipLine:
    supporter: str
    recipient: str
    mode: str
    level: str
    started_on: date
    ended_on: date | None


@dataclass(frozen=True)
class Chart:
    title: str
    png: bytes


@dataclass
class ReportContent:
    title: str
    programme: str
    period: Period
    scope_label: str
    generated_at: datetime
    narrative: list[str]
    sections: list[Section]
    partnerships: list[PartnershipLine]
    trend: tuple[list[int], list[tuple[str, list[IndicatorValue]]]]
    bars: list[tuple[str, list[tuple[str, IndicatorValue]]]]
    charts: list[Chart] = field(default_factory=list)


def report_title(programme: Programme) -> str:
    return _("%(programme)s: programme report") % {"programme": programme.name}


def default_period(programme: Programme) -> Period:
    """The programme's own period: from its start month to its end month, or to this month while open."""
    return own_period(programme.started_on, programme.ended_on)


def report_period(report: Report) -> Period:
    return parse_period(report.period)


def report_partnerships(report: Report) -> list[Partnership]:
    chosen = Partnership.objects.filter(pk__in=report.partnership_ids, programme=report.programme_id)
    return list(chosen.select_related("supporter", "recipient").order_by("recipient__path", "supporter__path", "pk"))


class _Figures(dict[str, str]):
    """Figures by indicator code; a code no longer registered reads "not reported" rather than failing."""

    def __missing__(self, key: str) -> str:
        return _("not reported")


def _narrative(values: dict[str, IndicatorValue], programme: str, period: Period) -> list[str]:
    """Short sentences with the period's figures. A sentence is kept only when every figure in it was reported (or
    is a known 0): a report never prints "not reported" inside a sentence (issue 14); the figures left out are
    named in the table of indicators."""
    figures = _Figures({code: value.display for code, value in values.items()})
    sentences = [
        # Translators: the first sentence of a programme report's summary.
        _(
            "In %(period)s, %(programme)s ran %(partnerships_active)s partnerships, in which "
            "%(supporting_institutions)s supporting institutions helped %(recipient_institutions)s "
            "recipient institutions."
        ),
        _("%(experts_dispatched)s experts were dispatched, %(expert_months)s expert-months on post in all."),
        _("Posted experts saw %(expert_patient_visits)s patients."),
        _(
            "Posted experts performed %(expert_operations)s operations, %(expert_operations_grade_3_4)s of them of "
            "grade III or IV."
        ),
        _("%(techniques_introduced)s new techniques were introduced, %(techniques_gap_filled)s of them filling a gap."),
        _(
            "%(techniques_transferred)s techniques were transferred to local staff and %(techniques_lapsed)s lapsed "
            "after the experts left."
        ),
        _("%(new_departments)s departments were set up."),
        _("%(courses_held)s training courses trained %(training_person_times)s person-times."),
        _("%(staff_placed)s local staff were placed in supporting institutions for further training."),
        _("%(outreach_events)s outreach events served %(outreach_people_seen)s people."),
        _("Medicines worth %(outreach_medicine_value)s yuan were given free of charge at outreach events."),
    ]
    paragraphs = []
    for template in sentences:
        codes = [code for code in _placeholders(template) if code not in {"period", "programme"}]
        if codes and all(code in values and values[code].is_reported for code in codes):
            paragraphs.append(template % {"period": period.label, "programme": programme, **figures})
    paragraphs.append(_("A figure not reported in the period leaves its sentence out; it is never shown as zero."))
    return paragraphs


def _placeholders(template: str) -> list[str]:
    return re.findall(r"%\((\w+)\)s", template)


def report_content(report: Report) -> ReportContent:
    """Every figure of a DOCX/PDF report (charts are drawn from ``trend`` and ``bars`` afterwards)."""
    programme, period = report.programme, report_period(report)
    scope = Scope(programme=programme)
    chosen = report_indicators()
    values = dict(zip([i.code for i in chosen], evaluate(chosen, scope, period), strict=True))
    sections = []
    for app in SECTION_APPS:
        in_app = [values[i.code] for i in chosen if i.app == app]
        reported = [v for v in in_app if v.is_reported]
        label = str(apps.get_app_config(app).verbose_name)
        sections.append(Section(label, reported, len(in_app) - len(reported)))
    partnerships = report_partnerships(report)
    trend_codes = [c for c in TREND_INDICATORS if c in values and values[c].is_reported]
    trend_grid = evaluate_grid(trend_codes, scope, period, monthly=True)
    bar_codes = [c for c in BAR_INDICATORS if c in values and values[c].is_reported]
    bar_grid = evaluate_grid(bar_codes, scope, period, group="partnership")
    return ReportContent(
        title=report_title(programme),
        programme=programme.name,
        period=period,
        scope_label=scope.label,
        generated_at=timezone.localtime(clock.now()),
        narrative=_narrative(values, programme.name, period),
        sections=sections,
        partnerships=[
            PartnershipLine(
                p.supporter.display_name,
                p.recipient.display_name,
                p.get_mode_display(),
                p.get_level_display(),
                p.started_on,
                p.ended_on,
            )
            for p in partnerships
        ],
        trend=(trend_grid.months, [(values[c].name, trend_grid.series(c)) for c in trend_codes]),
        bars=[(values[c].name, _partnership_values(bar_grid, c, partnerships)) for c in bar_codes],
    )


def _partnership_values(grid: Grid, code: str, partnerships: list[Partnership]) -> list[tuple[str, IndicatorValue]]:
    """One value per partnership; one with no facts in the scope is not a grid row: it is not reported."""
    in_grid = {row.key for row in grid.rows}
    whole = grid.get(code)
    return [
        (
            str(p),
            grid.get(code, p.pk) if p.pk in in_grid else _not_reported(whole, str(p)),
        )
        for p in partnerships
    ]


def _not_reported(like: IndicatorValue, scope: str) -> IndicatorValue:
    return IndicatorValue(like.code, like.name, scope, like.period, None, None, None, like.unit, like.decimals, False)


# --- the XLSX table: indicator × (programme, partnership) × period ------------------------------------
@dataclass(frozen=True)
class TableRow:
    indicator: Indicator
    label: str
    values: list[IndicatorValue]


@dataclass(frozen=True)
class IndicatorTable:
    columns: list[str]
    rows: list[TableRow]


def column_periods(period: Period) -> list[Period]:
    """Months for a period of a year or less, else calendar years (cut to the period); the whole period last."""
    if len(period.months) <= 12:
        parts = [parse_period(str(m)) for m in period.months]
    else:
        parts = []
        for year in range(period.first_month // 100, period.last_month // 100 + 1):
            first, last = max(period.first_month, year * 100 + 1), min(period.last_month, year * 100 + 12)
            parts.append(
                parse_period(str(year))
                if (first, last) == (year * 100 + 1, year * 100 + 12)
                else parse_period(f"{first}..{last}")
            )
    return [*parts, period]


def indicator_table(report: Report) -> IndicatorTable:
    """Rows: each indicator for the whole programme, then for each partnership (indicators declared for
    partnership scope); columns: ``column_periods``. One ``evaluate_grid`` per column."""
    programme, period = report.programme, report_period(report)
    scope = Scope(programme=programme)
    chosen = report_indicators()
    partnerships = report_partnerships(report)
    grids = [evaluate_grid(chosen, scope, p, group="partnership") for p in column_periods(period)]
    programme_label = _("Whole programme")
    rows = []
    for indicator in chosen:
        rows.append(TableRow(indicator, programme_label, [g.get(indicator.code) for g in grids]))
        if "partnership" not in indicator.scopes:
            continue
        for partnership in partnerships:
            cells = [_partnership_values(g, indicator.code, [partnership])[0][1] for g in grids]
            rows.append(TableRow(indicator, str(partnership), cells))
    columns = [p.label for p in column_periods(period)[:-1]] + [_("Whole period")]
    return IndicatorTable(columns, rows)
