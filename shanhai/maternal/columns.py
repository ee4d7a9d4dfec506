"""Column types the MCH record kinds need beyond ``records.columns``.

- :class:`WomanRef` / :class:`PregnancyRef` / :class:`ChildRef`: a woman, a pregnancy or a child, named by its
  number (建册号, child number) or record number, or by the (mother's) 居民身份证 number, which is looked up by
  its digest among the records the user sees and never shown, stored or repeated in a message. Forms type
  them with a picker (``records.columns.picker``).
- :class:`FactorCodes`: the factor codes of a screening or grading; pages show the catalogue's text.
- :class:`DateTime`, :class:`Decimal1`, :class:`OptionalBoolean`, :class:`ConfirmedColour`,
  :class:`NearbyInstitutionRef` (a referral's receiving institution).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shanhai.core.models import OrgUnit, OrgUnitKind
from shanhai.core.personal import mask_id_number
from shanhai.core.selectors import ancestors, in_subtrees
from shanhai.maternal import risk
from shanhai.maternal.identity import id_number_digest, normalise_id_number
from shanhai.maternal.models import Colour, Pregnancy, PregnancyStatus
from shanhai.maternal.services.numbers import CHILD_LETTERS, PREGNANCY_LETTERS
from shanhai.partnerships.access import visible_org_units
from shanhai.records.columns import (
    SEPARATORS,
    Boolean,
    CellValue,
    Choice,
    Column,
    RecordRef,
    UnitRef,
    blank,
    text_of,
)
from shanhai.records.lookup import Lookup

DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d")


def _as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _digest_or_none(text: str) -> str | None:
    """The keyed digest of an ID number, or ``None`` when ``text`` is not one (nothing is repeated)."""
    try:
        return id_number_digest(normalise_id_number(text))
    except ValidationError:
        return None


def _looks_numbered(text: str, letters: str) -> bool:
    return text.upper().startswith(f"{letters}-")


def _numbered(records: QuerySet[Any], text: str) -> Any:
    """The record with this number, as written or in capitals (each an indexed lookup, unlike ``iexact``)."""
    return records.filter(number=text).first() or records.filter(number=text.upper()).first()


@dataclass(frozen=True)
class WomanRef(RecordRef):
    """A woman by record number or by her ID number (matched on its digest within the user's sight).

    Forms type her (a ``<select>`` of masked names would list names nobody can tell apart): the picker's
    suggestions match her ID number exactly, never a part of it, and show her name masked."""

    kind: str = "women"

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        return super().target_queryset(lookup).select_related("residence")

    def name_of(self, obj: Any) -> str:
        return str(obj)  # the masked name

    def detail_of(self, obj: Any) -> str:
        return f"{mask_id_number(obj.id_number)} · {obj.residence.name}"

    def search_q(self, text: str) -> Q | None:
        if (number := _as_uuid(text)) is not None:
            return Q(public_id=number)
        digest = _digest_or_none(text)
        return Q(id_number_digest=digest) if digest else Q(pk__in=[])

    def uses_picker(self, lookup: Lookup) -> bool:
        return True

    def find(self, text: str, lookup: Lookup) -> Any:
        women = self.target_queryset(lookup)
        if (number := _as_uuid(text)) is not None:
            return women.filter(public_id=number).first()
        return women.filter(id_number_digest=id_number_digest(normalise_id_number(text))).first()

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            return self.empty()
        text = text_of(raw)
        found = lookup.remember(self, text, lambda: self.find(text, lookup))  # a bad ID number raises
        if found is None:
            raise ValidationError(self.not_found(text))
        return found

    def not_found(self, text: str) -> str:
        if _as_uuid(text) is None:  # never repeat an ID number
            return _("No woman with this ID number among the records you can see.")
        return super().not_found(text)


@dataclass(frozen=True)
class PregnancyRef(WomanRef):
    """A pregnancy by its 建册号 (``YC-…``) or record number, or by the woman's record number or ID number: her
    ongoing pregnancy, else her latest. Cells and pickers write its 建册号."""

    kind: str = "pregnancies"

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        return lookup.records(self.kind).select_related("woman", "registered_at")

    def code_of(self, obj: Any) -> str:
        return str(obj.number or obj.public_id)

    def detail_of(self, obj: Any) -> str:
        return str(obj.registered_at.name)  # the name shows her masked name and the registration date

    def search_q(self, text: str) -> Q | None:
        if _looks_numbered(text, PREGNANCY_LETTERS):
            return Q(number__startswith=text.upper())  # the unique index answers a prefix
        if (number := _as_uuid(text)) is not None:
            return Q(public_id=number) | Q(woman__public_id=number)
        digest = _digest_or_none(text)
        if digest is not None:
            return Q(woman__id_number_digest=digest)
        return Q(number__icontains=text) if len(text) >= 3 else Q(pk__in=[])

    def find(self, text: str, lookup: Lookup) -> Any:
        pregnancies: QuerySet[Pregnancy] = self.target_queryset(lookup)
        if _looks_numbered(text, PREGNANCY_LETTERS):
            return _numbered(pregnancies, text)
        if (number := _as_uuid(text)) is not None:
            found = pregnancies.filter(public_id=number).first()
            return found or _current(pregnancies.filter(woman__public_id=number))
        digest = id_number_digest(normalise_id_number(text))
        return _current(pregnancies.filter(woman__id_number_digest=digest))

    def not_found(self, text: str) -> str:
        if _as_uuid(text) is None and not _looks_numbered(text, PREGNANCY_LETTERS):
            return _("No pregnancy of a woman with this ID number among the records you can see.")
        return _("“%(value)s” was not found among the records you can see.") % {"value": text}


@dataclass(frozen=True)
class ChildRef(RecordRef):
    """A child by its number (``ET-…``) or record number, or by the mother's ID number when she has one child
    on file that the user sees. Cells and pickers write its number; forms always type it (a county's
    children make a ``<select>`` of hundreds of kilobytes)."""

    kind: str = "children"

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        return lookup.records(self.kind).select_related("registered_at")

    def code_of(self, obj: Any) -> str:
        return str(obj.number or obj.public_id)

    def name_of(self, obj: Any) -> str:
        return str(obj)  # the masked name and the date of birth

    def detail_of(self, obj: Any) -> str:
        return str(obj.registered_at.name)

    def uses_picker(self, lookup: Lookup) -> bool:
        return True

    def search_q(self, text: str) -> Q | None:
        if _looks_numbered(text, CHILD_LETTERS):
            return Q(number__startswith=text.upper())  # the unique index answers a prefix
        if (number := _as_uuid(text)) is not None:
            return Q(public_id=number)
        digest = _digest_or_none(text)
        if digest is not None:
            return Q(mother__woman__id_number_digest=digest)
        return Q(number__icontains=text) if len(text) >= 3 else Q(pk__in=[])

    def find(self, text: str, lookup: Lookup) -> Any:
        children = self.target_queryset(lookup)
        if _looks_numbered(text, CHILD_LETTERS):
            return _numbered(children, text)
        if (number := _as_uuid(text)) is not None:
            return children.filter(public_id=number).first()
        digest = _digest_or_none(text)
        if digest is None:
            return None
        found = list(children.filter(mother__woman__id_number_digest=digest)[:2])
        if len(found) > 1:
            raise ValidationError(_("This mother has more than one child on file: write the child's number instead."))
        return found[0] if found else None

    def not_found(self, text: str) -> str:
        if _as_uuid(text) is None and not _looks_numbered(text, CHILD_LETTERS):  # never repeat an ID number
            return _("No child with this number, or of a mother with this ID number, among the records you can see.")
        return super().not_found(text)


def _current(pregnancies: QuerySet[Pregnancy]) -> Pregnancy | None:
    ongoing = pregnancies.filter(status=PregnancyStatus.ONGOING).first()
    return ongoing or pregnancies.order_by("-registered_on", "-pk").first()


def factor_text(code: str, catalogue: risk.RiskCatalogue | None = None) -> str:
    """``1.1 年龄≥35岁或≤18岁`` (in English: ``1.1 Age ≥ 35 or ≤ 18``) for a grading factor or a screening item;
    the code if unknown."""
    catalogue = catalogue or risk.RiskCatalogue.load()
    if code in catalogue:
        factor = catalogue.factor(code)
        return f"{factor.item} {factor.name}" if factor.item else factor.name
    item = next((i for i in catalogue.screening_items if i.code == code), None)
    return item.name if item else code


def _catalogue_of(record: Any) -> risk.RiskCatalogue:
    try:
        return risk.RiskCatalogue.load(getattr(record, "catalogue_version", "") or risk.NATIONAL_VERSION)
    except ValueError:
        return risk.RiskCatalogue.load()


@extend_schema_field({"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]})
class CodesField(serializers.Field[Any, Any, Any, Any]):
    """Factor codes as a JSON list, or one string separated by ；."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) or (isinstance(data, list) and all(isinstance(item, str) for item in data)):
            return data
        raise serializers.ValidationError(_("Give a list of factor codes."))

    def to_representation(self, value: Any) -> Any:
        return value


@dataclass(frozen=True)
class FactorCodes(Column):
    """Codes of the catalogue (``yellow.1.1``, ``screening.6.1``) separated by ；; the service checks them."""

    required: bool = False
    sort: str | None = None
    in_list: bool = False

    def value(self, record: Any) -> Any:
        return list(getattr(record, self.key, None) or [])

    def cell(self, record: Any) -> CellValue:
        return "；".join(self.value(record))

    def display(self, record: Any) -> str:
        catalogue = _catalogue_of(record)
        return "\n".join(factor_text(code, catalogue) for code in self.value(record))

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            return self.empty() or []
        return list(dict.fromkeys(code for code in SEPARATORS.split(text_of(raw)) if code))

    def form_field(self, lookup: Lookup) -> forms.Field:
        catalogue = risk.RiskCatalogue.load()
        groups: list[tuple[str, list[tuple[str, str]]]] = [
            (str(label), [(f.code, factor_text(f.code, catalogue)) for f in catalogue.factors_of(risk.Colour(colour))])
            for colour, label in (*Colour.choices, ("purple", gettext_lazy("Purple (infectious disease)")))
        ]
        groups.append((str(gettext_lazy("Screening items")), [(i.code, i.name) for i in catalogue.screening_items]))
        return forms.MultipleChoiceField(
            label=self.label,
            required=False,
            choices=groups,
            widget=forms.CheckboxSelectMultiple,
            help_text=self.help,
        )

    def api_field(self) -> serializers.Field[Any, Any, Any, Any]:
        return CodesField(required=False, help_text="Factor codes: a list, or ；-separated.")

    def same(self, current: Any, new: Any) -> bool:
        return list(current or []) == list(new or [])


@dataclass(frozen=True)
class ConfirmedColour(Choice):
    """The colour the assessor confirms (the service keyword ``confirmed_colour``); read back, and sorted, by ``colour``."""

    required: bool = False
    sort: str | None = "colour"

    def value(self, record: Any) -> Any:
        return getattr(record, "colour", None)


@dataclass(frozen=True)
class DateTime(Column):
    """An aware date and time, shown and written in local time as ``2024-03-31 14:30``."""

    def cell(self, record: Any) -> CellValue:
        value = self.value(record)
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    def display(self, record: Any) -> str:
        return str(self.cell(record) or "")

    def initial(self, record: Any) -> Any:
        value = self.value(record)
        return timezone.localtime(value) if value else None

    blank_value: ClassVar[Any] = None

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            return self.empty()
        if isinstance(raw, datetime):
            return raw if timezone.is_aware(raw) else timezone.make_aware(raw)
        if isinstance(raw, date):
            return timezone.make_aware(datetime.combine(raw, time(0, 0)))
        text = text_of(raw)
        for fmt in DATETIME_FORMATS:
            try:
                return timezone.make_aware(datetime.strptime(text, fmt))
            except ValueError:
                continue
        raise ValidationError(_("“%(value)s” is not a date and time; write it as 2024-03-31 14:30.") % {"value": text})

    def form_field(self, lookup: Lookup) -> forms.Field:
        return forms.DateTimeField(
            label=self.label,
            required=self.required,
            help_text=self.help,
            input_formats=["%Y-%m-%dT%H:%M", *DATETIME_FORMATS],
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        )

    def api_field(self) -> serializers.Field[Any, Any, Any, Any]:
        return serializers.CharField(
            required=self.required,
            allow_blank=not self.required,
            allow_null=not self.required,
            help_text="YYYY-MM-DD HH:MM",
        )

    def same(self, current: Any, new: Any) -> bool:
        """Equal to the minute: a cell holds minutes, so an exported time reads back unchanged."""
        if current is None or new is None:
            return current is new
        return bool(current.replace(second=0, microsecond=0) == new.replace(second=0, microsecond=0))


@dataclass(frozen=True)
class Decimal1(Column):
    """A measurement with one decimal (a length in cm)."""

    required: bool = False
    maximum: int = 999

    def cell(self, record: Any) -> CellValue:
        value = self.value(record)
        return None if value is None else float(value)

    def display(self, record: Any) -> str:
        value = self.value(record)
        return "" if value is None else f"{value:.1f}"

    blank_value: ClassVar[Any] = None

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            return self.empty()
        try:
            value = Decimal(text_of(raw)).quantize(Decimal("0.1"))
        except InvalidOperation:
            raise ValidationError(_("Enter a number such as 52.5.")) from None
        if not 0 < value <= self.maximum:
            raise ValidationError(_("Enter a number between 0 and %(maximum)s.") % {"maximum": self.maximum})
        return value

    def form_field(self, lookup: Lookup) -> forms.Field:
        return forms.DecimalField(
            label=self.label,
            required=self.required,
            min_value=0,
            max_value=self.maximum,
            decimal_places=1,
            help_text=self.help,
        )

    def api_field(self) -> serializers.Field[Any, Any, Any, Any]:
        return serializers.DecimalField(
            max_digits=4, decimal_places=1, required=self.required, allow_null=True, coerce_to_string=False
        )


@dataclass(frozen=True)
class OptionalBoolean(Boolean):
    """Yes, no, or not given (the model's default applies)."""

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        return None if blank(raw) else super().parse(raw, lookup)

    def form_field(self, lookup: Lookup) -> forms.Field:
        return forms.NullBooleanField(label=self.label, required=False, help_text=self.help)

    def api_field(self) -> serializers.Field[Any, Any, Any, Any]:
        return serializers.BooleanField(required=False, allow_null=True)


@dataclass(frozen=True)
class NearbyInstitutionRef(UnitRef):
    """An institution in the prefecture around the user's units, or one the user sees: a township centre
    refers a woman to the county or prefecture hospital, outside its own subtree (42号 §1.1)."""

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        institutions = OrgUnit.objects.exclude(kind__in=OrgUnitKind.region_kinds()).order_by("path")
        if lookup.scope.is_admin:
            return institutions
        areas = [_area_of(root) for root in lookup.scope.roots]
        condition = in_subtrees([area.path for area in areas]) | Q(pk__in=visible_org_units(lookup.user).values("pk"))
        return institutions.filter(condition)


def _area_of(unit: OrgUnit) -> OrgUnit:
    """The prefecture (else the county, else the unit itself) a unit lies in."""
    regions = ancestors(unit, include_self=True).filter(kind__in=[OrgUnitKind.PREFECTURE, OrgUnitKind.COUNTY])
    return regions.order_by("level").first() or unit


@dataclass(frozen=True)
class RiskColour(Choice):
    """The current colour with purple beside it, as the badge shows it (35号: purple co-exists with another colour;
    a woman whose only factors are infectious shows as purple, not green — issue 14)."""

    purple_key: str = "is_purple"

    def cell(self, record: Any) -> str:
        colour = super().cell(record)
        if not getattr(record, self.purple_key, False):
            return str(colour)
        purple = str(gettext_lazy("Purple (infectious disease)"))
        if getattr(record, self.key, "") in ("", Colour.GREEN):
            return purple
        return f"{colour} + {purple}"

    def display(self, record: Any) -> str:
        return self.cell(record)
