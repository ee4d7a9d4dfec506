"""The fields a pregnancy and a child store, derived from their other records by the rules
(``rules.py``). The services write them after every change (``services.registry``), bulk loading
for a batch, ``shanhai refresh_mch`` after a change of the rules; models.py lists them.

Each function reads only the record's own columns and its relations (the prefetched ones when
:func:`with_relations` / :func:`child_with_relations` fetched them), so a thousand pregnancies (children) take a
fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet

from shanhai.maternal.conditions import related_or_none
from shanhai.maternal.models import AssessmentKind, Child, ChildCheck, Pregnancy, PregnancyStatus, colour_rank
from shanhai.maternal.rules import (
    TERM_DAYS,
    UNDER_THREE_CHECK_FIELDS,
    MchRules,
    death_age,
    gestation_days,
    is_early_registered,
    is_high_risk,
    is_high_risk_infant,
    is_high_risk_managed,
    is_postpartum_visit_in_time,
    is_system_managed,
    mch_rules,
    needs_case,
)

#: The columns :func:`derive_pregnancy` reads of each related record (``with_relations(derived_only=True)``).
DERIVED_FROM = {
    "assessments": ("id", "pregnancy_id", "assessed_on", "kind", "screening_result", "colour", "is_purple"),
    "antenatal_visits": ("id", "pregnancy_id", "visited_on"),
    "postpartum_visits": ("id", "pregnancy_id", "visited_on", "kind"),
}


def with_relations(queryset: QuerySet[Pregnancy], *, derived_only: bool = False) -> QuerySet[Pregnancy]:
    """What :func:`derive_pregnancy` reads, fetched up front (a fixed number of queries for any count);
    ``derived_only``: only the columns it reads of the many related records (a bulk refresh, where making every
    field of millions of visits is most of the time)."""
    queryset = queryset.select_related("delivery", "death", "case")
    if not derived_only:
        return queryset.prefetch_related(*DERIVED_FROM)
    return queryset.prefetch_related(
        *(
            Prefetch(name, queryset=getattr(Pregnancy, name).rel.related_model.objects.only(*columns).order_by())
            for name, columns in DERIVED_FROM.items()
        )
    )


def derive_dates(pregnancy: Pregnancy) -> dict[str, Any]:
    """Expected delivery (Naegele: LMP + 280 days) and gestation at registration in days."""
    return {
        "expected_delivery_on": pregnancy.last_menstrual_period_on + timedelta(days=TERM_DAYS),
        "gestation_days_at_registration": max(gestation_days(pregnancy, pregnancy.registered_on), 0),
    }


def derive_pregnancy(pregnancy: Pregnancy, *, rules: MchRules | None = None) -> dict[str, Any]:
    """The stored fields of a pregnancy from its other records (domain.md §1.6 rules 2–3, §3.2):
    current colour = the latest grading, highest colour = the highest grading ever (a colour that
    goes down still counts as high-risk); the indicator flags by the rules of ``rules.py``."""
    rules = rules or mch_rules()
    values: dict[str, Any] = derive_dates(pregnancy)
    assessments = sorted(pregnancy.assessments.all(), key=lambda a: (a.assessed_on, a.pk))
    screenings = [a for a in assessments if a.kind == AssessmentKind.SCREENING]
    gradings = [a for a in assessments if a.kind != AssessmentKind.SCREENING]
    values["screening_result"] = screenings[-1].screening_result if screenings else ""
    latest = gradings[-1] if gradings else None
    values["current_colour"] = latest.colour if latest else ""
    values["is_purple"] = latest.is_purple if latest else False
    values["highest_colour"] = max((a.colour for a in gradings), key=colour_rank, default="")
    values["was_ever_purple"] = any(a.is_purple for a in gradings)
    risky = [a for a in gradings if is_high_risk(a.colour, a.is_purple)]
    values["high_risk_since"] = risky[0].assessed_on if risky else None

    delivery = related_or_none(pregnancy, "delivery")
    death = related_or_none(pregnancy, "death")
    end = delivery.delivered_on if delivery else None
    visits = sorted(v.visited_on for v in pregnancy.antenatal_visits.all() if end is None or v.visited_on <= end)
    values["antenatal_visit_count"] = len(visits)
    values["last_antenatal_on"] = visits[-1] if visits else None
    values["is_early_registered"] = is_early_registered(pregnancy, visits, rules)
    values["is_high_risk"] = bool(risky)
    postpartum = list(pregnancy.postpartum_visits.all())
    values["is_high_risk_managed"] = is_high_risk_managed(
        high_risk_since=values["high_risk_since"],
        contacts=[*visits, *(p.visited_on for p in postpartum)],
        needs_case=needs_case(values["highest_colour"], values["was_ever_purple"]),
        has_case=related_or_none(pregnancy, "case") is not None,
        recorded_on=pregnancy.managed_recorded_on if pregnancy.managed_note.strip() else None,
    )
    visited = delivery is not None and any(is_postpartum_visit_in_time(p, delivery, rules) for p in postpartum)
    values["is_postpartum_visited"] = visited
    values["is_system_managed"] = is_system_managed(
        delivery=delivery,
        early=values["is_early_registered"],
        visit_count=len(visits),
        postpartum_visited=visited,
        rules=rules,
    )
    if death is not None:
        values["status"] = PregnancyStatus.MATERNAL_DEATH
    elif delivery is not None:
        values["status"] = PregnancyStatus.DELIVERED
    elif pregnancy.status in (PregnancyStatus.DELIVERED, PregnancyStatus.MATERNAL_DEATH):
        # The delivery or death was withdrawn: back to how the pregnancy stood without it.
        ended = pregnancy.ended_on is not None and pregnancy.end_reason
        values["status"] = PregnancyStatus.ENDED if ended else PregnancyStatus.ONGOING
    return values


def child_with_relations(queryset: QuerySet[Child]) -> QuerySet[Child]:
    """What :func:`derive_child` reads, fetched up front: the children's checks (kind and date only)."""
    return queryset.prefetch_related(
        Prefetch("checks", queryset=ChildCheck.objects.only("id", "child_id", "kind", "checked_on").order_by())
    )


def derive_child(child: Child, *, checks: Iterable[ChildCheck] | None = None) -> dict[str, Any]:
    """High-risk infant and the age band of a death (``rules.is_high_risk_infant``, ``rules.death_age``), and
    the date each check of the under-3 measure was done, the earliest of its kind, none when not done
    (``rules.UNDER_THREE_CHECK_FIELDS``). The checks are ``checks`` when given (a batch not saved yet), else the
    child's own (the prefetched ones after :func:`child_with_relations`); a child not saved has none."""
    if checks is None:
        checks = child.checks.all() if child.pk else ()
    done: dict[str, date] = {}
    for check in checks:
        if check.kind not in done or check.checked_on < done[check.kind]:
            done[check.kind] = check.checked_on
    return {
        "is_high_risk": is_high_risk_infant(child),
        "death_age": death_age(child.birth_date, child.died_on) if child.died_on else None,
        **{name: done.get(kind) for kind, name in UNDER_THREE_CHECK_FIELDS.items()},
    }
