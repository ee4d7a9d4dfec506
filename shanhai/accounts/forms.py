"""Forms of the login pages and of the user pages."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from shanhai.accounts.models import Role
from shanhai.core.form_base import ServiceForm
from shanhai.core.models import OrgUnit


class LoginForm(AuthenticationForm):
    """Django's login form with our wording; django-axes counts its failures per user name."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The user name or password is wrong. After %(limit)s failed attempts the account is locked "
            "for %(minutes)s minutes."
        ),
    }

    def get_invalid_login_error(self) -> ValidationError:
        return ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={
                "limit": settings.AXES_FAILURE_LIMIT,
                "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            },
        )


class CodeForm(forms.Form):
    """A one-time code: six digits from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("One-time code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )


class UserFilterForm(forms.Form):
    """The filter bar of the user list: a membership at a unit (its subtree), a role, a name."""

    org_unit = forms.ModelChoiceField(
        label=_("Organisation"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("All organisations")
    )
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices])
    search = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or user name")}),
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField[OrgUnit], self.fields["org_unit"]).queryset = units

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {name: self.cleaned_data[name] for name in ("org_unit", "role", "search")}


class MembershipForm(ServiceForm):
    """A role at a unit: the units and roles offered are those the manager may grant (the service checks again)."""

    org_unit = forms.ModelChoiceField(
        label=_("Organisation"), queryset=OrgUnit.objects.none(), empty_label=_("Choose an organisation")
    )
    role = forms.ChoiceField(label=_("Role"))
    reveals_personal = forms.BooleanField(
        label=_("May reveal personal data"),
        required=False,
        help_text=_("Names, ID numbers and phones in clear within this organisation, with a reason each time."),
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField[OrgUnit], self.fields["org_unit"]).queryset = units
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            ("", _("Choose a role")),
            *[(value, label) for value, label in Role.choices if value in roles],
        ]


class NewPasswordForm(ServiceForm):
    """A new password typed twice; the service runs the password validators (its errors land on the first)."""

    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not a common password, not only digits, not like the user name."),
    )
    password2 = forms.CharField(
        label=_("New password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned

    def add_service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict") and "password" in error.error_dict:
            self.add_error("password1", error.error_dict.pop("password"))
            if not error.error_dict:
                return
        super().add_service_errors(error)


class PasswordSetForm(NewPasswordForm):
    """The password an administrator sets for a user."""


class UserCreateForm(NewPasswordForm, MembershipForm):
    """A new user with a first password and a first membership."""

    username = forms.CharField(label=_("User name"), max_length=150, validators=[UnicodeUsernameValidator()])
    full_name = forms.CharField(label=_("Full name"), max_length=60, required=False)
    field_order = ["username", "full_name", "password1", "password2", "org_unit", "role", "reveals_personal"]
