"""The picker: a reference typed as text, with suggestions fetched as the user types.

A ``<select>`` of every target is fine for a few dozen; a county's children or a city's hospitals make pages of
hundreds of kilobytes. Above :data:`SELECT_LIMIT` targets a reference column's form field is a
:class:`ReferenceTextField`: a text input whose value is read by the column's own ``parse`` (the import path, so a
target outside the user's scope is refused with the import's message), with a list of suggestions that htmx asks
``records:pick`` for (POST with CSRF: a query may be an ID number, which never goes into a URL). Without JavaScript
the input still takes the code or number typed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms

if TYPE_CHECKING:
    from shanhai.records.columns.references import Reference
    from shanhai.records.lookup import Lookup

#: A reference with more targets than this is typed with suggestions instead of chosen in a ``<select>``.
SELECT_LIMIT = 50
#: How many suggestions a picker shows at most.
SUGGESTION_LIMIT = 20


@dataclass(frozen=True)
class Suggestion:
    """One target offered: ``code`` is what the input receives (the column's ``code_of``, read back by ``find``)."""

    code: str
    label: str
    detail: str = ""

    @property
    def shown_code(self) -> str:
        """The code as the suggestion shows it: not a record number (a UUID says nothing to a reader)."""
        try:
            uuid.UUID(self.code)
        except ValueError:
            return "" if self.code == self.detail else self.code
        return ""


class PickerInput(forms.TextInput):
    """A text input with a suggestions list; ``url`` (the ``records:pick`` endpoint) is set by the form that
    knows the record kind. Without it, or without JavaScript, it is a plain text input."""

    template_name = "records/widgets/picker.html"

    class Media:
        css = {"all": ["shanhai/picker.css"]}
        js = [forms.Script("shanhai/picker.js", defer=True)]

    def __init__(self, column: Reference, *, multiple: bool = False, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", "size": 40, **(attrs or {})})
        self.column, self.multiple, self.url = column, multiple, ""

    def _targets(self, value: Any) -> Sequence[Any]:
        if isinstance(value, list | tuple):
            return [v for v in value if hasattr(v, "pk")]
        return [value] if hasattr(value, "pk") else []

    def format_value(self, value: Any) -> str | None:
        if targets := self._targets(value):
            return "；".join(self.column.code_of(t) for t in targets)
        return None if isinstance(value, list | tuple) else super().format_value(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["picker"] = {
            "url": self.url,
            "multiple": self.multiple,
            "chosen": "、".join(self.column.name_of(t) for t in self._targets(value)),
        }
        return context


class ReferenceTextField(forms.CharField):
    """A reference typed as text (a code, a number, for some columns an ID number) and read by its column's
    ``parse``, as an import cell is; ``multiple``: several, separated by ；."""

    def __init__(self, column: Reference, lookup: Lookup, *, multiple: bool = False, **kwargs: Any) -> None:
        self.column, self.lookup = column, lookup
        kwargs.setdefault("widget", PickerInput(column, multiple=multiple))
        kwargs.setdefault("max_length", 2000)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        return self.column.parse(text, self.lookup)
