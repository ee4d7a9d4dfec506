"""Mentorship actions beyond the generic record pages: hand-over to a successor, completing an apprentice,
and the list of mentorships whose mentor has left (need a hand-over)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.records.access import access_record
from shanhai.records.kinds import kind_of
from shanhai.training import services
from shanhai.training.forms import CompleteForm, HandoverForm
from shanhai.training.selectors import mentorships_needing_handover


@login_required
@require_http_methods(["GET", "POST"])
def mentorship_hand_over(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    mentorship = access_record(kind_of("mentorships"), request.user, public_id, for_write=True)
    form = HandoverForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentorship_hand_over(
                actor=request.user,
                record=mentorship,
                successor=form.cleaned_data["successor"],
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("The mentorship was handed over to %(name)s.") % {"name": form.cleaned_data["successor"].name},
            )
            return redirect("records:detail", kind="mentorships", public_id=mentorship.public_id)
    return render(request, "training/handover.html", {"mentorship": mentorship, "form": form}, status=200)


@login_required
@require_http_methods(["GET", "POST"])
def apprenticeship_complete(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    apprenticeship = access_record(kind_of("apprenticeships"), request.user, public_id, for_write=True)
    form = CompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.apprenticeship_complete(
                actor=request.user,
                record=apprenticeship,
                on=form.cleaned_data["on"],
                is_backbone=form.cleaned_data["is_backbone"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("%(name)s completed.") % {"name": apprenticeship.apprentice.name})
            return redirect("records:detail", kind="mentorships", public_id=apprenticeship.mentorship.public_id)
    return render(request, "training/complete.html", {"apprenticeship": apprenticeship, "form": form})


@login_required
def handovers_due(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Active mentorships whose mentor has no posting in force today."""
    return render(request, "training/handovers_due.html", {"mentorships": mentorships_needing_handover(request.user)})
