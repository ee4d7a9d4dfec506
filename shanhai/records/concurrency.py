"""Optimistic concurrency for record edits: an edit says which version of the record it was made on, and is
refused — nothing written — when someone else saved the record since. Pages carry the version in the form;
the API as an ``ETag`` on reads and ``If-Match`` on writes (412 when it no longer matches).

The version is a keyed hash (HMAC with the secret key) of the row's stored values, so no column is added and
any save that changes the row changes it; keyed, so the token says nothing about personal values in the row.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from shanhai.accounts.models import User
from shanhai.records.kinds import RecordKind


class EditConflict(Exception):
    """The record changed after the version the edit was made on."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else saved this record after you opened it. Nothing was saved: check the current "
                "values, then save again to keep yours."
            )
        )


def version_of(record: Any) -> str:
    """The record's current version: changes whenever a save changes the row."""
    values = [getattr(record, field.attname) for field in record._meta.concrete_fields]
    return salted_hmac("shanhai.records.version", repr(values)).hexdigest()[:20]


def update_unless_changed(
    kind: RecordKind, *, actor: User, record: Any, version: str | None, changes: dict[str, Any]
) -> Any:
    """``kind.update`` under the record's row lock, if the record is still at ``version`` (``None``: the caller
    made no claim, as an API client that sends no ``If-Match``). Raises :class:`EditConflict` otherwise."""
    with transaction.atomic():
        current = type(record)._default_manager.select_for_update().get(pk=record.pk)
        if version is not None and version_of(current) != version:
            raise EditConflict
        return kind.update(actor=actor, record=current, **changes)
