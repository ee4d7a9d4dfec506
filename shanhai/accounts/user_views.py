"""The user pages: system administrators, programme offices and institution administrators manage the users of
their subtrees (``accounts.access``); everyone else gets 404. Thin: parse, access, call one service, render."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shanhai.accounts import selectors, services
from shanhai.accounts.access import access_membership, access_user, grantable_roles, manageable_units
from shanhai.accounts.forms import CodeForm, MembershipForm, PasswordSetForm, UserCreateForm, UserFilterForm
from shanhai.accounts.models import User
from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.accounts.scoping import scope_of
from shanhai.accounts.second_factor import confirmed_authenticator, recovery_codes_regenerate


def require_manager(actor: User) -> None:
    if not scope_of(actor).can_manage_users:
        raise Http404


def membership_form(actor: User, data: Any = None) -> MembershipForm:
    return MembershipForm(data, units=manageable_units(actor), roles=grantable_roles(actor))


@login_required
def user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_manager(request.user)
    form = UserFilterForm(request.GET, units=manageable_units(request.user))
    users = selectors.user_list(request.user, **form.filters())
    return render(request, "accounts/user_list.html", {"form": form, "users": users})


@login_required
def user_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_manager(request.user)
    form = UserCreateForm(
        request.POST or None, units=manageable_units(request.user), roles=grantable_roles(request.user)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                user = services.user_create(
                    actor=request.user,
                    username=data["username"],
                    password=data["password1"],
                    full_name=data["full_name"],
                )
                services.membership_grant(
                    actor=request.user,
                    user=user,
                    org_unit=data["org_unit"],
                    role=data["role"],
                    reveals_personal=data["reveals_personal"],
                )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The user %(name)s was created.") % {"name": user.username})
            return redirect("accounts:user_detail", public_id=user.public_id)
    return render(request, "accounts/user_create.html", {"form": form})


def render_detail(request: AuthenticatedHttpRequest, user: User, **forms: Any) -> HttpResponse:
    context = {
        "person": selectors.user_detail(user),
        "membership_form": forms.get("membership_form") or membership_form(request.user),
        "password_form": forms.get("password_form") or PasswordSetForm(),
        "is_self": user.pk == request.user.pk,
    }
    return render(request, "accounts/user_detail.html", context)


@login_required
def user_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    return render_detail(request, access_user(request.user, public_id))


@login_required
@require_POST
def user_membership_grant(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    user = access_user(request.user, public_id)
    form = membership_form(request.user, request.POST)
    if form.is_valid():
        try:
            services.membership_grant(actor=request.user, user=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The membership was saved."))
            return redirect("accounts:user_detail", public_id=user.public_id)
    return render_detail(request, user, membership_form=form)


@login_required
@require_POST
def user_membership_revoke(request: AuthenticatedHttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    user = access_user(request.user, public_id)
    membership = access_membership(request.user, user, pk)
    try:
        services.membership_revoke(actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The membership was revoked."))
    return redirect("accounts:user_detail", public_id=user.public_id)


@login_required
@require_POST
def user_membership_reveal(request: AuthenticatedHttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    user = access_user(request.user, public_id)
    membership = access_membership(request.user, user, pk)
    reveals = request.POST.get("reveals_personal") == "on"
    try:
        services.membership_set_reveals_personal(actor=request.user, membership=membership, reveals_personal=reveals)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The membership was saved."))
    return redirect("accounts:user_detail", public_id=user.public_id)


@login_required
@require_POST
def user_set_active(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    user = access_user(request.user, public_id)
    is_active = request.POST.get("is_active") == "on"
    try:
        services.user_set_active(actor=request.user, user=user, is_active=is_active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The account is active.") if is_active else _("The account was deactivated."))
    return redirect("accounts:user_detail", public_id=user.public_id)


@login_required
@require_POST
def user_password_set(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    user = access_user(request.user, public_id)
    form = PasswordSetForm(request.POST)
    if form.is_valid():
        try:
            user = services.user_set_password(actor=request.user, user=user, password=form.cleaned_data["password1"])
            if user.pk == request.user.pk:
                update_session_auth_hash(request, user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The password was changed: give it to the user in person."))
            return redirect("accounts:user_detail", public_id=user.public_id)
    return render_detail(request, user, password_form=form)


@login_required
@require_POST
def user_second_factor_reset(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    user = access_user(request.user, public_id)
    try:
        services.second_factor_reset(actor=request.user, user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The second factor was reset: the user sets it up again at the next sign-in."))
    return redirect("accounts:user_detail", public_id=user.public_id)


@login_required
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """New recovery codes for oneself, confirmed by a code of one's authenticator; shown once."""
    if confirmed_authenticator(request.user) is None:
        return redirect("accounts:second_factor_enrol")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        codes = recovery_codes_regenerate(actor=request.user, code=form.cleaned_data["code"])
        if codes is not None:
            return render(
                request, "accounts/recovery_codes.html", {"codes": codes, "next": settings.LOGIN_REDIRECT_URL}
            )
        form.add_error("code", _("This code is wrong: check the time on your phone and try the next one."))
    return render(request, "accounts/recovery_codes_regenerate.html", {"form": form})


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in user's own page: name, memberships, second factor, and links to what they manage themselves."""
    return render(request, "accounts/profile.html", {"profile": selectors.own_profile(request.user)})
