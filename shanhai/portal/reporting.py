"""Reporting completeness (上报完整性): for each monthly report (``registry.reports``), who owed the month's report
in a scope and who has not sent it. The figures are counts of the reports due and received, straight from the
records; a missing report is exactly what the indicators show as "not reported"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.analytics.engine import Scope
from shanhai.analytics.registry import Due, PeriodicReport, registry
from shanhai.core import clock
from shanhai.core.periods import add_months, month_label, month_of
from shanhai.portal.dashboard import dashboard_scope

#: Missing reporters listed per report on the page (the count says how many more).
MISSING_SHOWN = 50


@dataclass(frozen=True)
class Completeness:
    report: PeriodicReport
    due: list[Due]

    @property
    def expected(self) -> int:
        return len(self.due)

    @property
    def received(self) -> int:
        return sum(1 for d in self.due if d.received)

    @property
    def missing(self) -> list[Due]:
        return [d for d in self.due if not d.received]

    @property
    def rate(self) -> float | None:
        """Per cent of the reports due that came in; None when none was due."""
        return round(100 * self.received / self.expected, 1) if self.expected else None


def reporting_month(today: date | None = None) -> int:
    """The month whose reports are being collected now: the last month that has ended."""
    return add_months(month_of(today or clock.today()), -1)


def completeness(scope: Scope, month: int) -> list[Completeness]:
    """Every registered monthly report in the scope (an org unit on its side; everything without one)."""
    path = scope.org_unit.path if scope.org_unit is not None else None
    found = [Completeness(report, report.due(path, scope.side, month)) for report in registry.reports.values()]
    return [c for c in found if c.expected]


def chosen_month(query: QueryDict, today: date | None = None) -> tuple[int, str]:
    """``?month=2025-06`` (the browser's month input) or ``202506``; the reporting month otherwise, with an error."""
    text = query.get("month", "").strip().replace("-", "")
    if not text:
        return reporting_month(today), ""
    if text.isdigit() and len(text) == 6 and 1 <= int(text) % 100 <= 12 and 2000 <= int(text) // 100 <= 2100:
        return int(text), ""
    month = reporting_month(today)
    return month, _("“%(value)s” is not a month; showing %(month)s.") % {
        "value": query.get("month", "")[:20],
        "month": month_label(month),
    }


@login_required
def reporting(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = dashboard_scope(request.user, request.GET)
    month, error = chosen_month(request.GET)
    rows = completeness(scope, month)
    context = {
        "scope": scope,
        "unit": scope.org_unit,
        "month": month,
        "month_value": f"{month // 100}-{month % 100:02d}",
        "month_label": month_label(month),
        "previous": add_months(month, -1),
        "next": add_months(month, 1) if add_months(month, 1) <= reporting_month() else None,
        "rows": rows,
        "error": error,
        "missing_shown": MISSING_SHOWN,
    }
    return render(request, "portal/reporting.html", context)
