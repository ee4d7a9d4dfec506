"""Approving and unlocking a workload report (the rest of its pages are the generic record pages)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.capacity import services
from shanhai.capacity.access import access_workload_for_approval
from shanhai.capacity.models import WorkloadReport


def _detail(report: WorkloadReport) -> str:
    return reverse("records:detail", kwargs={"kind": "workload-reports", "public_id": report.public_id})


def _error(request: AuthenticatedHttpRequest, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


@login_required
@require_POST
def workload_approve(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    report = access_workload_for_approval(request.user, public_id)
    try:
        services.workload_report_approve(actor=request.user, record=report)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("The report is approved and the month is locked."))
    return redirect(_detail(report))


@login_required
@require_POST
def workload_unlock(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    report = access_workload_for_approval(request.user, public_id)
    try:
        services.workload_report_unlock(actor=request.user, record=report, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("The report is unlocked and can be corrected."))
    return redirect(_detail(report))
