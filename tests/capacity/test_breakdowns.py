"""Figures by a record attribute, declared in the registry (issue 14, item 2): each part equals a hand count, the
parts add up to the whole, and they show in `shanhai indicators` and on the programme page."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.test import Client

from shanhai.analytics.engine import Scope, evaluate
from shanhai.analytics.registry import registry
from shanhai.core.models import Department
from shanhai.core.periods import parse_period
from shanhai.outreach.models import OutreachKind
from shanhai.outreach.services import outreach_event_create
from shanhai.partnerships.models import Mode
from tests.core.factories import PartnershipFactory


def figures(codes, scope, period):  # type: ignore[no-untyped-def]
    return {v.code: v.value for v in evaluate(codes, scope, parse_period(period))}


def test_techniques_by_surgical_grade_add_up_to_the_whole(world, make_technique):
    make_technique(surgical_grade="3", gap_level="county")
    make_technique(name="胃镜", surgical_grade="non_surgical", gap_level="prefecture")
    make_technique(name="关节镜", surgical_grade="4")
    make_technique(name="中医适宜技术", surgical_grade="non_surgical", approved_on=dt.date(2022, 2, 1))
    scope = Scope(programme=world.programme)
    got = figures(
        [
            "techniques_introduced",
            "techniques_introduced_surgical",
            "techniques_introduced_non_surgical",
            "techniques_gap_filled",
            "techniques_gap_filled_surgical",
            "techniques_gap_filled_non_surgical",
        ],
        scope,
        "2021",
    )
    assert got == {  # hand count: three approved in 2021, two of them operations; two filled a gap
        "techniques_introduced": 3,
        "techniques_introduced_surgical": 2,
        "techniques_introduced_non_surgical": 1,
        "techniques_gap_filled": 2,
        "techniques_gap_filled_surgical": 1,
        "techniques_gap_filled_non_surgical": 1,
    }
    assert figures(["techniques_introduced_surgical"], scope, "2022") == {"techniques_introduced_surgical": 0}
    [value] = evaluate(["techniques_introduced_surgical"], scope, parse_period("2020"))
    assert value.is_reported is False  # before the first technique: unknown, not 0


def test_outreach_events_by_kind_and_partnerships_by_mode(world):
    for kind, day in (
        (OutreachKind.FREE_CLINIC, dt.date(2023, 3, 4)),
        (OutreachKind.FREE_CLINIC, dt.date(2023, 5, 4)),
        (OutreachKind.MEDICAL_BAZAAR, dt.date(2023, 6, 1)),
    ):
        outreach_event_create(
            actor=None,
            kind=kind,
            held_on=day,
            place=world.qitai,
            partnership=world.partnership,
            people_seen=10,
            medicine_value=Decimal("0"),
        )
    surgery = Department.objects.get(code="04")
    PartnershipFactory(
        supporter=world.fuqing_hospital,
        recipient=world.qitai_mch,
        mode=Mode.DEPARTMENT,
        department=surgery,
        started_on=dt.date(2022, 1, 1),
    )
    PartnershipFactory(
        supporter=world.fuqing_hospital,
        recipient=world.qitai_hospital,
        mode=Mode.DEPARTMENT,
        department=surgery,
        started_on=dt.date(2021, 1, 1),
        ended_on=dt.date(2022, 12, 31),  # not in force in 2023
    )
    scope = Scope(org_unit=world.xinjiang)
    got = figures(
        [
            "outreach_events",
            *registry.breakdowns["outreach_events.by_kind"].parts,
            "partnerships_active",
            *registry.breakdowns["partnerships_active.by_mode"].parts,
        ],
        scope,
        "2023",
    )
    assert got["outreach_events"] == 3
    assert (got["outreach_events_free_clinic"], got["outreach_events_mobile_clinic"]) == (2, 0)
    assert got["outreach_events_medical_bazaar"] == 1
    assert got["partnerships_active_department"] == 1  # departments taken over, in force in 2023
    by_mode = [got[code] for code in registry.breakdowns["partnerships_active.by_mode"].parts]
    assert sum(by_mode) == got["partnerships_active"] == 2


def test_breakdowns_in_the_indicators_command_and_on_the_programme_page(world, make_technique, commission_user):
    make_technique(surgical_grade="3")
    make_technique(name="胃镜", surgical_grade="non_surgical")
    out = StringIO()
    call_command(
        "indicators", "--programme", str(world.programme.pk), "--period", "2021", "--format", "json", stdout=out
    )
    rows = {row["code"]: row["value"] for row in json.loads(out.getvalue())}
    assert (rows["techniques_introduced_surgical"], rows["techniques_introduced_non_surgical"]) == (1, 1)
    client = Client()
    client.force_login(commission_user)
    page = client.get(f"/partnerships/programmes/{world.programme.pk}/", {"period": "2021"}).content.decode()
    assert 'data-breakdown="techniques_introduced.by_surgical_grade"' in page
    assert "New techniques: operations" in page
