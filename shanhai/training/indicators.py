"""Metrics, fact sources and indicators of training (courses) and mentorships (registered at start-up).

Every fact lands on the recipient side: a course's ``recipient`` (the trainees' organisation), a
mentorship's partnership recipient, with the partnership and its programme (0 when none).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, FloatField, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _

from shanhai.analytics.engine import Scope
from shanhai.analytics.facts import FactRow, MonthNumber, credit, metric_value, rebuild_credit, register_source
from shanhai.analytics.registry import Closing, Evidence, Flow, Measure, RecordSet, registry
from shanhai.core.periods import Period, month_of
from shanhai.training.models import Apprenticeship, Course, CourseGroup

Participation = Course.participants.through


def _named_participants() -> Coalesce:
    """A course's named participants, as a value to sum over courses (one fact each)."""
    rows = (
        Participation.objects.filter(course=OuterRef("pk"))
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")  # type: ignore[misc]  # the stubs do not see an annotation made after values()
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _course_evidence(**kwargs: object) -> Evidence:
    return Evidence("courses", month="started_on", unit="recipient", **kwargs)  # type: ignore[arg-type]


def _pair(month: str, condition: Q | None = None) -> Evidence:
    return Evidence(
        "apprenticeships",
        month=month,
        unit="mentorship__partnership__recipient",
        partnership="mentorship__partnership",
        condition=condition if condition is not None else Q(),
    )


COURSE_HELD = registry.metric(301, "training.course_held", _("Courses held"), evidence=_course_evidence())
TRAINED_NAMED = registry.metric(
    302,
    "training.trained_named",
    _("Person-times trained (named participants)"),
    evidence=_course_evidence(
        condition=Q(pk__in=Participation.objects.values("course_id")), value=_named_participants()
    ),
)
TRAINED_COUNTED = registry.metric(
    303,
    "training.trained_counted",
    _("Person-times trained (counted groups)"),
    evidence=Evidence(
        "course-groups",
        month="course__started_on",
        unit="course__recipient",
        partnership="course__partnership",
        value="count",
    ),
)
TRAINING_HOURS = registry.metric(
    304, "training.hours", _("Training hours"), evidence=_course_evidence(condition=Q(hours__gt=0), value="hours")
)
PAIRS_STARTED = registry.metric(
    311,
    "training.pairs_started",
    _("Mentor–apprentice pairs started"),
    kind="delta",
    evidence=_pair("started_on"),
)
PAIRS_ENDED = registry.metric(
    312,
    "training.pairs_ended",
    _("Mentor–apprentice pairs ended"),
    kind="delta",
    evidence=_pair("ended_on", Q(ended_on__isnull=False)),
)
BACKBONES = registry.metric(
    313,
    "training.backbones",
    _("Technical backbones trained"),
    evidence=_pair("backbone_on", Q(is_backbone=True, backbone_on__isnull=False)),
)


# --- fact sources ------------------------------------------------------------------------------
def _course_common(course: Course) -> dict[str, int]:
    return {"org_unit_id": course.recipient_id, "month": month_of(course.started_on), **credit(course.partnership)}


def _course_rows(course: Course) -> list[FactRow]:
    """A course counts once in its start month; each named participant is one person-time; its hours."""
    common = _course_common(course)
    rows = [FactRow(metric=COURSE_HELD, **common)]
    rows += [FactRow(metric=TRAINED_NAMED, **common) for _pk in course.participants.values_list("pk", flat=True)]
    if course.hours > 0:
        rows.append(FactRow(metric=TRAINING_HOURS, value=float(course.hours), **common))
    return rows


def _group_rows(group: CourseGroup) -> list[FactRow]:
    return [FactRow(metric=TRAINED_COUNTED, value=float(group.count), **_course_common(group.course))]


def _course_columns(prefix: str = "", value: Any = None) -> dict[str, Any]:
    return {
        "f_month": MonthNumber(f"{prefix}started_on"),
        **rebuild_credit(unit=f"{prefix}recipient_id", partnership=f"{prefix}partnership", value=value),
    }


def _course_rebuild() -> Iterable[QuerySet]:
    yield Course.objects.annotate(f_metric=metric_value(COURSE_HELD), **_course_columns())
    yield Participation.objects.annotate(f_metric=metric_value(TRAINED_NAMED), **_course_columns("course__"))
    yield Course.objects.filter(hours__gt=0).annotate(
        f_metric=metric_value(TRAINING_HOURS), **_course_columns(value=Cast("hours", FloatField()))
    )


def _group_rebuild() -> Iterable[QuerySet]:
    yield CourseGroup.objects.annotate(
        f_metric=metric_value(TRAINED_COUNTED), **_course_columns("course__", value=Cast("count", FloatField()))
    )


def _apprenticeship_rows(a: Apprenticeship) -> list[FactRow]:
    """A pair is a stock: +1 in its start month, ended in its end month; a backbone in its backbone month."""
    partnership = a.mentorship.partnership
    common = {"org_unit_id": partnership.recipient_id, **credit(partnership)}
    rows = [FactRow(metric=PAIRS_STARTED, month=month_of(a.started_on), **common)]
    if a.ended_on:
        rows.append(FactRow(metric=PAIRS_ENDED, month=month_of(a.ended_on), **common))
    if a.is_backbone and a.backbone_on:
        rows.append(FactRow(metric=BACKBONES, month=month_of(a.backbone_on), **common))
    return rows


def _apprenticeship_rebuild() -> Iterable[QuerySet]:
    common = rebuild_credit(unit="mentorship__partnership__recipient_id", partnership="mentorship__partnership")
    yield Apprenticeship.objects.annotate(
        f_metric=metric_value(PAIRS_STARTED), f_month=MonthNumber("started_on"), **common
    )
    yield Apprenticeship.objects.filter(ended_on__isnull=False).annotate(
        f_metric=metric_value(PAIRS_ENDED), f_month=MonthNumber("ended_on"), **common
    )
    yield Apprenticeship.objects.filter(is_backbone=True, backbone_on__isnull=False).annotate(
        f_metric=metric_value(BACKBONES), f_month=MonthNumber("backbone_on"), **common
    )


register_source(Course, rows=_course_rows, rebuild=_course_rebuild)
register_source(CourseGroup, rows=_group_rows, rebuild=_group_rebuild)
register_source(Apprenticeship, rows=_apprenticeship_rows, rebuild=_apprenticeship_rebuild)


# --- measures (distinct people) ---------------------------------------------------------------------
def _people_trained(scope: Scope, period: Period) -> tuple[float, bool]:
    """Distinct named participants of the courses started in the period (counted groups are not
    distinct-countable and are left out); not reported when no named participant is behind it."""
    rows = Participation.objects.filter(
        scope.record_filter(unit="course__recipient", partnership="course__partnership"),
        course__started_on__gte=period.start,
        course__started_on__lte=period.end,
    )
    count = rows.values("person_id").distinct().count()
    return float(count), count > 0


def _apprentices(scope: Scope, period: Period) -> tuple[float, bool]:
    """Distinct apprentices in a pair that was active at any time in the period."""
    rows = Apprenticeship.objects.filter(
        scope.record_filter(unit="mentorship__partnership__recipient", partnership="mentorship__partnership"),
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start),
        started_on__lte=period.end,
    )
    count = rows.values("apprentice_id").distinct().count()
    return float(count), count > 0


def _people_trained_evidence(scope: Scope, period: Period) -> RecordSet:
    courses = Course.objects.filter(
        scope.record_filter(unit="recipient"), started_on__gte=period.start, started_on__lte=period.end
    ).filter(pk__in=Participation.objects.values("course_id"))
    note = _("Courses started in the period with named participants; the number counts their distinct participants.")
    return RecordSet("courses", courses, note=note, distinct="participants")


def _apprentices_evidence(scope: Scope, period: Period) -> RecordSet:
    pairs = Apprenticeship.objects.filter(
        scope.record_filter(unit="mentorship__partnership__recipient", partnership="mentorship__partnership"),
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start),
        started_on__lte=period.end,
    )
    note = _("Mentor–apprentice pairs active at any time in the period; the number counts their distinct apprentices.")
    return RecordSet("apprenticeships", pairs, note=note, distinct="apprentice")


PEOPLE_TRAINED = Measure(
    "training.people_trained", _("Distinct people trained"), _people_trained, evidence=_people_trained_evidence
)
APPRENTICES = Measure("training.apprentices", _("Distinct apprentices"), _apprentices, evidence=_apprentices_evidence)

SOURCE = _("Shanhai training and mentorship records")

registry.indicator(
    code="courses_held",
    name_zh="举办培训（教学）期数",
    name_en="Courses and teaching events held",
    numerator=Flow(COURSE_HELD),
    unit_zh="期",
    unit_en="",
    definition_zh="统计期内开班的研修班、培训班、讲座、教学查房、手术示教期数（按开始日期计）。",
    definition_en="Study courses, training courses, lectures, teaching ward rounds and surgical demonstrations "
    "starting within the period.",
    source=SOURCE,
    app="training",
)
registry.indicator(
    code="training_person_times",
    name_zh="培训人次",
    name_en="Person-times trained",
    numerator=Flow(TRAINED_NAMED) + Flow(TRAINED_COUNTED),
    unit_zh="人次",
    unit_en="",
    definition_zh="统计期内开班的培训的参训人次：具名学员人数＋按机构计数的学员人数之和；同一人参加多期按多人次计。",
    definition_en="Participants of the courses starting within the period: named participants plus participants "
    "counted by institution; a person attending several courses counts once per course.",
    source=SOURCE,
    app="training",
)
registry.indicator(
    code="people_trained",
    name_zh="培训人数（不重复）",
    name_en="Distinct people trained",
    numerator=PEOPLE_TRAINED,
    unit_zh="人",
    unit_en="",
    definition_zh="统计期内开班的培训中不重复的具名学员人数；仅按机构计数的学员无法去重，不计入。",
    definition_en="Distinct named participants of the courses starting within the period; participants only "
    "counted by institution cannot be de-duplicated and are left out.",
    source=SOURCE,
    app="training",
)
registry.indicator(
    code="training_hours",
    name_zh="培训学时",
    name_en="Training hours",
    numerator=Flow(TRAINING_HOURS),
    decimals=1,
    unit_zh="学时",
    unit_en="h",
    definition_zh="统计期内开班的培训的总学时之和（每期按课程总学时计一次，不乘以人数）。",
    definition_en="Sum of the total hours of the courses starting within the period (once per course, not "
    "multiplied by participants).",
    source=SOURCE,
    app="training",
)
registry.indicator(
    code="mentorships_active",
    name_zh="在带师徒对数",
    name_en="Active mentor–apprentice pairs",
    numerator=Closing(PAIRS_STARTED) - Closing(PAIRS_ENDED),
    unit_zh="对",
    unit_en="",
    definition_zh="期末仍在带教中的师徒对数：期末前开始、且未在期末当月及之前结业或终止的师徒结对；导师交接后结对延续。",
    definition_en="Mentor–apprentice pairs in training at the end of the period: started by then and not "
    "completed or withdrawn in or before its last month; a hand-over to a successor does not end a pair.",
    source=SOURCE,
    app="training",
)
registry.indicator(
    code="apprentices",
    name_zh="带教徒弟人数",
    name_en="Apprentices",
    numerator=APPRENTICES,
    unit_zh="人",
    unit_en="",
    definition_zh="统计期内任一时间处于师带徒结对中的不重复徒弟人数。",
    definition_en="Distinct apprentices in a mentor–apprentice pair at any time in the period.",
    source=SOURCE,
    app="training",
)
registry.indicator(
    code="backbones_trained",
    name_zh="培养技术骨干人数",
    name_en="Technical backbones trained",
    numerator=Flow(BACKBONES),
    unit_zh="人",
    unit_en="",
    definition_zh="统计期内经师带徒出师并认定为技术骨干的人数（按认定日期计）。",
    definition_en="Apprentices who completed and were recorded as technical backbones within the period "
    "(by the date recorded).",
    source=SOURCE,
    app="training",
)
