"""Readable numbers: a pregnancy's 建册号 and a child's number, given once when the record is created.

``YC-<registering institution's code>-<year>-<5 digits>`` (孕产; the year of registration) and
``ET-<code>-<year of birth>-<5 digits>`` (儿童): the institution's code makes a number unique across the
country without a central counter, tells a reader at once where the file is kept, and keeps two institutions
from ever competing for the same sequence; the sequence restarts each year, so numbers stay short and
five digits are ample (no institution registers 99,999 pregnancies a year). A number never changes afterwards
(a corrected registration date or institution keeps it): it may be written on the woman's handbook and in
other systems. It holds nothing personal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar

from django.db import IntegrityError, transaction

from shanhai.core.models import OrgUnit
from shanhai.maternal.models import Child, Pregnancy

PREGNANCY_LETTERS = "YC"
CHILD_LETTERS = "ET"
#: Tries when writers racing for the same sequence make the unique index refuse a number.
ATTEMPTS = 5

Numbered = TypeVar("Numbered", Pregnancy, Child)


def number_prefix(letters: str, unit: OrgUnit, day: date) -> str:
    return f"{letters}-{unit.code}-{day.year}"


def _last_sequence(model: type[Pregnancy] | type[Child], prefix: str) -> int:
    """The highest sequence given under ``prefix`` (5 digits sort as text: the unique index answers)."""
    last = (
        model._default_manager.filter(number__startswith=f"{prefix}-")
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return int(last.rpartition("-")[2]) if last else 0


def next_number(model: type[Pregnancy] | type[Child], prefix: str) -> str:
    return f"{prefix}-{_last_sequence(model, prefix) + 1:05d}"


def pregnancy_number(pregnancy: Pregnancy) -> str:
    """The next 建册号 at the pregnancy's registering institution and year ("" without them: the save refuses)."""
    if pregnancy.registered_at_id is None or pregnancy.registered_on is None:
        return ""
    return next_number(Pregnancy, number_prefix(PREGNANCY_LETTERS, pregnancy.registered_at, pregnancy.registered_on))


def child_number(child: Child) -> str:
    """The next child number at the child's registering institution and year of birth."""
    if child.registered_at_id is None or child.birth_date is None:
        return ""
    return next_number(Child, number_prefix(CHILD_LETTERS, child.registered_at, child.birth_date))


def create_numbered(record: Numbered, create: Callable[[], Numbered]) -> Numbered:
    """Run ``create`` (it validates, numbers and saves ``record``) in a savepoint; when another writer took the
    same number meanwhile (the unique index refuses the second), again with the next number. Any other
    refusal is raised as it comes."""
    model = type(record)
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return create()
        except IntegrityError:
            taken = bool(record.number) and model._default_manager.filter(number=record.number).exists()
            if attempt == ATTEMPTS - 1 or not taken:
                raise
            record.pk = None
    raise AssertionError("unreachable")


def number_all(
    model: type[Pregnancy] | type[Child], records: Iterable[Numbered], prefix_of: Callable[[Numbered], str]
) -> None:
    """Numbers for many new records at once, in the order given (bulk loading, which alone writes the
    table meanwhile): one query per institution and year."""
    last: dict[str, int] = {}
    for record in records:
        prefix = prefix_of(record)
        if prefix not in last:
            last[prefix] = _last_sequence(model, prefix)
        last[prefix] += 1
        record.number = f"{prefix}-{last[prefix]:05d}"
