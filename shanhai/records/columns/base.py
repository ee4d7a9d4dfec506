"""The column every other column builds on: a plain text column, and how a cell's raw value is read.

A column's ``key`` is both the record's attribute and the keyword of the kind's create/update
services. ``parse`` turns a cell (text, number or date from XLSX/CSV/JSON) into the value the
service takes, or raises ``ValidationError`` with a message a user can read; ``cell`` is the
inverse, so an exported file imports back to the same records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise
from rest_framework import serializers

if TYPE_CHECKING:
    from shanhai.records.lookup import Lookup

Label = StrOrPromise
CellValue = str | int | float | date | None
#: The API field a column gives its kind's serializers.
ApiField: TypeAlias = serializers.Field[Any, Any, Any, Any]
#: How several values are separated in one cell (people, conditions).
SEPARATORS = re.compile(r"\s*[;；,，、\n]\s*")


def blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def text_of(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


@dataclass(frozen=True)
class Column:
    """A plain text column. Subclasses parse and show other types."""

    key: str
    label: Label
    required: bool = True
    help: Label = ""
    in_list: bool = True
    #: False for columns shown and exported but never read back (derived values, names next to ids).
    importable: bool = True
    #: The ORM path the list sorts by (``None``: not sortable).
    sort: str | None = ""
    max_length: int = 200
    multiline: bool = False
    example: str = ""
    #: What a blank cell of an optional column reads as: "" for text, None for numbers, dates, references.
    blank_value: ClassVar[Any] = ""

    # --- reading the record -------------------------------------------------------------------
    def value(self, record: Any) -> Any:
        value: Any = record
        for part in self.key.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    def cell(self, record: Any) -> CellValue:
        """What the export writes (and the import reads back)."""
        value = self.value(record)
        return "" if value is None else str(value)

    def display(self, record: Any) -> str:
        """What the list and the detail page show."""
        value = self.cell(record)
        return "" if value is None else str(value)

    def initial(self, record: Any) -> Any:
        """What the edit form starts with."""
        return self.value(record)

    @property
    def sort_path(self) -> str | None:
        return self.key if self.sort == "" else self.sort

    # --- reading input ------------------------------------------------------------------------
    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            return self.empty()
        text = text_of(raw)
        if len(text) > self.max_length:
            raise ValidationError(_("At most %(count)d characters.") % {"count": self.max_length})
        return text

    def empty(self) -> Any:
        """A blank cell: refused when the column is required, else :attr:`blank_value`."""
        if self.required:
            raise ValidationError(_("This is required."))
        return self.blank_value

    def form_field(self, lookup: Lookup) -> forms.Field:
        widget = forms.Textarea(attrs={"rows": 3}) if self.multiline else None
        return forms.CharField(
            label=self.label, required=self.required, max_length=self.max_length, help_text=self.help, widget=widget
        )

    def api_field(self) -> ApiField:
        return serializers.CharField(
            required=self.required, allow_blank=not self.required, help_text=str(self.help) or None
        )

    def same(self, current: Any, new: Any) -> bool:
        return bool(current == new)
