"""Forms of the programme and partnership pages: they parse input; the services validate and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.analytics.registry import registry
from shanhai.core.form_base import DateInput, ServiceForm
from shanhai.core.models import Department, OrgUnit, OrgUnitKind
from shanhai.core.selectors import in_subtrees
from shanhai.partnerships.access import visible_org_units
from shanhai.partnerships.models import Level, Mode, Partnership, Programme
from shanhai.partnerships.selectors import programme_list


def institutions(units: QuerySet[OrgUnit]) -> QuerySet[OrgUnit]:
    return units.exclude(kind__in=OrgUnitKind.region_kinds()).order_by("path")


class ProgrammeForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    short_name = forms.CharField(label=_("Short name"), max_length=60, required=False)
    owner = forms.ModelChoiceField(
        label=_("Programme office"), queryset=OrgUnit.objects.none(), empty_label=_("Choose the owning unit")
    )
    started_on = forms.DateField(label=_("Start date"), widget=DateInput())
    ended_on = forms.DateField(label=_("End date"), required=False, widget=DateInput())
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        owners = (
            OrgUnit.objects.all()
            if scope.is_admin
            else OrgUnit.objects.filter(in_subtrees(list(scope.partnership_paths)))
        )
        self.fields["owner"].queryset = owners.order_by("path")  # type: ignore[attr-defined]

    @staticmethod
    def initial_from(programme: Programme) -> dict[str, Any]:
        return {name: getattr(programme, name) for name in ProgrammeForm.base_fields}


class PartnershipForm(ServiceForm):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False, empty_label=_("No programme")
    )
    supporter = forms.ModelChoiceField(
        label=_("Supporter"), queryset=OrgUnit.objects.none(), empty_label=_("Choose the supporting organisation")
    )
    recipient = forms.ModelChoiceField(
        label=_("Recipient"), queryset=OrgUnit.objects.none(), empty_label=_("Choose the receiving organisation")
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, initial=Level.INSTITUTION)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("sort_order", "code"),
        required=False,
        empty_label=_("None"),
        help_text=_("Required when one hospital takes a department (以院包科)."),
    )
    started_on = forms.DateField(label=_("Start date"), widget=DateInput())
    ended_on = forms.DateField(label=_("End date"), required=False, widget=DateInput())
    baseline_start = forms.DateField(label=_("Baseline from"), required=False, widget=DateInput())
    baseline_end = forms.DateField(label=_("Baseline to"), required=False, widget=DateInput())
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = institutions(visible_org_units(user))
        self.fields["programme"].queryset = programme_list(user)  # type: ignore[attr-defined]
        self.fields["supporter"].queryset = units  # type: ignore[attr-defined]
        self.fields["recipient"].queryset = units  # type: ignore[attr-defined]

    @staticmethod
    def initial_from(partnership: Partnership) -> dict[str, Any]:
        return {name: getattr(partnership, name) for name in PartnershipForm.base_fields}


class AgreementForm(ServiceForm):
    title = forms.CharField(label=_("Title"), max_length=160)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    document = forms.FileField(
        label=_("Document"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.doc,.docx,.jpg,.jpeg,.png"}),
        help_text=_("PDF, Word document or image."),
    )


class TargetForm(ServiceForm):
    indicator = forms.ChoiceField(label=_("Indicator"))
    value = forms.FloatField(label=_("Target value"))
    due_on = forms.DateField(label=_("Due date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [  # type: ignore[attr-defined]
            (code, indicator.name()) for code, indicator in sorted(registry.indicators.items())
        ]
