"""The dashboard of an org unit's scope and the ranking of its recipient (or supporting) institutions.

Every number comes from ``engine.evaluate_grid``: the headline tiles from one grid, the trend charts from
one monthly grid, each breakdown from one grid grouped by unit, programme or partnership. Values nobody
reported stay ``None`` all the way to the charts (a gap, never a zero) and to the tables ("not reported").
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from shanhai.accounts.models import User
from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.accounts.scoping import scope_of
from shanhai.analytics.engine import (
    Grid,
    GridRow,
    IndicatorValue,
    Scope,
    evaluate,
    evaluate_grid,
    latest_period_with_data,
)
from shanhai.analytics.registry import Indicator, registry
from shanhai.core.form_base import PeriodForm
from shanhai.core.models import OrgUnit, OrgUnitKind
from shanhai.core.periods import Period, add_months, month_of, parse_period, short_month_label
from shanhai.partnerships.models import Partnership
from shanhai.portal.access import access_scope, can_see_org_figures, can_see_org_numbers

Side = Literal["recipient", "supporter"]

#: The headline tiles, in this order; only registered indicators the side can answer are shown.
HEADLINE = (
    "partnerships_active",
    "experts_on_post",
    "expert_patient_visits",
    "expert_operations",
    "staff_placed",
    "training_person_times",
    "techniques_introduced",
    "techniques_transferred",
    "outreach_people_seen",
    "donations_total",
    "operations_total",
    "grade_3_4_share",
)
#: MCH figures of an area (妇幼健康, the annual report's rates), shown after the headline tiles when the
#: scope reported them; an org unit without MCH records is not given a row of "not reported".
MCH_HEADLINE = (
    "mch.early_registration_rate",
    "mch.system_management_rate",
    "mch.high_risk_management_rate",
    "mch.postpartum_visit_rate",
    "mch.facility_delivery_rate",
    "mch.maternal_mortality",
    "mch.infant_mortality",
)
#: The MCH service chain's screening figures (screening app), shown like the MCH ones: only when reported.
SCREENING_HEADLINE = (
    "screening.cervical_screening_rate",
    "screening.breast_screening_rate",
    "screening.prenatal_screening_rate",
    "screening.preconception_coverage",
    "screening.premarital_check_rate",
    "screening.nutrition_packs",
    "screening.near_miss_ratio",
)
#: Candidates for the monthly trend charts; the first four the side can answer are drawn.
TREND = (
    "expert_patient_visits",
    "expert_operations",
    "training_person_times",
    "operations_total",
    "outreach_people_seen",
)
TREND_CHARTS = 4
BREAKDOWN_DEFAULT = "experts_on_post"
RANKING_DEFAULT = "grade_3_4_share"
#: On the supporting side only what is credited to partnerships can be ranked (``answerable``): the ranking opens
#: on the first of these the scope reported in the period (else the first).
RANKING_DEFAULT_SUPPORTER = (
    "expert_patient_visits",
    "expert_operations",
    "training_person_times",
    "outreach_people_seen",
    "staff_placed",
    "techniques_introduced",
    "donations_total",
)


# --- choosing the scope and the period ----------------------------------------------------------------
def side_of(value: str | None) -> Side:
    return "supporter" if value == "supporter" else "recipient"


def default_org_unit(actor: User) -> OrgUnit:
    """The user's first root (its subtree is theirs); a system administrator starts at the first top-level unit."""
    user_scope = scope_of(actor)
    if user_scope.roots and not user_scope.is_admin:
        return user_scope.roots[0]
    unit = OrgUnit.objects.filter(parent=None).order_by("code").first()
    if unit is None:
        raise Http404
    return unit


def default_side(unit: OrgUnit) -> Side:
    """Supporting side for a unit whose subtree supports partnerships and receives none (e.g. Fujian)."""
    below = unit.path
    supports = Partnership.objects.filter(supporter__path__startswith=below).exists()
    return (
        "supporter"
        if supports and not Partnership.objects.filter(recipient__path__startswith=below).exists()
        else "recipient"
    )


def dashboard_scope(actor: User, query: QueryDict) -> Scope:
    """``?org=`` (default: the user's first root) and ``?side=`` (default: the unit's side); 404 outside scope."""
    code = query.get("org") or default_org_unit(actor).code
    scope = access_scope(actor, org_code=code, side=side_of(query.get("side")))
    if "side" not in query and scope.org_unit is not None and default_side(scope.org_unit) == "supporter":
        return replace(scope, side="supporter")
    return scope


def chosen_period(query: QueryDict, scope: Scope, today: date | None = None) -> tuple[PeriodForm, Period]:
    """``?period=``, or the year of the scope's latest data (an invalid code keeps its error on the form)."""
    form = PeriodForm(query if PeriodForm.is_asked(query) else None)
    return form, form.chosen(lambda: latest_period_with_data(scope, today=today))


@dataclass(frozen=True)
class PeriodChoice:
    label: str
    code: str


def quick_periods(today: date | None = None) -> list[PeriodChoice]:
    """This month, quarter, year and MCH year (October–September), and last year."""
    today = today or date.today()
    mch_start = today.year if today.month >= 10 else today.year - 1
    return [
        PeriodChoice(_("This month"), str(month_of(today))),
        PeriodChoice(_("This quarter"), f"{today.year}Q{(today.month + 2) // 3}"),
        PeriodChoice(_("This year"), str(today.year)),
        PeriodChoice(_("This MCH year"), f"{mch_start}Oct"),
        PeriodChoice(_("Last year"), str(today.year - 1)),
    ]


def trend_period(period: Period) -> Period:
    """The months the trend charts cover: the period, or the twelve months up to a single month."""
    if period.kind != "month":
        return period
    return parse_period(f"{add_months(period.last_month, -11)}..{period.last_month}")


def answerable(indicator: Indicator, side: Side) -> bool:
    """On the supporting side only what is credited to partnerships can be counted (architecture §6)."""
    return "org" in indicator.scopes and (side == "recipient" or "partnership" in indicator.scopes)


def chosen_indicators(codes: tuple[str, ...], side: Side, scope: Scope | None = None) -> list[str]:
    """The codes answerable on the side and, given a scope, open in it (``Scope.apps``)."""
    return [
        c
        for c in codes
        if c in registry.indicators
        and answerable(registry.get(c), side)
        and (scope is None or scope.opens(registry.get(c)))
    ]


# --- chart data (json_script → charts.js) ---------------------------------------------------------------
def chart_number(value: IndicatorValue) -> float | None:
    """A chart point: ``None`` (a gap) when nothing was reported, never zero."""
    return value.value if value.is_reported else None


def line_chart(grid: Grid, code: str) -> dict[str, Any]:
    indicator = registry.get(code)
    series = grid.series(code)
    return {
        "has_data": any(v.is_reported for v in series),
        "id": f"trend-chart-{code}",
        "kind": "line",
        "title": indicator.name(),
        "unit": indicator.unit(),
        "categories": [short_month_label(m) for m in grid.months],
        "series": [{"name": indicator.name(), "data": [chart_number(v) for v in series]}],
    }


def bar_chart(rows: list[tuple[GridRow, IndicatorValue]], indicator: Indicator, group: str) -> dict[str, Any]:
    return {
        "has_data": any(v.is_reported for _row, v in rows),
        "id": f"breakdown-chart-{group}",
        "kind": "bar",
        "title": indicator.name(),
        "unit": indicator.unit(),
        "categories": [row.label for row, _value in rows],
        "series": [{"name": indicator.name(), "data": [chart_number(v) for _row, v in rows]}],
    }


# --- selectors ------------------------------------------------------------------------------------------
@dataclass
class Breakdown:
    """One indicator broken down by rows (child units, programmes or partnerships): a table and a bar chart."""

    group: str
    title: str
    rows: list[tuple[GridRow, IndicatorValue]]
    chart: dict[str, Any]
    links_to_units: bool = False
    note: str = ""


@dataclass
class Overview:
    tiles: list[IndicatorValue]
    trend_period: Period
    trends: list[dict[str, Any]] = field(default_factory=list)


def dashboard_overview(scope: Scope, period: Period) -> Overview:
    """Headline tiles for the period, then the MCH ones the scope reported (one grid), and monthly
    trends (one monthly grid)."""
    headline = chosen_indicators(HEADLINE, scope.side, scope)
    mch = chosen_indicators((*MCH_HEADLINE, *SCREENING_HEADLINE), scope.side, scope)
    tiles = evaluate_grid([*headline, *mch], scope, period)
    over = trend_period(period)
    trend_codes = chosen_indicators(TREND, scope.side, scope)[:TREND_CHARTS]
    trends = evaluate_grid(trend_codes, scope, over, monthly=True)
    return Overview(
        tiles=[tiles.get(code) for code in headline] + [tiles.get(c) for c in mch if tiles.get(c).is_reported],
        trend_period=over,
        trends=[line_chart(trends, code) for code in trend_codes],
    )


def breakdown_choices(side: Side, scope: Scope | None = None) -> list[Indicator]:
    return [registry.get(code) for code in chosen_indicators((*HEADLINE, *MCH_HEADLINE), side, scope)]


def chosen_breakdown(
    code: str | None, side: Side, tiles: list[IndicatorValue] | None = None, scope: Scope | None = None
) -> Indicator:
    """The indicator asked for; else experts on post if the scope reported it (or no tiles are given),
    else the first headline the scope reported."""
    choices = breakdown_choices(side, scope)
    if not choices:
        raise Http404
    by_code = {indicator.code: indicator for indicator in choices}
    reported = [tile.code for tile in tiles or [] if tile.is_reported and tile.code in by_code]
    if tiles is None or BREAKDOWN_DEFAULT in reported:
        reported.insert(0, BREAKDOWN_DEFAULT)
    for candidate in [code, *reported]:
        if candidate in by_code:
            return by_code[candidate]  # type: ignore[index]
    return choices[0]


def _breakdown(
    indicator: Indicator, scope: Scope, period: Period, group: Literal["unit", "programme", "partnership"]
) -> Breakdown:
    titles = {"unit": _("By organisation unit"), "programme": _("By programme"), "partnership": _("By partnership")}
    if group != "unit" and group not in indicator.scopes:
        note = _("This indicator is not credited to programmes or partnerships.")
        return Breakdown(group, titles[group], [], bar_chart([], indicator, group), note=note)
    rows = evaluate_grid([indicator], scope, period, group=group).row_values(indicator.code)
    return Breakdown(group, titles[group], rows, bar_chart(rows, indicator, group), links_to_units=group == "unit")


def dashboard_breakdowns(scope: Scope, period: Period, indicator: Indicator) -> list[Breakdown]:
    """Receiving side: by child unit and by programme; supporting side: by partnership and by programme."""
    if scope.side == "supporter":
        return [_breakdown(indicator, scope, period, "partnership"), _breakdown(indicator, scope, period, "programme")]
    return [_breakdown(indicator, scope, period, "unit"), _breakdown(indicator, scope, period, "programme")]


def visible_ancestors(actor: User, unit: OrgUnit) -> list[OrgUnit]:
    """The unit's ancestors whose dashboards the user may open (for the breadcrumb), top first."""
    ids = [int(part) for part in unit.path.strip("/").split("/")[:-1]]
    ancestors = OrgUnit.objects.filter(pk__in=ids).order_by("level")
    return [a for a in ancestors if can_see_org_figures(actor, a)]


@dataclass(frozen=True)
class RankedRow:
    rank: int | None
    unit: OrgUnit
    value: IndicatorValue


def rank(rows: list[tuple[OrgUnit, IndicatorValue]], direction: str) -> list[RankedRow]:
    """Best first ("down" indicators ascending); equal values share a rank (1, 1, 3); institutions that
    reported nothing come last, without a rank."""
    reported = [(unit, value) for unit, value in rows if value.is_reported and value.value is not None]
    missing = [(unit, value) for unit, value in rows if not (value.is_reported and value.value is not None)]
    sign = 1 if direction == "down" else -1
    reported.sort(key=lambda pair: (sign * (pair[1].value or 0.0), pair[0].path))
    ranked: list[RankedRow] = []
    for position, (unit, value) in enumerate(reported, start=1):
        same = ranked and ranked[-1].value.value == value.value
        ranked.append(RankedRow(ranked[-1].rank if same else position, unit, value))
    return ranked + [RankedRow(None, unit, value) for unit, value in missing]


def recipient_institutions(unit: OrgUnit) -> list[OrgUnit]:
    """Institutions (every kind but regions) in the unit's subtree, the unit itself included."""
    kinds = OrgUnitKind.region_kinds()
    return list(
        OrgUnit.objects.filter(path__startswith=unit.path)
        .exclude(kind__in=kinds)
        .select_related("parent")
        .order_by("path")
    )


def ranking_choices(side: Side = "recipient") -> list[Indicator]:
    return sorted((i for i in registry.indicators.values() if answerable(i, side)), key=lambda i: (i.app, i.code))


def institution_ranking(scope: Scope, period: Period, indicator: Indicator) -> list[RankedRow]:
    assert scope.org_unit is not None
    units = recipient_institutions(scope.org_unit)
    grid = evaluate_grid([indicator], scope, period, group="unit", units=units)
    by_id = {unit.pk: unit for unit in units}
    return rank([(by_id[row.key], value) for row, value in grid.row_values(indicator.code)], indicator.direction)


RankingRows = Literal["institutions", "provinces"]


def supporting_institutions(unit: OrgUnit) -> list[OrgUnit]:
    """The institutions in the unit's subtree (the unit itself included) that support a partnership."""
    return list(
        OrgUnit.objects.filter(path__startswith=unit.path, pk__in=Partnership.objects.values("supporter"))
        .select_related("parent")
        .order_by("path")
    )


def supporting_provinces(actor: User) -> list[OrgUnit]:
    """The top-level units (provinces) the user may see whose subtree supports a partnership."""
    supporter_paths = Partnership.objects.values_list("supporter__path", flat=True).distinct()
    top_ids = {int(path.strip("/").split("/")[0]) for path in supporter_paths}
    provinces = OrgUnit.objects.filter(pk__in=top_ids, parent=None).select_related("parent").order_by("code")
    return [unit for unit in provinces if can_see_org_numbers(actor, unit)]


def default_supporter_indicator(scope: Scope, period: Period) -> str:
    """The first of ``RANKING_DEFAULT_SUPPORTER`` the scope reported (non-zero) in the period: one evaluation."""
    codes = chosen_indicators(RANKING_DEFAULT_SUPPORTER, "supporter")
    reported = [v.code for v in evaluate(codes, scope, period) if v.is_reported and v.value]
    return reported[0] if reported else codes[0]


def supporter_ranking(units: list[OrgUnit], period: Period, indicator: Indicator) -> list[RankedRow]:
    """The supporting side: each unit's value over the partnerships it (or its subtree) supports — the records
    credited to them, whoever keeps them (architecture §6) — through the engine's supporting-side scope, one
    evaluation per unit."""
    rows = [(unit, evaluate([indicator], Scope(org_unit=unit, side="supporter"), period)[0]) for unit in units]
    return rank(rows, indicator.direction)


# --- views ----------------------------------------------------------------------------------------------
SIDE_LABELS = {"recipient": gettext_lazy("Receiving side"), "supporter": gettext_lazy("Supporting side")}


def _page_context(request: AuthenticatedHttpRequest, scope: Scope, form: PeriodForm, period: Period) -> dict[str, Any]:
    assert scope.org_unit is not None
    return {
        "scope": scope,
        "unit": scope.org_unit,
        "side": scope.side,
        "side_labels": SIDE_LABELS,
        "period": period,
        "period_form": form,
        "quick_periods": quick_periods(),
        "ancestors": visible_ancestors(request.user, scope.org_unit),
    }


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = dashboard_scope(request.user, request.GET)
    form, period = chosen_period(request.GET, scope)
    is_fragment = bool(getattr(request, "htmx", False))
    overview = None if is_fragment else dashboard_overview(scope, period)
    tiles = overview.tiles if overview else None
    indicator = chosen_breakdown(request.GET.get("indicator"), scope.side, tiles, scope)
    context = {
        "indicator": indicator,
        "choices": breakdown_choices(scope.side, scope),
        "scope": scope,
        "period": period,
    }
    context["breakdowns"] = dashboard_breakdowns(scope, period, indicator)
    if is_fragment:
        return render(request, "portal/dashboard.html#breakdown", context)
    context |= _page_context(request, scope, form, period) | {"overview": overview}
    return render(request, "portal/dashboard.html", context)


@login_required
@require_GET
def ranking(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Rank the recipient institutions of the scope, or on the supporting side (``?side=supporter``) the
    institutions of the scope that support partnerships, or (``&rows=provinces``) the supporting provinces the
    user may see. The side defaults to the unit's, as on the dashboard."""
    opened = access_scope(request.user, org_code=request.GET.get("org") or default_org_unit(request.user).code)
    unit = opened.org_unit
    assert unit is not None
    side: Side = side_of(request.GET["side"]) if "side" in request.GET else default_side(unit)
    scope = replace(opened, side=side)
    form, period = chosen_period(request.GET, scope)
    choices = [indicator for indicator in ranking_choices(side) if scope.opens(indicator)]
    if not choices:
        raise Http404
    default = RANKING_DEFAULT if side == "recipient" else default_supporter_indicator(scope, period)
    code = request.GET.get("indicator") or default
    fallback = registry.get(default) if scope.opens(registry.get(default)) else choices[0]
    indicator = next((i for i in choices if i.code == code), None) or fallback
    provinces = supporting_provinces(request.user) if side == "supporter" else []
    rows_kind: RankingRows = (
        "provinces" if request.GET.get("rows") == "provinces" and len(provinces) > 1 else "institutions"
    )
    if side == "recipient":
        rows = institution_ranking(scope, period, indicator)
    elif rows_kind == "provinces":
        rows = supporter_ranking(provinces, period, indicator)
    else:
        rows = supporter_ranking(supporting_institutions(unit), period, indicator)
    context = _page_context(request, scope, form, period)
    context |= {
        "indicator": indicator,
        "choices": choices,
        "rows": rows,
        "rows_kind": rows_kind,
        "can_rank_provinces": len(provinces) > 1,
    }
    return render(request, "portal/ranking.html", context)
