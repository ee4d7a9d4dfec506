"""The list table of any record kind (django-tables2), from the columns it shows in lists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shanhai.records.columns import Column
from shanhai.records.kinds import RecordKind


class ColumnAdapter(tables.Column):  # type: ignore[misc]  # django-tables2 has no type hints: its Column is Any
    def __init__(self, column: Column, heading: str, *, link: Callable[[Any], str] | None = None) -> None:
        self.record_column = column
        attrs = {"td": {"class": "nowrap"}} if column.__class__.__name__ in {"Date", "Month"} else {}
        super().__init__(
            verbose_name=heading,
            accessor="pk",
            orderable=column.sort_path is not None,
            order_by=(column.sort_path,) if column.sort_path else None,
            linkify=link,
            attrs=attrs,
            empty_values=(),
        )

    def render(self, record: Any) -> str:
        return self.record_column.display(record) or "—"


def record_table(kind: RecordKind, records: Any) -> tables.Table:
    shown = [c for c in kind.columns if c.in_list]
    attrs: dict[str, Any] = {
        c.key: ColumnAdapter(c, kind.heading(c), link=(lambda record: detail_url(kind, record)) if index == 0 else None)
        for index, c in enumerate(shown)
    }
    attrs["Meta"] = type("Meta", (), {"attrs": {"class": "table"}, "empty_text": _("No records match.")})
    table_class = type(f"{kind.model.__name__}Table", (tables.Table,), attrs)
    return table_class(records)


def detail_url(kind: RecordKind, record: Any) -> str:
    return reverse("records:detail", kwargs={"kind": kind.slug, "public_id": record.public_id})
