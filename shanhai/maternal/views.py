"""The MCH pages beyond the generic record pages: home, worklist, finding a woman by ID number, the
grading page and the 专案 and referral actions. Thin: parse, access, call one service or selector, render.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shanhai.accounts.models import User
from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.accounts.scoping import scope_of
from shanhai.analytics.registry import registry
from shanhai.core.form_base import ServiceForm
from shanhai.maternal import selectors, services, worklist_reveal
from shanhai.maternal.access import access_case, access_pregnancy, access_referral
from shanhai.maternal.forms import (
    AssessmentForm,
    CaseAssignForm,
    CaseCloseForm,
    CaseReportForm,
    DuplicateReviewCloseForm,
    FindWomanForm,
    WorklistFilterForm,
    may_grade,
)
from shanhai.maternal.models import AssessmentKind, CaseStatus, Colour, Pregnancy, Referral, ReferralStatus, RiskCase
from shanhai.maternal.rules import catalogue_for, factors_against_facts
from shanhai.partnerships.access import access_org_unit
from shanhai.records.access import require_record_write
from shanhai.records.forms import RevealForm
from shanhai.records.kinds import kind_of

MCH_KINDS = (
    "women",
    "pregnancies",
    "risk-assessments",
    "risk-cases",
    "referrals",
    "antenatal-visits",
    "deliveries",
    "maternal-deaths",
    "postpartum-visits",
    "children",
    "child-checks",
)
MCH_INDICATORS = (
    "mch.early_registration_rate",
    "mch.system_management_rate",
    "mch.high_risk_management_rate",
    "mch.postpartum_visit_rate",
    "mch.maternal_mortality",
    "mch.infant_mortality",
)


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Counts for the user's scope, with links to the worklist, the lists and the MCH indicators."""
    context = {
        "overview": selectors.mch_overview(request.user),
        "kinds": [kind_of(slug) for slug in MCH_KINDS],
        "indicators": [registry.get(code) for code in MCH_INDICATORS],
        "can_create": scope_of(request.user).can_write_anything,
        "may_review_duplicates": selectors.may_review_duplicates(request.user),
    }
    return render(request, "maternal/home.html", context)


#: Items shown per section on the whole worklist, and per page of one section (``?section=``).
WORKLIST_SHOWN_PER_SECTION = 25
WORKLIST_PAGE_SIZE = 100


def _page_number(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


@login_required
@require_GET
def worklist(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Due and overdue work for the user's scope; printable."""
    form = WorklistFilterForm(request.GET or None, user=request.user)
    chosen = form.chosen()
    unit = access_org_unit(request.user, chosen["unit"]) if chosen["unit"] else None
    # Every section is counted whole; its first items are shown, and one section is shown page by page.
    limit = WORKLIST_PAGE_SIZE if chosen["section"] else WORKLIST_SHOWN_PER_SECTION
    page = _page_number(request.GET.get("page")) if chosen["section"] else 1
    work = selectors.worklist(
        request.user,
        unit=unit,
        section=chosen["section"],
        colour=chosen["colour"],
        limit=limit,
        offset=(page - 1) * limit,
    )
    work = worklist_reveal.worklist_reveal(work, actor=request.user, session=request.session)
    filters = {name: value for name, value in chosen.items() if value and name != "section"}
    for section in work.sections:
        pages = max(1, -(-section.count // limit))
        section.links = {
            "all": "?" + urlencode({**filters, "section": section.code}),
            "page": page,
            "pages": pages,
            "previous": "?" + urlencode({**filters, "section": section.code, "page": page - 1}) if page > 1 else "",
            "next": "?" + urlencode({**filters, "section": section.code, "page": page + 1}) if page < pages else "",
        }
    context = {
        "form": form,
        "worklist": work,
        "unit": unit,
        "one_section": bool(chosen["section"]),
        "revealing": worklist_reveal.session_active(request.session),
        "reveal_form": RevealForm() if worklist_reveal.may_start(request.user) else None,
    }
    return render(request, "maternal/worklist.html", context)


@login_required
@require_POST
def worklist_reveal_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Names and phones in clear on the worklist for this work session, for one reason: 403 without the
    permission anywhere (audited); the reason's error as a message."""
    form = RevealForm(request.POST)
    form.is_valid()
    try:
        worklist_reveal.session_start(request.session, actor=request.user, reason=form.cleaned_data.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("maternal:worklist")


@login_required
@require_POST
def worklist_reveal_stop(request: AuthenticatedHttpRequest) -> HttpResponse:
    worklist_reveal.session_stop(request.session)
    return redirect("maternal:worklist")


@login_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("id_number")
@sensitive_variables("form")
def woman_find(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find a woman by ID number among those the user sees: her page, or one message for "not there"
    and "not yours" alike (existence does not leak)."""
    form, problem = FindWomanForm(request.POST or None), ""
    if request.method == "POST":
        if form.is_valid():
            woman = selectors.find_woman(request.user, form.cleaned_data["id_number"])
            if woman is not None:
                return redirect("records:detail", kind="women", public_id=woman.public_id)
            problem = _("No woman with this ID number among the records you can see.")
        else:
            problem = " ".join(str(error) for error in form.errors.get("id_number", []))
        form = FindWomanForm()  # the page never shows the number typed
    return render(request, "maternal/woman_find.html", {"form": form, "problem": problem})


# --- the grading page ---------------------------------------------------------------------------------------------
def _pregnancy_to_assess(user: User, public_id: uuid.UUID) -> Pregnancy:
    """404 outside the user's sight; 403 unless the user may record assessments at some institution
    (the receiving hospital of a referral grades a woman whose file another institution keeps)."""
    pregnancy = access_pregnancy(user, public_id)
    if not selectors.grading_institutions(user).exists():
        raise PermissionDenied
    return pregnancy


def _assessment_form(request: AuthenticatedHttpRequest, pregnancy: Pregnancy, kind: str) -> tuple[AssessmentForm, bool]:
    institutions = selectors.grading_institutions(request.user)
    grading_allowed = may_grade(institutions)
    if kind == AssessmentKind.GRADING and not grading_allowed and request.method == "GET":
        kind = AssessmentKind.SCREENING
    initial: dict[str, Any] = {"kind": kind, "assessor_name": request.user.full_name}
    if institutions.filter(pk=pregnancy.registered_at_id).exists():
        initial["institution"] = pregnancy.registered_at_id
    data = request.POST if request.method == "POST" else None
    form = AssessmentForm(
        data, initial=initial, institutions=institutions, catalogue=catalogue_for(pregnancy.registered_at)
    )
    return form, grading_allowed


@login_required
@require_http_methods(["GET", "POST"])
def assessment_create(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Screening or grading: tick the catalogue's items; htmx shows the colour they give; confirm it."""
    pregnancy = _pregnancy_to_assess(request.user, public_id)
    kind = request.POST.get("kind") or request.GET.get("kind") or AssessmentKind.SCREENING
    form, grading_allowed = _assessment_form(request, pregnancy, kind)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            require_record_write(kind_of("risk-assessments"), request.user, {"pregnancy": pregnancy, **values})
            services.assessment_create(actor=request.user, pregnancy=pregnancy, **values)
        except PermissionDenied:
            form.add_error("institution", _("You may only record this for organisations where you may write."))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The assessment is recorded."))
            return redirect("records:detail", kind="pregnancies", public_id=pregnancy.public_id)
    context = _grading_context(pregnancy, form, grading_allowed)
    return render(request, "maternal/assessment_form.html", context, status=400 if form.errors else 200)


def _grading_context(pregnancy: Pregnancy, form: AssessmentForm, grading_allowed: bool) -> dict[str, Any]:
    catalogue = catalogue_for(pregnancy.registered_at)
    kind = form.data.get("kind") if form.is_bound else form.initial.get("kind")
    ticked = form.data.getlist("factor_codes") if form.is_bound else []  # type: ignore[attr-defined]
    result = selectors.grading_result(catalogue, kind or "", ticked)
    return {
        "pregnancy": pregnancy,
        "form": form,
        "kind": kind,
        "grading_allowed": grading_allowed,
        # 基层 institutions screen and assess women postpartum; grading is for level-2+ hospitals (35号 §1.1).
        "kinds": [(k.value, k.label) for k in AssessmentKind if grading_allowed or k != AssessmentKind.GRADING],
        "factor_groups": selectors.factor_groups(catalogue),
        "screening_groups": selectors.screening_groups(catalogue),
        "ticked": set(ticked),
        "result": result,
        # What the user chose stays chosen after an error; otherwise the colour the ticked factors give.
        "chosen_colour": (form.data.get("confirmed_colour") if form.is_bound else "") or result.colour,
        "colours": Colour.choices,
        "against_facts": _against_facts(pregnancy, form.data.get("assessed_on"), ticked),
        "pregnancy_url": reverse("records:detail", kwargs={"kind": "pregnancies", "public_id": pregnancy.public_id}),
    }


@login_required
@require_POST
def assessment_grade(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """htmx: the colour (or the screening result) the ticked items give, computed by ``risk.grade``."""
    pregnancy = _pregnancy_to_assess(request.user, public_id)
    catalogue = catalogue_for(pregnancy.registered_at)
    ticked = request.POST.getlist("factor_codes")
    result = selectors.grading_result(catalogue, request.POST.get("kind", ""), ticked)
    context = {
        "result": result,
        "chosen_colour": result.colour,
        "colours": Colour.choices,
        "against_facts": _against_facts(pregnancy, request.POST.get("assessed_on"), ticked),
        "swap_out_of_band": True,
    }
    return render(request, "maternal/assessment_form.html#graded", context)


def _against_facts(pregnancy: Pregnancy, assessed_on: Any, ticked: list[str]) -> dict[str, str]:
    """The ticked factors that contradict her recorded date of birth on the date typed (none while it is unreadable)."""
    try:
        day = forms.DateField().clean(assessed_on)
    except ValidationError:
        return {}
    catalogue = catalogue_for(pregnancy.registered_at)
    wrong = factors_against_facts(pregnancy.woman.birth_date, day, ticked)
    return {code: catalogue.wording(code) for code in wrong}


# --- 专案 and referral actions ---------------------------------------------------------------------------------------
def _back(case_or_referral: RiskCase | Referral) -> HttpResponse:
    return redirect("records:detail", kind="pregnancies", public_id=case_or_referral.pregnancy.public_id)


def _case_action(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID, form_class: type[ServiceForm], done: str
) -> HttpResponse:
    case: RiskCase = access_case(request.user, public_id, for_write=True)
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back(case)
    changes = dict(form.cleaned_data)
    if form_class is CaseCloseForm:
        changes["status"] = CaseStatus.CLOSED
    try:
        services.case_update(actor=request.user, record=case, **changes)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, done)
    return _back(case)


@login_required
@require_POST
def case_assign(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _case_action(request, public_id, CaseAssignForm, _("The case manager is saved."))


@login_required
@require_POST
def case_report(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _case_action(request, public_id, CaseReportForm, _("The report is recorded."))


@login_required
@require_POST
def case_close(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _case_action(request, public_id, CaseCloseForm, _("The case is closed."))


@login_required
@require_POST
def referral_move(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Move a referral to one of its allowed next states (the service refuses the others)."""
    referral = access_referral(request.user, public_id, for_write=True)
    status = request.POST.get("status", "")
    try:
        if status not in ReferralStatus.values:
            raise ValidationError(_("Choose one of the next states shown."))
        services.referral_move(actor=request.user, record=referral, status=status)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The referral is updated."))
    return _back(referral)


# --- the reviewers' queue of ID numbers registered again ----------------------------------------------------------
@login_required
@require_GET
def duplicate_reviews(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Attempts to register an ID number on file at an institution the user may reveal at (admins: all)."""
    if not selectors.may_review_duplicates(request.user):
        raise PermissionDenied
    reviews = selectors.duplicate_reviews(request.user)[:200]
    return render(request, "maternal/duplicate_reviews.html", {"reviews": reviews, "form": DuplicateReviewCloseForm()})


@login_required
@require_POST
def duplicate_review_close(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    review = selectors.access_duplicate_review(request.user, public_id)
    form = DuplicateReviewCloseForm(request.POST)
    form.is_valid()
    try:
        services.duplicate_review_close(actor=request.user, review=review, note=form.cleaned_data.get("note", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The attempt is marked reviewed."))
    return redirect("maternal:duplicate_reviews")
