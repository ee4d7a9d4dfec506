"""Scorecards of a partnership and of a programme (issue 4, item 2): "what we achieved".

Three panels, each a selector here and a section of ``portal/scorecard.html``:

- **Targets**: for each ``partnerships.Target``, the indicator over the partnership's baseline window →
  now (from the partnership's start to today or its end) → the target → a status
  (:func:`target_status`), with the monthly trend from :func:`engine.evaluate_grid`.
- **Technique transfer**: the scope's new techniques by department, counted as the engine's
  ``techniques_*`` indicators count them (same records, same status rule as of the same date).
- **Posting coverage**: per host department and month, whether a supporting expert was on site, with
  gaps (nobody between two covered months) and overlaps at batch hand-overs (two batches at once).

Every number comes from the engine or is a count of the records listed next to it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import models
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanhai.accounts.models import User
from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.analytics.engine import Grid, IndicatorValue, Scope, evaluate, evaluate_grid
from shanhai.analytics.memo import records_memo
from shanhai.analytics.registry import Flow, Indicator, Negate, Term, registry
from shanhai.analytics.registry import Sum as TermSum
from shanhai.capacity.models import Technique, TechniqueStatus
from shanhai.capacity.status import technique_statuses
from shanhai.core.periods import Period, month_end, month_start, period_for_dates
from shanhai.partnerships.access import access_partnership, access_programme
from shanhai.partnerships.models import Partnership, Programme, Target
from shanhai.partnerships.selectors import partnership_visibility
from shanhai.portal.access import can_see_org_numbers
from shanhai.workforce.models import Posting


# --- the status rule --------------------------------------------------------------------------------
class TargetStatus(models.TextChoices):
    ACHIEVED = "achieved", gettext_lazy("Achieved")
    ON_TRACK = "on_track", gettext_lazy("On track")
    BEHIND = "behind", gettext_lazy("Behind")
    NOT_REPORTED = "not_reported", gettext_lazy("Not reported")


def meets(value: float, goal: float, direction: str) -> bool:
    """Whether ``value`` is at least as good as ``goal``: lower is better for ``down``, higher otherwise."""
    return value <= goal if direction == "down" else value >= goal


def expected_value(
    *, baseline: float | None, target: float, direction: str, started_on: date, due_on: date, on: date
) -> float | None:
    """Where the indicator should be on ``on`` if it moved in a straight line from the baseline at the
    start to the target at the due date (the target itself from the due date on).

    Without a baseline the line starts at 0 when higher is better (counts accumulate from the start);
    when lower is better there is no line to draw (``None``) before the due date.
    """
    if on >= due_on or due_on <= started_on:
        return target
    start = baseline if baseline is not None else (None if direction == "down" else 0.0)
    if start is None:
        return None
    fraction = min(max((on - started_on).days / (due_on - started_on).days, 0.0), 1.0)
    return start + (target - start) * fraction


def target_status(
    *,
    now: float | None,
    target: float,
    direction: str,
    baseline: float | None,
    started_on: date,
    due_on: date,
    on: date,
) -> TargetStatus:
    """The status of a target as of ``on``.

    - not reported: the indicator has no value now (unknown is not zero, so it is neither behind nor on track);
    - achieved: now meets the target in the indicator's direction (``down``: now ≤ target; else now ≥ target);
    - on track: now meets the value expected today on the straight line from the baseline at the start to
      the target at the due date (:func:`expected_value`); without a line (lower is better and no baseline),
      on track until the due date;
    - behind: otherwise (in particular, not achieved once the due date has passed).
    """
    if now is None:
        return TargetStatus.NOT_REPORTED
    if meets(now, target, direction):
        return TargetStatus.ACHIEVED
    expected = expected_value(
        baseline=baseline, target=target, direction=direction, started_on=started_on, due_on=due_on, on=on
    )
    if expected is None:
        return TargetStatus.ON_TRACK if on < due_on else TargetStatus.BEHIND
    return TargetStatus.ON_TRACK if meets(now, expected, direction) else TargetStatus.BEHIND


STATUS_BADGES = {
    TargetStatus.ACHIEVED: "badge-success",
    TargetStatus.ON_TRACK: "badge-update",
    TargetStatus.BEHIND: "badge-danger",
    TargetStatus.NOT_REPORTED: "badge-muted",
}


def evidence_link(value: IndicatorValue | None) -> str:
    """The link from a value to the records behind it (the evidence page), "" when there is none."""
    return value.evidence_url if value is not None else ""


# --- periods ------------------------------------------------------------------------------------------
def active_period(started_on: date, ended_on: date | None, today: date) -> Period | None:
    """The months from the start to today or the end, whichever comes first; ``None`` before the start."""
    last = min(today, ended_on) if ended_on else today
    return period_for_dates(started_on, last) if started_on <= last else None


def to_date_period(started_on: date, today: date) -> Period | None:
    """The months from the start to today (a technique's fate is judged after the experts leave)."""
    return period_for_dates(started_on, today) if started_on <= today else None


# --- targets ------------------------------------------------------------------------------------------
@dataclass
class TargetRow:
    target: Target
    indicator: Indicator | None
    name: str
    scope_note: str
    baseline: IndicatorValue | None
    now: IndicatorValue | None
    expected: str
    status: TargetStatus
    trend_id: str
    trend: dict[str, Any] | None

    @property
    def target_display(self) -> str:
        decimals = self.indicator.decimals if self.indicator else 2
        return f"{self.target.value:,.{decimals}f}"

    @property
    def now_url(self) -> str:
        return evidence_link(self.now)

    @property
    def baseline_url(self) -> str:
        return evidence_link(self.baseline)

    @property
    def status_class(self) -> str:
        return STATUS_BADGES[self.status]

    @property
    def comparator(self) -> str:
        return "≤" if self.indicator is not None and self.indicator.direction == "down" else "≥"


@dataclass
class TargetGroup:
    partnership: Partnership
    rows: list[TargetRow]
    period: Period | None


def target_scope(actor: User, partnership: Partnership, indicator: Indicator) -> tuple[Scope | None, str]:
    """Where a partnership's target is measured: the partnership when the indicator is computed for one;
    else, for an org-unit-only indicator (e.g. the workload reports, which carry no partnership), the whole
    recipient institution — only for users who may see all of its numbers."""
    if "partnership" in indicator.scopes:
        return Scope(partnership=partnership), ""
    if "org" in indicator.scopes and can_see_org_numbers(actor, partnership.recipient):
        return Scope(org_unit=partnership.recipient), _("whole recipient institution")
    return None, _("not computed for a partnership")


def adds_up_over_months(term: Term) -> bool:
    """Whether a term is a sum of flows, so its value over a period is the sum of its monthly values."""
    if isinstance(term, Flow):
        return True
    if isinstance(term, Negate):
        return adds_up_over_months(term.term)
    if isinstance(term, TermSum):
        return all(adds_up_over_months(part) for part in term.parts)
    return False


def _trend(indicator: Indicator, grid: Grid, target: Target) -> dict[str, Any]:
    """A sparkline's data. The target line is drawn only where a month's value compares with it: not for a
    count summed over the months (the target is for the total from the start, not for each month)."""
    monthly_count = indicator.denominator is None and adds_up_over_months(indicator.numerator)
    return {
        "months": [f"{m // 100}-{m % 100:02d}" for m in grid.months],
        "values": [v.value if v.is_reported else None for v in grid.series(indicator.code)],
        "target": None if monthly_count else target.value,
    }


def partnership_targets(actor: User, partnership: Partnership, today: date, *, trend: bool = True) -> TargetGroup:
    """The partnership's targets with baseline, now, status and monthly trend (one grid per scope used; without
    ``trend``, one evaluation per scope: the statuses alone, as the home page counts them)."""
    period = active_period(partnership.started_on, partnership.ended_on, today)
    baseline_period = (
        period_for_dates(partnership.baseline_start, partnership.baseline_end)
        if partnership.baseline_start and partnership.baseline_end
        else None
    )
    targets = list(partnership.targets.all())
    plans: list[tuple[Target, Indicator | None, Scope | None, str]] = []
    for target in targets:
        indicator = registry.indicators.get(target.indicator)
        if indicator is None:
            plans.append((target, None, None, _("unknown indicator")))
            continue
        scope, note = target_scope(actor, partnership, indicator)
        plans.append((target, indicator, scope, note))
    by_scope: dict[Scope, list[Indicator]] = defaultdict(list)
    for _target, indicator, scope, _note in plans:
        if indicator is not None and scope is not None and indicator not in by_scope[scope]:
            by_scope[scope].append(indicator)
    with records_memo():  # a measure's records read once per scope, not once per month of the trend
        grids = (
            {scope: evaluate_grid(chosen, scope, period, monthly=trend) for scope, chosen in by_scope.items()}
            if period
            else {}
        )
    baselines: dict[tuple[Scope, str], IndicatorValue] = {}
    if baseline_period is not None:
        for scope, chosen in by_scope.items():
            for value in evaluate(chosen, scope, baseline_period):
                baselines[(scope, value.code)] = value
    on = min(today, partnership.ended_on) if partnership.ended_on else today
    rows = []
    for target, indicator, scope, note in plans:
        grid = grids.get(scope) if scope is not None else None
        now = grid.get(target.indicator) if grid is not None else None
        baseline = baselines.get((scope, target.indicator)) if scope is not None else None
        direction = indicator.direction if indicator else "up"
        base_value = baseline.value if baseline is not None and baseline.is_reported else None
        expected = expected_value(
            baseline=base_value,
            target=target.value,
            direction=direction,
            started_on=partnership.started_on,
            due_on=target.due_on,
            on=on,
        )
        decimals = indicator.decimals if indicator else 2
        rows.append(
            TargetRow(
                target=target,
                indicator=indicator,
                name=indicator.name() if indicator else target.indicator,
                scope_note=note,
                baseline=baseline,
                now=now,
                expected="" if expected is None else f"{expected:,.{decimals}f}",
                status=target_status(
                    now=now.value if now is not None and now.is_reported else None,
                    target=target.value,
                    direction=direction,
                    baseline=base_value,
                    started_on=partnership.started_on,
                    due_on=target.due_on,
                    on=on,
                ),
                trend_id=f"trend-{target.pk}",
                trend=_trend(indicator, grid, target) if trend and grid is not None and indicator is not None else None,
            )
        )
    return TargetGroup(partnership=partnership, rows=rows, period=period)


# --- technique transfer ------------------------------------------------------------------------------
TECHNIQUE_INDICATORS = ("techniques_introduced", "techniques_transferred", "techniques_sustained", "techniques_lapsed")
_EVER_TRANSFERRED = {TechniqueStatus.TRANSFERRED, TechniqueStatus.SUSTAINED, TechniqueStatus.LAPSED}


@dataclass
class LapsedTechnique:
    name: str
    host: str
    url: str


@dataclass
class TechniqueDepartmentRow:
    department: str
    introduced: int = 0
    transferred: int = 0
    sustained: int = 0
    lapsed: int = 0
    lapsed_techniques: list[LapsedTechnique] = field(default_factory=list)


@dataclass
class TechniqueTable:
    period: Period | None
    rows: list[TechniqueDepartmentRow]
    totals: dict[str, IndicatorValue]

    @property
    def total_urls(self) -> dict[str, str]:
        """Each total's link to the records behind it (the evidence page)."""
        return {code: evidence_link(value) for code, value in self.totals.items()}

    @property
    def lapsed_techniques(self) -> list[LapsedTechnique]:
        return [t for row in self.rows for t in row.lapsed_techniques]


def technique_table(scope: Scope, period: Period | None) -> TechniqueTable:
    """The scope's techniques by department: introduced in the period; transferred (ever, incl. sustained and
    lapsed), sustained and lapsed as of the period end — the records and the status rule the engine's
    ``techniques_*`` indicators use, so each column adds up to the engine's total (shown as the total row)."""
    if period is None:
        return TechniqueTable(None, [], {})
    techniques = list(
        Technique.objects.filter(scope.record_filter(unit="host"), approved_on__lte=period.end)
        .select_related("department", "partnership", "host")
        .order_by("department__code", "name", "host__path", "pk")
    )
    statuses = technique_statuses(techniques, on=period.end)
    rows: dict[str, TechniqueDepartmentRow] = {}
    for technique in techniques:
        label = f"{technique.department.code} {technique.department.name}"
        row = rows.setdefault(label, TechniqueDepartmentRow(department=label))
        status = statuses[technique.pk]
        row.introduced += int(technique.approved_on >= period.start)
        row.transferred += int(status in _EVER_TRANSFERRED)
        row.sustained += int(status == TechniqueStatus.SUSTAINED)
        if status == TechniqueStatus.LAPSED:
            row.lapsed += 1
            url = reverse("records:detail", kwargs={"kind": "techniques", "public_id": technique.public_id})
            row.lapsed_techniques.append(LapsedTechnique(technique.name, technique.host.display_name, url))
    with records_memo():  # the three status measures read the techniques' statuses once
        totals = {value.code: value for value in evaluate(TECHNIQUE_INDICATORS, scope, period)}
    return TechniqueTable(period, list(rows.values()), totals)


# --- posting coverage -------------------------------------------------------------------------------
class Coverage(models.TextChoices):
    COVERED = "covered", gettext_lazy("Covered")
    OVERLAP = "overlap", gettext_lazy("Overlap at a batch hand-over")
    GAP = "gap", gettext_lazy("Gap")
    NONE = "none", gettext_lazy("No expert")


@dataclass(frozen=True)
class Stay:
    """One posting as the coverage grid sees it."""

    started_on: date
    ended_on: date | None
    batch_id: int | None


def coverage_states(stays: Iterable[Stay], months: Sequence[int]) -> list[Coverage]:
    """Month by month, a department's coverage by postings (a posting covers every month it touches).

    - overlap: postings of two different batches in the month (a batch hand-over);
    - covered: at least one posting;
    - gap: none, though the department had a posting in an earlier and in a later month of the range;
    - none: otherwise (before the first or after the last posting).
    """
    chosen = list(stays)
    batches: list[set[int | None]] = []
    for month in months:
        first, last = month_start(month), month_end(month)
        batches.append(
            {s.batch_id for s in chosen if s.started_on <= last and (s.ended_on is None or s.ended_on >= first)}
        )
    covered = [i for i, found in enumerate(batches) if found]
    states = []
    for i, found in enumerate(batches):
        if len({b for b in found if b is not None}) >= 2:
            states.append(Coverage.OVERLAP)
        elif found:
            states.append(Coverage.COVERED)
        elif covered and covered[0] < i < covered[-1]:
            states.append(Coverage.GAP)
        else:
            states.append(Coverage.NONE)
    return states


@dataclass
class CoverageRow:
    host: str
    department: str
    months: list[int]
    states: list[Coverage]

    @property
    def cells(self) -> list[tuple[str, Coverage]]:
        """(the month and the state in words, the state) per month: the grid's cell titles and classes."""
        return [
            (f"{month // 100}-{month % 100:02d} {self.department}: {state.label}", state)
            for month, state in zip(self.months, self.states, strict=True)
        ]

    @property
    def cells_html(self) -> SafeString:
        """The row's cells, written here rather than by a template loop: a programme's grid has thousands."""
        return format_html_join(
            "",
            '<td class="coverage-cell coverage-{}" title="{}"></td>',
            ((state, title) for title, state in self.cells),
        )

    @property
    def gaps(self) -> int:
        return self.states.count(Coverage.GAP)

    @property
    def overlaps(self) -> int:
        return self.states.count(Coverage.OVERLAP)


@dataclass(frozen=True)
class MonthHeader:
    year: str  # shown on the first month and on each January, else ""
    month: str
    full: str


@dataclass
class PostingCoverage:
    period: Period | None
    headers: list[MonthHeader]
    rows: list[CoverageRow]

    @property
    def gaps(self) -> int:
        return sum(row.gaps for row in self.rows)

    @property
    def overlaps(self) -> int:
        return sum(row.overlaps for row in self.rows)


def posting_coverage(scope: Scope, period: Period | None) -> PostingCoverage:
    """Per host institution and department of the scope's postings (the postings the engine counts for the
    scope), the coverage state of each month of the period (:func:`coverage_states`)."""
    if period is None:
        return PostingCoverage(None, [], [])
    postings = (
        Posting.objects.filter(scope.record_filter(unit="host"), started_on__lte=period.end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period.start))
        .values_list(
            "host__name", "host__path", "department__code", "department__name", "started_on", "ended_on", "batch_id"
        )
    )
    stays: dict[tuple[str, str, str, str], list[Stay]] = defaultdict(list)
    for host, path, code, name, started_on, ended_on, batch_id in postings:
        key = (path, code or "", host, f"{code} {name}" if code else str(_("Department not recorded")))
        stays[key].append(Stay(started_on, ended_on, batch_id))
    months = period.months
    rows = []
    for key in sorted(stays):
        _path, _code, host, department = key
        rows.append(CoverageRow(host, department, months, coverage_states(stays[key], months)))
    headers = [
        MonthHeader(str(m // 100) if i == 0 or m % 100 == 1 else "", f"{m % 100:02d}", f"{m // 100}-{m % 100:02d}")
        for i, m in enumerate(months)
    ]
    return PostingCoverage(period, headers, rows)


# --- the two scorecards -----------------------------------------------------------------------------
@dataclass
class Scorecard:
    title: str
    subject: Partnership | Programme
    target_groups: list[TargetGroup]
    techniques: TechniqueTable
    coverage: PostingCoverage
    today: date

    @property
    def has_targets(self) -> bool:
        return any(group.rows for group in self.target_groups)

    @property
    def trends(self) -> list[TargetRow]:
        return [row for group in self.target_groups for row in group.rows if row.trend is not None]


def partnership_scorecard(actor: User, partnership: Partnership, today: date) -> Scorecard:
    scope = Scope(partnership=partnership)
    return Scorecard(
        title=str(partnership),
        subject=partnership,
        target_groups=[partnership_targets(actor, partnership, today)],
        techniques=technique_table(scope, to_date_period(partnership.started_on, today)),
        coverage=posting_coverage(scope, active_period(partnership.started_on, partnership.ended_on, today)),
        today=today,
    )


def programme_scorecard(actor: User, programme: Programme, today: date) -> Scorecard:
    """The targets of all the programme's partnerships (those the user sees), grouped by partnership."""
    partnerships = (
        Partnership.objects.filter(partnership_visibility(actor), programme=programme, targets__isnull=False)
        .distinct()
        .select_related("supporter", "recipient", "programme", "department")
        .prefetch_related("targets")
        .order_by("started_on", "pk")
    )
    scope = Scope(programme=programme)
    return Scorecard(
        title=programme.name,
        subject=programme,
        target_groups=[partnership_targets(actor, p, today) for p in partnerships],
        techniques=technique_table(scope, to_date_period(programme.started_on, today)),
        coverage=posting_coverage(scope, active_period(programme.started_on, programme.ended_on, today)),
        today=today,
    )


# --- views --------------------------------------------------------------------------------------------
class AsOfForm(forms.Form):
    as_of = forms.DateField(label=gettext_lazy("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


def as_of_date(request: HttpRequest) -> tuple[AsOfForm, date]:
    """The day the scorecard is computed as of: ``?as_of=YYYY-MM-DD`` (e.g. to see a technique's status when
    a programme closed), today by default or when the date is not valid (the form shows why)."""
    form = AsOfForm(request.GET or None)
    chosen = form.cleaned_data.get("as_of") if form.is_valid() else None
    return form, chosen or timezone.localdate()


@login_required
def scorecard_partnership(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partnership = access_partnership(request.user, pk)
    form, today = as_of_date(request)
    scorecard = partnership_scorecard(request.user, partnership, today)
    context = {"scorecard": scorecard, "partnership": partnership, "form": form}
    return render(request, "portal/scorecard.html", context)


@login_required
def scorecard_programme(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = access_programme(request.user, pk)
    form, today = as_of_date(request)
    scorecard = programme_scorecard(request.user, programme, today)
    return render(request, "portal/scorecard.html", {"scorecard": scorecard, "programme": programme, "form": form})
