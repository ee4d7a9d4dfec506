"""Columns that refer to other rows: org units, partnerships, programmes, code-list entries and other
records (people, one or several, are ``workforce.columns``). A cell holds a code, a number or a name; the list shows the
target's name; only targets the user can see (``Lookup``) are found."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from shanhai.core.models import OrgUnitKind
from shanhai.records.columns.base import ApiField, CellValue, Column, Label, blank, text_of

if TYPE_CHECKING:
    from shanhai.records.lookup import Lookup

PARTNERSHIP_LABEL = gettext_lazy("Partnership (number)")
PROGRAMME_LABEL = gettext_lazy("Programme (number)")
RECORD_NUMBER_HINT = gettext_lazy("The record number shown on its page (people may also be given by a unique name).")


@dataclass(frozen=True)
class Reference(Column):
    """A foreign key, written in cells by a code or id; the list shows the target's name."""

    sort: str | None = None
    #: How a cell names the target, for the template's 填写说明 (empty: the column type says nothing).
    cell_hint: ClassVar[Label] = ""
    #: Whether the column's ``help`` (written for a cell) is shown under the form field too.
    help_in_form: ClassVar[bool] = True

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

    blank_value: ClassVar[Any] = None

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
    """An org unit by code. ``regions``: regions (e.g. a township) are allowed, not only institutions;
    ``only_regions``: regions only (a residence), so a picker never offers an institution the service refuses."""

    regions: bool = False
    only_regions: bool = False

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        units = lookup.units(regions=self.regions or self.only_regions)
        return units.filter(kind__in=OrgUnitKind.region_kinds()) if self.only_regions else units

    def code_of(self, obj: Any) -> str:
        return str(obj.code)

    def name_of(self, obj: Any) -> str:
        return str(obj.name)

    def find(self, text: str, lookup: Lookup) -> Any:
        units = self.target_queryset(lookup)
        return units.filter(code=text).first() or _unique(units.filter(Q(name=text) | Q(short_name=text)))

    def not_found(self, text: str) -> str:
        if self.only_regions:
            return _("No county or township with the code or name “%(value)s” among those you can see.") % {
                "value": text
            }
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
    cell_hint: ClassVar[Label] = RECORD_NUMBER_HINT

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        return lookup.records(self.kind)

    def code_of(self, obj: Any) -> str:
        return str(obj.public_id)

    def find(self, text: str, lookup: Lookup) -> Any:
        try:
            return self.target_queryset(lookup).get(public_id=uuid.UUID(text))
        except (ValueError, models.ObjectDoesNotExist):
            return None


def _unique(queryset: QuerySet[Any]) -> Any:
    found = list(queryset[:2])
    return found[0] if len(found) == 1 else None
