"""Outreach events by kind (issue 14): free clinics, mobile clinics and medical bazaars, each with its records."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shanhai.analytics.engine import counted_records
from shanhai.analytics.registry import Breakdown, registry
from shanhai.outreach.models import OutreachEvent, OutreachKind

#: (name in Chinese, in English, what is held, in Chinese and in English)
NAMES = {
    OutreachKind.FREE_CLINIC: ("义诊场次", "Outreach events: free clinics", "义诊", "Free clinics"),
    OutreachKind.MOBILE_CLINIC: ("巡回医疗场次", "Outreach events: mobile clinics", "巡回医疗", "Mobile clinics"),
    OutreachKind.MEDICAL_BAZAAR: ("医疗巴扎场次", "Outreach events: medical bazaars", "医疗巴扎", "Medical bazaars"),
}

for kind, (name_zh, name_en, what_zh, what_en) in NAMES.items():
    code = f"outreach_events_{kind.value}"
    registry.indicator(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        numerator=counted_records(
            code,
            name_en,
            "outreach-events",
            lambda: OutreachEvent.objects.all(),
            date="held_on",
            unit="place",
            condition=Q(kind=kind),
            note=_("Outreach events of this kind held in the period, at their place."),
        ),
        unit_zh="场",
        definition_zh=f"统计期内开展的{what_zh}活动场次，按活动地点统计。",
        definition_en=f"{what_en} held in the period, counted at their place.",
        source=_("Shanhai outreach event records, by kind"),
        app="outreach",
    )

registry.breakdown(
    Breakdown(
        "outreach_events.by_kind",
        whole="outreach_events",
        by_zh="活动类型",
        by_en="kind",
        parts=tuple(f"outreach_events_{kind.value}" for kind in NAMES),
    )
)
