"""The MCH rules that differ between places, as data (architecture §7): defaults from domain.md,
overridable per deployment through ``settings.SHANHAI_MCH_RULES`` (a dict of the same names).

A dict rule is merged over its default (``{"report_hours": {"orange": 48}}`` keeps red's 24 h); the
antenatal schedule is replaced as a whole and may be given as tuples ``(code, label_zh, first_day,
last_day)``. An unknown name is a configuration error, not a silent no-op."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class AntenatalWindow:
    code: str
    label_zh: str
    first_day: int
    last_day: int


@dataclass(frozen=True)
class MchRules:
    #: Hours to report a new grading to the 辖区妇幼保健机构: orange 3 days, red 24 hours (domain.md §1.5 [P]);
    #: purple has no national deadline in domain.md: 3 days by default.
    report_hours: dict[str, int] = field(default_factory=lambda: {"orange": 72, "red": 24, "purple": 72})
    #: 早孕建册 means registered and first examined before 13+0 weeks (基本公卫 第三版; domain.md §3.2).
    early_registration_days: int = 91
    #: 产后访视 counts within this many days of discharge (基本公卫 第三版: 28; some places use 7).
    postpartum_visit_days: int = 28
    #: The visit is expected within a week of discharge (domain.md §3.3); after that it is overdue.
    postpartum_visit_due_days: int = 7
    #: 孕产妇系统管理: at least this many antenatal exams (孕产期保健工作规范, domain.md §3.2).
    minimum_antenatal_visits: int = 5
    #: A referral not completed after this many days is flagged (基本公卫: follow up within 2 weeks).
    referral_follow_up_days: int = 14
    #: The 基本公卫 schedule of five antenatal contacts, in days of gestation (domain.md §3.3).
    antenatal_schedule: tuple[AntenatalWindow, ...] = (
        AntenatalWindow("early", "孕早期（13周前）", 0, 90),
        AntenatalWindow("mid_1", "孕16–20周", 112, 146),
        AntenatalWindow("mid_2", "孕21–24周", 147, 174),
        AntenatalWindow("late_1", "孕28–36周", 196, 258),
        AntenatalWindow("late_2", "孕37–40周", 259, 286),
    )
    #: Days after the pregnancy ends within which a maternal death counts and postpartum assessments
    #: are made; the 42-day check is due then (domain.md §1.1, §3.2).
    postpartum_check_day: int = 42


def mch_rules() -> MchRules:
    overrides: dict[str, Any] = dict(getattr(settings, "SHANHAI_MCH_RULES", {}) or {})
    if not overrides:
        return MchRules()
    defaults = MchRules()
    known = {f.name for f in fields(MchRules)}
    if unknown := sorted(set(overrides) - known):
        raise ImproperlyConfigured(f"SHANHAI_MCH_RULES names unknown rules: {', '.join(unknown)}")
    if "report_hours" in overrides:
        overrides["report_hours"] = {**defaults.report_hours, **overrides["report_hours"]}
    if "antenatal_schedule" in overrides:
        overrides["antenatal_schedule"] = tuple(
            w if isinstance(w, AntenatalWindow) else AntenatalWindow(*w) for w in overrides["antenatal_schedule"]
        )
    return replace(defaults, **overrides)
