"""Reads for the MCH pages, already limited to what the user sees (through the record kinds'
visibility), by sub-domain:

- ``visits``: the five 基本公卫 antenatal contacts of a pregnancy (done / due / overdue …);
- ``children``: a child's 0–6 checks against the schedule, the child's page;
- ``outcomes``: the postpartum visit and the 42-day check after a delivery;
- ``referrals``: a referral's steps and next moves;
- ``grading``: the grading page and the assessments' timeline;
- ``registry``: a woman's and a pregnancy's pages, finding a woman by ID number;
- ``duplicates``: the reviewers' queue of ID numbers registered again outside one's sight;
- ``worklist``: what a township or county worker has to do today, and the MCH home's counts;
- ``states`` and ``links``: the states of scheduled items and their labels; links to record pages.

"Today" (and "now") are arguments so that tests fix them. Callers import from here:
``from shanhai.maternal.selectors import worklist``.
"""

from __future__ import annotations

from shanhai.maternal.due import CHECK_42_GRACE_DAYS, CHECK_42_LEAD_DAYS, OUTCOME_DUE_DAYS, POSTPARTUM_SHOWN_DAYS
from shanhai.maternal.rules import age_on
from shanhai.maternal.selectors.children import (
    ScheduledCheck,
    child_page,
    child_schedule,
)
from shanhai.maternal.selectors.duplicates import access_duplicate_review, duplicate_reviews, may_review_duplicates
from shanhai.maternal.selectors.grading import (
    AssessmentEntry,
    FactorGroup,
    GradingResult,
    assessment_entry,
    factor_groups,
    grading_institutions,
    grading_result,
    scope_write_q,
    screening_groups,
)
from shanhai.maternal.selectors.links import (
    child_url,
    create_url,
    pregnancy_url,
)
from shanhai.maternal.selectors.outcomes import (
    PostpartumStatus,
    postpartum_status,
)
from shanhai.maternal.selectors.referrals import (
    ReferralEntry,
    referral_entry,
)
from shanhai.maternal.selectors.registry import (
    find_woman,
    pregnancy_page,
    woman_page,
)
from shanhai.maternal.selectors.states import (
    BEFORE_REGISTRATION,
    DONE,
    DUE,
    MISSED,
    NOT_APPLICABLE,
    OVERDUE,
    PURPLE,
    STATE_LABELS,
    UPCOMING,
    gestation_label,
    moment,
)
from shanhai.maternal.selectors.visits import (
    Contact,
    antenatal_contacts,
    next_contact,
    schedule_end,
)
from shanhai.maternal.selectors.worklist import (
    ANTENATAL,
    CASE,
    CHECK_42,
    CHILD_CHECK,
    OUTCOME,
    POSTPARTUM,
    REFERRAL,
    SECTION_TITLES,
    Overview,
    Section,
    WorkItem,
    Worklist,
    mch_overview,
    worklist,
    worklist_units,
)

__all__ = [
    "ANTENATAL",
    "BEFORE_REGISTRATION",
    "CASE",
    "CHECK_42",
    "CHECK_42_GRACE_DAYS",
    "CHECK_42_LEAD_DAYS",
    "CHILD_CHECK",
    "DONE",
    "DUE",
    "MISSED",
    "NOT_APPLICABLE",
    "OUTCOME",
    "OUTCOME_DUE_DAYS",
    "OVERDUE",
    "POSTPARTUM",
    "POSTPARTUM_SHOWN_DAYS",
    "PURPLE",
    "REFERRAL",
    "SECTION_TITLES",
    "STATE_LABELS",
    "UPCOMING",
    "AssessmentEntry",
    "Contact",
    "FactorGroup",
    "GradingResult",
    "Overview",
    "PostpartumStatus",
    "ReferralEntry",
    "ScheduledCheck",
    "Section",
    "WorkItem",
    "Worklist",
    "access_duplicate_review",
    "age_on",
    "antenatal_contacts",
    "assessment_entry",
    "child_page",
    "child_schedule",
    "child_url",
    "create_url",
    "duplicate_reviews",
    "factor_groups",
    "find_woman",
    "gestation_label",
    "grading_institutions",
    "grading_result",
    "may_review_duplicates",
    "mch_overview",
    "moment",
    "next_contact",
    "postpartum_status",
    "pregnancy_page",
    "pregnancy_url",
    "referral_entry",
    "schedule_end",
    "scope_write_q",
    "screening_groups",
    "woman_page",
    "worklist",
    "worklist_units",
]
