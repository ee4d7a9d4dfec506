"""A woman's and a pregnancy's pages, and finding a woman by her ID number (matched on its digest)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.text import capfirst

from shanhai.accounts.models import User
from shanhai.accounts.reveal import can_reveal
from shanhai.accounts.scoping import scope_of
from shanhai.maternal.access import pregnancy_personal_unit
from shanhai.maternal.conditions import related_or_none
from shanhai.maternal.identity import id_number_digest
from shanhai.maternal.models import AssessmentKind, PostpartumKind, Pregnancy, PregnancyStatus, Woman
from shanhai.maternal.rules import age_on
from shanhai.maternal.selectors.grading import assessment_entry
from shanhai.maternal.selectors.links import create_url
from shanhai.maternal.selectors.outcomes import postpartum_status
from shanhai.maternal.selectors.referrals import referral_entry
from shanhai.maternal.selectors.states import gestation_label, moment
from shanhai.maternal.selectors.visits import antenatal_contacts, schedule_end
from shanhai.records.kinds import kind_of
from shanhai.records.selectors import can_write_record, record_list
from shanhai.records.tables import detail_url


def find_woman(user: User, id_number: str) -> Woman | None:
    """The woman with this (normalised) ID number among those the user sees, matched on its digest."""
    return record_list(kind_of("women"), user).filter(id_number_digest=id_number_digest(id_number)).first()


def woman_page(user: User, woman: Woman) -> dict[str, Any]:
    pregnancies = list(record_list(kind_of("pregnancies"), user).filter(woman=woman).order_by("-registered_on", "-pk"))
    children = list(record_list(kind_of("children"), user).filter(mother__woman=woman).order_by("birth_date"))
    return {
        "pregnancies": pregnancies,
        "children": children,
        "can_write_woman": can_write_record(kind_of("women"), user, woman),
        "new_pregnancy_url": create_url("pregnancies", woman=woman.public_id),
    }


@dataclass(frozen=True)
class LinkedList:
    """Records of another app's kind that name the pregnancy (its ``pregnancy`` field): a prenatal screening."""

    title: str
    rows: list[tuple[str, str, str]]  # (url, date, summary)
    add_url: str


#: Kinds of other apps whose records may name a pregnancy, with the fields that summarise one (date first). Read by
#: slug, so that the MCH app does not depend on them: a kind not installed is left out.
LINKED_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("prenatal-screenings", ("screened_on", "method", "result", "diagnosis_result")),
)


def linked_records(user: User, pregnancy: Pregnancy) -> list[LinkedList]:
    found = []
    for slug, fields in LINKED_KINDS:
        try:
            kind = kind_of(slug)
        except Http404:
            continue
        records = record_list(kind, user).filter(pregnancy=pregnancy)
        rows = []
        for record in records:
            day, *rest = (_shown(record, name) for name in fields)
            rows.append((detail_url(kind, record), str(day), " · ".join(str(v) for v in rest if v)))
        add = create_url(slug, pregnancy=pregnancy.public_id) if scope_of(user).can_write_anything else ""
        found.append(LinkedList(capfirst(str(kind.model._meta.verbose_name_plural)), rows, add))
    return found


def _shown(record: Any, name: str) -> Any:
    """A field as a page shows it: a choice by its label."""
    display = getattr(record, f"get_{name}_display", None)
    return display() if display is not None else getattr(record, name)


def pregnancy_page(
    user: User, pregnancy: Pregnancy, *, today: date | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Everything the pregnancy page shows besides the record's own columns."""
    today, now = moment(today, now)
    assessments = list(pregnancy.assessments.select_related("institution").order_by("assessed_on", "pk"))
    visits = list(pregnancy.antenatal_visits.select_related("institution").order_by("visited_on", "pk"))
    postpartum = list(pregnancy.postpartum_visits.select_related("institution").order_by("visited_on", "pk"))
    referrals = list(pregnancy.referrals.select_related("from_unit", "to_unit").order_by("requested_at", "pk"))
    delivery = related_or_none(pregnancy, "delivery")
    case = related_or_none(pregnancy, "case")
    end = schedule_end(pregnancy)
    can_write = can_write_record(kind_of("pregnancies"), user, pregnancy)
    # Her age, with the masked ID number's last characters and her residence, narrows her number to a few
    # thousand candidates: only users who may view her personal data see it (README: Personal data).
    may_reveal = any(can_reveal(user, unit) for unit in pregnancy_personal_unit(pregnancy))
    public_id = pregnancy.public_id
    return {
        "pregnancy": pregnancy,
        "woman": pregnancy.woman,
        "gestation_today": gestation_label((today - pregnancy.last_menstrual_period_on).days) if end is None else "",
        "gestation_at_end": gestation_label((end - pregnancy.last_menstrual_period_on).days) if end else "",
        "gestation_at_registration": gestation_label(pregnancy.gestation_days_at_registration),
        "age_at_registration": age_on(pregnancy.woman.birth_date, pregnancy.registered_on) if may_reveal else None,
        "assessments": [assessment_entry(a) for a in assessments],
        "contacts": antenatal_contacts(pregnancy, [v.visited_on for v in visits], today),
        "visits": visits,
        "delivery": delivery,
        "death": related_or_none(pregnancy, "death"),
        "postpartum": postpartum_status(pregnancy, postpartum),
        "postpartum_visits": postpartum,
        "case": case,
        "case_report_overdue": bool(case and case.is_report_overdue(now)),
        "can_write_case": bool(case) and can_write_record(kind_of("risk-cases"), user, case),
        "referrals": [referral_entry(user, r) for r in referrals],
        "children": list(pregnancy.children.all()),
        "can_write": can_write,
        "can_add": scope_of(user).can_write_anything,
        "is_ongoing": pregnancy.status == PregnancyStatus.ONGOING,
        "add": {
            "assessment": reverse("maternal:assessment_create", kwargs={"public_id": public_id}),
            "visit": create_url("antenatal-visits", pregnancy=public_id),
            "referral": create_url("referrals", pregnancy=public_id),
            "delivery": create_url("deliveries", pregnancy=public_id),
            "postpartum": create_url("postpartum-visits", pregnancy=public_id),
            "check_42": create_url("postpartum-visits", pregnancy=public_id, kind=PostpartumKind.CHECK_42),
            "death": create_url("maternal-deaths", pregnancy=public_id),
            "child": create_url("children", mother=public_id),
        },
        "woman_url": reverse("records:detail", kwargs={"kind": "women", "public_id": pregnancy.woman.public_id}),
        "linked": linked_records(user, pregnancy),
        "screening_only": AssessmentKind.SCREENING,
    }
