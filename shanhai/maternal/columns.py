"""Column types the MCH record kinds need beyond ``records.columns``.

- :class:`WomanRef` / :class:`PregnancyRef`: a woman, or a pregnancy, named by its record number or by
  the woman's 居民身份证 number, which is looked up by its digest among the records the user sees and
  never shown, stored or repeated in a message.
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
from shanhai.core.selectors import ancestors, in_subtrees
from shanhai.maternal import risk
from shanhai.maternal.identity import id_number_digest, normalise_id_number
from shanhai.maternal.models import Colour, Pregnancy, PregnancyStatus
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


class ReferenceTextField(forms.CharField):
    """A reference typed as text (a record number or an ID number) and read by its column's parser.

    A select of every visible woman would list masked names nobody can tell apart; ``?pregnancy=<number>``
    still preselects the record (its number is the initial value)."""

    def __init__(self, column: RecordRef, lookup: Lookup, **kwargs: Any) -> None:
        self.column, self.lookup = column, lookup
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off", "size": 40}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return self.column.code_of(value) if hasattr(value, "public_id") else value

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        return self.column.parse(text, self.lookup) if text else None


@dataclass(frozen=True)
class WomanRef(RecordRef):
    """A woman by record number or by her ID number (matched on its digest within the user's sight)."""

    kind: str = "women"

    def name_of(self, obj: Any) -> str:
        return str(obj)  # the masked name

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

    def form_field(self, lookup: Lookup) -> forms.Field:
        return ReferenceTextField(self, lookup, label=self.label, required=self.required, help_text=self.help)


@dataclass(frozen=True)
class PregnancyRef(WomanRef):
    """A pregnancy by its record number, or by the woman's record number or ID number: her ongoing
    pregnancy, else her latest."""

    kind: str = "pregnancies"

    def find(self, text: str, lookup: Lookup) -> Any:
        pregnancies: QuerySet[Pregnancy] = self.target_queryset(lookup)
        if (number := _as_uuid(text)) is not None:
            found = pregnancies.filter(public_id=number).first()
            return found or _current(pregnancies.filter(woman__public_id=number))
        digest = id_number_digest(normalise_id_number(text))
        return _current(pregnancies.filter(woman__id_number_digest=digest))

    def not_found(self, text: str) -> str:
        if _as_uuid(text) is None:
            return _("No pregnancy of a woman with this ID number among the records you can see.")
        return _("“%(value)s” was not found among the records you can see.") % {"value": text}


def _current(pregnancies: QuerySet[Pregnancy]) -> Pregnancy | None:
    ongoing = pregnancies.filter(status=PregnancyStatus.ONGOING).first()
    return ongoing or pregnancies.order_by("-registered_on", "-pk").first()


def factor_text(code: str, catalogue: risk.RiskCatalogue | None = None) -> str:
    """``1.1 年龄≥35岁或≤18岁`` for a grading factor or a screening item; the code if unknown."""
    catalogue = catalogue or risk.RiskCatalogue.load()
    if code in catalogue:
        factor = catalogue.factor(code)
        return f"{factor.item} {factor.text_zh}" if factor.item else factor.text_zh
    item = next((i for i in catalogue.screening_items if i.code == code), None)
    return item.text_zh if item else code


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
        groups.append((str(gettext_lazy("Screening items")), [(i.code, i.text_zh) for i in catalogue.screening_items]))
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
