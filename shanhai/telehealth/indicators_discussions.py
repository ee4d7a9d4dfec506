"""Metrics (ids 1151–1199), fact sources and indicators of case discussions (imported by ``TelehealthConfig.ready``).

Facts of a *held* session, in the month of its date, on its participating (recipient-side) institution, credited
to its partnership: the session, each case presented, each attendance, and each attendance of the recipient side's
staff, which is one training person-time. Training's ``training_person_times`` gets that last metric added to its
numerator (``registry.add_to_numerator``) rather than sharing training's own metric: a metric has one kind of
evidence record, so the records behind the figure stay listable (courses, and attendance rows).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

import shanhai.training.indicators  # noqa: F401  (its person-times indicator must exist before we add to it)
from shanhai.analytics.facts import FactRow, MonthNumber, credit, metric_value, rebuild_credit, register_source
from shanhai.analytics.registry import Evidence, Flow, registry
from shanhai.core.periods import month_of
from shanhai.telehealth.models import (
    CaseDiscussion,
    DiscussedCase,
    DiscussionAttendance,
    DiscussionStatus,
    Side,
)

HELD = DiscussionStatus.HELD


def _session_evidence(kind: str, condition: Q) -> Evidence:
    return Evidence(
        kind,
        month="discussion__scheduled_on",
        unit="discussion__recipient",
        partnership="discussion__partnership",
        condition=Q(discussion__status=HELD) & condition,
    )


DISCUSSIONS_HELD = registry.metric(
    1151,
    "telehealth.discussions_held",
    _("Case discussions held"),
    evidence=Evidence("case-discussions", month="scheduled_on", unit="recipient", condition=Q(status=HELD)),
)
CASES_DISCUSSED = registry.metric(
    1152, "telehealth.cases_discussed", _("Cases discussed"), evidence=_session_evidence("discussed-cases", Q())
)
ATTENDANCE = registry.metric(
    1153,
    "telehealth.discussion_attendance",
    _("Case discussion attendance (person-times)"),
    evidence=_session_evidence("discussion-attendance", Q(attended=True)),
)
TRAINEES = registry.metric(
    1154,
    "telehealth.discussion_trainees",
    _("Case discussion attendance of the recipient side (person-times trained)"),
    evidence=_session_evidence("discussion-attendance", Q(attended=True, side=Side.RECIPIENT)),
)


# --- fact sources ------------------------------------------------------------------------------------
def _session_common(discussion: CaseDiscussion) -> dict[str, int]:
    return {
        "org_unit_id": discussion.recipient_id,
        "month": month_of(discussion.scheduled_on),
        **credit(discussion.partnership),
    }


def _discussion_rows(discussion: CaseDiscussion) -> list[FactRow]:
    if discussion.status != HELD:
        return []
    return [FactRow(metric=DISCUSSIONS_HELD, **_session_common(discussion))]


def _case_rows(case: DiscussedCase) -> list[FactRow]:
    if case.discussion.status != HELD:
        return []
    return [FactRow(metric=CASES_DISCUSSED, **_session_common(case.discussion))]


def _attendance_rows(row: DiscussionAttendance) -> list[FactRow]:
    if not row.attended or row.discussion.status != HELD:
        return []
    common = _session_common(row.discussion)
    rows = [FactRow(metric=ATTENDANCE, **common)]
    if row.side == Side.RECIPIENT:
        rows.append(FactRow(metric=TRAINEES, **common))
    return rows


def _columns(prefix: str = "") -> dict[str, object]:
    return {
        "f_month": MonthNumber(f"{prefix}scheduled_on"),
        **rebuild_credit(unit=f"{prefix}recipient_id", partnership=f"{prefix}partnership"),
    }


def _discussion_rebuild() -> Iterable[QuerySet]:
    yield CaseDiscussion.objects.filter(status=HELD).annotate(
        f_metric=metric_value(DISCUSSIONS_HELD),
        **_columns(),  # type: ignore[arg-type]
    )


def _case_rebuild() -> Iterable[QuerySet]:
    yield DiscussedCase.objects.filter(discussion__status=HELD).annotate(
        f_metric=metric_value(CASES_DISCUSSED),
        **_columns("discussion__"),  # type: ignore[arg-type]
    )


def _attendance_rebuild() -> Iterable[QuerySet]:
    attended = DiscussionAttendance.objects.filter(discussion__status=HELD, attended=True)
    yield attended.annotate(f_metric=metric_value(ATTENDANCE), **_columns("discussion__"))  # type: ignore[arg-type]
    yield attended.filter(side=Side.RECIPIENT).annotate(
        f_metric=metric_value(TRAINEES),
        **_columns("discussion__"),  # type: ignore[arg-type]
    )


register_source(CaseDiscussion, rows=_discussion_rows, rebuild=_discussion_rebuild)
register_source(DiscussedCase, rows=_case_rows, rebuild=_case_rebuild)
register_source(DiscussionAttendance, rows=_attendance_rows, rebuild=_attendance_rebuild)


# --- indicators --------------------------------------------------------------------------------------
SOURCE = _("Shanhai case discussion records")

registry.indicator(
    code="discussions_held",
    name_zh="病例讨论（远程教学查房）次数",
    name_en="Case discussions held",
    numerator=Flow(DISCUSSIONS_HELD),
    unit_zh="次",
    unit_en="",
    definition_zh="统计期内已举行的病例讨论、远程教学查房和疑难病例会诊讨论次数（按讨论日期计；已安排未举行、已取消的不计）。",
    definition_en="Case discussions, remote teaching ward rounds and difficult-case discussions held within the "
    "period (by their date; scheduled or cancelled sessions do not count).",
    source=SOURCE,
    app="telehealth",
)
registry.indicator(
    code="cases_discussed",
    name_zh="讨论病例数",
    name_en="Cases discussed",
    numerator=Flow(CASES_DISCUSSED),
    unit_zh="例",
    unit_en="",
    definition_zh="统计期内已举行的病例讨论中汇报讨论的病例数。",
    definition_en="Cases presented at the case discussions held within the period.",
    source=SOURCE,
    app="telehealth",
)
registry.indicator(
    code="discussion_attendance",
    name_zh="病例讨论参加人次",
    name_en="Case discussion attendance",
    numerator=Flow(ATTENDANCE),
    unit_zh="人次",
    unit_en="",
    definition_zh="统计期内已举行的病例讨论中，支援方与受援方实际参加的人次之和；同一人参加多次按多人次计。",
    definition_en="People of both sides who attended the case discussions held within the period; a person "
    "attending several sessions counts once per session.",
    source=SOURCE,
    app="telehealth",
)
registry.add_to_numerator(
    "training_person_times",
    Flow(TRAINEES),
    also_zh="受援方人员参加病例讨论、远程教学查房的人次一并计入。",
    also_en="Recipient-side staff attending case discussions and remote teaching ward rounds count as well.",
)
