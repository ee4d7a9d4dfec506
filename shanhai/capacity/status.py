"""The transfer lifecycle of a new technique: one rule, computed as of a date.

Every caller (detail page, list column, indicators) goes through :func:`status_from`, in bulk
through :func:`technique_statuses`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings

from shanhai.capacity.models import Technique, TechniqueMonth, TechniqueStatus
from shanhai.core import clock
from shanhai.core.periods import add_months, month_of
from shanhai.workforce.models import Posting


def sustain_months() -> int:
    """N of the rule: ``settings.SHANHAI_SUSTAIN_MONTHS``, 6 by default."""
    return int(getattr(settings, "SHANHAI_SUSTAIN_MONTHS", 6))


@dataclass(frozen=True)
class CaseMonth:
    month: int
    supervised: int
    independent: int


def status_from(months: Iterable[CaseMonth], experts_left_on: date | None, on: date, n: int | None = None) -> str:
    """The status of a technique as of ``on``.

    - introduced: no case by local staff yet;
    - transferring: local staff operate under supervision, none independently yet;
    - transferred: at least one case done independently by local staff;
    - sustained: transferred, and local staff still do it independently N months after the last
      supporting expert of its department left the host: an independent case in a month at least
      N months after the month they left, and one within the last N months up to ``on``;
    - lapsed: transferred, the experts have been gone N months or more, and no independent case
      in the last N months up to ``on``.

    ``experts_left_on`` is ``None`` while an expert of the department is still on site.
    Months after ``on`` are not looked at.
    """
    n = sustain_months() if n is None else n
    on_month = month_of(on)
    seen = [m for m in months if m.month <= on_month]
    independent = sorted(m.month for m in seen if m.independent > 0)
    if not independent:
        if any(m.supervised > 0 for m in seen):
            return TechniqueStatus.TRANSFERRING
        return TechniqueStatus.INTRODUCED
    if experts_left_on is None or experts_left_on > on:
        return TechniqueStatus.TRANSFERRED
    threshold = add_months(month_of(experts_left_on), n)
    if on_month < threshold:
        return TechniqueStatus.TRANSFERRED
    recent = independent[-1] > add_months(on_month, -n)
    if not recent:
        return TechniqueStatus.LAPSED
    if independent[-1] >= threshold:
        return TechniqueStatus.SUSTAINED
    return TechniqueStatus.TRANSFERRED


def _top_code(code: str | None) -> str:
    """First-level 诊疗科目 code: a posting to 04.01 counts for a technique of 04 and vice versa."""
    return (code or "").split(".")[0]


def experts_left(techniques: list[Technique], on: date) -> dict[int, date | None]:
    """When the last supporting expert of each technique's department left its host, as of ``on``.

    "Left" is the end of the latest posting at the host in the same first-level department
    (postings started after ``on`` are ignored); ``None`` while one is still on site. Without any
    such posting, the technique's partnership end date stands in (``None`` if it has not ended by
    ``on``).
    """
    stays: dict[tuple[int, str], list[date | None]] = defaultdict(list)
    hosts = {t.host_id for t in techniques}
    if hosts:
        for host_id, code, ended_on in Posting.objects.filter(
            host_id__in=hosts, started_on__lte=on, department__isnull=False
        ).values_list("host_id", "department__code", "ended_on"):
            stays[(host_id, _top_code(code))].append(ended_on)
    result: dict[int, date | None] = {}
    for technique in techniques:
        ends = stays.get((technique.host_id, _top_code(technique.department.code)))
        if ends:
            still_there = any(end is None or end > on for end in ends)
            result[technique.pk] = None if still_there else max(e for e in ends if e is not None)
        else:
            ended = technique.partnership.ended_on
            result[technique.pk] = ended if ended is not None and ended <= on else None
    return result


def technique_statuses(techniques: Iterable[Technique], on: date | None = None) -> dict[int, str]:
    """Status of each technique as of ``on`` (today by default), in three queries for any number."""
    on = on or clock.today()
    chosen = list(techniques)
    cases: dict[int, list[CaseMonth]] = defaultdict(list)
    rows = TechniqueMonth.objects.filter(technique__in=[t.pk for t in chosen], month__lte=month_of(on))
    for technique_id, month, supervised, independent in rows.values_list(
        "technique_id", "month", "supervised_cases", "independent_cases"
    ):
        cases[technique_id].append(CaseMonth(month, supervised, independent))
    left = experts_left(chosen, on)
    return {t.pk: status_from(cases[t.pk], left[t.pk], on) for t in chosen}


def technique_status(technique: Technique, on: date | None = None) -> str:
    """The technique's status as of ``on`` (today by default); see :func:`status_from`."""
    return technique_statuses([technique], on)[technique.pk]
