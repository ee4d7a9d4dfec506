"""Forms of the MCH pages: finding a woman by ID number, the grading page, 专案 and referral actions,
the worklist's filters. Services validate what matters; these only read the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shanhai.accounts.models import User
from shanhai.core import clock
from shanhai.core.form_base import DateInput, ServiceForm
from shanhai.maternal import risk
from shanhai.maternal.identity import normalise_id_number
from shanhai.maternal.models import AssessmentKind, Colour
from shanhai.maternal.rules import can_grade
from shanhai.maternal.selectors import PURPLE, SECTION_TITLES, worklist_units


class FindWomanForm(forms.Form):
    """Sent by POST: an ID number never goes into a URL."""

    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "size": 20}),
    )

    def clean_id_number(self) -> str:
        return normalise_id_number(self.cleaned_data["id_number"])


class AssessmentForm(ServiceForm):
    """A screening or a grading: the catalogue's items as checkboxes, the computed colour confirmed by the assessor."""

    kind = forms.ChoiceField(choices=AssessmentKind.choices, widget=forms.HiddenInput)
    assessed_on = forms.DateField(label=_("Date"), widget=DateInput())
    institution: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Institution"), queryset=None, empty_label=None
    )
    factor_codes = forms.MultipleChoiceField(
        label=_("Factors found"), required=False, widget=forms.CheckboxSelectMultiple
    )
    confirmed_colour = forms.ChoiceField(
        label=_("Confirm the colour"),
        required=False,
        choices=Colour.choices,
        widget=forms.RadioSelect,
        help_text=_("The colour the ticked factors give; the assessor confirms it."),
    )
    assessor_name = forms.CharField(label=_("Assessor"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, institutions: Any, catalogue: risk.RiskCatalogue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]
        codes = [f.code for f in catalogue.factors] + [i.code for i in catalogue.screening_items]
        self.fields["factor_codes"].choices = [(code, code) for code in codes]  # type: ignore[attr-defined]
        if not self.initial.get("assessed_on"):
            self.initial["assessed_on"] = clock.today()

    def values(self) -> dict[str, Any]:
        return {
            "kind": self.cleaned_data["kind"],
            "assessed_on": self.cleaned_data["assessed_on"],
            "institution": self.cleaned_data["institution"],
            "factor_codes": self.cleaned_data["factor_codes"],
            "confirmed_colour": self.cleaned_data["confirmed_colour"],
            "assessor_name": self.cleaned_data["assessor_name"],
            "note": self.cleaned_data["note"],
        }


def may_grade(institutions: Any) -> bool:
    """Grading is for level-2+ institutions with midwifery services (35号); others only screen."""
    return any(can_grade(unit) for unit in institutions)


class CaseAssignForm(ServiceForm):
    responsible_name = forms.CharField(label=_("Responsible person"), max_length=60)


class CaseReportForm(ServiceForm):
    reported_at = forms.DateTimeField(
        label=_("Reported at"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class CaseCloseForm(ServiceForm):
    close_note = forms.CharField(label=_("Closing note"), max_length=200)
    closed_at = forms.DateTimeField(
        label=_("Closed at"),
        required=False,
        help_text=_("When the case was closed, if not now (a case entered afterwards)."),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class DuplicateReviewCloseForm(ServiceForm):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class WorklistFilterForm(forms.Form):
    unit = forms.ChoiceField(label=_("Organisation"), required=False)
    section = forms.ChoiceField(label=_("Item"), required=False)
    colour = forms.ChoiceField(label=_("Colour"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = list(worklist_units(user).values_list("code", "name", "level"))
        top = min((level for _code, _name, level in units), default=1)
        self.fields["unit"].choices = [("", _("Everything I see"))] + [  # type: ignore[attr-defined]
            (code, "\u3000" * (level - top) + name) for code, name, level in units
        ]
        self.fields["section"].choices = [("", _("All items")), *SECTION_TITLES.items()]  # type: ignore[attr-defined]
        self.fields["colour"].choices = [  # type: ignore[attr-defined]
            ("", _("Any colour")),
            *Colour.choices,
            (PURPLE, _("Purple (infectious disease)")),
        ]

    def chosen(self) -> dict[str, str]:
        if not self.is_valid():
            return {"unit": "", "section": "", "colour": ""}
        return {name: self.cleaned_data.get(name) or "" for name in ("unit", "section", "colour")}
