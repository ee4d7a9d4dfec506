"""Two columns of this app's record kinds: a choice that also reads the usual Chinese words, and the
services offered at an outreach event (several choices in one cell, e.g. "体检；咨询；化验；发药")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from rest_framework import serializers

from shanhai.outreach.models import OutreachService
from shanhai.records.columns import SEPARATORS, CellValue, Choice, Column, blank, text_of

if TYPE_CHECKING:
    from shanhai.records.lookup import Lookup

#: Words used in programme reports for each service (read in cells besides the labels).
SERVICE_WORDS: dict[str, str] = {
    "体检": OutreachService.EXAM,
    "检查": OutreachService.EXAM,
    "健康体检": OutreachService.EXAM,
    "咨询": OutreachService.CONSULTATION,
    "义诊咨询": OutreachService.CONSULTATION,
    "诊疗": OutreachService.CONSULTATION,
    "化验": OutreachService.LAB_TESTS,
    "检验": OutreachService.LAB_TESTS,
    "发药": OutreachService.DISPENSING,
    "送药": OutreachService.DISPENSING,
    "免费发药": OutreachService.DISPENSING,
    "健康教育": OutreachService.HEALTH_EDUCATION,
    "健康宣教": OutreachService.HEALTH_EDUCATION,
    "宣教": OutreachService.HEALTH_EDUCATION,
}


def _match(text: str, choices: type[models.TextChoices], words: Mapping[str, str]) -> str | None:
    lowered = text.strip().lower()
    if lowered in words:
        return words[lowered]
    for value, label in choices.choices:
        if lowered in {value.lower(), str(label).lower()}:
            return value
    return None


@dataclass(frozen=True)
class WordChoice(Choice):
    """A ``Choice`` that also reads a few Chinese words (义诊, 巡诊, 医疗巴扎 …) whatever the language."""

    words: Mapping[str, str] = field(default_factory=dict, compare=False)

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if not blank(raw) and (found := _match(text_of(raw), self._choices(), self.words)):
            return found
        return super().parse(raw, lookup)

    def api_field(self) -> serializers.Field:
        """Any text the column reads (value, label or word); ``parse`` says what is wrong."""
        return serializers.CharField(required=self.required, allow_blank=not self.required)


@dataclass(frozen=True)
class Services(Column):
    """Several ``OutreachService`` values; the service takes a list, the record stores them joined."""

    required: bool = False
    sort: str | None = None

    def value(self, record: Any) -> Any:
        return list(record.service_values)

    def cell(self, record: Any) -> CellValue:
        return "；".join(str(OutreachService(v).label) for v in self.value(record))

    def display(self, record: Any) -> str:
        return "、".join(str(OutreachService(v).label) for v in self.value(record))

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if isinstance(raw, list | tuple):
            parts = [text_of(part) for part in raw]
        elif blank(raw):
            parts = []
        else:
            parts = [part for part in SEPARATORS.split(text_of(raw)) if part]
        if not parts and self.required:
            raise ValidationError(_("This is required."))
        found, unknown = [], []
        for part in parts:
            value = _match(part, OutreachService, SERVICE_WORDS)
            (found.append(value) if value else unknown.append(part))
        if unknown:
            options = "、".join(str(label) for _value, label in OutreachService.choices)
            raise ValidationError(
                _("“%(value)s” is not one of: %(options)s.") % {"value": "、".join(unknown), "options": options}
            )
        return [value for value in OutreachService.values if value in set(found)]

    def form_field(self, lookup: Lookup) -> forms.Field:
        return forms.MultipleChoiceField(
            label=self.label,
            required=self.required,
            choices=OutreachService.choices,
            widget=forms.CheckboxSelectMultiple,
            help_text=self.help,
        )

    def api_field(self) -> serializers.Field:
        return serializers.CharField(required=self.required, allow_blank=True, help_text=str(self.help) or None)

    def same(self, current: Any, new: Any) -> bool:
        return set(current or []) == set(new or [])
