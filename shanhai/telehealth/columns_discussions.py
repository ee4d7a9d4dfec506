"""Columns of the case-discussion record kinds: a time of day, a weekday, other participating institutions
(several units in one cell) and a consultation by its number."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework import serializers

from shanhai.records.columns import SEPARATORS, ApiField, CellValue, Column, Reference, blank, text_of
from shanhai.telehealth.models import Consultation, Weekday

if TYPE_CHECKING:
    from shanhai.records.lookup import Lookup

TIME = re.compile(r"^(\d{1,2})\s*[:：时]\s*(\d{2})\s*分?$")
#: Weekday words read in cells besides the labels: 周四, 星期四, 礼拜四, Thu…
WEEKDAY_WORDS = {
    **{f"{prefix}{d}": i for i, d in enumerate("一二三四五六日") for prefix in ("周", "星期", "礼拜")},
    "周天": 6,
    "星期天": 6,
    **{name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
}


@dataclass(frozen=True)
class TimeOfDay(Column):
    """A time of day, ``HH:MM`` (also 19时30分, or a spreadsheet time)."""

    blank_value: ClassVar[Any] = None

    def cell(self, record: Any) -> CellValue:
        value = self.value(record)
        return value.strftime("%H:%M") if value else ""

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            return self.empty()
        if isinstance(raw, time):
            return raw.replace(second=0, microsecond=0)
        if isinstance(raw, datetime):
            return raw.time().replace(second=0, microsecond=0)
        text = text_of(raw)
        if (match := TIME.match(text)) and int(match[1]) < 24 and int(match[2]) < 60:
            return time(int(match[1]), int(match[2]))
        raise ValidationError(_("“%(value)s” is not a time; write it as 19:30.") % {"value": text})

    def form_field(self, lookup: Lookup) -> forms.Field:
        return forms.TimeField(
            label=self.label,
            required=self.required,
            help_text=self.help,
            widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        )

    def api_field(self) -> ApiField:
        return serializers.CharField(required=self.required, allow_blank=not self.required, help_text="HH:MM")


@dataclass(frozen=True)
class WeekdayColumn(Column):
    """A weekday: 0 (Monday) … 6 (Sunday), or its name (周四, 星期四, Thursday)."""

    blank_value: ClassVar[Any] = None
    sort: str | None = ""

    def cell(self, record: Any) -> CellValue:
        value = self.value(record)
        return "" if value is None else str(Weekday(value).label)

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            return self.empty()
        text = text_of(raw)
        if text.isdigit() and int(text) in Weekday.values:
            return int(text)
        lowered = text.lower()
        for value, label in Weekday.choices:
            if lowered == str(label).lower():
                return value
        if lowered in WEEKDAY_WORDS:
            return WEEKDAY_WORDS[lowered]
        if lowered[:3] in WEEKDAY_WORDS:
            return WEEKDAY_WORDS[lowered[:3]]
        raise ValidationError(_("“%(value)s” is not a weekday; write it as 周四 or 3 (Monday is 0).") % {"value": text})

    def form_field(self, lookup: Lookup) -> forms.Field:
        return forms.TypedChoiceField(
            label=self.label, required=self.required, choices=Weekday.choices, coerce=int, help_text=self.help
        )

    def api_field(self) -> ApiField:
        return serializers.CharField(required=self.required, allow_blank=not self.required, help_text="0–6 or the name")


@dataclass(frozen=True)
class UnitRefs(Reference):
    """Several institutions (many-to-many) by code or name, separated by ；/, in a cell."""

    help_in_form: ClassVar[bool] = False  # its help is about writing a cell

    required: bool = False

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        return lookup.units()

    def value(self, record: Any) -> Any:
        return list(getattr(record, self.key).all())

    def cell(self, record: Any) -> CellValue:
        return "；".join(u.code for u in self.value(record))

    def display(self, record: Any) -> str:
        return "、".join(u.name for u in self.value(record))

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            if self.required:
                raise ValidationError(_("This is required."))
            return []
        units = self.target_queryset(lookup)
        found: list[Any] = []
        missing: list[str] = []
        for text in [t for t in SEPARATORS.split(text_of(raw)) if t]:
            unit = lookup.remember(self, text, partial(_unit_named, units, text))
            (found if unit is not None else missing).append(unit or text)
        if missing:
            raise ValidationError(
                _("No organisation with the code or name “%(value)s” among those you can see.")
                % {"value": "、".join(missing)}
            )
        return list(dict.fromkeys(found))

    def form_field(self, lookup: Lookup) -> forms.Field:
        return forms.ModelMultipleChoiceField(
            label=self.label, queryset=self.target_queryset(lookup), required=self.required, help_text=self.help
        )

    def api_field(self) -> ApiField:
        return serializers.CharField(
            required=False, allow_blank=True, help_text="Codes or names of institutions, separated by ；"
        )

    def same(self, current: Any, new: Any) -> bool:
        return {u.pk for u in current} == {u.pk for u in new}


def _unit_named(units: QuerySet[Any], text: str) -> Any:
    return units.filter(Q(code=text) | Q(name=text)).first()


@dataclass(frozen=True)
class ConsultationRef(Reference):
    """A consultation by its number (会诊-2025-0001), among those of the partnerships the user sees."""

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        return Consultation.objects.filter(partnership__in=lookup.partnerships()).order_by("-requested_at")

    def code_of(self, obj: Any) -> str:
        return str(obj.number)

    def name_of(self, obj: Any) -> str:
        return str(obj.number)

    def find(self, text: str, lookup: Lookup) -> Any:
        return self.target_queryset(lookup).filter(number=text).first()
