"""A condition on records written once, as ORM lookups, and read two ways: as a ``Q`` for the database
(filters, counts, the fact rebuild) and on an instance in memory (a write's records, prefetched
relations, a bulk batch before it is saved). So an MCH rule that a query and a Python check both need
has one definition (``rules.py``, ``indicators.py``, ``models.RiskCase``).

Only the lookups the rules use: ``exact`` (the default), ``isnull``, ``lt``, ``lte``, ``gt``, ``gte``
and ``in``. A relation that is missing reads as SQL's NULL: every comparison on it fails, ``isnull``
holds; a negated condition holds where the relation is missing, as Django's ``~Q`` does.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "exact": operator.eq,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
    "in": lambda value, choices: value in choices,
}


def related_or_none(obj: models.Model, name: str) -> Any:
    """A reverse one-to-one (``pregnancy.delivery``) or ``None`` where there is none."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


def _lookup_holds(obj: Any, lookup: str, expected: Any) -> bool:
    *path, last = lookup.split("__")
    if last not in COMPARISONS and last != "isnull":
        path, last = [*path, last], "exact"
    value = obj
    for name in path:
        value = related_or_none(value, name) if value is not None else None
    if last == "isnull":
        return (value is None) == bool(expected)
    if last == "exact" and expected is None:
        return value is None
    return value is not None and COMPARISONS[last](value, expected)


@dataclass(frozen=True)
class Condition:
    """Lookups that all hold (``negated``: not all of them)."""

    lookups: Mapping[str, Any]
    negated: bool = False

    def q(self, prefix: str = "") -> Q:
        """The condition for a query; ``prefix`` reaches the record through a relation (``"death__"``)."""
        condition = Q(**{f"{prefix}{lookup}": value for lookup, value in self.lookups.items()})
        return ~condition if self.negated else condition

    def holds(self, obj: Any) -> bool:
        """The condition on one instance in memory (relations read as they are cached or prefetched)."""
        result = all(_lookup_holds(obj, lookup, value) for lookup, value in self.lookups.items())
        return not result if self.negated else result
