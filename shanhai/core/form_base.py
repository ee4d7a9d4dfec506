"""Form building blocks every app's pages share: service errors on the form, date inputs, the period picker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from shanhai.core.periods import Period, parse_period


class DateInput(forms.DateInput):
    """The browser's date picker, with ISO dates so it shows the stored value."""

    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _attrs_html(attrs: dict[str, Any]) -> SafeString:
    """A widget's attributes as ``django/forms/widgets/attrs.html`` writes them."""
    parts: list[str] = []
    for name, value in attrs.items():
        if value is True:
            parts.append(format_html(" {}", name))
        elif value is not False:
            parts.append(format_html(' {}="{}"', name, str(value)))
    return mark_safe("".join(parts))  # noqa: S308  # every part is escaped by format_html


class LongSelect(forms.Select):
    """A select of hundreds of options (e.g. every person a user may name): the HTML of Django's select templates,
    written here instead of by a template include per option, which took 0.2 s for 600 people."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [format_html('<select name="{}"{}>', widget["name"], _attrs_html(widget["attrs"]))]
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in group_choices:
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',
                        str(option["value"]),
                        _attrs_html(option["attrs"]),
                        option["label"],
                    )
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308  # every part above is escaped by format_html


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
    """``?period=`` (a code, or a period as people type it: ``2020-2023``, ``2023年3月``), else a range from
    the picker's ``?period_from=&period_to=`` (months, ``2023-03``)."""

    period = forms.CharField(
        label=_("Period"),
        required=False,
        max_length=40,
        help_text=_("202305 (month), 2023Q2 (quarter), 2023 (year), 2021Oct (MCH year) or 202001..202305 (range)"),
    )

    period_from = forms.CharField(label=_("From month"), required=False, max_length=20)
    period_to = forms.CharField(label=_("To month"), required=False, max_length=20)

    @staticmethod
    def is_asked(query: QueryDict) -> bool:
        """Whether the query names a period (a code, or both ends of a range)."""
        return bool(query.get("period") or (query.get("period_from") and query.get("period_to")))

    def clean_period(self) -> Period | None:
        code = self.cleaned_data["period"].strip()
        return parse_period(code) if code else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = (cleaned.get(name, "").strip() for name in ("period_from", "period_to"))
        if cleaned.get("period") is None and not self.has_error("period") and first and last:
            try:
                cleaned["period"] = parse_period(f"{first}..{last}")
            except ValidationError as error:
                self.add_error("period", error)
        return cleaned

    def chosen(self, default: Period | Callable[[], Period]) -> Period:
        """The valid period asked for, else ``default`` (an invalid one keeps its error on the form); a callable
        default is called only then (finding the latest period with data costs a query)."""
        if self.is_valid() and self.cleaned_data["period"] is not None:
            period: Period = self.cleaned_data["period"]
            return period
        period = default() if callable(default) else default
        self.initial.setdefault("period", period.code)  # shown in the input of a form not filled in
        return period
