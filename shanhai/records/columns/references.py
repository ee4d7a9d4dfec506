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
from shanhai.records.columns.picker import SELECT_LIMIT, SUGGESTION_LIMIT, ReferenceTextField, Suggestion

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
    #: Whether a form may type it with suggestions (``columns.picker``) when it has many targets.
    offers_picker: ClassVar[bool] = True
    #: Whether the picker lists targets before anything is typed (not for records about people).
    suggests_without_text: ClassVar[bool] = True

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        raise NotImplementedError

    def search_q(self, text: str) -> Q | None:
        """The targets whose code, name or number matches ``text`` as the user types (within
        ``target_queryset``); ``None``: only the exact code, as ``find`` reads it."""
        return None

    def detail_of(self, obj: Any) -> str:
        """What a suggestion shows beside the target's name (its institution, its code)."""
        return ""

    def suggest(self, text: str, lookup: Lookup) -> list[Suggestion]:
        """At most ``SUGGESTION_LIMIT`` targets for a picker, all within ``target_queryset``: their codes
        are read back by ``find``, so a suggestion is never refused as out of scope."""
        if not text:
            found = list(self.target_queryset(lookup)[:SUGGESTION_LIMIT]) if self.suggests_without_text else []
        elif (condition := self.search_q(text)) is not None:
            found = list(self.target_queryset(lookup).filter(condition)[:SUGGESTION_LIMIT])
        else:
            try:
                one = self.find(text, lookup)
            except ValidationError:  # a malformed ID number, a name several people share
                one = None
            found = [] if one is None else [one]
        return [Suggestion(self.code_of(obj), self.name_of(obj), self.detail_of(obj)) for obj in found]

    def uses_picker(self, lookup: Lookup) -> bool:
        """A picker rather than a ``<select>``: more than ``SELECT_LIMIT`` targets (one bounded query)."""
        return self.offers_picker and self.target_queryset(lookup)[: SELECT_LIMIT + 1].count() > SELECT_LIMIT

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
        if self.uses_picker(lookup):
            return ReferenceTextField(self, lookup, label=self.label, required=self.required, help_text=self.help)
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
    #: The record's own unit on a kind without a partnership (``RecordKind`` sets it): only units the user may
    #: write at are offered and accepted, as the write check would refuse the others anyway.
    writable: bool = False

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        if self.writable:
            units = lookup.writable_units(regions=self.regions or self.only_regions)
        else:
            units = lookup.units(regions=self.regions or self.only_regions)
        return units.filter(kind__in=OrgUnitKind.region_kinds()) if self.only_regions else units

    def code_of(self, obj: Any) -> str:
        return str(obj.code)

    def name_of(self, obj: Any) -> str:
        return str(obj.name)

    def detail_of(self, obj: Any) -> str:
        return str(obj.code)

    def search_q(self, text: str) -> Q | None:
        return Q(code__istartswith=text) | Q(name__icontains=text) | Q(short_name__icontains=text)

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
        return lookup.partnerships().select_related("supporter", "recipient")

    def search_q(self, text: str) -> Q | None:
        names = Q(supporter__name__icontains=text) | Q(recipient__name__icontains=text)
        return names | Q(pk=int(text)) if text.isdigit() else names

    def detail_of(self, obj: Any) -> str:
        return str(obj.pk)

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

    def search_q(self, text: str) -> Q | None:
        names = Q(name__icontains=text) | Q(short_name__icontains=text)
        return names | Q(pk=int(text)) if text.isdigit() else names


@dataclass(frozen=True)
class CodeRef(Reference):
    """A code-list entry (department, professional title) by code or name; a short list, always a ``<select>``."""

    offers_picker: ClassVar[bool] = False
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
    suggests_without_text: ClassVar[bool] = False

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
