"""Columns that refer to other rows: org units, partnerships, programmes, people (one or several),
code-list entries and other records. A cell holds a code, a number or a name; the list shows the
target's name; only targets the user can see (``Lookup``) are found."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shanhai.records.columns.base import SEPARATORS, ApiField, CellValue, Column, Label, blank, text_of

if TYPE_CHECKING:
    from shanhai.records.lookup import Lookup

PARTNERSHIP_LABEL = gettext_lazy("Partnership (number)")
PROGRAMME_LABEL = gettext_lazy("Programme (number)")


@dataclass(frozen=True)
class Reference(Column):
    """A foreign key, written in cells by a code or id; the list shows the target's name."""

    sort: str | None = None

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        raise NotImplementedError

    def code_of(self, obj: Any) -> str:
        return str(obj.pk)

    def name_of(self, obj: Any) -> str:
        return str(obj)

    def find(self, text: str, lookup: Lookup) -> Any:
        try:
            return self.target_queryset(lookup).get(pk=int(text))
        except (ValueError, models.ObjectDoesNotExist):
            return None

    def not_found(self, text: str) -> str:
        return _("“%(value)s” was not found among the records you can see.") % {"value": text}

    def empty(self) -> Any:
        if self.required:
            raise ValidationError(_("This is required."))
        return None

    def cell(self, record: Any) -> CellValue:
        obj = self.value(record)
        return "" if obj is None else self.code_of(obj)

    def display(self, record: Any) -> str:
        obj = self.value(record)
        return "" if obj is None else self.name_of(obj)

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            return self.empty()
        text = text_of(raw)
        found = lookup.remember(self, text, lambda: self.find(text, lookup))
        if found is None:
            raise ValidationError(self.not_found(text))
        return found

    def form_field(self, lookup: Lookup) -> forms.Field:
        return forms.ModelChoiceField(
            label=self.label,
            queryset=self.target_queryset(lookup),
            required=self.required,
            help_text=self.help,
            empty_label=_("Choose…"),
        )

    def api_field(self) -> ApiField:
        return serializers.CharField(
            required=self.required,
            allow_blank=not self.required,
            allow_null=not self.required,
            help_text=str(self.help) or None,
        )

    def same(self, current: Any, new: Any) -> bool:
        return bool(getattr(current, "pk", current) == getattr(new, "pk", new))


@dataclass(frozen=True)
class UnitRef(Reference):
    """An org unit by code. ``regions``: regions (e.g. a township) are allowed, not only institutions."""

    regions: bool = False

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        return lookup.units(regions=self.regions)

    def code_of(self, obj: Any) -> str:
        return str(obj.code)

    def name_of(self, obj: Any) -> str:
        return str(obj.name)

    def find(self, text: str, lookup: Lookup) -> Any:
        units = self.target_queryset(lookup)
        return units.filter(code=text).first() or _unique(units.filter(Q(name=text) | Q(short_name=text)))

    def not_found(self, text: str) -> str:
        return _("No organisation with the code or name “%(value)s” among those you can see.") % {"value": text}


@dataclass(frozen=True)
class PartnershipRef(Reference):
    """A partnership by its number (the id shown on its page)."""

    key: str = "partnership"
    label: Label = PARTNERSHIP_LABEL

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        return lookup.partnerships()

    def not_found(self, text: str) -> str:
        return _("No partnership number %(value)s among those you can see.") % {"value": text}


@dataclass(frozen=True)
class ProgrammeRef(Reference):
    key: str = "programme"
    label: Label = PROGRAMME_LABEL

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        return lookup.programmes()

    def name_of(self, obj: Any) -> str:
        return str(obj.name)


@dataclass(frozen=True)
class PersonRef(Reference):
    """A person by record number, or by name when the name is unique among the people one can see."""

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        return lookup.people()

    def code_of(self, obj: Any) -> str:
        return str(obj.public_id)

    def name_of(self, obj: Any) -> str:
        return str(obj.name)

    def find(self, text: str, lookup: Lookup) -> Any:
        return _by_public_id_or_name(self.target_queryset(lookup), text)

    def form_field(self, lookup: Lookup) -> forms.Field:
        field = super().form_field(lookup)
        field.label_from_instance = lambda person: f"{person.name}（{person.institution.name}）"  # type: ignore[attr-defined]
        return field


@dataclass(frozen=True)
class PeopleRefs(Reference):
    """Several people (many-to-many), separated by ；/, in a cell."""

    required: bool = False

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        return lookup.people()

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
            person = lookup.remember(self, text, partial(_by_public_id_or_name, lookup.people(), text))
            (people if person is not None else missing).append(person or text)
        if missing:
            raise ValidationError(
                _("Not found among the people you can see: %(names)s.") % {"names": "、".join(missing)}
            )
        return list(dict.fromkeys(people))

    def form_field(self, lookup: Lookup) -> forms.Field:
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


@dataclass(frozen=True)
class CodeRef(Reference):
    """A code-list entry (department, professional title) by code or name."""

    model: type[models.Model] | None = None

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        assert self.model is not None
        return self.model._default_manager.order_by("sort_order", "code")

    def code_of(self, obj: Any) -> str:
        return str(obj.code)

    def name_of(self, obj: Any) -> str:
        return str(obj.name)

    def find(self, text: str, lookup: Lookup) -> Any:
        entries = self.target_queryset(lookup)
        return entries.filter(code=text).first() or _unique(entries.filter(name=text))


@dataclass(frozen=True)
class RecordRef(Reference):
    """Another record kind's record, by record number (e.g. the posting a work-log row belongs to)."""

    kind: str = ""

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        return lookup.records(self.kind)

    def code_of(self, obj: Any) -> str:
        return str(obj.public_id)

    def find(self, text: str, lookup: Lookup) -> Any:
        try:
            return self.target_queryset(lookup).get(public_id=uuid.UUID(text))
        except (ValueError, models.ObjectDoesNotExist):
            return None


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


def _unique(queryset: QuerySet[Any]) -> Any:
    found = list(queryset[:2])
    return found[0] if len(found) == 1 else None


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
