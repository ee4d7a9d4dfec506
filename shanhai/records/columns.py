"""Columns of a record kind: one declaration drives the list, the detail page, the form, the XLSX
template, the import parser, the export and the API fields, so they can never disagree.

A column's ``key`` is both the record's attribute and the keyword of the kind's create/update
services. ``parse`` turns a cell (text, number or date from XLSX/CSV/JSON) into the value the
service takes, or raises ``ValidationError`` with a message a user can read; ``cell`` is the
inverse, so an exported file imports back to the same records.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import override as language_override
from django_stubs_ext import StrOrPromise
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shanhai.core.form_base import DateInput
from shanhai.core.periods import month_of
from shanhai.core.personal import mask_all

if TYPE_CHECKING:
    from shanhai.records.lookup import Lookup

Label = StrOrPromise
CellValue = str | int | float | date | None
PARTNERSHIP_LABEL = gettext_lazy("Partnership (number)")
PROGRAMME_LABEL = gettext_lazy("Programme (number)")
SEPARATORS = re.compile(r"\s*[;；,，、\n]\s*")
MASKED_VALUE = gettext_lazy("This value is masked; enter the full value.")


def blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def text_of(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


@dataclass(frozen=True)
class Column:
    """A plain text column. Subclasses parse and show other types."""

    key: str
    label: Label
    required: bool = True
    help: Label = ""
    in_list: bool = True
    #: False for columns shown and exported but never read back (derived values, names next to ids).
    importable: bool = True
    #: The ORM path the list sorts by (``None``: not sortable).
    sort: str | None = ""
    max_length: int = 200
    multiline: bool = False
    example: str = ""

    # --- reading the record -------------------------------------------------------------------
    def value(self, record: Any) -> Any:
        value: Any = record
        for part in self.key.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    def cell(self, record: Any) -> CellValue:
        """What the export writes (and the import reads back)."""
        value = self.value(record)
        return "" if value is None else str(value)

    def display(self, record: Any) -> str:
        """What the list and the detail page show."""
        value = self.cell(record)
        return "" if value is None else str(value)

    def initial(self, record: Any) -> Any:
        """What the edit form starts with."""
        return self.value(record)

    @property
    def sort_path(self) -> str | None:
        return self.key if self.sort == "" else self.sort

    # --- reading input ------------------------------------------------------------------------
    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            return self.empty()
        text = text_of(raw)
        if len(text) > self.max_length:
            raise ValidationError(_("At most %(count)d characters.") % {"count": self.max_length})
        return text

    def empty(self) -> Any:
        if self.required:
            raise ValidationError(_("This is required."))
        return ""

    def form_field(self, lookup: Lookup) -> forms.Field:
        widget = forms.Textarea(attrs={"rows": 3}) if self.multiline else None
        return forms.CharField(
            label=self.label, required=self.required, max_length=self.max_length, help_text=self.help, widget=widget
        )

    def api_field(self) -> serializers.Field:
        return serializers.CharField(
            required=self.required, allow_blank=not self.required, help_text=str(self.help) or None
        )

    def same(self, current: Any, new: Any) -> bool:
        return bool(current == new)


@dataclass(frozen=True)
class Integer(Column):
    minimum: int | None = 0
    maximum: int | None = None

    def cell(self, record: Any) -> CellValue:
        return self.value(record)

    def empty(self) -> Any:
        if self.required:
            raise ValidationError(_("This is required."))
        return None

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            return self.empty()
        try:
            number = Decimal(text_of(raw).replace(",", ""))
        except InvalidOperation:
            raise ValidationError(_("Enter a whole number.")) from None
        if number != number.to_integral_value():
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

    def api_field(self) -> serializers.Field:
        bounds: dict[str, Any] = {"min_value": self.minimum, "max_value": self.maximum}
        return serializers.IntegerField(
            required=self.required, allow_null=not self.required, **{k: v for k, v in bounds.items() if v is not None}
        )


@dataclass(frozen=True)
class Amount(Column):
    """Money in yuan (¥), two decimals; "¥800,000" and "800000.00" both read."""

    def cell(self, record: Any) -> CellValue:
        value = self.value(record)
        return None if value is None else float(value)

    def display(self, record: Any) -> str:
        value = self.value(record)
        return "" if value is None else f"¥{value:,.2f}"

    def empty(self) -> Any:
        if self.required:
            raise ValidationError(_("This is required."))
        return None

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            return self.empty()
        text = text_of(raw).replace(",", "").replace("¥", "").replace("￥", "").replace("元", "").strip()
        try:
            value = Decimal(text).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ValidationError(_("Enter an amount in yuan, such as 800000 or 1250.50.")) from None
        if value < 0:
            raise ValidationError(_("The amount cannot be negative."))
        return value

    def form_field(self, lookup: Lookup) -> forms.Field:
        return forms.DecimalField(
            label=self.label, required=self.required, min_value=0, decimal_places=2, help_text=self.help
        )

    def api_field(self) -> serializers.Field:
        return serializers.DecimalField(
            max_digits=14,
            decimal_places=2,
            required=self.required,
            allow_null=not self.required,
            coerce_to_string=False,
        )


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


@dataclass(frozen=True)
class Date(Column):
    def cell(self, record: Any) -> CellValue:
        return self.value(record)

    def display(self, record: Any) -> str:
        value = self.value(record)
        return value.isoformat() if value else ""

    def empty(self) -> Any:
        if self.required:
            raise ValidationError(_("This is required."))
        return None

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

    def api_field(self) -> serializers.Field:
        return serializers.DateField(required=self.required, allow_null=not self.required)


MONTH = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*)?(0?[1-9]|1[0-2])\s*月?$")


@dataclass(frozen=True)
class Month(Column):
    """A month stored as the integer ``YYYYMM``; reads 2024-03, 202403, 2024年3月 or a date."""

    def cell(self, record: Any) -> CellValue:
        value = self.value(record)
        return None if value is None else f"{value // 100}-{value % 100:02d}"

    def empty(self) -> Any:
        if self.required:
            raise ValidationError(_("This is required."))
        return None

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

    def api_field(self) -> serializers.Field:
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

    def api_field(self) -> serializers.Field:
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

    def api_field(self) -> serializers.Field:
        return serializers.BooleanField(required=False)


class _Keep:
    """What a masked cell reads as: "leave the stored value as it is"."""

    def __repr__(self) -> str:
        return "KEEP"


#: The value a :class:`Personal` column reads from a masked text (an exported cell, the edit form's start).
KEEP = _Keep()


def kept_keys(values: dict[str, Any]) -> list[str]:
    """Keys whose value is :data:`KEEP`: a new record cannot keep what it never had."""
    return [key for key, value in values.items() if value is KEEP]


@dataclass(frozen=True)
class Personal(Column):
    """Personal data (a name, an ID number, a phone): shown, exported and served only masked.

    A text with ``*`` in it is a masked value coming back (a re-imported export, the unchanged edit
    form) and reads as :data:`KEEP`, which changes nothing. Clear values are seen only through
    ``accounts.reveal`` (permission, reason, audit). ``validator`` normalises a typed value or raises
    ``ValidationError``; its message must not repeat the value. The model lists the field in
    ``PERSONAL_FIELDS`` (with the same masker) so audit diffs are masked too.
    """

    masker: Callable[[str | None], str] = field(default=mask_all, compare=False)
    validator: Callable[[str], str] | None = field(default=None, compare=False)
    #: Sorting would order records by the hidden values.
    sort: str | None = None

    def masked(self, record: Any) -> str:
        value = self.value(record)
        return self.masker(None if value is None else str(value))

    def cell(self, record: Any) -> CellValue:
        return self.masked(record)

    def display(self, record: Any) -> str:
        return self.masked(record)

    def initial(self, record: Any) -> Any:
        return self.masked(record)

    def read(self, text: str) -> Any:
        """A typed value: ``KEEP`` if masked, else the clear text, normalised and checked."""
        if "*" in text or "＊" in text:
            return KEEP
        if self.validator is not None:
            text = self.validator(text)
        if len(text) > self.max_length:
            raise ValidationError(_("At most %(count)d characters.") % {"count": self.max_length})
        return text

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            return self.empty()
        return self.read(text_of(raw))

    def form_field(self, lookup: Lookup) -> forms.Field:
        help_text = self.help or gettext_lazy(
            "Stored values are shown masked: leave a masked value as it is to keep it, or type the full new value."
        )
        return PersonalField(
            self,
            label=self.label,
            required=self.required,
            max_length=self.max_length,
            help_text=help_text,
            widget=MaskedEchoInput(self.masker),
        )

    def api_field(self) -> serializers.Field:
        return serializers.CharField(
            required=self.required,
            allow_blank=not self.required,
            help_text=str(self.help or "In clear; a masked value (with *) leaves the stored value unchanged."),
        )

    def same(self, current: Any, new: Any) -> bool:
        return new is KEEP or bool(current == new)


class MaskedEchoInput(forms.TextInput):
    """A text input that never sends personal data back to the browser: a value typed and refused (a
    duplicate ID number, a bad phone) is shown masked on the re-rendered form, like a stored value."""

    def __init__(self, masker: Callable[[str | None], str]) -> None:
        self.masker = masker
        super().__init__(attrs={"autocomplete": "off"})

    def format_value(self, value: Any) -> str | None:
        text = super().format_value(value)
        return self.masker(text) if text and "*" not in text else text


class PersonalField(forms.CharField):
    """The form field of a :class:`Personal` column: ``KEEP`` for a masked value, else the checked clear text."""

    def __init__(self, column: Personal, **kwargs: Any) -> None:
        self.column = column
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        return self.column.read(text) if text else text


# --- references to other records -------------------------------------------------------------------
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

    def api_field(self) -> serializers.Field:
        return serializers.CharField(
            required=self.required,
            allow_blank=not self.required,
            allow_null=not self.required,
            help_text=str(self.help) or None,
        )

    def same(self, current: Any, new: Any) -> bool:
        return getattr(current, "pk", current) == getattr(new, "pk", new)


@dataclass(frozen=True)
class UnitRef(Reference):
    """An org unit by code. ``regions``: regions (e.g. a township) are allowed, not only institutions."""

    regions: bool = False

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        return lookup.units(regions=self.regions)

    def code_of(self, obj: Any) -> str:
        return obj.code

    def name_of(self, obj: Any) -> str:
        return obj.name

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
        return obj.name


@dataclass(frozen=True)
class PersonRef(Reference):
    """A person by record number, or by name when the name is unique among the people one can see."""

    def target_queryset(self, lookup: Lookup) -> QuerySet[Any]:
        return lookup.people()

    def code_of(self, obj: Any) -> str:
        return str(obj.public_id)

    def name_of(self, obj: Any) -> str:
        return obj.name

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

    def api_field(self) -> serializers.Field:
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
        return self.model.objects.order_by("sort_order", "code")  # type: ignore[attr-defined]

    def code_of(self, obj: Any) -> str:
        return obj.code

    def name_of(self, obj: Any) -> str:
        return obj.name

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


@extend_schema_field({"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]})
class PeopleField(serializers.Field):
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
