"""Pages of programmes and partnerships: parse, access, call one selector or service, render."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from shanhai.accounts.models import User
from shanhai.accounts.requests import AuthenticatedHtmxRequest, AuthenticatedHttpRequest
from shanhai.accounts.scoping import scope_of
from shanhai.analytics.engine import Scope, evaluate
from shanhai.analytics.registry import registry
from shanhai.analytics.tiles import breakdown_tables, record_tile_groups
from shanhai.core.form_base import PeriodForm
from shanhai.core.periods import Period, own_period
from shanhai.partnerships import selectors, services
from shanhai.partnerships.access import (
    access_partnership,
    access_programme,
    require_partnership_management,
    require_programme_management,
)
from shanhai.partnerships.filters import PartnershipFilter
from shanhai.partnerships.forms import AgreementForm, PartnershipForm, ProgrammeForm, TargetForm
from shanhai.partnerships.models import Partnership, Target
from shanhai.partnerships.tables import PartnershipTable, ProgrammeTable, status_badge

PER_PAGE = 50
PROGRAMME_INDICATORS = (
    "partnerships_active",
    "supporting_institutions",
    "recipient_institutions",
    "supporters_grade_3a_share",
    "agreements_signed",
)
PARTNERSHIP_INDICATORS = ("agreements_signed",)


def chosen_period(request: AuthenticatedHttpRequest, default: Period) -> tuple[PeriodForm, Period]:
    """The ``?period=`` the user picked, or ``default`` (also when the input is invalid: the form shows why)."""
    form = PeriodForm(request.GET if PeriodForm.is_asked(request.GET) else None, initial={"period": default.code})
    return form, form.chosen(default)


def can_manage(user: User, partnership: Partnership) -> bool:
    try:
        require_partnership_management(user, partnership.supporter, partnership.recipient)
    except PermissionDenied:
        return False
    return True


@dataclass(frozen=True)
class TargetRow:
    target: Target
    indicator_name: str
    shown_as_tile: bool


def target_rows(partnership: Partnership) -> list[TargetRow]:
    """Targets with their indicator's name; an indicator no longer registered shows by its code."""
    rows = []
    for target in partnership.targets.all():
        indicator = registry.indicators.get(target.indicator)
        name = indicator.name() if indicator else target.indicator
        rows.append(TargetRow(target, name, indicator is not None and "partnership" in indicator.scopes))
    return rows


# --- programmes ---------------------------------------------------------------------------------
@login_required
@require_GET
def programme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    table = ProgrammeTable(selectors.programme_list(request.user))
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    can_create = scope_of(request.user).can_manage_partnerships
    return render(request, "partnerships/programme_list.html", {"table": table, "can_create": can_create})


@login_required
@require_GET
def programme_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = access_programme(request.user, pk)
    period_form, period = chosen_period(request, own_period(programme.started_on, programme.ended_on))
    partnerships = PartnershipTable(
        selectors.partnership_list(request.user, filters={"programme": programme}), exclude=("programme",)
    )
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(partnerships)
    context = {
        "programme": programme,
        "period": period,
        "period_form": period_form,
        "tiles": evaluate(PROGRAMME_INDICATORS, Scope(programme=programme), period),
        "record_groups": record_tile_groups(Scope(programme=programme), period, "programme"),
        "breakdowns": breakdown_tables(Scope(programme=programme), period, "programme"),
        "table": partnerships,
        "can_edit": scope_of(request.user).can_manage_partnerships_at(programme.owner.path),
    }
    return render(request, "partnerships/programme_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not scope_of(request.user).can_manage_partnerships:
        raise PermissionDenied
    form = ProgrammeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        require_programme_management(request.user, form.cleaned_data["owner"])
        try:
            programme = services.programme_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Programme “%(name)s” created.") % {"name": programme.name})
            return redirect("partnerships:programme_detail", pk=programme.pk)
    return render(request, "partnerships/programme_form.html", {"form": form, "programme": None})


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = access_programme(request.user, pk, for_write=True)
    form = ProgrammeForm(request.user, request.POST or None, initial=ProgrammeForm.initial_from(programme))
    if request.method == "POST" and form.is_valid():
        require_programme_management(request.user, form.cleaned_data["owner"])
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            if changes:
                services.programme_update(actor=request.user, programme=programme, **changes)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Programme saved."))
            return redirect("partnerships:programme_detail", pk=programme.pk)
    return render(request, "partnerships/programme_form.html", {"form": form, "programme": programme})


# --- partnerships --------------------------------------------------------------------------------
@login_required
@require_GET
def partnership_list(request: AuthenticatedHtmxRequest) -> HttpResponse:
    filterset = PartnershipFilter(
        request.GET or None, queryset=selectors.partnership_list(request.user), request=request
    )
    table = PartnershipTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    context = {"filter": filterset, "table": table, "can_create": scope_of(request.user).can_manage_partnerships}
    template = "partnerships/partnership_list.html"
    return render(request, f"{template}#results" if request.htmx else template, context)


def render_partnership(
    request: AuthenticatedHttpRequest,
    partnership: Partnership,
    *,
    agreement_form: AgreementForm | None = None,
    target_form: TargetForm | None = None,
) -> HttpResponse:
    """The detail page; the agreement and target forms come back here with their errors."""
    period_form, period = chosen_period(request, own_period(partnership.started_on, partnership.ended_on))
    targets = target_rows(partnership)
    codes = [*PARTNERSHIP_INDICATORS, *(row.target.indicator for row in targets if row.shown_as_tile)]
    context = {
        "partnership": partnership,
        "status": status_badge(partnership),
        "agreements": partnership.agreements.all(),
        "targets": targets,
        "period": period,
        "period_form": period_form,
        "tiles": evaluate(dict.fromkeys(codes), Scope(partnership=partnership), period),
        "record_groups": record_tile_groups(Scope(partnership=partnership), period, "partnership"),
        "can_manage": can_manage(request.user, partnership),
        "agreement_form": agreement_form or AgreementForm(),
        "target_form": target_form or TargetForm(),
    }
    return render(request, "partnerships/partnership_detail.html", context)


@login_required
@require_GET
def partnership_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return render_partnership(request, access_partnership(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def partnership_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not scope_of(request.user).can_manage_partnerships:
        raise PermissionDenied
    form = PartnershipForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            require_partnership_management(request.user, form.cleaned_data["supporter"], form.cleaned_data["recipient"])
            partnership = services.partnership_create(actor=request.user, **form.cleaned_data)
        except PermissionDenied:
            form.add_error(None, _("You may only record partnerships in which one side is in your own organisation."))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Partnership created."))
            return redirect("partnerships:partnership_detail", pk=partnership.pk)
    return render(request, "partnerships/partnership_form.html", {"form": form, "partnership": None})


@login_required
@require_http_methods(["GET", "POST"])
def partnership_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partnership = access_partnership(request.user, pk, for_write=True)
    form = PartnershipForm(request.user, request.POST or None, initial=PartnershipForm.initial_from(partnership))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            require_partnership_management(request.user, form.cleaned_data["supporter"], form.cleaned_data["recipient"])
            if changes:
                services.partnership_update(actor=request.user, partnership=partnership, **changes)
        except PermissionDenied:
            form.add_error(None, _("You may only record partnerships in which one side is in your own organisation."))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Partnership saved."))
            return redirect("partnerships:partnership_detail", pk=partnership.pk)
    return render(request, "partnerships/partnership_form.html", {"form": form, "partnership": partnership})


# --- agreements and targets ------------------------------------------------------------------------
@login_required
@require_POST
def agreement_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partnership = access_partnership(request.user, pk, for_write=True)
    form = AgreementForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.agreement_add(actor=request.user, partnership=partnership, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Agreement added."))
            return redirect("partnerships:partnership_detail", pk=partnership.pk)
    return render_partnership(request, partnership, agreement_form=form)


@login_required
@require_GET
def agreement_document(request: AuthenticatedHttpRequest, pk: int, agreement_pk: int) -> FileResponse:
    """Serve an agreement's uploaded document to those who may see its partnership; never from MEDIA directly."""
    partnership = access_partnership(request.user, pk)
    agreement = get_object_or_404(partnership.agreements.exclude(document=""), pk=agreement_pk)
    try:
        document = agreement.document.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(document, as_attachment=True, filename=Path(agreement.document.name).name)


@login_required
@require_POST
def target_set(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partnership = access_partnership(request.user, pk, for_write=True)
    form = TargetForm(request.POST)
    if form.is_valid():
        try:
            services.target_set(actor=request.user, partnership=partnership, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Target saved."))
            return redirect("partnerships:partnership_detail", pk=partnership.pk)
    return render_partnership(request, partnership, target_form=form)
