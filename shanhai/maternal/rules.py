"""The MCH rules, each defined once and used by the services, bulk loading, the selectors and the
indicators alike (for a query, as a :class:`~shanhai.maternal.conditions.Condition` built from the rule).

**Configuration.** The rules that differ between places are data (architecture §7): defaults from
domain.md, overridable per deployment through ``settings.SHANHAI_MCH_RULES`` (a dict of the names of
:class:`MchRules`). A dict rule is merged over its default (``{"report_hours": {"orange": 48}}`` keeps
red's 24 h); the antenatal schedule is replaced as a whole and may be given as tuples ``(code,
label_zh, first_day, last_day[, label_en])``. An unknown name is a configuration error, not a silent no-op.
Pregnancies and children store fields derived with these rules (``derived.py``): after changing
``SHANHAI_MCH_RULES``, run ``shanhai refresh_mch`` to re-derive them and rebuild the facts.

**Rules.** Pregnancy dates; the end of a pregnancy; grading (who grades, which catalogue, what an
assessment finds); high risk and the 专案 (when one opens, its reporting deadline, what a later
grading changes); the indicator flags (early registration, high-risk management, postpartum visit,
systematic management); counted maternal deaths; children (high-risk infants, age at death, the
0–6 check schedule and the checks of the under-3 measure). Sources are cited on each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from shanhai.core import clock
from shanhai.core.models import OrgUnit, OrgUnitKind
from shanhai.maternal import risk
from shanhai.maternal.conditions import Condition, related_or_none
from shanhai.maternal.models import (
    AssessmentKind,
    CaseStatus,
    Child,
    ChildCheckKind,
    Colour,
    DeathAge,
    DeathCause,
    Delivery,
    PostpartumKind,
    PostpartumVisit,
    Pregnancy,
    RiskAssessment,
    RiskCase,
    ScreeningResult,
    add_years,
    colour_rank,
    months_after,
)


# --- configuration ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AntenatalWindow:
    code: str
    label_zh: str
    first_day: int
    last_day: int
    #: The name shown when English is active (``label``); without one, the Chinese name shows.
    label_en: str = ""

    @property
    def label(self) -> str:
        """The contact's name in the active language: Chinese by default, English when active and given."""
        return risk.localised(self.label_zh, self.label_en)


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
        AntenatalWindow("early", "孕早期（13周前）", 0, 90, "Early pregnancy (before week 13)"),
        AntenatalWindow("mid_1", "孕16–20周", 112, 146, "Weeks 16–20"),
        AntenatalWindow("mid_2", "孕21–24周", 147, 174, "Weeks 21–24"),
        AntenatalWindow("late_1", "孕28–36周", 196, 258, "Weeks 28–36"),
        AntenatalWindow("late_2", "孕37–40周", 259, 286, "Weeks 37–40"),
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


# --- pregnancy dates ------------------------------------------------------------------------------------------
#: Days from the last menstrual period to the expected delivery date (Naegele's rule, 40 weeks).
TERM_DAYS = 280


def gestation_days(pregnancy: Pregnancy, on: date) -> int:
    """Days of gestation on ``on`` (day 0 = the last menstrual period)."""
    return (on - pregnancy.last_menstrual_period_on).days


def pregnancy_end_date(pregnancy: Pregnancy, *, or_death: bool = False) -> date | None:
    """The day the pregnancy ended: its delivery, or the end recorded without one (``ended_on``).

    ``or_death``: a maternal death before either ends it too (the schedule of contacts stops there).
    Writes measure from the delivery or the recorded end only: a maternal death counts within 42 days
    after *that* (domain.md §3.2), and the other checks are stated against it."""
    delivery = related_or_none(pregnancy, "delivery")
    if delivery is not None:
        return delivery.delivered_on  # type: ignore[no-any-return]
    death = related_or_none(pregnancy, "death") if or_death else None
    if death is not None:
        return death.died_on  # type: ignore[no-any-return]
    return pregnancy.ended_on


# --- grading (国卫办妇幼发〔2017〕35号) ---------------------------------------------------------------------------------
#: Institutions that may grade (35号 §1.1: 开展助产服务的二级以上医疗机构).
GRADING_KINDS = {OrgUnitKind.GENERAL_HOSPITAL, OrgUnitKind.MCH_HOSPITAL, OrgUnitKind.TCM_HOSPITAL}


def can_grade(unit: OrgUnit) -> bool:
    """35号: grading is done in principle by level-2+ institutions that provide midwifery (domain.md §1.1)."""
    grade = unit.grade.code if unit.grade is not None else ""
    return unit.kind in GRADING_KINDS and grade[:1] in {"2", "3"}


def catalogue_for(unit: OrgUnit) -> risk.RiskCatalogue:
    """The national 2017 catalogue; a province's override would be chosen here by its region."""
    return risk.RiskCatalogue.load(risk.NATIONAL_VERSION)


@dataclass(frozen=True)
class AssessmentResult:
    screening_result: str = ""
    colour: str = ""
    is_purple: bool = False


def assessment_result(catalogue: risk.RiskCatalogue, kind: str, codes: Sequence[str]) -> AssessmentResult:
    """What an assessment finds from the items ticked: a screening (附件1) is positive when any item is
    found; a grading or postpartum assessment (附件2) takes the highest colour, purple beside it
    (``risk.grade``). An unknown code is refused."""
    if kind == AssessmentKind.SCREENING:
        items = {item.code for item in catalogue.screening_items}
        if unknown := [c for c in codes if c not in items]:
            raise ValidationError(
                {"factor_codes": _("Unknown screening items: %(codes)s") % {"codes": "、".join(unknown)}}
            )
        return AssessmentResult(screening_result=ScreeningResult.POSITIVE if codes else ScreeningResult.NEGATIVE)
    if unknown := [c for c in codes if c not in catalogue]:
        raise ValidationError({"factor_codes": _("Unknown risk factors: %(codes)s") % {"codes": "、".join(unknown)}})
    grading = risk.grade(catalogue, codes)
    return AssessmentResult(colour=grading.colour.value, is_purple=grading.purple)


def age_on(born: date, day: date) -> int:
    """Whole years of age on ``day`` (the age the 筛查表 and the 评估表 ask about: ≥35 or ≤18, ≥40)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


#: The factors and screening items that state the woman's age, as the whole years that fit them (35号
#: 附件1 1.1 and 附件2 yellow 1.1 "年龄≥35岁或≤18岁", orange 1 "年龄≥40岁"; domain.md §1).
AGE_FACTORS: dict[str, Callable[[int], bool]] = {
    "screening.1.1": lambda age: age >= 35 or age <= 18,
    "yellow.1.1": lambda age: age >= 35 or age <= 18,
    "orange.1.age_40": lambda age: age >= 40,
}


def factors_against_facts(born: date | None, assessed_on: date, codes: Iterable[str]) -> list[str]:
    """The ticked codes that contradict the woman's recorded date of birth on the assessment date (her age
    is a fact, not the assessor's judgement: domain.md names no override, so the service refuses them).
    BMI factors are not checked: Shanhai records no height or weight for the woman."""
    if born is None:
        return []
    age = age_on(born, assessed_on)
    return [code for code in codes if code in AGE_FACTORS and not AGE_FACTORS[code](age)]


# --- high risk and the 专案 ------------------------------------------------------------------------------------------
def is_high_risk(colour: str, purple: bool) -> bool:
    """High risk: graded yellow or above, or purple (domain.md §3.2, 高危孕产妇)."""
    return colour_rank(colour) >= colour_rank(Colour.YELLOW) or purple


def needs_case(colour: str, purple: bool) -> bool:
    """专案 for orange, red and purple (母婴安全五项制度 2; domain.md §1.5, §1.6 rule 5)."""
    return colour in (Colour.ORANGE, Colour.RED) or purple


def case_colour(colour: str) -> str:
    """The colour a 专案 carries: orange or red; blank for a case opened for purple only."""
    return colour if colour in (Colour.ORANGE, Colour.RED) else ""


def noon(day: date) -> datetime:
    """An event known only by its date, as an aware time: noon (local time) of that day."""
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def assessment_time(assessment: RiskAssessment) -> datetime:
    """When an assessment was made, for its deadlines: the confirmation time if it is dated today,
    else noon (local time) of its date (an assessment entered afterwards)."""
    if assessment.assessed_on >= clock.today():
        return assessment.confirmed_at or clock.now()
    return noon(assessment.assessed_on)


def report_deadline(opened_at: datetime, colour: str, purple: bool, rules: MchRules | None = None) -> datetime:
    """Report to the 辖区妇幼保健机构 within ``rules.report_hours``: orange 72 h, red 24 h (domain.md §1.5);
    with purple too, the earlier of the two."""
    hours = (rules or mch_rules()).report_hours
    candidates = [hours[colour]] if colour in (Colour.ORANGE, Colour.RED) else []
    if purple:
        candidates.append(hours["purple"])
    return opened_at + timedelta(hours=min(candidates))


def case_opened_by(assessment: RiskAssessment, rules: MchRules | None = None) -> RiskCase:
    """The 专案 the first orange, red or purple result opens (unsaved): the assessor is responsible for
    it, and it is due ``report_deadline`` after the assessment."""
    at = assessment_time(assessment)
    return RiskCase(
        pregnancy=assessment.pregnancy,
        opened_at=at,
        opened_by=assessment,
        colour=case_colour(assessment.colour),
        is_purple=assessment.is_purple,
        responsible=assessment.assessor,
        responsible_name=assessment.assessor_name or "—",  # data brought over in bulk may lack the name
        report_due_at=report_deadline(at, assessment.colour, assessment.is_purple, rules),
    )


def case_escalation(case: RiskCase, assessment: RiskAssessment, rules: MchRules | None = None) -> dict[str, Any]:
    """What another orange, red or purple result changes on the open (or closed) 专案: a higher colour
    moves it up (an unreported deadline only ever moves earlier; a reported case must be reported
    again), purple is added, and a closed case reopens. A lower colour changes nothing: the case stays
    at its highest colour (domain.md §1.6: grades go up and down).

    Each result is judged by its own date (``assessment_time``), so a grading entered afterwards changes what it
    would have changed then: one dated before the case opened opens it from that time (and, unreported, its
    deadline runs from then); one dated within a closed case's episode (by its closing time) raises the colour it
    reached but neither reopens the case nor asks for a new report."""
    at = assessment_time(assessment)
    due = report_deadline(at, assessment.colour, assessment.is_purple, rules)
    changes: dict[str, Any] = {}
    if at < case.opened_at:
        changes.update(opened_at=at, opened_by=assessment)
        if case.reported_at is None:
            changes["report_due_at"] = min(case.report_due_at, due)
    if case.status == CaseStatus.CLOSED and case.closed_at is not None and at <= case.closed_at:
        if colour_rank(assessment.colour) > colour_rank(case.colour) and case_colour(assessment.colour):
            changes["colour"] = assessment.colour
        if assessment.is_purple and not case.is_purple:
            changes["is_purple"] = True
        return changes
    if colour_rank(assessment.colour) > colour_rank(case.colour) and case_colour(assessment.colour):
        changes["colour"] = assessment.colour
        if case.reported_at is None:
            changes["report_due_at"] = min(changes.get("report_due_at", case.report_due_at), due)
        else:  # a new, higher grading is a new report
            changes["report_due_at"], changes["reported_at"] = due, None
    if assessment.is_purple and not case.is_purple:
        changes["is_purple"] = True
        if case.reported_at is None:
            changes["report_due_at"] = min(changes.get("report_due_at", case.report_due_at), due)
    if case.status == CaseStatus.CLOSED:
        changes.update(status=CaseStatus.OPEN, closed_at=None, close_note="", report_due_at=due, reported_at=None)
    return changes


# --- the indicator flags of a pregnancy (domain.md §3.2) -----------------------------------------------------------
def is_early_registered(pregnancy: Pregnancy, visits: Sequence[date], rules: MchRules) -> bool:
    """早孕建册: registered and first examined before 13+0 weeks (day 91 is not early)."""
    limit = pregnancy.last_menstrual_period_on + timedelta(days=rules.early_registration_days)
    registered = gestation_days(pregnancy, pregnancy.registered_on)
    return registered < rules.early_registration_days and any(day < limit for day in visits)


def is_high_risk_managed(
    *,
    high_risk_since: date | None,
    contacts: Iterable[date],
    needs_case: bool,
    has_case: bool,
    recorded_on: date | None = None,
) -> bool:
    """高危孕产妇管理: high-risk, followed up (an antenatal or postpartum contact on or after the first
    high-risk grading), with a 专案 when orange, red or purple — or recorded as managed by hand (``recorded_on``,
    with a note: management the records cannot show, at an institution outside the system)."""
    if high_risk_since is None:
        return False
    if recorded_on is not None:
        return True
    followed_up = any(day >= high_risk_since for day in contacts)
    return followed_up and (has_case or not needs_case)


def postpartum_visit_window(delivery: Delivery, rules: MchRules) -> tuple[date, date]:
    """产后访视 is counted from discharge (the delivery, if none is recorded) to ``postpartum_visit_days``
    after it, both days included (基本公卫 第三版)."""
    start = delivery.discharged_on or delivery.delivered_on
    return start, start + timedelta(days=rules.postpartum_visit_days)


def is_postpartum_visit_in_time(visit: PostpartumVisit, delivery: Delivery, rules: MchRules) -> bool:
    start, last = postpartum_visit_window(delivery, rules)
    return visit.kind == PostpartumKind.VISIT and start <= visit.visited_on <= last


def is_system_managed(
    *, delivery: Delivery | None, early: bool, visit_count: int, postpartum_visited: bool, rules: MchRules
) -> bool:
    """孕产妇系统管理: early registration, at least ``minimum_antenatal_visits`` exams, a modern (clean)
    delivery and a postpartum visit in time (孕产期保健工作规范)."""
    return bool(
        delivery is not None
        and early
        and visit_count >= rules.minimum_antenatal_visits
        and delivery.is_modern_method
        and postpartum_visited
    )


#: 孕产妇死亡 counted in the MMR: every cause but an accident (domain.md §3.2); on a death record.
COUNTED_DEATH = Condition({"cause": DeathCause.ACCIDENT}, negated=True)


# --- children ------------------------------------------------------------------------------------------------------
#: 早产儿保健工作规范: born before 37 weeks, or under 2500 g, is a high-risk infant.
PRETERM_WEEKS = 37
LOW_BIRTH_WEIGHT_GRAMS = 2500


def is_high_risk_infant(child: Child) -> bool:
    """High-risk infant: preterm, low birth weight, or a reason named (早产儿保健工作规范)."""
    preterm = child.gestation_weeks is not None and child.gestation_weeks < PRETERM_WEEKS
    low_weight = child.birth_weight_grams is not None and child.birth_weight_grams < LOW_BIRTH_WEIGHT_GRAMS
    return bool(preterm or low_weight or child.high_risk_reasons.strip())


def death_age(born: date, died: date) -> int:
    """The band of a child's age at death: neonatal = within 28 days of birth (days 0–27; domain.md
    §3.2, not the old 7-day definition), infant = under 1 year, then under 5."""
    if (died - born).days < 28:
        return DeathAge.NEONATAL
    if died < add_years(born, 1):
        return DeathAge.INFANT
    if died < add_years(born, 5):
        return DeathAge.UNDER_FIVE
    return DeathAge.OLDER


@dataclass(frozen=True)
class ChildCheckWindow:
    """One check of the 0–6 schedule: due from, overdue from, shown until, as (months, days) after birth."""

    kind: str
    due: tuple[int, int]
    overdue: tuple[int, int]
    until: tuple[int, int]
    #: One of the checks 3岁以下儿童系统管理率 counts (the 4:2:2 frequency: 3, 6, 8, 12, 18, 24, 30 months).
    under_three: bool = False

    @staticmethod
    def after(born: date, offset: tuple[int, int]) -> date:
        return months_after(born, offset[0]) + timedelta(days=offset[1])


#: 国家基本公共卫生服务规范(第三版) 0–6岁儿童健康管理 (domain.md §3.3): newborn visit within a week, 满月 at
#: 28–30 days, then 3, 6, 8, 12, 18, 24, 30, 36 months and 4, 5, 6 years. A check is due for a month (three
#: for the yearly ones) and overdue until the next one falls due. The 36-month check falls on the third
#: birthday, when the child leaves the under-3 cohort.
CHILD_SCHEDULE: tuple[ChildCheckWindow, ...] = (
    ChildCheckWindow(ChildCheckKind.NEWBORN_VISIT, (0, 0), (0, 8), (0, 28)),
    ChildCheckWindow(ChildCheckKind.MONTH_1, (0, 28), (0, 38), (3, 0)),
    ChildCheckWindow(ChildCheckKind.MONTH_3, (3, 0), (4, 0), (6, 0), under_three=True),
    ChildCheckWindow(ChildCheckKind.MONTH_6, (6, 0), (7, 0), (8, 0), under_three=True),
    ChildCheckWindow(ChildCheckKind.MONTH_8, (8, 0), (9, 0), (12, 0), under_three=True),
    ChildCheckWindow(ChildCheckKind.MONTH_12, (12, 0), (13, 0), (18, 0), under_three=True),
    ChildCheckWindow(ChildCheckKind.MONTH_18, (18, 0), (19, 0), (24, 0), under_three=True),
    ChildCheckWindow(ChildCheckKind.MONTH_24, (24, 0), (25, 0), (30, 0), under_three=True),
    ChildCheckWindow(ChildCheckKind.MONTH_30, (30, 0), (31, 0), (36, 0), under_three=True),
    ChildCheckWindow(ChildCheckKind.MONTH_36, (36, 0), (37, 0), (48, 0)),
    ChildCheckWindow(ChildCheckKind.YEAR_4, (48, 0), (51, 0), (60, 0)),
    ChildCheckWindow(ChildCheckKind.YEAR_5, (60, 0), (63, 0), (72, 0)),
    ChildCheckWindow(ChildCheckKind.YEAR_6, (72, 0), (75, 0), (84, 0)),
)
#: Children are followed until the last check leaves the schedule (their 7th birthday: 0–6 programme).
CHILD_FOLLOWED_MONTHS = CHILD_SCHEDULE[-1].until[0]
#: The checks of the under-3 measure and the age in whole months each is due at.
UNDER_THREE_CHECKS: tuple[tuple[str, int], ...] = tuple(
    (window.kind, window.due[0]) for window in CHILD_SCHEDULE if window.under_three
)
#: The field of ``Child`` storing the date each of those checks was done (derived: ``derived.derive_child``).
UNDER_THREE_CHECK_FIELDS: dict[str, str] = {kind: f"check_{kind}_on" for kind, _months in UNDER_THREE_CHECKS}
