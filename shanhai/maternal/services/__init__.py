"""Every write of the MCH records (style.md: services for writes), by sub-domain:

- ``registry``: women, pregnancies, and the fields they derive (``tracking``, the refreshes);
- ``grading``: screenings, gradings and postpartum assessments;
- ``cases``: the 专案 (opened by gradings, then assigned, reported, closed);
- ``referrals``: referrals between institutions;
- ``duplicates``: an ID number registered twice, and the reviewers' queue of attempts outside one's sight;
- ``visits``: antenatal visits;
- ``outcomes``: deliveries, maternal deaths, postpartum visits;
- ``children``: children and their health checks.

Each write goes through the shared write path (``records.services``: validate, save, audit) and, for a
pregnancy's records, inside ``registry.tracking``, which re-derives the pregnancy's stored fields and
moves its facts by the difference in the same transaction. The rules they apply are ``rules.py``.
Callers import from here: ``from shanhai.maternal.services import woman_create``.
"""

from __future__ import annotations

from shanhai.maternal.services.cases import CASE_EDITABLE, case_create_refused, case_delete_refused, case_update
from shanhai.maternal.services.children import (
    CHILD_EDITABLE,
    child_check_create,
    child_check_delete,
    child_check_update,
    child_create,
    child_delete,
    child_update,
)
from shanhai.maternal.services.duplicates import NEEDS_REVIEW, duplicate_review_close
from shanhai.maternal.services.grading import assessment_change_refused, assessment_create
from shanhai.maternal.services.outcomes import (
    DELIVERY_EDITABLE,
    delivery_create,
    delivery_delete,
    delivery_update,
    maternal_death_create,
    maternal_death_delete,
    maternal_death_update,
    postpartum_visit_create,
    postpartum_visit_delete,
    postpartum_visit_update,
)
from shanhai.maternal.services.referrals import (
    REFERRAL_MOVES,
    REFERRAL_STAMP,
    referral_create,
    referral_delete,
    referral_move,
    referral_update,
)
from shanhai.maternal.services.registry import (
    PREGNANCY_EDITABLE,
    WOMAN_EDITABLE,
    Refreshed,
    child_refresh,
    children_refresh,
    derived_fields_refresh,
    pregnancies_refresh,
    pregnancy_create,
    pregnancy_delete,
    pregnancy_end,
    pregnancy_refresh,
    pregnancy_update,
    tracking,
    woman_create,
    woman_delete,
    woman_update,
)
from shanhai.maternal.services.visits import antenatal_visit_create, antenatal_visit_delete, antenatal_visit_update

__all__ = [
    "CASE_EDITABLE",
    "CHILD_EDITABLE",
    "DELIVERY_EDITABLE",
    "NEEDS_REVIEW",
    "PREGNANCY_EDITABLE",
    "REFERRAL_MOVES",
    "REFERRAL_STAMP",
    "WOMAN_EDITABLE",
    "Refreshed",
    "antenatal_visit_create",
    "antenatal_visit_delete",
    "antenatal_visit_update",
    "assessment_change_refused",
    "assessment_create",
    "case_create_refused",
    "case_delete_refused",
    "case_update",
    "child_check_create",
    "child_check_delete",
    "child_check_update",
    "child_create",
    "child_delete",
    "child_refresh",
    "child_update",
    "children_refresh",
    "delivery_create",
    "delivery_delete",
    "delivery_update",
    "derived_fields_refresh",
    "duplicate_review_close",
    "maternal_death_create",
    "maternal_death_delete",
    "maternal_death_update",
    "postpartum_visit_create",
    "postpartum_visit_delete",
    "postpartum_visit_update",
    "pregnancies_refresh",
    "pregnancy_create",
    "pregnancy_delete",
    "pregnancy_end",
    "pregnancy_refresh",
    "pregnancy_update",
    "referral_create",
    "referral_delete",
    "referral_move",
    "referral_update",
    "tracking",
    "woman_create",
    "woman_delete",
    "woman_update",
]
