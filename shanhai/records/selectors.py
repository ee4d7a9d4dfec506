"""Reads of records of any kind, already limited to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.core.selectors import in_subtrees
from shanhai.records.kinds import RecordKind


def record_visibility(kind: RecordKind, user: User) -> Q:
    """Records at a unit in the user's subtrees, or credited to a partnership the user sees."""
    scope = scope_of(user)
    if scope.is_admin:
        return Q()
    if kind.visibility is not None:
        return kind.visibility(user)
    paths = list(scope.read_paths)
    condition = in_subtrees(paths, f"{kind.unit_field}__path")
    if kind.partnership_field:
        condition |= in_subtrees(paths, f"{kind.partnership_field}__supporter__path")
        condition |= in_subtrees(paths, f"{kind.partnership_field}__recipient__path")
    return condition


def record_list(kind: RecordKind, user: User) -> QuerySet[Any]:
    records = kind.model._default_manager.filter(record_visibility(kind, user))
    if kind.select_related:
        records = records.select_related(*kind.select_related)
    if kind.prefetch_related:
        records = records.prefetch_related(*kind.prefetch_related)
    return records.order_by(*kind.ordering, "pk")


def can_write_record(kind: RecordKind, user: User, record_or_values: Any) -> bool:
    scope = scope_of(user)
    return scope.is_admin or any(scope.can_write_path(u.path) for u in kind.units_for_write(record_or_values))
