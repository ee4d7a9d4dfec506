"""The form of any record kind, built from its importable columns; the kind's services validate and save.

Personal columns start masked on the edit form; left as they are, they read as ``KEEP`` and change nothing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shanhai.accounts.models import User
from shanhai.core.form_base import ServiceForm
from shanhai.records.columns import MASKED_VALUE, Personal, Reference, kept_keys
from shanhai.records.columns.picker import PickerInput
from shanhai.records.concurrency import version_of
from shanhai.records.kinds import RecordKind
from shanhai.records.lookup import Lookup


class RecordForm(ServiceForm):
    def __init__(self, kind: RecordKind, user: User, *args: Any, record: Any = None, **kwargs: Any) -> None:
        self.kind, self.lookup, self.record = kind, Lookup(user), record
        if record is not None:
            kwargs["initial"] = {c.key: c.initial(record) for c in kind.importable_columns}
        super().__init__(*args, **kwargs)
        if record is not None:
            # The version this edit is made on: a save after someone else's is refused (records.concurrency).
            self.fields["version"] = forms.CharField(
                widget=forms.HiddenInput, initial=version_of(record), required=False
            )
        for column in kind.importable_columns:
            field = column.form_field(self.lookup)
            field.label = kind.heading(column)
            if isinstance(column, Reference) and not column.help_in_form:
                field.help_text = ""
            if isinstance(field.widget, PickerInput):  # suggestions from the kind's picker endpoint
                field.widget.url = reverse("records:pick", kwargs={"kind": kind.slug, "key": column.key})
            self.fields[column.key] = field

    @classmethod
    def initial_from_query(cls, kind: RecordKind, user: User, query: QueryDict) -> dict[str, Any]:
        """``?posting=<number>`` preselects the parent of a child record; unreadable values are ignored."""
        lookup, initial = Lookup(user), {}
        for column in kind.importable_columns:
            if column.key in query and not isinstance(column, Personal):
                try:
                    initial[column.key] = column.parse(query[column.key], lookup)
                except ValidationError:
                    continue
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.record is None:  # a new record has no stored value a masked one could stand for
            for key in kept_keys(cleaned):
                self.add_error(key, str(MASKED_VALUE))
        return cleaned

    def values(self) -> dict[str, Any]:
        """The new record's values (``clean`` has refused masked ones)."""
        values = {c.key: self.cleaned_data.get(c.key) for c in self.kind.importable_columns}
        if kept := kept_keys(values):
            raise ValidationError({key: str(MASKED_VALUE) for key in kept})
        return values

    def changes(self, record: Any) -> dict[str, Any]:
        changed = {}
        for column in self.kind.importable_columns:
            new = self.cleaned_data.get(column.key)
            if isinstance(self.fields[column.key], forms.ModelMultipleChoiceField):
                new = list(new or [])
            if not column.same(column.value(record), new):
                changed[column.key] = new
        return changed


class RevealForm(ServiceForm):
    """Why a user views a record's personal data in clear; ``accounts.reveal`` checks it and audits it."""

    reason = forms.CharField(
        label=_("Reason for viewing"),
        max_length=200,
        required=False,  # the service says what a reason needs, in one message
        help_text=_("For example: calling about the next follow-up visit. The reason is kept in the audit trail."),
        widget=forms.TextInput(attrs={"required": True, "minlength": 4, "autocomplete": "off"}),
    )
