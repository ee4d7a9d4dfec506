"""Techniques by surgical grade (issue 14): how many of the new techniques, and of those filling a gap, are
operations (grades 1–4 of 国卫办医发〔2022〕18号) and how many are not — the split public reports quote
("289 gaps filled, of which 176 surgical and 113 technical")."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shanhai.analytics.engine import counted_records
from shanhai.analytics.registry import Breakdown, registry
from shanhai.capacity.models import GapLevel, SurgicalGrade, Technique

SOURCE = _("Shanhai new-technique records, by their surgical grade")
SURGICAL = ~Q(surgical_grade=SurgicalGrade.NON_SURGICAL)
GAP = ~Q(gap_level=GapLevel.NONE)


def _techniques(code: str, name: Any, condition: Q) -> Any:
    return counted_records(
        code,
        name,
        "techniques",
        lambda: Technique.objects.all(),
        date="approved_on",
        unit="host",
        condition=condition,
        note=_("New techniques approved in the period (by approval date), of this kind."),
    )


PARTS = (
    ("techniques_introduced_surgical", "引进新技术（手术类）", "New techniques: operations", SURGICAL, Q()),
    ("techniques_introduced_non_surgical", "引进新技术（非手术类）", "New techniques: non-surgical", ~SURGICAL, Q()),
    ("techniques_gap_filled_surgical", "填补空白（手术类）", "Gaps filled: operations", SURGICAL, GAP),
    ("techniques_gap_filled_non_surgical", "填补空白（非手术类）", "Gaps filled: non-surgical", ~SURGICAL, GAP),
)
for code, name_zh, name_en, grade, gap in PARTS:
    registry.indicator(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        numerator=_techniques(code, name_en, grade & gap),
        unit_zh="项",
        definition_zh="统计期内批准的新技术新项目（按批准日期计）中"
        + ("填补空白的" if gap else "")
        + ("手术类（一至四级手术）" if grade is SURGICAL else "非手术类")
        + "项数，计入受援机构。",
        definition_en="New techniques approved in the period (by approval date)"
        + (" that filled a gap" if gap else "")
        + (", operations of grades 1–4" if grade is SURGICAL else ", not operations")
        + ", counted at the recipient.",
        source=SOURCE,
        app="capacity",
    )

registry.breakdown(
    Breakdown(
        "techniques_introduced.by_surgical_grade",
        whole="techniques_introduced",
        by_zh="手术分级",
        by_en="surgical grade",
        parts=("techniques_introduced_surgical", "techniques_introduced_non_surgical"),
    )
)
registry.breakdown(
    Breakdown(
        "techniques_gap_filled.by_surgical_grade",
        whole="techniques_gap_filled",
        by_zh="手术分级",
        by_en="surgical grade",
        parts=("techniques_gap_filled_surgical", "techniques_gap_filled_non_surgical"),
    )
)
