"""Scorecards of a partnership and of a programme: the status rule, the coverage rule, and the pages on the demo."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from shanhai.accounts.models import User
from shanhai.analytics.engine import Scope, evaluate
from shanhai.analytics.registry import registry
from shanhai.core import clock
from shanhai.core.models import Department
from shanhai.core.periods import parse_period
from shanhai.demo import records_capacity, scenarios
from shanhai.partnerships.models import Partnership, Programme
from shanhai.portal.scorecards import (
    TECHNIQUE_INDICATORS,
    Coverage,
    Stay,
    TargetStatus,
    adds_up_over_months,
    coverage_states,
    expected_value,
    partnership_scorecard,
    posting_coverage,
    programme_scorecard,
    target_status,
    technique_table,
)
from shanhai.workforce.models import Batch, Gender, Person, Posting

START, DUE = date(2024, 1, 1), date(2025, 1, 1)  # 366 days apart
HALFWAY = date(2024, 7, 2)  # day 183 of 366


def status(now: float | None, target: float, *, baseline: float | None = None, direction: str = "up", on=HALFWAY):
    return target_status(
        now=now, target=target, direction=direction, baseline=baseline, started_on=START, due_on=DUE, on=on
    )


# --- the status rule ----------------------------------------------------------------------------------
class TestTargetStatus:
    def test_unknown_now_is_not_reported_not_behind(self) -> None:
        assert status(None, 10, baseline=5) == TargetStatus.NOT_REPORTED
        assert status(None, 10, on=date(2026, 1, 1)) == TargetStatus.NOT_REPORTED

    def test_achieved_when_now_meets_the_target_in_its_direction(self) -> None:
        assert status(10, 10) == TargetStatus.ACHIEVED
        assert status(12, 10, on=date(2026, 1, 1)) == TargetStatus.ACHIEVED
        assert status(4, 5, baseline=9, direction="down") == TargetStatus.ACHIEVED
        assert status(6, 5, baseline=9, direction="down", on=date(2026, 1, 1)) == TargetStatus.BEHIND

    def test_on_track_against_the_straight_line_from_the_baseline(self) -> None:
        assert expected_value(
            baseline=10, target=20, direction="up", started_on=START, due_on=DUE, on=HALFWAY
        ) == pytest.approx(15.0)
        assert status(15, 20, baseline=10) == TargetStatus.ON_TRACK
        assert status(14.9, 20, baseline=10) == TargetStatus.BEHIND

    def test_without_a_baseline_a_count_starts_at_zero(self) -> None:
        assert expected_value(
            baseline=None, target=10, direction="up", started_on=START, due_on=DUE, on=HALFWAY
        ) == pytest.approx(5.0)
        assert status(5, 10) == TargetStatus.ON_TRACK
        assert status(4, 10) == TargetStatus.BEHIND

    def test_lower_is_better(self) -> None:
        assert expected_value(
            baseline=100, target=50, direction="down", started_on=START, due_on=DUE, on=HALFWAY
        ) == pytest.approx(75.0)
        assert status(75, 50, baseline=100, direction="down") == TargetStatus.ON_TRACK
        assert status(76, 50, baseline=100, direction="down") == TargetStatus.BEHIND

    def test_lower_is_better_without_a_baseline_is_on_track_until_due(self) -> None:
        assert (
            expected_value(baseline=None, target=5, direction="down", started_on=START, due_on=DUE, on=HALFWAY) is None
        )
        assert status(9, 5, direction="down") == TargetStatus.ON_TRACK
        assert status(9, 5, direction="down", on=DUE) == TargetStatus.BEHIND

    def test_past_the_due_date_not_achieved_is_behind(self) -> None:
        assert status(19, 20, baseline=10, on=date(2025, 6, 1)) == TargetStatus.BEHIND

    def test_before_the_start_the_baseline_is_on_track(self) -> None:
        assert status(10, 20, baseline=10, on=date(2023, 6, 1)) == TargetStatus.ON_TRACK
        assert status(9, 20, baseline=10, on=date(2023, 6, 1)) == TargetStatus.BEHIND


def test_only_sums_of_flows_add_up_over_months() -> None:
    assert adds_up_over_months(registry.get("agreements_signed").numerator) is True
    assert adds_up_over_months(registry.get("techniques_gap_filled").numerator) is True
    assert adds_up_over_months(registry.get("partnerships_active").numerator) is False  # a stock
    assert adds_up_over_months(registry.get("techniques_transferred").numerator) is False  # a measure


# --- the coverage rule --------------------------------------------------------------------------------
MONTHS = [202401, 202402, 202403, 202404, 202405, 202406]
C, OV, G, N = Coverage.COVERED, Coverage.OVERLAP, Coverage.GAP, Coverage.NONE


class TestCoverageStates:
    def test_hand_over_between_batches_overlaps_in_the_shared_month(self) -> None:
        stays = [Stay(date(2024, 1, 1), date(2024, 3, 15), 1), Stay(date(2024, 3, 10), date(2024, 6, 30), 2)]
        assert coverage_states(stays, MONTHS) == [C, C, OV, C, C, C]

    def test_two_experts_of_one_batch_are_no_overlap(self) -> None:
        stays = [Stay(date(2024, 1, 1), date(2024, 3, 15), 1), Stay(date(2024, 2, 1), None, 1)]
        assert coverage_states(stays, MONTHS) == [C, C, C, C, C, C]

    def test_months_without_anyone_between_postings_are_gaps(self) -> None:
        stays = [Stay(date(2024, 2, 1), date(2024, 2, 10), 1), Stay(date(2024, 5, 20), None, 2)]
        assert coverage_states(stays, MONTHS) == [N, C, G, G, C, C]

    def test_before_the_first_and_after_the_last_posting_is_no_gap(self) -> None:
        stays = [Stay(date(2024, 3, 1), date(2024, 4, 30), None)]
        assert coverage_states(stays, MONTHS) == [N, N, C, C, N, N]

    def test_a_posting_without_a_batch_does_not_make_an_overlap(self) -> None:
        stays = [Stay(date(2024, 1, 1), date(2024, 1, 31), None), Stay(date(2024, 1, 15), date(2024, 1, 31), 3)]
        assert coverage_states(stays, MONTHS) == [C, N, N, N, N, N]


# --- on the demo ---------------------------------------------------------------------------------------
def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def s3() -> Programme:
    return Programme.objects.get(name=scenarios.S3_PROGRAMME)


def s1_partnerships() -> list[Partnership]:
    return list(
        Partnership.objects.filter(programme__name=scenarios.S1_PROGRAMME, targets__isnull=False).order_by("pk")
    )


def column_sums(table) -> dict[str, float]:  # type: ignore[no-untyped-def]
    return {
        "techniques_introduced": sum(r.introduced for r in table.rows),
        "techniques_transferred": sum(r.transferred for r in table.rows),
        "techniques_sustained": sum(r.sustained for r in table.rows),
        "techniques_lapsed": sum(r.lapsed for r in table.rows),
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestScorecardsOnTheDemo:
    def test_s3_programme_page_renders_targets_techniques_and_coverage(self) -> None:
        response = client_for("fujian").get(reverse("portal:scorecard_programme", args=[s3().pk]))
        assert response.status_code == 200
        scorecard = response.context["scorecard"]
        groups = scorecard.target_groups
        assert len(groups) == 12  # the hospital partnerships, each with two batch targets
        rows = [row for group in groups for row in group.rows]
        assert {group.period.code for group in groups} == {"202005..202305"}
        assert sum(r.now.value for r in rows if r.target.indicator == "techniques_introduced") == 175
        assert sum(r.now.value for r in rows if r.target.indicator == "staff_placed") == 150
        statuses = [(r.target.indicator, r.status) for r in rows]
        assert statuses.count(("staff_placed", TargetStatus.ACHIEVED)) == 12
        assert statuses.count(("techniques_introduced", TargetStatus.ACHIEVED)) == 7  # 15 each
        assert statuses.count(("techniques_introduced", TargetStatus.BEHIND)) == 5  # 14 each, due 2023-05-31
        assert scorecard.techniques.totals["techniques_introduced"].value == records_capacity.S3_TECHNIQUES
        assert len(scorecard.coverage.headers) == 37  # 2020-05 … 2023-05
        content = response.content.decode()
        assert content.count('data-sparkline="trend-') == 24
        assert 'class="coverage-grid"' in content
        assert "vendor/echarts/echarts" in content and "shanhai/scorecard.js" in content

    def test_each_target_now_equals_the_engine_for_the_partnership_and_period(self) -> None:
        admin = User.objects.get(username="admin")
        for group in programme_scorecard(admin, s3(), date(2026, 11, 28)).target_groups:
            codes = [row.target.indicator for row in group.rows]
            engine = evaluate(codes, Scope(partnership=group.partnership), parse_period("202005..202305"))
            assert [row.now.value for row in group.rows] == [v.value for v in engine]

    def test_as_of_shows_the_transfer_status_when_the_programme_was_judged(self) -> None:
        url = reverse("portal:scorecard_programme", args=[s3().pk])
        response = client_for("fujian").get(url, {"as_of": "2024-12-31"})
        assert response.status_code == 200
        totals = response.context["scorecard"].techniques.totals
        assert [totals[code].value for code in TECHNIQUE_INDICATORS] == [
            records_capacity.S3_TECHNIQUES,
            records_capacity.S3_TRANSFERRED,
            records_capacity.S3_SUSTAINED,
            records_capacity.S3_LAPSED,
        ]
        content = response.content.decode()
        assert "30 techniques lapsed after the experts left" in content
        assert content.count('href="/records/techniques/') == records_capacity.S3_LAPSED  # each lapsed one by name

    def test_a_bad_as_of_date_falls_back_to_today_and_says_why(self) -> None:
        url = reverse("portal:scorecard_programme", args=[s3().pk])
        response = client_for("fujian").get(url, {"as_of": "2024-13-40"})
        assert response.status_code == 200
        assert response.context["scorecard"].today == clock.today()
        assert response.context["form"].errors == {"as_of": ["Enter a valid date."]}

    def test_s3_technique_table_as_of_2024_equals_the_engine_and_the_demo(self) -> None:
        admin = User.objects.get(username="admin")
        table = programme_scorecard(admin, s3(), date(2024, 12, 31)).techniques
        engine = {v.code: v.value for v in evaluate(TECHNIQUE_INDICATORS, Scope(programme=s3()), table.period)}
        assert table.period is not None and table.period.code == "202005..202412"
        assert (
            column_sums(table)
            == engine
            == {
                "techniques_introduced": records_capacity.S3_TECHNIQUES,
                "techniques_transferred": records_capacity.S3_TRANSFERRED,
                "techniques_sustained": records_capacity.S3_SUSTAINED,
                "techniques_lapsed": records_capacity.S3_LAPSED,
            }
        )
        assert {code: value.value for code, value in table.totals.items()} == engine
        assert len(table.lapsed_techniques) == records_capacity.S3_LAPSED
        assert table.lapsed_techniques[0].url.startswith("/records/techniques/")

    def test_technique_table_of_each_s3_partnership_equals_the_engine_today(self) -> None:
        period = parse_period("202005..202611")
        for partnership in Partnership.objects.filter(programme=s3(), techniques__isnull=False).distinct():
            scope = Scope(partnership=partnership)
            table = technique_table(scope, period)
            engine = {v.code: v.value for v in evaluate(TECHNIQUE_INDICATORS, scope, period)}
            assert column_sums(table) == engine, partnership

    def test_each_technique_total_links_to_as_many_records(self) -> None:
        admin = User.objects.get(username="admin")
        table = programme_scorecard(admin, s3(), date(2024, 12, 31)).techniques
        client = client_for("fujian")
        for code, url in table.total_urls.items():
            lists = client.get(url).context["found"].lists
            assert [item.count for item in lists] == [table.totals[code].value], code

    def test_s1_partnership_target_is_achieved(self) -> None:
        partnership = s1_partnerships()[0]
        response = client_for("fujian").get(reverse("portal:scorecard_partnership", args=[partnership.pk]))
        assert response.status_code == 200
        [group] = response.context["scorecard"].target_groups
        [row] = group.rows
        assert row.target.indicator == "agreements_signed"
        assert row.baseline is None  # no baseline window set
        assert (row.now.value, row.now.is_reported) == (1, True)
        assert row.status == TargetStatus.ACHIEVED
        assert row.trend["months"][0] == "2024-04"
        # The agreement's month, then months without one: 0 (agreements are kept here), not "not reported".
        assert row.trend["values"][0] == 1 and set(row.trend["values"][1:]) == {0}
        assert row.trend["target"] is None  # a monthly count does not compare with a target for the total
        assert 'data-sparkline="trend-' in response.content.decode()
        assert row.now_url.startswith(f"{reverse('portal:evidence')}?indicator=agreements_signed&period=")
        assert row.now_url.endswith(f"&partnership={partnership.pk}")
        evidence = client_for("fujian").get(row.now_url)
        assert [(item.count, item.number) for item in evidence.context["found"].lists] == [(1, 1.0)]

    def test_s1_programme_groups_the_targets_by_partnership(self) -> None:
        programme = Programme.objects.get(name=scenarios.S1_PROGRAMME)
        response = client_for("fujian").get(reverse("portal:scorecard_programme", args=[programme.pk]))
        assert response.status_code == 200
        groups = response.context["scorecard"].target_groups
        assert [g.partnership for g in groups] == s1_partnerships()
        assert [[r.status for r in g.rows] for g in groups] == [[TargetStatus.ACHIEVED]] * 4

    def test_outsider_gets_404(self) -> None:
        client = client_for("outsider")
        partnership = s1_partnerships()[0]
        assert client.get(reverse("portal:scorecard_partnership", args=[partnership.pk])).status_code == 404
        assert client.get(reverse("portal:scorecard_programme", args=[s3().pk])).status_code == 404
        assert client_for("fujian").get(reverse("portal:scorecard_programme", args=[999999])).status_code == 404

    def test_anonymous_is_sent_to_log_in(self) -> None:
        response = Client().get(reverse("portal:scorecard_programme", args=[s3().pk]))
        assert response.status_code == 302

    def test_posting_coverage_of_a_hand_made_set(self) -> None:
        partnership = s1_partnerships()[0]
        assert not Posting.objects.filter(partnership=partnership).exists()
        with transaction.atomic():
            first = Batch.objects.create(programme=partnership.programme, number=91, started_on=date(2024, 1, 1))
            second = Batch.objects.create(programme=partnership.programme, number=92, started_on=date(2024, 3, 1))
            internal, surgery = Department.objects.get(code="03"), Department.objects.get(code="04")

            def post(department, started_on, ended_on, batch):  # type: ignore[no-untyped-def]
                person = Person.objects.create(name="专家", gender=Gender.MALE, institution=partnership.supporter)
                Posting.objects.create(
                    person=person,
                    partnership=partnership,
                    batch=batch,
                    host=partnership.recipient,
                    department=department,
                    started_on=started_on,
                    ended_on=ended_on,
                )

            post(internal, date(2024, 1, 1), date(2024, 3, 15), first)
            post(internal, date(2024, 3, 10), date(2024, 6, 30), second)
            post(surgery, date(2024, 1, 1), date(2024, 2, 10), first)
            post(surgery, date(2024, 5, 1), None, second)
            coverage = posting_coverage(Scope(partnership=partnership), parse_period("202401..202406"))
            assert [(row.department, row.states) for row in coverage.rows] == [
                (f"03 {internal.name}", [C, C, OV, C, C, C]),
                (f"04 {surgery.name}", [C, C, G, G, C, C]),
            ]
            assert (coverage.gaps, coverage.overlaps) == (2, 1)
            assert [h.full for h in coverage.headers] == [f"2024-{m:02d}" for m in range(1, 7)]
            response = client_for("fujian").get(reverse("portal:scorecard_partnership", args=[partnership.pk]))
            assert response.status_code == 200  # the page's period starts with the partnership, 2024-04
            assert "coverage-cell coverage-covered" in response.content.decode()
            transaction.set_rollback(True)

    def test_scorecard_of_a_partnership_without_targets(self) -> None:
        admin = User.objects.get(username="admin")
        partnership = Partnership.objects.filter(programme=s3(), targets__isnull=True).first()
        assert partnership is not None
        scorecard = partnership_scorecard(admin, partnership, date(2024, 12, 31))
        assert [g.rows for g in scorecard.target_groups] == [[]]
        assert scorecard.has_targets is False
        assert (
            "This partnership has no target yet."
            in client_for("fujian").get(reverse("portal:scorecard_partnership", args=[partnership.pk])).content.decode()
        )
