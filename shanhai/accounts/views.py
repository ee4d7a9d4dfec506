"""Login, logout and password change: Django's views with our templates; django-axes guards the login."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from shanhai.accounts.forms import LoginForm
from shanhai.accounts.services import user_set_password


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


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
