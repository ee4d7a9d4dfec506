"""Partnerships in force by mode (issue 14): counterpart, group-style, paired, and 以院包科 — a hospital taking over
a department, which public reports count as departments taken over."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shanhai.analytics.engine import counted_records
from shanhai.analytics.registry import Breakdown, registry
from shanhai.partnerships.models import Mode, Partnership

#: (name in Chinese, in English, the mode in Chinese, in English)
NAMES = {
    Mode.COUNTERPART: (
        "在册对口支援关系数",
        "Partnerships in force: counterpart support",
        "对口支援",
        "counterpart support",
    ),
    Mode.GROUP_ASSISTANCE: (
        "在册组团式帮扶关系数",
        "Partnerships in force: group-style assistance",
        "组团式帮扶",
        "group-style assistance",
    ),
    Mode.GROUP_SUPPORT: (
        "在册组团式支援关系数",
        "Partnerships in force: group-style support",
        "组团式支援",
        "group-style support",
    ),
    Mode.PAIRING: ("在册结对帮扶关系数", "Partnerships in force: paired assistance", "结对帮扶", "paired assistance"),
    Mode.DEPARTMENT: (
        "以院包科科室数",
        "Departments taken over by a hospital (以院包科)",
        "以院包科",
        "a hospital takes a department",
    ),
}

for mode, (name_zh, name_en, mode_zh, mode_en) in NAMES.items():
    code = f"partnerships_active_{mode.value}"
    registry.indicator(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        numerator=counted_records(
            code,
            name_en,
            "partnerships",
            lambda: Partnership.objects.all(),
            date="started_on",
            stock_end="ended_on",
            unit="recipient",
            partnership="",
            condition=Q(mode=mode),
            note=_("Partnerships of this mode in force at some time in the period."),
        ),
        unit_zh="个",
        definition_zh=f"统计期内在册的帮扶关系中，帮扶方式为{mode_zh}的个数（以院包科即所包科室数），计入受援方。",
        definition_en=f"Partnerships in force in the period whose mode is {mode_en}, counted on the "
        "receiving side (for 以院包科, the departments taken over).",
        source=_("Shanhai partnership records, by mode"),
        app="partnerships",
    )

registry.breakdown(
    Breakdown(
        "partnerships_active.by_mode",
        whole="partnerships_active",
        by_zh="帮扶方式",
        by_en="mode",
        parts=tuple(f"partnerships_active_{mode.value}" for mode in NAMES),
    )
)
