"""Personal columns (a name, an ID number, a phone): shown, exported and served only masked; a masked
value coming back reads as :data:`KEEP` and changes nothing. Clear values only through ``accounts.reveal``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from shanhai.core.personal import mask_all
from shanhai.records.columns.base import ApiField, CellValue, Column, blank, text_of

if TYPE_CHECKING:
    from shanhai.records.lookup import Lookup

#: The message for a masked value given where no stored value exists (a new record).
MASKED_VALUE = gettext_lazy("This value is masked; enter the full value.")


class _Keep:
    """What a masked cell reads as: "leave the stored value as it is"."""

    def __repr__(self) -> str:
        return "KEEP"


#: The value a :class:`Personal` column reads from a masked text (an exported cell, the edit form's start).
KEEP = _Keep()


def kept_keys(values: dict[str, Any]) -> list[str]:
    """Keys whose value is :data:`KEEP`: a new record cannot keep what it never had."""
    return [key for key, value in values.items() if value is KEEP]


@dataclass(frozen=True)
class Personal(Column):
    """Personal data (a name, an ID number, a phone): shown, exported and served only masked.

    A text with ``*`` in it is a masked value coming back (a re-imported export, the unchanged edit
    form) and reads as :data:`KEEP`, which changes nothing. Clear values are seen only through
    ``accounts.reveal`` (permission, reason, audit). ``validator`` normalises a typed value or raises
    ``ValidationError``; its message must not repeat the value. The model lists the field in
    ``PERSONAL_FIELDS`` (with the same masker) so audit diffs are masked too.
    """

    masker: Callable[[str | None], str] = field(default=mask_all, compare=False)
    validator: Callable[[str], str] | None = field(default=None, compare=False)
    #: Sorting would order records by the hidden values.
    sort: str | None = None

    def masked(self, record: Any) -> str:
        value = self.value(record)
        return self.masker(None if value is None else str(value))

    def cell(self, record: Any) -> CellValue:
        return self.masked(record)

    def display(self, record: Any) -> str:
        return self.masked(record)

    def initial(self, record: Any) -> Any:
        return self.masked(record)

    def read(self, text: str) -> Any:
        """A typed value: ``KEEP`` if masked, else the clear text, normalised and checked."""
        if "*" in text or "＊" in text:
            return KEEP
        if self.validator is not None:
            text = self.validator(text)
        if len(text) > self.max_length:
            raise ValidationError(_("At most %(count)d characters.") % {"count": self.max_length})
        return text

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            return self.empty()
        return self.read(text_of(raw))

    def form_field(self, lookup: Lookup) -> forms.Field:
        help_text = self.help or gettext_lazy(
            "Stored values are shown masked: leave a masked value as it is to keep it, or type the full new value."
        )
        return PersonalField(
            self,
            label=self.label,
            required=self.required,
            max_length=self.max_length,
            help_text=help_text,
            widget=MaskedEchoInput(),
        )

    def api_field(self) -> ApiField:
        return serializers.CharField(
            required=self.required,
            allow_blank=not self.required,
            help_text=str(self.help or "In clear; a masked value (with *) leaves the stored value unchanged."),
        )

    def same(self, current: Any, new: Any) -> bool:
        return new is KEEP or bool(current == new)


class MaskedEchoInput(forms.TextInput):
    """The text input of a personal column. Unbound, it shows the form's initial value: masked on the edit
    form (``Personal.initial``), nothing on the create form. Bound, it echoes what this POST sent, in the
    response to that POST only: a value the user typed comes back as typed, so a refused form is fixed
    without retyping it, and a masked value left as it was comes back masked (``KEEP``)."""

    def __init__(self) -> None:
        super().__init__(attrs={"autocomplete": "off"})


class PersonalField(forms.CharField):
    """The form field of a :class:`Personal` column: ``KEEP`` for a masked value, else the checked clear text."""

    def __init__(self, column: Personal, **kwargs: Any) -> None:
        self.column = column
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        return self.column.read(text) if text else text
