"""Forms of the people pages: they parse input; the services validate and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.core.form_base import ServiceForm
from shanhai.core.models import Department, OrgUnit, OrgUnitKind, ProfessionalTitle
from shanhai.core.selectors import in_subtrees
from shanhai.workforce.models import Gender, Person


class PersonForm(ServiceForm):
    """Create or edit a person. Editing never shows the stored phone number: an empty field keeps it."""

    name = forms.CharField(label=_("Full name"), max_length=40)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=OrgUnit.objects.none(), empty_label=_("Choose an institution")
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("sort_order", "code"),
        required=False,
        empty_label=_("Not given"),
    )
    title = forms.ModelChoiceField(
        label=_("Professional title"),
        queryset=ProfessionalTitle.objects.order_by("sort_order", "code"),
        required=False,
        empty_label=_("Not given"),
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    clear_phone = forms.BooleanField(label=_("Remove the phone number"), required=False)

    def __init__(self, user: User, *args: Any, person: Person | None = None, **kwargs: Any) -> None:
        if person is not None:
            kwargs["initial"] = {
                name: getattr(person, name) for name in ("name", "gender", "institution", "department", "title")
            }
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        units = (
            OrgUnit.objects.all() if scope.is_admin else OrgUnit.objects.filter(in_subtrees(list(scope.write_paths)))
        )
        self.fields["institution"].queryset = (  # type: ignore[attr-defined]
            units.exclude(kind__in=OrgUnitKind.region_kinds()).order_by("path")
        )
        if person is None:
            del self.fields["clear_phone"]
        elif person.phone:
            self.fields["phone"].help_text = _(
                "Now %(masked)s. Leave empty to keep it; type a new number to replace it."
            ) % {"masked": person.masked_phone}

    def clean_phone(self) -> str:
        return self.cleaned_data["phone"].replace(" ", "")

    def changes(self) -> dict[str, Any]:
        """The fields to update: the changed ones, the phone only if a new one was typed or removal asked."""
        changed = {name: self.cleaned_data[name] for name in self.changed_data if name not in {"phone", "clear_phone"}}
        if self.cleaned_data["phone"]:
            changed["phone"] = self.cleaned_data["phone"]
        elif self.cleaned_data.get("clear_phone"):
            changed["phone"] = ""
        return changed
