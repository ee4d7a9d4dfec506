import datetime as dt

import pytest

from shanhai.analytics import engine, facts
from shanhai.analytics.models import Fact
from shanhai.core.models import HospitalGrade
from shanhai.core.periods import parse_period
from shanhai.core.services import org_unit_move, org_unit_update
from shanhai.partnerships.services import agreement_add, partnership_delete, partnership_update
from tests.core.factories import OrgUnitFactory, PartnershipFactory, ProgrammeFactory

FACT_COLUMNS = (
    "metric",
    "org_unit_id",
    "anc_1",
    "anc_2",
    "anc_3",
    "anc_4",
    "anc_5",
    "anc_6",
    "programme_id",
    "partnership_id",
    "month",
    "value",
    "record_count",
)


def fact_table() -> list[tuple]:
    return sorted(Fact.objects.values_list(*FACT_COLUMNS))


def values(codes, scope, period):
    return {r.code: r for r in engine.evaluate(codes, scope, parse_period(period))}


def test_rebuild_equals_incremental_after_many_changes(world):
    other = PartnershipFactory(
        supporter=world.fuqing_hospital,
        recipient=world.qitai_mch,
        mode="pairing",
        started_on=dt.date(2020, 6, 15),
        programme=world.programme,
    )
    agreement_add(actor=None, partnership=other, title="结对帮扶协议", signed_on=dt.date(2021, 2, 1))
    agreement_add(actor=None, partnership=world.partnership, title="对口支援协议", signed_on=dt.date(2021, 3, 5))
    partnership_update(actor=None, partnership=other, ended_on=dt.date(2023, 5, 31), started_on=dt.date(2020, 7, 1))
    new_programme = ProgrammeFactory(owner=world.fujian)
    partnership_update(actor=None, partnership=world.partnership, programme=new_programme)
    org_unit_move(actor=None, unit=world.qitai, new_parent=world.xinjiang)
    doomed = PartnershipFactory(
        supporter=world.haikou_hospital, recipient=world.fuqing_hospital, started_on=dt.date(2022, 1, 1)
    )
    agreement_add(actor=None, partnership=doomed, title="协议", signed_on=dt.date(2022, 2, 2))
    partnership_delete(actor=None, partnership=doomed)

    incremental = fact_table()
    assert len(incremental) == 5  # 2 starts, 1 end, 2 agreements
    facts.rebuild()
    assert fact_table() == incremental


def test_move_rewrites_fact_ancestors(world):
    org_unit_move(actor=None, unit=world.qitai, new_parent=world.fuzhou)
    row = Fact.objects.get(partnership_id=world.partnership.pk)
    assert (row.anc_1, row.anc_2, row.anc_3, row.anc_4) == (
        world.fujian.pk,
        world.fuzhou.pk,
        world.qitai.pk,
        world.qitai_hospital.pk,
    )
    result = values(["partnerships_active"], engine.Scope(org_unit=world.fujian), "2023")
    assert result["partnerships_active"].value == 1
    assert (
        values(["partnerships_active"], engine.Scope(org_unit=world.xinjiang), "2023")[
            "partnerships_active"
        ].is_reported
        is False
    )


def test_active_partnerships_over_periods(world):
    partnership_update(actor=None, partnership=world.partnership, ended_on=dt.date(2023, 6, 30))
    scope = engine.Scope(org_unit=world.changji)
    assert values(["partnerships_active"], scope, "202102")["partnerships_active"].is_reported is False  # no record yet
    assert values(["partnerships_active"], scope, "202103")["partnerships_active"].value == 1
    assert values(["partnerships_active"], scope, "2023")["partnerships_active"].value == 1
    assert values(["partnerships_active"], scope, "202306")["partnerships_active"].value == 1
    assert values(["partnerships_active"], scope, "202307")["partnerships_active"].value == 0
    assert values(["partnerships_active"], scope, "2022Oct")["partnerships_active"].value == 1  # Oct 2022 – Sep 2023


def test_zero_where_records_are_kept_and_unknown_before(world):
    """Counts of records kept in Shanhai: 0 once the scope keeps records of the kind, not reported before that."""
    agreement_add(actor=None, partnership=world.partnership, title="对口支援协议", signed_on=dt.date(2021, 3, 5))
    scope = engine.Scope(org_unit=world.xinjiang)
    later = values(["agreements_signed"], scope, "2023")["agreements_signed"]
    assert (later.value, later.is_reported, later.display) == (0, True, "0")
    assert values(["agreements_signed"], scope, "2020")["agreements_signed"].is_reported is False
    assert values(["agreements_signed"], scope, "202103")["agreements_signed"].value == 1
    assert values(["agreements_signed"], scope, "202102")["agreements_signed"].is_reported is False
    assert values(["agreements_signed"], scope, "202104")["agreements_signed"].value == 0
    # The same in a grid, per row and per month: a row that never kept any stays not reported.
    grid = engine.evaluate_grid(
        ["agreements_signed"], engine.Scope(org_unit=world.changji), parse_period("2021"), group="unit", monthly=True
    )
    rows = {row.code: row.key for row in grid.rows}
    qitai, commission = rows[world.qitai.code], rows[world.changji_commission.code]
    assert grid.get("agreements_signed", qitai, 202102).is_reported is False
    assert grid.get("agreements_signed", qitai, 202103).value == 1
    june = grid.get("agreements_signed", qitai, 202106)
    assert (june.value, june.is_reported) == (0, True)
    assert grid.get("agreements_signed", commission).is_reported is False
    assert grid.get("agreements_signed", commission, 202106).is_reported is False


def test_not_reported_is_not_zero(world):
    result = values(["agreements_signed", "partnerships_active"], engine.Scope(org_unit=world.hainan), "2023")
    assert result["agreements_signed"].is_reported is False
    assert result["agreements_signed"].value is None
    assert result["agreements_signed"].display in {"not reported", "未上报"}
    assert result["partnerships_active"].is_reported is False


def test_distinct_counts_and_grade_share(world):
    grade_3a = HospitalGrade.objects.get(code="3A")
    second = OrgUnitFactory(name="福州市第一医院", parent=world.fuzhou, grade=grade_3a)
    third = OrgUnitFactory(name="福州市第二医院", parent=world.fuzhou, grade=grade_3a)
    for supporter in (second, third):
        PartnershipFactory(
            supporter=supporter,
            recipient=world.qitai_hospital,
            mode="group_assistance",
            programme=world.programme,
            started_on=dt.date(2022, 3, 1),
        )
    PartnershipFactory(
        supporter=second,
        recipient=world.qitai_mch,
        mode="group_assistance",
        programme=world.programme,
        started_on=dt.date(2022, 3, 1),
    )
    codes = ["supporting_institutions", "recipient_institutions", "supporters_grade_3a_share", "partnerships_active"]
    result = values(codes, engine.Scope(programme=world.programme), "2023")
    assert result["supporting_institutions"].value == 3
    assert result["recipient_institutions"].value == 2
    assert result["partnerships_active"].value == 4
    share = result["supporters_grade_3a_share"]
    assert (share.numerator, share.denominator, share.value) == (2, 3, 67)
    assert values(codes, engine.Scope(programme=world.programme), "2021")["supporting_institutions"].value == 1


def test_supporter_side_scope(world):
    by_recipient = values(["partnerships_active"], engine.Scope(org_unit=world.fujian), "2023")
    by_supporter = values(
        ["partnerships_active", "recipient_institutions"], engine.Scope(org_unit=world.fujian, side="supporter"), "2023"
    )
    assert by_recipient["partnerships_active"].is_reported is False
    assert by_supporter["partnerships_active"].value == 1
    assert by_supporter["recipient_institutions"].value == 1


def test_partnership_and_programme_scopes_after_repointing(world):
    agreement_add(actor=None, partnership=world.partnership, title="协议", signed_on=dt.date(2023, 4, 1))
    new_programme = ProgrammeFactory(owner=world.fujian)
    assert (
        values(["agreements_signed"], engine.Scope(programme=world.programme), "2023")["agreements_signed"].value == 1
    )
    partnership_update(actor=None, partnership=world.partnership, programme=new_programme)
    assert (
        values(["agreements_signed"], engine.Scope(programme=world.programme), "2023")["agreements_signed"].is_reported
        is False
    )
    assert values(["agreements_signed"], engine.Scope(programme=new_programme), "2023")["agreements_signed"].value == 1
    assert (
        values(["agreements_signed"], engine.Scope(partnership=world.partnership), "2023Q2")["agreements_signed"].value
        == 1
    )


def test_engine_reads_facts_in_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        engine.evaluate(["partnerships_active"], engine.Scope(org_unit=world.xinjiang), parse_period("2023"))


def test_a_metric_without_facts_takes_one_more_query_to_tell_zero_from_unknown(world, django_assert_num_queries):
    with django_assert_num_queries(2):
        engine.evaluate(
            ["partnerships_active", "agreements_signed"], engine.Scope(org_unit=world.xinjiang), parse_period("2023")
        )


def test_grade_change_is_seen_at_once(world):
    scope = engine.Scope(programme=world.programme)
    assert values(["supporters_grade_3a_share"], scope, "2023")["supporters_grade_3a_share"].value == 0
    org_unit_update(actor=None, unit=world.fuqing_hospital, grade=HospitalGrade.objects.get(code="3A"))
    assert values(["supporters_grade_3a_share"], scope, "2023")["supporters_grade_3a_share"].value == 100


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_indicators_command(world, fmt):
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "indicators",
        "--indicator",
        "partnerships_active",
        "--indicator",
        "agreements_signed",
        "--org",
        "652300",
        "--period",
        "2023",
        "--format",
        fmt,
        stdout=out,
    )
    if fmt == "json":
        rows = json.loads(out.getvalue())
        assert [r["code"] for r in rows] == ["partnerships_active", "agreements_signed"]
        assert set(rows[0]) == {"code", "name", "scope", "period", "numerator", "denominator", "value"}
        assert (rows[0]["value"], rows[0]["period"], rows[0]["scope"]) == (1, "2023", "昌吉回族自治州")
        assert rows[1]["value"] is None
    else:
        lines = out.getvalue().splitlines()
        assert lines[0].split("\t") == ["code", "name", "scope", "period", "numerator", "denominator", "value"]
        assert lines[1].split("\t")[0] == "partnerships_active"
        assert lines[2].endswith("未上报") or lines[2].endswith("not reported")


def test_indicators_command_errors(world):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"not a period|不是"):
        call_command("indicators", "--org", "652300", "--period", "2023-13")
    with pytest.raises(CommandError, match="unknown indicator"):
        call_command("indicators", "--org", "652300", "--period", "2023", "--indicator", "nope")


def test_the_3a_share_counts_hospitals_only_in_its_denominator(world):
    """三级甲等支援医院占比 (issue 14): a supporting health commission has no grade and is no hospital."""
    from shanhai.core.models import HospitalGrade
    from shanhai.core.services import org_unit_update

    PartnershipFactory(
        supporter=world.changji_commission, recipient=world.qitai_mch, programme=world.programme,
        started_on=dt.date(2021, 5, 1),
    )  # fmt: skip
    org_unit_update(actor=None, unit=world.fuqing_hospital, grade=HospitalGrade.objects.get(code="3A"))
    share = values(["supporters_grade_3a_share"], engine.Scope(programme=world.programme), "2023")
    assert (share["supporters_grade_3a_share"].numerator, share["supporters_grade_3a_share"].denominator) == (1, 1)
    assert share["supporters_grade_3a_share"].value == 100
