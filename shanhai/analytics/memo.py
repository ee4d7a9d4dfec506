"""Records read once for many cells of a grid.

The engine runs a measure's record query once per cell: a grid of a partnership's months asks the same records
again for each month. A caller that evaluates such a grid may open ``records_memo()`` around it; inside, a measure
that supports it (``memo()`` is not None) reads the scope's records once, for the first and widest period asked,
and answers the periods within it from those rows, with the same rule as its query. Outside a memo nothing is
kept, so a value is never read from rows of an earlier request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_active: ContextVar[dict[Any, Any] | None] = ContextVar("shanhai_records_memo", default=None)


@contextmanager
def records_memo() -> Iterator[None]:
    """Keep the rows measures read until the block ends (nested blocks share the outer one's rows)."""
    if _active.get() is not None:
        yield
        return
    token = _active.set({})
    try:
        yield
    finally:
        _active.reset(token)


def memo() -> dict[Any, Any] | None:
    """The open memo (a dict for measures to keep their rows in, by a key of their own), or None."""
    return _active.get()
