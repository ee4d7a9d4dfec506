"""The only way pages and the API load a record by its number: 404 outside scope, 403 for a reader."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from shanhai.accounts.models import User
from shanhai.records.kinds import RecordKind
from shanhai.records.selectors import can_write_record, record_list


def access_record(kind: RecordKind, actor: User, public_id: uuid.UUID | str, *, for_write: bool = False) -> Any:
    try:
        record = record_list(kind, actor).get(public_id=uuid.UUID(str(public_id)))
    except (kind.model.DoesNotExist, ValueError):  # type: ignore[attr-defined]
        raise Http404 from None
    if for_write:
        require_record_write(kind, actor, record)
    return record


def require_record_write(kind: RecordKind, actor: User, record_or_values: Any) -> None:
    if not can_write_record(kind, actor, record_or_values):
        raise PermissionDenied
