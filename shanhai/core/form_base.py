"""Form building blocks every app's pages share: service errors on the form, date inputs, the period picker."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shanhai.core.periods import Period, parse_period


class DateInput(forms.DateInput):
    """The browser's date picker, with ISO dates so it shows the stored value."""

    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class ServiceForm(forms.Form):
    """A form whose data goes to a service: the service's ValidationError lands on the form."""

    def add_service_errors(self, error: ValidationError) -> None:
        """Field errors go on their field; errors about the whole record, or a field the form lacks, above it."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


class PeriodForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        required=False,
        max_length=40,
        help_text=_("202305 (month), 2023Q2 (quarter), 2023 (year), 2021Oct (MCH year) or 202001..202305 (range)"),
    )

    def clean_period(self) -> Period | None:
        code = self.cleaned_data["period"].strip()
        return parse_period(code) if code else None

    def chosen(self, default: Period) -> Period:
        """The valid period asked for, else ``default`` (an invalid one keeps its error on the form)."""
        if self.is_valid() and self.cleaned_data["period"] is not None:
            return self.cleaned_data["period"]
        return default
