"""After the delivery: the postpartum home visit (in its window?) and the 42-day check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from shanhai.maternal.conditions import related_or_none
from shanhai.maternal.models import PostpartumKind, PostpartumVisit, Pregnancy
from shanhai.maternal.rules import is_postpartum_visit_in_time, mch_rules, postpartum_visit_window


@dataclass(frozen=True)
class PostpartumStatus:
    start: date
    visit_due_on: date
    visit_last_day: date
    visit: PostpartumVisit | None
    is_visit_in_window: bool
    check_due_on: date
    check: PostpartumVisit | None


def postpartum_status(pregnancy: Pregnancy, visits: list[PostpartumVisit]) -> PostpartumStatus | None:
    delivery = related_or_none(pregnancy, "delivery")
    if delivery is None:
        return None
    rules = mch_rules()
    start, last = postpartum_visit_window(delivery, rules)
    home = [v for v in visits if v.kind == PostpartumKind.VISIT]
    in_window = [v for v in home if is_postpartum_visit_in_time(v, delivery, rules)]
    checks = [v for v in visits if v.kind == PostpartumKind.CHECK_42]
    return PostpartumStatus(
        start=start,
        visit_due_on=start + timedelta(days=rules.postpartum_visit_due_days),
        visit_last_day=last,
        visit=next(iter(in_window or home), None),
        is_visit_in_window=bool(in_window),
        check_due_on=delivery.delivered_on + timedelta(days=rules.postpartum_check_day),
        check=next(iter(checks), None),
    )
