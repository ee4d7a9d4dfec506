"""Forms of the org-tree pages. They parse input only; the services validate and write."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from shanhai.core.form_base import DateInput, ServiceForm
from shanhai.core.models import AuditAction, HospitalGrade, OrgUnit, OrgUnitKind


class OrgUnitForm(ServiceForm):
    code = forms.CharField(label=_("Code"), max_length=32, help_text=_("Regions use their six-digit GB/T 2260 code."))
    name = forms.CharField(label=_("Name"), max_length=120)
    short_name = forms.CharField(label=_("Short name"), max_length=60, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrgUnitKind.choices)
    grade = forms.ModelChoiceField(
        label=_("Hospital grade"), queryset=HospitalGrade.objects.all(), required=False, empty_label=_("Not given")
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DateInput())
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DateInput())

    @classmethod
    def initial_for(cls, unit: OrgUnit) -> dict[str, Any]:
        return {name: getattr(unit, name) for name in cls.base_fields}


class OrgMoveForm(ServiceForm):
    parent_code = forms.CharField(
        label=_("Code of the new parent"),
        max_length=32,
        required=False,
        help_text=_("Leave empty to make it a top-level unit (system administrators only)."),
    )


class AuditFilterForm(forms.Form):
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AuditAction.choices]
    )
    actor = forms.CharField(label=_("User name"), required=False, max_length=150)

    def __init__(self, *args: Any, object_types: list[tuple[str, str]], **kwargs: Any) -> None:
        """``object_types``: (value, label) of the types present in the user's audit trail."""
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["object_type"])
        field.choices = [("", _("All object types")), *object_types]

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {name: self.cleaned_data[name] for name in ("object_type", "action", "actor")}
