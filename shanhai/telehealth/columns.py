"""Record columns of consultations: the pool and the expert a request goes to, and the imaging studies attached."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shanhai.accounts.models import User
from shanhai.core.models import OrgUnit
from shanhai.imaging.models import ImagingStudy
from shanhai.records.columns import SEPARATORS, ApiField, CellValue, Label, Reference, blank, text_of
from shanhai.records.columns.references import RECORD_NUMBER_HINT
from shanhai.records.kinds import kind_for_model
from shanhai.records.lookup import Lookup
from shanhai.records.selectors import record_list
from shanhai.telehealth.models import ConsultationPool


def _supporters(lookup: Lookup) -> Q:
    """The supporting institutions of the partnerships the user sees, as a condition on a unit path."""
    paths = lookup.partnerships().values_list("supporter__path", flat=True)
    condition = Q(pk__in=[])
    for path in set(paths):
        condition |= Q(path__startswith=path)
    return condition


def pools_for(lookup: Lookup) -> QuerySet[ConsultationPool]:
    units = OrgUnit.objects.filter(_supporters(lookup)).values("pk")
    return ConsultationPool.objects.filter(institution__in=units).select_related("institution").order_by("name")


def experts_for(lookup: Lookup) -> QuerySet[User]:
    units = OrgUnit.objects.filter(_supporters(lookup)).values("pk")
    return (
        User.objects.filter(memberships__org_unit__in=units, is_active=True)
        .distinct()
        .order_by("full_name", "username")
    )


@dataclass(frozen=True)
class PoolRef(Reference):
    """A consultation pool of a supporting institution, by its number or its name."""

    required: bool = False

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        return pools_for(lookup)

    def name_of(self, obj: Any) -> str:
        return str(obj.name)

    def find(self, text: str, lookup: Lookup) -> Any:
        pools = self.target_queryset(lookup)
        if text.isdigit():
            return pools.filter(pk=int(text)).first()
        found = list(pools.filter(name=text)[:2])
        return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class ExpertRef(Reference):
    """A user of a supporting institution (an expert), by user name."""

    required: bool = False

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        return experts_for(lookup)

    def code_of(self, obj: Any) -> str:
        return str(obj.username)

    def name_of(self, obj: Any) -> str:
        return str(obj)

    def find(self, text: str, lookup: Lookup) -> Any:
        return self.target_queryset(lookup).filter(username=text).first()

    def form_field(self, lookup: Lookup) -> forms.Field:
        field = super().form_field(lookup)
        if isinstance(field, forms.ModelChoiceField):  # a few experts; many are typed with suggestions
            field.label_from_instance = lambda user: f"{user}（{user.username}）"  # type: ignore[method-assign,assignment]
        return field

    def detail_of(self, obj: Any) -> str:
        return str(obj.username)

    def search_q(self, text: str) -> Q | None:
        return Q(username__istartswith=text) | Q(full_name__icontains=text)


def _studies(lookup: Lookup) -> QuerySet[ImagingStudy]:
    kind = kind_for_model(ImagingStudy)
    if kind is None:
        return ImagingStudy.objects.none()
    return record_list(kind, lookup.user)


@dataclass(frozen=True)
class StudiesRef(Reference):
    """Imaging studies (many-to-many) by record number, separated by ；."""

    cell_hint: ClassVar[Label] = RECORD_NUMBER_HINT
    required: bool = False

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        return _studies(lookup)

    def value(self, record: Any) -> Any:
        return list(getattr(record, self.key).all())

    def cell(self, record: Any) -> CellValue:
        return "；".join(str(s.public_id) for s in self.value(record))

    def display(self, record: Any) -> str:
        return "、".join(str(s) for s in self.value(record))

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            return []
        texts = raw if isinstance(raw, list) else [t for t in SEPARATORS.split(text_of(raw)) if t]
        found: list[ImagingStudy] = []
        missing: list[str] = []
        for text in texts:
            try:
                study = self.target_queryset(lookup).filter(public_id=uuid.UUID(str(text))).first()
            except ValueError:
                study = None
            if study is None:
                missing.append(str(text))
            else:
                found.append(study)
        if missing:
            raise ValidationError(
                _("Not found among the imaging studies you can see: %(numbers)s.") % {"numbers": "、".join(missing)}
            )
        return list(dict.fromkeys(found))

    def form_field(self, lookup: Lookup) -> forms.Field:
        return forms.ModelMultipleChoiceField(
            label=self.label, queryset=self.target_queryset(lookup), required=False, help_text=self.help
        )

    def api_field(self) -> ApiField:
        return StudiesField(required=False, help_text="Record numbers of imaging studies: a list, or ；-separated.")

    def same(self, current: Any, new: Any) -> bool:
        return {s.pk for s in current} == {s.pk for s in new}


@extend_schema_field({"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]})
class StudiesField(serializers.Field[Any, Any, Any, Any]):
    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, list) and all(isinstance(item, str) for item in data):
            return data
        if isinstance(data, str):
            return data
        raise serializers.ValidationError(_("Give a list of record numbers."))

    def to_representation(self, value: Any) -> Any:
        return value


@dataclass(frozen=True)
class UsersRef(Reference):
    """Several users of supporting institutions (a pool's members) by user name, separated by ；."""

    required: bool = False

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        return experts_for(lookup)

    def value(self, record: Any) -> Any:
        return list(getattr(record, self.key).all())

    def cell(self, record: Any) -> CellValue:
        return "；".join(u.username for u in self.value(record))

    def display(self, record: Any) -> str:
        return "、".join(str(u) for u in self.value(record))

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            return []
        texts = raw if isinstance(raw, list) else [t for t in SEPARATORS.split(text_of(raw)) if t]
        users = {u.username: u for u in self.target_queryset(lookup).filter(username__in=[str(t) for t in texts])}
        if missing := [str(t) for t in texts if str(t) not in users]:
            raise ValidationError(
                _("Not found among the experts you can see: %(names)s.") % {"names": "、".join(missing)}
            )
        return list(dict.fromkeys(users[str(t)] for t in texts))

    def form_field(self, lookup: Lookup) -> forms.Field:
        field = forms.ModelMultipleChoiceField(
            label=self.label, queryset=self.target_queryset(lookup), required=False, help_text=self.help
        )
        field.label_from_instance = lambda user: f"{user}（{user.username}）"  # type: ignore[method-assign,assignment]
        return field

    def api_field(self) -> ApiField:
        return StudiesField(required=False, help_text="User names: a list, or ；-separated.")

    def same(self, current: Any, new: Any) -> bool:
        return {u.pk for u in current} == {u.pk for u in new}
