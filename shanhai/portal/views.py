"""Pages of the org tree, the overview and the audit trail. Thin: parse, access, call, render."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from shanhai.accounts.models import User
from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.accounts.scoping import MCH_FIGURE_APPS, scope_of
from shanhai.analytics import engine
from shanhai.analytics.engine import IndicatorValue, Scope, latest_period_with_data
from shanhai.analytics.tiles import breakdown_tables, record_tile_groups
from shanhai.core import selectors
from shanhai.core.form_base import PeriodForm
from shanhai.core.models import OrgUnit
from shanhai.core.periods import Period
from shanhai.core.services import org_unit_create, org_unit_move, org_unit_update
from shanhai.partnerships.access import access_org_unit, require_org_write, visible_org_units
from shanhai.partnerships.selectors import partnership_list, partnerships_in_subtree
from shanhai.portal.access import can_see_org_numbers
from shanhai.portal.forms import AuditFilterForm, OrgMoveForm, OrgUnitForm
from shanhai.portal.home import home_parts
from shanhai.portal.tables import AuditTable, object_type_label

HEADLINE_INDICATORS = ("partnerships_active", "supporting_institutions", "recipient_institutions", "agreements_signed")
MCH_HEADLINE_INDICATORS = (
    "mch.early_registration_rate",
    "mch.system_management_rate",
    "mch.high_risk_management_rate",
    "mch.facility_delivery_rate",
)
PARTNERSHIPS_SHOWN = 20
AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True)
class Headline:
    """One unit's headline indicators, as receiving side and (if it supports anyone) as supporting side; a unit
    that supports and receives nothing (a supporting province) has no receiving side to show."""

    unit: OrgUnit
    receiving: list[IndicatorValue] | None
    supporting: list[IndicatorValue] | None
    #: The MCH figures of a unit that keeps pregnancy records (妇幼健康), else None.
    mch: list[IndicatorValue] | None = None
    #: Only the MCH figures of a region the user's MCH institution serves are open (no page of the unit itself).
    figures_only: bool = False


def headline(unit: OrgUnit, period: Period) -> Headline:
    """The partnership figures on each side the unit takes part in, and its MCH figures if it keeps MCH records;
    a unit in neither has nothing to show (the page says so rather than showing a row of "not reported")."""
    supporting = receiving = mch = None
    if partnerships_in_subtree(unit, side="supporter").exists():
        supporting = engine.evaluate(HEADLINE_INDICATORS, Scope(org_unit=unit, side="supporter"), period)
    keeps_mch = engine.keeps_records(Scope(org_unit=unit), "pregnancies")
    if keeps_mch:
        mch = engine.evaluate(MCH_HEADLINE_INDICATORS, Scope(org_unit=unit), period)
    if partnerships_in_subtree(unit, side="recipient").exists():
        receiving = engine.evaluate(HEADLINE_INDICATORS, Scope(org_unit=unit), period)
    return Headline(unit, receiving, supporting, mch)


def mch_headline(region: OrgUnit, period: Period) -> Headline:
    """The MCH figures of a region an MCH institution serves (``UserScope.mch_regions``): nothing else of it."""
    scope = Scope(org_unit=region, apps=MCH_FIGURE_APPS)
    return Headline(region, None, None, engine.evaluate(MCH_HEADLINE_INDICATORS, scope, period), figures_only=True)


def headline_scopes(units: list[OrgUnit], *, everything: bool = False) -> list[Scope]:
    """The scopes whose latest data sets the default period of the units' headlines: each unit as receiving and as
    supporting side (everything at once for a system administrator)."""
    if everything:
        return [Scope()]
    return [Scope(org_unit=unit) for unit in units] + [Scope(org_unit=unit, side="supporter") for unit in units]


def tree_nodes(units: QuerySet[OrgUnit]) -> QuerySet[OrgUnit]:
    """Units as tree nodes: with their grade and whether they have children to expand."""
    return units.select_related("grade").annotate(has_children=Exists(OrgUnit.objects.filter(parent=OuterRef("pk"))))


def visible_children(user: User, unit: OrgUnit) -> QuerySet[OrgUnit]:
    return tree_nodes(selectors.children(unit).filter(pk__in=visible_org_units(user).values("pk")))


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    roots = list(scope.roots) or (list(selectors.children(None)) if scope.is_admin else [])
    period_form = PeriodForm(request.GET if PeriodForm.is_asked(request.GET) else None)
    regions = list(scope.mch_regions)
    period = period_form.chosen(
        lambda: latest_period_with_data(
            *headline_scopes(roots, everything=scope.is_admin),
            *(Scope(org_unit=region, apps=MCH_FIGURE_APPS) for region in regions),
        )
    )
    context = {
        "period_form": period_form,
        "period": period,
        "headlines": [headline(u, period) for u in roots] + [mch_headline(region, period) for region in regions],
        **home_parts(request.user),
    }
    return render(request, "portal/home.html", context)


@login_required
def org_tree(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if scope.is_admin:
        units = selectors.children(None)
    else:
        units = OrgUnit.objects.filter(pk__in=[root.pk for root in scope.roots]).order_by("path")
    return render(request, "portal/org_tree.html", {"units": tree_nodes(units)})


@login_required
def org_children(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    unit = access_org_unit(request.user, code)
    return render(request, "portal/org_tree.html#nodes", {"units": visible_children(request.user, unit)})


@login_required
def org_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    unit = access_org_unit(request.user, code)
    scope = scope_of(request.user)
    period_form = PeriodForm(request.GET if PeriodForm.is_asked(request.GET) else None)
    period = period_form.chosen(lambda: latest_period_with_data(*headline_scopes([unit])))
    in_subtree = Q(supporter__path__startswith=unit.path) | Q(recipient__path__startswith=unit.path)
    partnerships = list(partnership_list(request.user).filter(in_subtree)[: PARTNERSHIPS_SHOWN + 1])
    numbers = can_see_org_numbers(request.user, unit)
    context = {
        "unit": unit,
        "ancestors": [(a, scope.can_read_path(a.path)) for a in selectors.ancestors(unit)],
        "children": visible_children(request.user, unit),
        "partnerships": partnerships[:PARTNERSHIPS_SHOWN],
        "more_partnerships": len(partnerships) > PARTNERSHIPS_SHOWN,
        "headline": headline(unit, period) if numbers else None,
        "record_groups": record_tile_groups(Scope(org_unit=unit), period, "org") if numbers else None,
        "breakdowns": breakdown_tables(Scope(org_unit=unit), period, "org") if numbers else None,
        "period_form": period_form,
        "period": period,
        "can_write": scope.can_write_path(unit.path),
    }
    return render(request, "portal/org_detail.html", context)


@login_required
def org_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    parent_code = request.GET.get("parent", "")
    parent = access_org_unit(request.user, parent_code) if parent_code else None
    require_org_write(request.user, parent)
    form = OrgUnitForm(request.POST or None)
    if form.is_valid():
        try:
            unit = org_unit_create(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("%(name)s was created.") % {"name": unit.name})
            return redirect("portal:org_detail", code=unit.code)
    return render(request, "portal/org_form.html", {"form": form, "parent": parent, "unit": None})


@login_required
def org_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    unit = access_org_unit(request.user, code, for_write=True)
    form = OrgUnitForm(request.POST or None, initial=OrgUnitForm.initial_for(unit))
    if form.is_valid():
        try:
            if form.has_changed():
                changes = {name: form.cleaned_data[name] for name in form.changed_data}
                unit = org_unit_update(actor=request.user, unit=unit, **changes)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": unit.name})
            return redirect("portal:org_detail", code=unit.code)
    return render(request, "portal/org_form.html", {"form": form, "parent": unit.parent, "unit": unit})


def move_target(user: User, code: str) -> OrgUnit | None:
    """The new parent named by its code, if the user may add units under it; else a form error."""
    try:
        parent = access_org_unit(user, code) if code else None
        require_org_write(user, parent)
    except Http404:
        raise ValidationError(
            {"parent_code": _("No organisation you can see has the code %(code)s.") % {"code": code}}
        ) from None
    except PermissionDenied:
        message = (
            _("You may not place organisations there.")
            if code
            else _("Only a system administrator can make a top-level organisation.")
        )
        raise ValidationError({"parent_code": message}) from None
    return parent


@login_required
def org_move(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    unit = access_org_unit(request.user, code, for_write=True)
    form = OrgMoveForm(request.POST or None, initial={"parent_code": unit.parent.code if unit.parent else ""})
    if form.is_valid():
        try:
            new_parent = move_target(request.user, form.cleaned_data["parent_code"].strip())
            unit = org_unit_move(actor=request.user, unit=unit, new_parent=new_parent)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("%(name)s was moved.") % {"name": unit.name})
            return redirect("portal:org_detail", code=unit.code)
    return render(request, "portal/org_move.html", {"form": form, "unit": unit})


@login_required
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not scope.can_audit:
        raise Http404
    paths = None if scope.is_admin else list(scope.audit_paths)
    types = selectors.audit_entries(paths=paths).order_by("object_type").values_list("object_type", flat=True)
    form = AuditFilterForm(request.GET, object_types=[(t, object_type_label(t)) for t in types.distinct()])
    table = AuditTable(selectors.audit_entries(paths=paths, **form.filters()))
    RequestConfig(request, paginate={"per_page": AUDIT_PAGE_SIZE}).configure(table)
    return render(request, "portal/audit_list.html", {"form": form, "table": table})
