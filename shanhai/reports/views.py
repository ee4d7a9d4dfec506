"""Pages of programme reports: request one, watch it build, download it. Parse, access, call, render."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.partnerships.access import access_programme
from shanhai.reports import selectors, services
from shanhai.reports.access import access_report
from shanhai.reports.forms import ReportRequestForm
from shanhai.reports.models import ReportStatus


@login_required
@require_http_methods(["GET", "POST"])
def programme_reports(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = access_programme(request.user, pk)
    default = selectors.default_period(programme)
    form = ReportRequestForm(request.POST or None, initial={"period": default.code})
    if request.method == "POST" and form.is_valid():
        try:
            period = form.cleaned_data["period"] or default
            services.report_request(
                actor=request.user, programme=programme, period=period, format=form.cleaned_data["format"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("reports:programme_reports", pk=programme.pk)
    reports = selectors.report_list(request.user, programme)
    context = {
        "programme": programme,
        "form": form,
        "reports": reports,
        "is_running": any(not r.is_finished for r in reports),
    }
    template = "reports/programme_reports.html"
    is_poll = getattr(request, "htmx", False) and request.method == "GET"
    return render(
        request, f"{template}#report-list" if is_poll else template, context, status=400 if form.errors else 200
    )


@login_required
@require_GET
def download(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> FileResponse:
    report = access_report(request.user, public_id)
    if report.status != ReportStatus.DONE or not report.file:
        raise Http404
    return FileResponse(report.file.open("rb"), as_attachment=True, filename=report.file_name)
