"""Pages of remote collaboration: each user's inbox and notices, and the actions on a consultation (its page
itself is the records framework's, with ``telehealth/consultation_detail.html``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.core import clock, notices
from shanhai.core.form_base import PeriodForm, ServiceForm
from shanhai.core.periods import parse_period
from shanhai.records.access import access_record
from shanhai.records.kinds import kind_of
from shanhai.records.lookup import Lookup
from shanhai.records.views import render_detail
from shanhai.telehealth import services
from shanhai.telehealth.columns import experts_for, pools_for
from shanhai.telehealth.forms import AnswerForm, DecideForm, ReasonForm, ReassignForm
from shanhai.telehealth.indicators import turnaround_of
from shanhai.telehealth.models import Consultation
from shanhai.telehealth.pages import FORMS_ATTRIBUTE, inbox_lists, visible_consultations

SWEEP_KEY = "telehealth:last-sweep"


def sweep_now_and_then() -> None:
    """Reminders and escalations without a scheduler: run the sweep when a page asks, at most once a minute."""
    if cache.add(SWEEP_KEY, 1, 60):
        services.sweep()


@login_required
@require_GET
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    sweep_now_and_then()
    lists = inbox_lists(request.user)
    recent = notices.notices_of(request.user)[:30]
    return render(
        request,
        "telehealth/inbox.html",
        {**lists, "notices": recent, "unread_count": notices.unread(request.user).count(), "now": clock.now()},
    )


@login_required
@require_POST
def notices_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    notices.mark_read(request.user)
    return redirect("telehealth:inbox")


@login_required
@require_GET
def notice_open(request: AuthenticatedHttpRequest, notice_id: int) -> HttpResponse:
    """Open a notice's page, marking it read (a notice of someone else is 404)."""
    notice = notices.notices_of(request.user).filter(pk=notice_id).first()
    if notice is None:
        raise Http404
    notices.mark_read(request.user, notice_ids=[notice.pk])
    return redirect(notice.url or "telehealth:inbox")


#: The form each action posts (prefixed with the action's name); actions without one post nothing.
ACTION_FORMS: dict[str, type[ServiceForm]] = {
    "decline": ReasonForm,
    "cancel": ReasonForm,
    "answer": AnswerForm,
    "decide": DecideForm,
    "reassign": ReassignForm,
}


@login_required
@require_POST
def consultation_action(request: AuthenticatedHttpRequest, public_id: uuid.UUID, action: str) -> HttpResponse:
    """One step of the workflow; refused steps show the page again with the form as typed and the reason."""
    if action not in services.ACTIONS:
        raise Http404
    kind = kind_of("consultations")
    consultation: Consultation = access_record(kind, request.user, public_id)
    form: ServiceForm | None = None
    if action in ACTION_FORMS:
        extra: dict[str, Any] = {}
        if action == "reassign":
            lookup = Lookup(request.user)
            extra = {"pools": pools_for(lookup), "experts": experts_for(lookup)}
        form = ACTION_FORMS[action](request.POST, prefix=action, **extra)
    try:
        if form is None or form.is_valid():
            fields = form.cleaned_data if form is not None else {}
            services.consultation_act(actor=request.user, consultation=consultation, action=action, **fields)
    except ValidationError as error:
        if form is None:
            messages.error(request, " ".join(error.messages))
            return redirect(_page(consultation))
        form.add_service_errors(error)
    if form is not None and form.errors:
        setattr(request, FORMS_ATTRIBUTE, {action: form})
        consultation.refresh_from_db()
        return render_detail(request, kind, consultation, status=400)
    messages.success(request, _("Saved."))
    return redirect(_page(consultation))


def _page(consultation: Consultation) -> str:
    return reverse("records:detail", kwargs={"kind": "consultations", "public_id": consultation.public_id})


@login_required
@require_GET
def turnaround(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Turnaround of the consultations answered in a period, by partnership, expert, department and priority:
    the same definitions as the indicators (``indicators.turnaround_stats``), over the consultations the user
    sees (optionally one partnership's)."""
    default = parse_period(f"{clock.today().year}")
    form = PeriodForm(request.GET if "period" in request.GET else None, initial={"period": default.code})
    period = form.chosen(default)
    answered = visible_consultations(request.user).filter(
        answered_on__gte=period.start, answered_on__lte=period.end, turnaround_hours__isnull=False
    )
    partnership = None
    if (chosen := request.GET.get("partnership", "")).isdigit():
        partnership = Lookup(request.user).partnerships().filter(pk=int(chosen)).first()
        if partnership is None:
            raise Http404
        answered = answered.filter(partnership=partnership)
    rows = list(
        answered.select_related("partnership__supporter", "partnership__recipient", "department", "answered_by")
    )
    labels: dict[str, Callable[[Consultation], str]] = {
        "partnership": lambda c: str(c.partnership),
        "expert": lambda c: str(c.answered_by or "—"),
        "department": lambda c: c.department.name if c.department else "—",
        "priority": lambda c: c.get_priority_display(),
    }
    tables = {}
    for name, label in labels.items():
        grouped: dict[str, list[Consultation]] = {}
        for consultation in rows:
            grouped.setdefault(label(consultation), []).append(consultation)
        tables[name] = [(text, turnaround_of(items)) for text, items in sorted(grouped.items())]
    context = {
        "form": form,
        "period": period,
        "partnership": partnership,
        "total": turnaround_of(rows),
        "tables": tables,
    }
    return render(request, "telehealth/turnaround.html", context)
