"""Refused attempts that must leave a trace: a service that refuses a write may still have to record
the attempt (an audit entry, an item in a reviewer's queue) although the refusal undoes the write.

:func:`note_attempt` writes the note at once, and the caller calls it before its own transaction starts;
inside an import, whose one transaction rolls every row back when any row fails, the note is kept
until that transaction has ended (:func:`attempts_kept`, around the import) and written then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

Note = Callable[[], None]

_kept: ContextVar[list[Note] | None] = ContextVar("records_attempts_kept", default=None)


def note_attempt(write: Note) -> None:
    """Write a refused attempt's note now, or after the surrounding import's transaction ends."""
    kept = _kept.get()
    if kept is None:
        write()
    else:
        kept.append(write)


@contextmanager
def attempts_kept() -> Iterator[None]:
    """Around a transaction that may roll back: the notes taken inside are written after it ends."""
    kept: list[Note] = []
    token = _kept.set(kept)
    try:
        yield
    finally:
        _kept.reset(token)
        if kept:
            with transaction.atomic():
                for write in kept:
                    write()
