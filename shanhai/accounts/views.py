"""Login and logout: Django's views with our templates; django-axes guards the login."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from shanhai.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django refuses GET): a link cannot log anyone out."""

    http_method_names = ["post", "options"]
