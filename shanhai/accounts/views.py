"""Login, logout and password change: Django's views with our templates; django-axes guards the login."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import FormView
from django_otp import user_has_device

from shanhai.accounts.forms import CodeForm, LoginForm
from shanhai.accounts.models import User
from shanhai.accounts.second_factor import (
    PENDING_SESSION_KEY,
    enrolment_device,
    qr_code_data_url,
    requires_second_factor,
    second_factor_enrol,
    second_factor_verify,
    secret_of,
    session_is_verified,
)
from shanhai.accounts.services import user_set_password
from shanhai.core import limits


class LoginView(auth_views.LoginView):
    """The password step; a user with a second factor (or who must enrol one) goes on to the code page."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Sign-in attempts count per client address (``core.limits``, ``sign_in``), before the password is
        checked; django-axes also locks an account after repeated failures."""
        limits.count("sign_in", f"address:{limits.client_address(request)}")  # beyond it: the 429 page
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        if requires_second_factor(cast(User, form.get_user())):
            self.request.session[PENDING_SESSION_KEY] = True
            query = urlencode({"next": self.get_success_url()})
            return HttpResponseRedirect(f"{reverse('accounts:second_factor')}?{query}")
        return response


class LogoutView(auth_views.LogoutView):
    """POST only (Django refuses GET): a link cannot log anyone out."""

    http_method_names = ["post", "options"]


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's form (old password, new one twice, the validators); the change goes through
    ``user_set_password`` (audited) and keeps this session signed in."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("portal:home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        user = user_set_password(actor=form.user, user=form.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password has been changed."))
        return HttpResponseRedirect(str(self.success_url))


class SecondFactorView(auth_views.RedirectURLMixin, FormView[CodeForm]):
    """The second step of a sign-in: a code from the authenticator app or a recovery code."""

    template_name = "accounts/second_factor.html"
    form_class = CodeForm
    next_page = settings.LOGIN_REDIRECT_URL

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if session_is_verified(request):
            return HttpResponseRedirect(self.get_success_url())
        if not user_has_device(request.user, confirmed=True):
            return redirect(f"{reverse('accounts:second_factor_enrol')}?{request.GET.urlencode()}")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: CodeForm) -> HttpResponse:
        user = cast(User, self.request.user)
        if not second_factor_verify(request=self.request, user=user, code=form.cleaned_data["code"]):
            form.add_error("code", _("This code is wrong or was already used."))
            return self.form_invalid(form)
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(next=self.get_redirect_url(), **kwargs)


class SecondFactorEnrolView(auth_views.RedirectURLMixin, FormView[CodeForm]):
    """Enrol an authenticator app: its key as text and QR code, one code to confirm it, then the recovery codes
    shown once. Required at first sign-in for those who need a second factor; anyone may enrol."""

    template_name = "accounts/second_factor_enrol.html"
    form_class = CodeForm
    next_page = settings.LOGIN_REDIRECT_URL

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user_has_device(request.user, confirmed=True):
            messages.info(request, _("Two-factor sign-in is already on for your account."))
            return redirect("accounts:recovery_codes")
        self.device = enrolment_device(cast(User, request.user))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: CodeForm) -> HttpResponse:
        user = cast(User, self.request.user)
        codes = second_factor_enrol(request=self.request, user=user, device=self.device, code=form.cleaned_data["code"])
        if codes is None:
            form.add_error("code", _("This code is wrong: check the time on your phone and try the next one."))
            return self.form_invalid(form)
        return render(
            self.request,
            "accounts/recovery_codes.html",
            {"codes": codes, "next": self.get_success_url()},
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            secret=secret_of(self.device),
            qr_code=qr_code_data_url(self.device),
            next=self.get_redirect_url(),
            **kwargs,
        )
