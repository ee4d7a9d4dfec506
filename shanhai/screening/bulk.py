"""Bulk loading of person-level screening records (a year of a city's screenings: the demo, data brought over).

Each record is checked by its service's own validator, the records are inserted with one ``bulk_create`` per
model, their facts added with one ``facts.apply`` (rows from the same fact sources as the services) and the
audit trail gets **one** entry for the batch. Only kinds whose validators read nothing but the record itself
(no partnership, no uniqueness to check) are accepted; the others go through the services.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from django.db import models, transaction

from shanhai.accounts.models import User
from shanhai.analytics import facts
from shanhai.core.audit import audit_record
from shanhai.core.models import AuditAction, OrgUnit
from shanhai.screening.indicators import SOURCES
from shanhai.screening.models import CancerScreening, PreconceptionCheck, PremaritalCheck, PrenatalScreening
from shanhai.screening.services import (
    validate_cancer_screening,
    validate_preconception_check,
    validate_premarital_check,
    validate_prenatal_screening,
)

VALIDATORS: dict[type[models.Model], Callable[[Any], None]] = {
    CancerScreening: validate_cancer_screening,
    PrenatalScreening: validate_prenatal_screening,
    PreconceptionCheck: validate_preconception_check,
    PremaritalCheck: validate_premarital_check,
}
BATCH_SIZE = 1000


@transaction.atomic
def bulk_load(*, actor: User, records: Sequence[models.Model], org_unit: OrgUnit, note: str) -> dict[str, int]:
    """Validate, insert and count ``records``; one audit entry at ``org_unit`` with the counts and ``note``.
    A record a validator refuses raises its ``ValidationError`` and nothing is saved."""
    by_model: dict[type[models.Model], list[models.Model]] = defaultdict(list)
    for record in records:
        model = type(record)
        if model not in VALIDATORS:
            raise ValueError(f"{model.__name__} is not bulk loaded: use its services")
        if getattr(record, "partnership_id", None) is not None:
            raise ValueError("records credited to a partnership go through the services")
        VALIDATORS[model](record)
        by_model[model].append(record)
    rows: list[facts.FactRow] = []
    for model, batch in by_model.items():
        model._default_manager.bulk_create(batch, batch_size=BATCH_SIZE)
        rows += [row for record in batch for row in SOURCES[model].rows(record)]
    facts.apply([], rows)
    counts = {model._meta.model_name or "": len(batch) for model, batch in by_model.items()}
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=org_unit,
        org_unit=org_unit,
        extra={"bulk_load": "screening", "note": note, "counts": counts},
    )
    return counts
