"""Issue 2's acceptance checks, on the loaded demo, through the pages and the API a user would open."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from shanhai.accounts.models import User
from shanhai.analytics.engine import Scope, evaluate, evaluate_grid
from shanhai.core.models import OrgUnit
from shanhai.core.periods import parse_period
from shanhai.demo import records_workforce, scenarios
from shanhai.outreach.models import Donation, OutreachEvent
from shanhai.partnerships.models import Partnership, Programme
from shanhai.records.imports import export_xlsx, import_rows
from shanhai.records.kinds import all_kinds, kind_of
from shanhai.records.selectors import record_list
from shanhai.records.tabular import read_table


def client_for(username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestDemoAcceptance:
    def test_login_page_is_chinese(self) -> None:
        response = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(reverse("accounts:login"))
        assert response.status_code == 200
        assert '<html lang="zh-hans"' in response.content.decode()
        assert "登录" in response.content.decode()

    def test_demo_users_log_in_with_the_demo_password(self) -> None:
        client = Client()
        response = client.post(reverse("accounts:login"), {"username": "fujian", "password": "shanhai-demo"})
        assert response.status_code == 302

    def test_fujian_sees_the_fujian_to_changji_partnerships(self) -> None:
        client = client_for("fujian")
        s3 = Partnership.objects.filter(programme__name=scenarios.S3_PROGRAMME)
        response = client.get(reverse("partnerships:partnership_list"), {"programme": s3[0].programme_id})
        content = response.content.decode()
        assert response.status_code == 200
        assert response.context["table"].paginator.count == s3.count() == 15
        for partnership in s3:
            assert partnership.recipient.name in content
        detail = client.get(reverse("partnerships:partnership_detail", args=[s3[0].pk]))
        assert detail.status_code == 200

    def test_outsider_gets_404_on_fujians_pages_and_api_records(self) -> None:
        client = client_for("outsider")
        partnership = Partnership.objects.filter(programme__name=scenarios.S3_PROGRAMME).first()
        assert partnership is not None
        urls = [
            reverse("partnerships:partnership_detail", args=[partnership.pk]),
            reverse("partnerships:partnership_edit", args=[partnership.pk]),
            reverse("partnerships:programme_detail", args=[partnership.programme_id]),
            reverse("portal:org_detail", args=[partnership.recipient.code]),
            f"/api/v1/partnerships/{partnership.pk}/",
            f"/api/v1/programmes/{partnership.programme_id}/",
            f"/api/v1/org-units/{partnership.recipient.code}/",
        ]
        for url in urls:
            assert client.get(url).status_code == 404, url
        listed = client.get("/api/v1/partnerships/").json()
        assert listed["count"] == 0

    @pytest.mark.parametrize(
        ("programme", "expected"),
        [
            (scenarios.S5_PROGRAMME_COUNTIES, {"supporting_institutions": 29, "recipient_institutions": 14}),
            (
                scenarios.S5_PROGRAMME_PREFECTURES,
                {"supporting_institutions": 55, "recipient_institutions": 6, "supporters_grade_3a_share": 91},
            ),
        ],
    )
    def test_s5_figures_on_the_programme_page_and_from_the_cli(self, programme: str, expected: dict[str, int]) -> None:
        record = Programme.objects.get(name=programme)
        response = client_for("qinghai").get(reverse("partnerships:programme_detail", args=[record.pk]))
        tiles = {tile.code: tile for tile in response.context["tiles"]}
        assert {code: tiles[code].value for code in expected} == expected
        content = response.content.decode()
        if "supporters_grade_3a_share" in expected:
            assert "91%" in content and "50 / 55" in content

        out = io.StringIO()
        call_command(
            "indicators",
            "--org",
            "630000",
            "--programme",
            str(record.pk),
            "--period",
            "2024",
            "--format",
            "json",
            *[arg for code in expected for arg in ("--indicator", code)],
            stdout=out,
        )
        assert {row["code"]: row["value"] for row in json.loads(out.getvalue())} == expected


# --- issue 3: the record-level demo --------------------------------------------------------------
def page_values(response) -> dict[str, float | None]:  # type: ignore[no-untyped-def]
    """Every indicator value a programme, partnership or org page shows: its tiles and "What was done"."""
    values = {tile.code: tile.value for tile in response.context.get("tiles") or []}
    groups, _unreported = response.context["record_groups"]
    for group in groups:
        values |= {tile.code: tile.value for tile in group.values}
    return values


def cli_values(codes: list[str], period: str, *scope: str) -> dict[str, float | None]:
    out = io.StringIO()
    call_command(
        "indicators",
        "--period",
        period,
        "--format",
        "json",
        *scope,
        *[a for c in codes for a in ("--indicator", c)],
        stdout=out,
    )
    return {row["code"]: row["value"] for row in json.loads(out.getvalue())}


def programme_figures(name: str, period: str, username: str) -> tuple[dict[str, float | None], str]:
    programme = Programme.objects.get(name=name)
    response = client_for(username).get(
        reverse("partnerships:programme_detail", args=[programme.pk]), {"period": period}
    )
    assert response.status_code == 200
    return page_values(response), str(programme.pk)


SCENARIO_FIGURES = [
    # (programme, period, user, indicator, expected): exact, or (">", minimum) where the report says "N+".
    (scenarios.S1_PROGRAMME, "202001..202611", "fujian", "donations_funds", 800_000),
    (scenarios.S2_PROGRAMME, records_workforce.s2_period(), "qinghai", "experts_dispatched", 97),
    (scenarios.S2_PROGRAMME, records_workforce.s2_period(), "qinghai", "staff_placed", 34),
    (scenarios.S3_PROGRAMME, "202005..202305", "fujian", "experts_dispatched", (">", 130)),
    (scenarios.S3_PROGRAMME, "202005..202305", "fujian", "expert_patient_visits", (">", 120_000)),
    (scenarios.S3_PROGRAMME, "202005..202305", "fujian", "expert_operations", (">", 7_000)),
    (scenarios.S3_PROGRAMME, "202005..202305", "changji", "new_departments", 17),
    (scenarios.S3_PROGRAMME, "202005..202305", "changji", "techniques_introduced", 175),
    (scenarios.S3_PROGRAMME, "202005..202305", "fujian", "visiting_trips", 14),
    (scenarios.S3_PROGRAMME, "202005..202305", "fujian", "visiting_experts", 121),
    (scenarios.S3_PROGRAMME, "202005..202305", "fujian", "staff_placed", 150),
    (scenarios.S3_PROGRAMME, "202005..202305", "fujian", "training_person_times", (">", 500)),
    (scenarios.S3_PROGRAMME, "202005..202305", "changji", "alliances_founded", 2),
    (scenarios.S3_PROGRAMME, "202005..202305", "changji", "outreach_events", (">", 180)),
    (scenarios.S3_PROGRAMME, "202005..202305", "changji", "outreach_people_seen", (">", 20_000)),
    (scenarios.S3_PROGRAMME, "202005..202305", "changji", "outreach_medicine_value", (">", 500_000)),
    (scenarios.S5_PROGRAMME_BEIJING, records_workforce.s5_period(), "qinghai", "expert_batches", 8),
    (scenarios.S5_PROGRAMME_BEIJING, records_workforce.s5_period(), "qinghai", "experts_dispatched", 131),
    (scenarios.S5_PROGRAMME_BEIJING, records_workforce.s5_period(), "qinghai", "backbones_trained", 101),
    (scenarios.S5_PROGRAMME_BEIJING, records_workforce.s5_period(), "qinghai", "training_person_times", 3_000),
]


def meets(value: float | None, expected: object) -> bool:
    if isinstance(expected, tuple):
        return value is not None and value > expected[1]
    return value == expected


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestRecordDemo:
    @pytest.mark.parametrize(("programme", "period", "user", "code", "expected"), SCENARIO_FIGURES)
    def test_scenario_figure_on_the_programme_page_and_from_the_cli(
        self, programme: str, period: str, user: str, code: str, expected: object
    ) -> None:
        shown, programme_id = programme_figures(programme, period, user)
        assert meets(shown[code], expected), (code, shown.get(code))
        assert cli_values([code], period, "--programme", programme_id) == {code: shown[code]}

    def test_the_s1_course_trained_16_on_the_partnership_page(self) -> None:
        partnership = Partnership.objects.get(
            programme__name=scenarios.S1_PROGRAMME,
            supporter__name="福清市妇幼保健院",
            recipient__name="奇台县妇幼保健院",
        )
        response = client_for("qitai").get(
            reverse("partnerships:partnership_detail", args=[partnership.pk]), {"period": "202510"}
        )
        assert page_values(response)["training_person_times"] == 16
        content = response.content.decode()
        assert "培训人次" in content or "参训人次" in content

    def test_golog_grade_3_4_share_and_growth_on_the_org_page(self) -> None:
        response = client_for("qinghai").get(reverse("portal:org_detail", args=["632600"]), {"period": "2023"})
        shown = page_values(response)
        assert shown["grade_3_4_share"] > 50
        assert shown["operations_growth_on_previous_year"] == pytest.approx(45, abs=1)
        assert shown["techniques_introduced"] > 70
        cli = cli_values(["grade_3_4_share", "operations_growth_on_previous_year"], "2023", "--org", "632600")
        assert cli == {code: shown[code] for code in cli}

    def test_deleting_and_editing_a_record_changes_the_figure_at_once(self) -> None:
        s3 = Programme.objects.get(name=scenarios.S3_PROGRAMME)
        before, _pk = programme_figures(scenarios.S3_PROGRAMME, "202005..202305", "changji")
        bazaar = OutreachEvent.objects.filter(partnership__programme=s3).order_by("pk").first()
        assert bazaar is not None
        client = client_for("changji")
        client.post(reverse("records:delete", kwargs={"kind": "outreach-events", "public_id": bazaar.public_id}))
        after, _pk = programme_figures(scenarios.S3_PROGRAMME, "202005..202305", "changji")
        assert after["outreach_events"] == before["outreach_events"] - 1
        assert after["outreach_people_seen"] == before["outreach_people_seen"] - bazaar.people_seen

        donation = Donation.objects.filter(partnership__programme__name=scenarios.S1_PROGRAMME, kind="funds").first()
        assert donation is not None
        api = APIClient()
        api.force_authenticate(User.objects.get(username="fujian"))
        response = api.patch(
            f"/api/v1/records/donations/{donation.public_id}/", {"amount": float(donation.amount) + 1000}, format="json"
        )
        assert response.status_code == 200
        figures, _pk = programme_figures(scenarios.S1_PROGRAMME, "202001..202611", "fujian")
        assert figures["donations_funds"] == 801_000

    @pytest.mark.parametrize("slug", [kind.slug for kind in all_kinds()])
    def test_every_record_kind_is_404_to_the_outsider_in_pages_and_api(self, slug: str) -> None:
        kind = kind_of(slug)
        record = kind.model._default_manager.order_by("pk").first()
        assert record is not None, f"the demo has no {slug}"
        page = reverse("records:detail", kwargs={"kind": slug, "public_id": record.public_id})
        api_url = f"/api/v1/records/{slug}/{record.public_id}/"
        outsider = client_for("outsider")
        for url in (page, reverse("records:edit", kwargs={"kind": slug, "public_id": record.public_id}), api_url):
            assert outsider.get(url).status_code == 404, url
        assert (
            outsider.post(reverse("records:delete", kwargs={"kind": slug, "public_id": record.public_id})).status_code
            == 404
        )
        assert outsider.get(f"/api/v1/records/{slug}/").json()["count"] == 0
        assert kind.model._default_manager.filter(pk=record.pk).exists()
        admin = client_for("admin")
        assert admin.get(page).status_code == 200
        assert admin.get(api_url).status_code == 200

    def test_an_mch_clerk_sees_only_records_of_their_hospital(self) -> None:
        clerk = client_for("qitai")
        listing = clerk.get("/api/v1/records/postings/").json()
        assert listing["count"] == 0
        bazaars = clerk.get("/api/v1/records/outreach-events/").json()
        assert bazaars["count"] == 0
        donations = clerk.get("/api/v1/records/donations/").json()
        assert donations["count"] == Donation.objects.filter(recipient__name="奇台县妇幼保健院").count() > 0

    @pytest.mark.parametrize("slug", [kind.slug for kind in all_kinds()])
    def test_every_record_kind_round_trips_through_its_export(self, slug: str) -> None:
        """An exported list imports back to the same records: every row an update, nothing new, nothing changed."""
        kind = kind_of(slug)
        admin = User.objects.get(username="admin")
        records = list(record_list(kind, admin)[:25])
        exported = export_xlsx(kind, records)
        headers, rows = read_table("export.xlsx", exported)
        result = import_rows(kind, admin, headers, rows)
        assert result.errors == []
        assert (result.created, result.updated) == (0, len(records))
        again = export_xlsx(kind, list(record_list(kind, admin).filter(pk__in=[r.pk for r in records])))
        assert read_table("again.xlsx", again)[1] == rows

    @pytest.mark.parametrize("slug", [kind.slug for kind in all_kinds()])
    def test_every_record_list_page_runs_a_bounded_number_of_queries(
        self, slug: str, django_assert_max_num_queries
    ) -> None:
        """Fifty rows a page, whatever the kind: its select_related/prefetch_related cover what the columns show."""
        client = client_for("admin")
        with django_assert_max_num_queries(15):
            assert client.get(reverse("records:list", kwargs={"kind": slug})).status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestGridEqualsEvaluate:
    """``evaluate_grid`` answers many cells with one grouped query; each cell equals ``evaluate`` on its own."""

    CODES = (
        "experts_on_post",
        "expert_patient_visits",
        "outreach_events",
        "techniques_introduced",
        "technique_cases_local_share",
        "staff_placed",
    )

    def test_by_child_unit_and_month(self) -> None:
        changji = OrgUnit.objects.get(code="652300")
        period = parse_period("2021")
        grid = evaluate_grid(self.CODES, Scope(org_unit=changji), period, group="unit", monthly=True)
        assert {row.code for row in grid.rows} == set(
            OrgUnit.objects.filter(parent=changji).values_list("code", flat=True)
        )
        reported = 0
        for row in grid.rows:
            unit = OrgUnit.objects.get(pk=row.key)
            for month in (None, 202101, 202106, 202112):
                cell_period = period if month is None else parse_period(str(month))
                expected = {v.code: v for v in evaluate(self.CODES, Scope(org_unit=unit), cell_period)}
                for code in self.CODES:
                    got = grid.get(code, row.key, month)
                    assert (got.value, got.numerator, got.is_reported) == (
                        expected[code].value,
                        expected[code].numerator,
                        expected[code].is_reported,
                    ), (row.label, month, code)
                    reported += got.is_reported
        assert reported > 20
        whole = {v.code: v.value for v in evaluate(self.CODES, Scope(org_unit=changji), period)}
        assert {code: grid.get(code).value for code in self.CODES} == whole

    def test_by_partnership_within_a_programme(self) -> None:
        s3 = Programme.objects.get(name=scenarios.S3_PROGRAMME)
        period = parse_period("202005..202305")
        grid = evaluate_grid(self.CODES, Scope(programme=s3), period, group="partnership")
        assert len(grid.rows) == 15  # every S3 partnership has facts (its start at least)
        for row in grid.rows:
            partnership = Partnership.objects.get(pk=row.key)
            expected = {
                v.code: v.value for v in evaluate(self.CODES, Scope(programme=s3, partnership=partnership), period)
            }
            assert {code: grid.get(code, row.key).value for code in self.CODES} == expected

    def test_units_without_data_are_not_reported_never_zero(self) -> None:
        baoji = OrgUnit.objects.get(code="610300")
        grid = evaluate_grid(["expert_patient_visits"], Scope(org_unit=baoji), parse_period("2022"), group="unit")
        assert grid.rows
        assert all(
            value.value is None and not value.is_reported for _row, value in grid.row_values("expert_patient_visits")
        )
