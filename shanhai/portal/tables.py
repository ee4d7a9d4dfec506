"""Tables of the core pages (django-tables2, rendered by core/table.html)."""

from __future__ import annotations

import re
from typing import Any

import django_tables2 as tables
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from shanhai.core.models import AuditAction, AuditEntry


def _model(object_type: str) -> type[Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    """``partnerships.partnership`` → the model's verbose name (the code itself if unknown)."""
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def field_label(model: type[Model] | None, name: str) -> str:
    if model is None:
        return name
    try:
        return str(getattr(model._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return name


#: An ISO date-time as the audit trail stores one (``2026-12-03T12:14:59.786832+00:00``).
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")


def display_value(model: type[Model] | None, name: str, value: Any) -> Any:
    """A stored value as people read it: a choice's label rather than its code, yes/no rather than
    True/False, a time in local time (``TIME_ZONE``, Asia/Shanghai) rather than UTC."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str) and ISO_DATETIME.match(value):
        moment = parse_datetime(value)
        if moment is not None and timezone.is_aware(moment):
            return date_format(timezone.localtime(moment), "Y-m-d H:i")
    if model is not None and isinstance(value, str | int):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return value
        choices = dict(getattr(field, "flatchoices", None) or ())
        if value in choices:
            return choices[value]
    return value


def _value_html(value: Any, tag: str) -> SafeString:
    """A before (``del``) or after (``ins``) value; an empty one is a quiet dash."""
    if value in (None, ""):
        return format_html('<span class="muted">{}</span>', "—")
    return format_html("<{}>{}</{}>", tag, value, tag)


def changes_html(changes: dict[str, Any], object_type: str = "", action: str = "") -> SafeString:
    """The diff ``field → [before, after]`` as a list; a new record's values fold away under a summary."""
    model = _model(object_type)
    if action == AuditAction.REVEAL and isinstance(note := changes.get("_"), dict):
        fields = "、".join(str(field_label(model, name)) for name in note.get("fields", []))
        return format_html(
            '<ul class="changes"><li><span class="field-name">{}</span>: {}</li>'
            '<li><span class="field-name">{}</span>: {}</li></ul>',
            _("viewed"),
            fields,
            _("reason"),
            note.get("reason", ""),
        )
    rows = []
    for field, values in changes.items():
        if field == "_":
            rows.append(format_html('<li><span class="field-name">{}</span>: {}</li>', _("note"), values))
        elif action == AuditAction.CREATE and isinstance(values, list) and len(values) == 2:
            if values[1] not in (None, ""):
                rows.append(
                    format_html(
                        '<li><span class="field-name">{}</span>: {}</li>',
                        field_label(model, field),
                        display_value(model, field, values[1]),
                    )
                )
        elif isinstance(values, list) and len(values) == 2:
            rows.append(
                format_html(
                    '<li><span class="field-name">{}</span>: {} → {}</li>',
                    field_label(model, field),
                    _value_html(display_value(model, field, values[0]), "del"),
                    _value_html(display_value(model, field, values[1]), "ins"),
                )
            )
    if not rows:
        return format_html('<span class="muted">{}</span>', _("no field changed"))
    listing = format_html('<ul class="changes">{}</ul>', format_html_join("", "{}", ((row,) for row in rows)))
    if action == AuditAction.CREATE:
        return format_html(
            '<details class="changes-recorded"><summary>{}</summary>{}</details>', _("Recorded values"), listing
        )
    return listing


class AuditTable(tables.Table):
    at = tables.DateTimeColumn(verbose_name=_("Time"), format="Y-m-d H:i", orderable=False)
    actor_name = tables.Column(verbose_name=_("User"), orderable=False)
    action = tables.Column(verbose_name=_("Action"), orderable=False)
    object_repr = tables.Column(verbose_name=_("Object"), orderable=False, empty_values=())
    org_unit = tables.Column(verbose_name=_("Organisation"), orderable=False)
    changes = tables.Column(verbose_name=_("Changes"), orderable=False, empty_values=())

    class Meta:
        model = AuditEntry
        fields = ("at", "actor_name", "action", "object_repr", "org_unit", "changes")
        empty_text = _("No audit entries match.")

    def render_action(self, value: str, record: AuditEntry) -> SafeString:
        return format_html('<span class="badge badge-{}">{}</span>', record.action, record.get_action_display())

    def render_object_repr(self, value: str, record: AuditEntry) -> SafeString:
        return format_html(
            '{}<br><span class="muted">{}</span>', record.object_repr or "—", object_type_label(record.object_type)
        )

    def render_changes(self, value: dict[str, Any], record: AuditEntry) -> SafeString:
        return changes_html(value or {}, record.object_type, record.action)
