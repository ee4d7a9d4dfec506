"""The form of any record kind, built from its importable columns; the kind's services validate and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from shanhai.core.form_base import ServiceForm
from shanhai.records.columns import PeopleRefs
from shanhai.records.kinds import RecordKind
from shanhai.records.lookup import Lookup


class RecordForm(ServiceForm):
    def __init__(self, kind: RecordKind, user: Any, *args: Any, record: Any = None, **kwargs: Any) -> None:
        self.kind, self.lookup = kind, Lookup(user)
        if record is not None:
            kwargs["initial"] = {c.key: c.value(record) for c in kind.importable_columns}
        super().__init__(*args, **kwargs)
        for column in kind.importable_columns:
            field = column.form_field(self.lookup)
            field.label = kind.heading(column)
            if isinstance(column, PeopleRefs):
                field.help_text = ""  # the column's help is about writing names in a cell
            self.fields[column.key] = field

    @classmethod
    def initial_from_query(cls, kind: RecordKind, user: Any, query: QueryDict) -> dict[str, Any]:
        """``?posting=<number>`` preselects the parent of a child record; unreadable values are ignored."""
        lookup, initial = Lookup(user), {}
        for column in kind.importable_columns:
            if column.key in query:
                try:
                    initial[column.key] = column.parse(query[column.key], lookup)
                except ValidationError:
                    continue
        return initial

    def values(self) -> dict[str, Any]:
        return {c.key: self.cleaned_data.get(c.key) for c in self.kind.importable_columns}

    def changes(self, record: Any) -> dict[str, Any]:
        changed = {}
        for column in self.kind.importable_columns:
            new = self.cleaned_data.get(column.key)
            if isinstance(self.fields[column.key], forms.ModelMultipleChoiceField):
                new = list(new or [])
            if not column.same(column.value(record), new):
                changed[column.key] = new
        return changed
