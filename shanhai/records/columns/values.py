"""Columns of plain values: whole numbers, amounts in yuan, dates, months, choices, yes/no, and
derived values that are shown and exported but never imported."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import override as language_override
from rest_framework import serializers

from shanhai.core.form_base import DateInput
from shanhai.core.periods import month_of
from shanhai.records.columns.base import ApiField, CellValue, Column, blank, text_of

if TYPE_CHECKING:
    from shanhai.records.lookup import Lookup


@dataclass(frozen=True)
class Integer(Column):
    minimum: int | None = 0
    maximum: int | None = None

    def cell(self, record: Any) -> CellValue:
        value: CellValue = self.value(record)
        return value

    blank_value: ClassVar[Any] = None

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            return self.empty()
        try:
            number = Decimal(text_of(raw).replace(",", ""))
        except InvalidOperation:
            raise ValidationError(_("Enter a whole number.")) from None
        if not number.is_finite() or number != number.to_integral_value():
            raise ValidationError(_("Enter a whole number."))
        value = int(number)
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(_("Enter a number not below %(minimum)s.") % {"minimum": self.minimum})
        if self.maximum is not None and value > self.maximum:
            raise ValidationError(_("Enter a number not above %(maximum)s.") % {"maximum": self.maximum})
        return value

    def form_field(self, lookup: Lookup) -> forms.Field:
        return forms.IntegerField(
            label=self.label,
            required=self.required,
            min_value=self.minimum,
            max_value=self.maximum,
            help_text=self.help,
        )

    def api_field(self) -> ApiField:
        bounds: dict[str, Any] = {"min_value": self.minimum, "max_value": self.maximum}
        return serializers.IntegerField(
            required=self.required, allow_null=not self.required, **{k: v for k, v in bounds.items() if v is not None}
        )


@dataclass(frozen=True)
class Amount(Column):
    """Money in yuan (¥), two decimals; "¥800,000" and "800000.00" both read. ``max_digits`` is the model
    field's (two of them after the point)."""

    max_digits: int = 14

    def cell(self, record: Any) -> CellValue:
        value = self.value(record)
        return None if value is None else float(value)

    def display(self, record: Any) -> str:
        value = self.value(record)
        return "" if value is None else f"¥{value:,.2f}"

    blank_value: ClassVar[Any] = None

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            return self.empty()
        text = text_of(raw).replace(",", "").replace("¥", "").replace("￥", "").replace("元", "").strip()
        try:
            value = Decimal(text).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ValidationError(_("Enter an amount in yuan, such as 800000 or 1250.50.")) from None
        if not value.is_finite():
            raise ValidationError(_("Enter an amount in yuan, such as 800000 or 1250.50."))
        if value < 0:
            raise ValidationError(_("The amount cannot be negative."))
        if len(value.as_tuple().digits) > self.max_digits:
            raise ValidationError(
                _("At most %(count)d digits before the decimal point.") % {"count": self.max_digits - 2}
            )
        return value

    def form_field(self, lookup: Lookup) -> forms.Field:
        return forms.DecimalField(
            label=self.label,
            required=self.required,
            min_value=0,
            max_digits=self.max_digits,
            decimal_places=2,
            help_text=self.help,
        )

    def api_field(self) -> ApiField:
        return serializers.DecimalField(
            max_digits=self.max_digits,
            decimal_places=2,
            required=self.required,
            allow_null=not self.required,
            coerce_to_string=False,
        )


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


@dataclass(frozen=True)
class Date(Column):
    def cell(self, record: Any) -> CellValue:
        value: CellValue = self.value(record)
        return value

    def display(self, record: Any) -> str:
        value = self.value(record)
        return value.isoformat() if value else ""

    blank_value: ClassVar[Any] = None

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            return self.empty()
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        text = text_of(raw)
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValidationError(_("“%(value)s” is not a date; write it as 2024-03-31.") % {"value": text})

    def form_field(self, lookup: Lookup) -> forms.Field:
        return forms.DateField(label=self.label, required=self.required, widget=DateInput(), help_text=self.help)

    def api_field(self) -> ApiField:
        return serializers.DateField(required=self.required, allow_null=not self.required)


MONTH = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*)?(0?[1-9]|1[0-2])\s*月?$")


@dataclass(frozen=True)
class Month(Column):
    """A month stored as the integer ``YYYYMM``; reads 2024-03, 202403, 2024年3月 or a date."""

    def cell(self, record: Any) -> CellValue:
        value = self.value(record)
        return None if value is None else f"{value // 100}-{value % 100:02d}"

    blank_value: ClassVar[Any] = None

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            return self.empty()
        if isinstance(raw, datetime | date):
            return month_of(raw)
        text = text_of(raw)
        if match := MONTH.match(text):
            return int(match[1]) * 100 + int(match[2])
        raise ValidationError(_("“%(value)s” is not a month; write it as 2024-03.") % {"value": text})

    def form_field(self, lookup: Lookup) -> forms.Field:
        return MonthField(label=self.label, required=self.required, help_text=self.help or _("For example 2024-03."))

    def api_field(self) -> ApiField:
        return serializers.CharField(required=self.required, help_text="YYYY-MM")


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month"})

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        if match := MONTH.match(text):
            return int(match[1]) * 100 + int(match[2])
        raise ValidationError(_("“%(value)s” is not a month; write it as 2024-03.") % {"value": text})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return f"{value // 100}-{value % 100:02d}"
        return value


@dataclass(frozen=True)
class Choice(Column):
    """One of a ``TextChoices``; reads the stored value or the label in Chinese or English."""

    choices: type[models.TextChoices] | None = None

    def _choices(self) -> type[models.TextChoices]:
        assert self.choices is not None
        return self.choices

    def cell(self, record: Any) -> CellValue:
        value = self.value(record)
        return "" if value in (None, "") else str(self._choices()(value).label)

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            return self.empty()
        text = text_of(raw)
        for value, label in self._choices().choices:
            with language_override("zh-hans"):
                zh = str(label)
            with language_override("en"):
                en = str(label)
            if text.lower() in {value.lower(), zh.lower(), en.lower()}:
                return value
        options = "、".join(str(label) for _value, label in self._choices().choices)
        raise ValidationError(_("“%(value)s” is not one of: %(options)s.") % {"value": text, "options": options})

    def form_field(self, lookup: Lookup) -> forms.Field:
        choices = self._choices().choices
        if not self.required:
            choices = [("", "—"), *choices]
        return forms.ChoiceField(label=self.label, required=self.required, choices=choices, help_text=self.help)

    def api_field(self) -> ApiField:
        # Text, not an enum: like a cell, it takes the stored value or the label in either language.
        values = "、".join(value for value, _label in self._choices().choices)
        return serializers.CharField(
            required=self.required, allow_blank=not self.required, help_text=f"{values} (or the label)"
        )


YES = {"是", "yes", "y", "true", "1", "√", "✓"}
NO = {"否", "no", "n", "false", "0", ""}


@dataclass(frozen=True)
class Boolean(Column):
    required: bool = False

    def cell(self, record: Any) -> CellValue:
        return _("Yes") if self.value(record) else _("No")

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if isinstance(raw, bool):
            return raw
        text = "" if raw is None else text_of(raw).lower()
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValidationError(_("Write 是 or 否."))

    def form_field(self, lookup: Lookup) -> forms.Field:
        return forms.BooleanField(label=self.label, required=False, help_text=self.help)

    def api_field(self) -> ApiField:
        return serializers.BooleanField(required=False)


@dataclass(frozen=True)
class Derived(Column):
    """Shown and exported, never imported: a value computed from the row (e.g. a status)."""

    compute: Any = field(default=None, compare=False)
    importable: bool = False
    required: bool = False
    sort: str | None = None

    def value(self, record: Any) -> Any:
        return self.compute(record) if self.compute else super().value(record)

    def cell(self, record: Any) -> CellValue:
        value = self.value(record)
        return "" if value is None else (value if isinstance(value, int | float | date) else str(value))
