"""Record columns that name people (``Person``): one or several, by record number or by a name that is
unique among the people the user can see. Declared here, beside the people, and used by the record kinds of
every app above (training, outreach, capacity)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shanhai.records.columns import SEPARATORS, ApiField, CellValue, Label, Reference, blank, text_of
from shanhai.records.columns.picker import ReferenceTextField
from shanhai.records.columns.references import RECORD_NUMBER_HINT
from shanhai.records.lookup import Lookup
from shanhai.workforce.models import Person
from shanhai.workforce.selectors import people_visible_to


def _people(lookup: Lookup) -> QuerySet[Person]:
    return people_visible_to(lookup.user)


def _people_like(text: str) -> Q:
    """People whose name contains ``text``, or whose record number it is (a picker's suggestions)."""
    try:
        return Q(public_id=uuid.UUID(text))
    except ValueError:
        return Q(name__icontains=text)


def _institution_name(person: Any) -> str:
    return str(person.institution.name)


@dataclass(frozen=True)
class PersonRef(Reference):
    """A person by record number, or by name when the name is unique among the people one can see."""

    cell_hint: ClassVar[Label] = RECORD_NUMBER_HINT

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        return _people(lookup)

    def code_of(self, obj: Any) -> str:
        return str(obj.public_id)

    def name_of(self, obj: Any) -> str:
        return str(obj.name)

    def find(self, text: str, lookup: Lookup) -> Any:
        return _by_public_id_or_name(self.target_queryset(lookup), text)

    def search_q(self, text: str) -> Q | None:
        return _people_like(text)

    def detail_of(self, obj: Any) -> str:
        return _institution_name(obj)

    def form_field(self, lookup: Lookup) -> forms.Field:
        field = super().form_field(lookup)
        if isinstance(field, forms.ModelChoiceField):
            field.label_from_instance = lambda person: f"{person.name}（{person.institution.name}）"  # type: ignore[method-assign,assignment]
        return field


@dataclass(frozen=True)
class PeopleRefs(Reference):
    """Several people (many-to-many), separated by ；/, in a cell."""

    cell_hint: ClassVar[Label] = RECORD_NUMBER_HINT
    help_in_form: ClassVar[bool] = False  # its help is about writing names in a cell

    required: bool = False

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        return _people(lookup)

    def value(self, record: Any) -> Any:
        return list(getattr(record, self.key).all())

    def cell(self, record: Any) -> CellValue:
        return "；".join(str(p.public_id) for p in self.value(record))

    def display(self, record: Any) -> str:
        return "、".join(p.name for p in self.value(record))

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            if self.required:
                raise ValidationError(_("This is required."))
            return []
        people: list[Any] = []
        missing: list[str] = []
        for text in [t for t in SEPARATORS.split(text_of(raw)) if t]:
            person = lookup.remember(self, text, partial(_by_public_id_or_name, _people(lookup), text))
            (people if person is not None else missing).append(person or text)
        if missing:
            raise ValidationError(
                _("Not found among the people you can see: %(names)s.") % {"names": "、".join(missing)}
            )
        return list(dict.fromkeys(people))

    def search_q(self, text: str) -> Q | None:
        return _people_like(text)

    def detail_of(self, obj: Any) -> str:
        return _institution_name(obj)

    def form_field(self, lookup: Lookup) -> forms.Field:
        if self.uses_picker(lookup):
            return ReferenceTextField(
                self, lookup, multiple=True, label=self.label, required=self.required, help_text=self.help
            )
        field = forms.ModelMultipleChoiceField(
            label=self.label, queryset=self.target_queryset(lookup), required=self.required, help_text=self.help
        )
        field.label_from_instance = lambda person: f"{person.name}（{person.institution.name}）"  # type: ignore[method-assign,assignment]
        return field

    def api_field(self) -> ApiField:
        return PeopleField(
            required=self.required, help_text="Record numbers or names of people: a list, or ；-separated."
        )

    def same(self, current: Any, new: Any) -> bool:
        return {p.pk for p in current} == {p.pk for p in new}


@extend_schema_field({"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]})
class PeopleField(serializers.Field[Any, Any, Any, Any]):
    """A list of people in JSON, or one string separated as in a cell."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, list) and all(isinstance(item, str) for item in data):
            return data
        if isinstance(data, str):
            return data
        raise serializers.ValidationError(_("Give a list of record numbers or names."))

    def to_representation(self, value: Any) -> Any:
        return value


def _by_public_id_or_name(queryset: QuerySet[Any], text: str) -> Any:
    try:
        return queryset.filter(public_id=uuid.UUID(text)).first()
    except ValueError:
        matches = list(queryset.filter(name=text)[:2])
        if len(matches) > 1:
            raise ValidationError(
                _("More than one person is called %(name)s: write their record number instead.") % {"name": text}
            ) from None
        return matches[0] if matches else None
