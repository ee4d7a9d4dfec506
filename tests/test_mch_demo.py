"""The MCH demo: S4 Baoji's 2022 figures (MCH year ``2021Oct``) from
record-level data, through the engine, the ``indicators`` command and the dashboard; S4's seven courses;
S1 Qitai's women with open high-risk cases; facts, derived fields and audit as the services give them."""

from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q, QuerySet, Sum
from django.test import Client
from django.urls import reverse

from shanhai.accounts.models import Membership, User
from shanhai.analytics.engine import Scope, evaluate
from shanhai.analytics.models import Fact
from shanhai.core.models import AuditEntry, OrgUnit
from shanhai.core.periods import parse_period
from shanhai.demo import records_maternal_plan, records_training
from shanhai.maternal import services
from shanhai.maternal.indicators import LIVE_BIRTHS
from shanhai.maternal.models import (
    CaseStatus,
    Child,
    DeathAge,
    Delivery,
    Pregnancy,
    PregnancyStatus,
    Referral,
    ReferralStatus,
    RiskCase,
    Woman,
)

#: The report's three figures for Baoji in 2022, as the engine rounds and shows them.
FIGURES = {
    "mch.early_registration_rate": "97.99",
    "mch.high_risk_management_rate": "100.00",
    "mch.postpartum_visit_rate": "98.69",
}
PERIOD = records_maternal_plan.S4_PERIOD
IN_PERIOD = {"delivery__delivered_on__gte": date(2021, 10, 1), "delivery__delivered_on__lte": date(2022, 9, 30)}


def baoji() -> OrgUnit:
    return OrgUnit.objects.get(code="610300")


def client_for(username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(User.objects.get(username=username))
    return client


def cli(*args: str) -> str:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def delivered_in_baoji() -> QuerySet[Pregnancy]:
    return Pregnancy.objects.filter(woman__residence__path__startswith=baoji().path, **IN_PERIOD)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestBaojiFigures:
    def test_the_engine_gives_the_three_figures_exactly(self) -> None:
        values = {v.code: v for v in evaluate(list(FIGURES), Scope(org_unit=baoji()), parse_period(PERIOD))}
        assert {code: f"{value.value:.2f}" for code, value in values.items()} == FIGURES
        high_risk = delivered_in_baoji().filter(is_high_risk=True).count()
        assert {code: (value.numerator, value.denominator) for code, value in values.items()} == {
            "mch.early_registration_rate": (4047.0, 4130.0),
            "mch.high_risk_management_rate": (float(high_risk), float(high_risk)),
            "mch.postpartum_visit_rate": (4076.0, 4130.0),
        }

    def test_the_records_behind_them(self) -> None:
        """Live births, not women, are the denominator: 4,097 women delivered, 45 of them twins and 12 a
        stillbirth only; the numerators count women."""
        delivered = delivered_in_baoji()
        deliveries = Delivery.objects.filter(pregnancy__in=delivered)
        assert delivered.count() == records_maternal_plan.S4_MOTHERS == 4097
        assert deliveries.aggregate(n=Sum("live_births"))["n"] == records_maternal_plan.S4_LIVE_BIRTHS == 4130
        assert deliveries.filter(live_births=2).count() == 45
        assert deliveries.filter(live_births=0, stillbirths=1).count() == 12
        assert delivered.filter(is_early_registered=True).count() == 4047
        assert delivered.filter(is_postpartum_visited=True).count() == 4076
        assert delivered.filter(is_high_risk=True, is_high_risk_managed=False).count() == 0
        assert delivered.filter(status=PregnancyStatus.MATERNAL_DEATH).count() == 1
        children = Child.objects.filter(mother__in=delivered)
        assert children.count() == 4130
        elsewhere = deliveries.exclude(institution__isnull=True).exclude(institution__path__startswith=baoji().path)
        assert elsewhere.count() == 0  # every Baoji woman delivered in Baoji …
        other_county = deliveries.filter(institution__parent__kind="county").exclude(
            institution__parent=F("pregnancy__woman__residence__parent")
        )
        assert 40 <= other_county.count() <= 200  # … a few in a county hospital not of their county

    def test_the_other_mch_indicators_are_plausible_and_agree_with_the_records(self) -> None:
        codes = [
            "mch.antenatal_rate",
            "mch.system_management_rate",
            "mch.high_risk_proportion",
            "mch.facility_delivery_rate",
            "mch.maternal_mortality",
            "mch.neonatal_mortality",
            "mch.infant_mortality",
            "mch.newborn_screening_rate",
            "mch.under_three_management_rate",
        ]
        values = {v.code: v for v in evaluate(codes, Scope(org_unit=baoji()), parse_period(PERIOD))}
        assert values["mch.facility_delivery_rate"].value == 99.76  # 6 home and 4 en-route births of 4,130
        assert values["mch.maternal_mortality"].value == 24.21  # one death per 4,130 live births × 100,000
        neonatal = Child.objects.filter(
            residence__path__startswith=baoji().path,
            death_age=DeathAge.NEONATAL,
            died_on__gte=date(2021, 10, 1),
            died_on__lte=date(2022, 9, 30),
        ).count()
        assert values["mch.neonatal_mortality"].numerator == neonatal
        bounds = {
            "mch.antenatal_rate": (99, 100),
            "mch.system_management_rate": (85, 97),
            "mch.high_risk_proportion": (25, 40),
            "mch.neonatal_mortality": (1.5, 4.5),
            "mch.infant_mortality": (2.5, 7),
            "mch.newborn_screening_rate": (97, 100),
            "mch.under_three_management_rate": (80, 98),
        }
        shown = {code: values[code].value for code in bounds}
        assert all(low <= (shown[code] or 0) <= high for code, (low, high) in bounds.items()), shown

    def test_the_colours_mix_like_a_city(self) -> None:
        gradings = delivered_in_baoji().exclude(highest_colour="")
        mix = dict(gradings.values_list("highest_colour").annotate(n=Count("id")).order_by())
        total = sum(mix.values())
        shares = {colour: round(100 * n / total) for colour, n in mix.items()}
        assert 62 <= shares["green"] <= 72 and 20 <= shares["yellow"] <= 28
        assert 5 <= shares["orange"] <= 9 and 2 <= shares["red"] <= 5
        assert 20 <= delivered_in_baoji().filter(was_ever_purple=True).count() <= 80
        assert delivered_in_baoji().filter(
            Q(highest_colour__in=["orange", "red"]) | Q(was_ever_purple=True)
        ).count() == (RiskCase.objects.filter(pregnancy__in=delivered_in_baoji()).count())

    def test_the_command_prints_them(self) -> None:
        codes = ",".join(FIGURES)
        rows = json.loads(cli("--org", "610300", "--period", PERIOD, "--indicator", codes, "--format", "json"))
        assert {row["code"]: f"{row['value']:.2f}" for row in rows} == FIGURES
        table = cli("--org", "610300", "--period", PERIOD, "--indicator", codes)
        lines = {line.split("\t")[0]: line.split("\t")[-1] for line in table.strip().splitlines()[1:]}
        assert lines == {code: f"{value}%" for code, value in FIGURES.items()}

    def test_the_dashboard_shows_them_for_the_city_commission(self) -> None:
        response = client_for("baoji-city").get(reverse("portal:dashboard"), {"org": "610300", "period": PERIOD})
        assert response.status_code == 200
        tiles = {tile.code: tile.display for tile in response.context["overview"].tiles}
        assert {code: tiles[code] for code in FIGURES} == {code: f"{value}%" for code, value in FIGURES.items()}
        content = response.content.decode()
        for code, value in FIGURES.items():
            match = re.search(
                rf'data-indicator="{re.escape(code)}">.*?<div class="tile-value">(?:<a[^>]*>)?([^<]+)', content, re.S
            )
            assert match is not None and match.group(1) == f"{value}%", code
        assert "早孕建册率" in content and "高危孕产妇管理率" in content and "产后访视率" in content
        # The service chain's figures beside them (issue 14): S4's 63,141 nutrition packs, from records.
        assert tiles["screening.nutrition_packs"] == "63,141"
        assert "screening.cervical_screening_rate" in tiles and "screening.near_miss_ratio" in tiles

    def test_no_clear_personal_data_in_the_dashboard(self) -> None:
        """No woman's ID number, phone or name (nor a child's name) in the pages: every run of digits and
        every three- and four-character piece of Chinese text on them, against the decrypted records."""
        contents = [
            client_for(user)
            .get(reverse("portal:dashboard"), {"org": org, "period": PERIOD, "indicator": code})
            .content.decode()
            for user, org, code in (
                ("baoji-city", "610300", "mch.early_registration_rate"),
                ("baoji-city", "610326", "mch.postpartum_visit_rate"),
                ("admin", "652325", "mch.high_risk_management_rate"),
            )
        ]
        women = list(Woman.objects.all())
        secrets = {w.id_number for w in women} | {w.phone for w in women if w.phone}
        secrets |= {w.name for w in women if len(w.name) >= 3}
        secrets |= {c.name for c in Child.objects.exclude(name=None) if c.name and len(c.name) >= 3}
        assert len(secrets) > 8000
        shown: set[str] = set()
        for content in contents:
            shown |= set(re.findall(r"\d{7,}X?", content))
            for run in re.findall(r"[\u4e00-\u9fff]{3,}", content):
                shown |= {run[i : i + n] for n in (3, 4) for i in range(len(run) - n + 1)}
        assert sorted(secrets & shown) == []

    def test_the_org_page_groups_the_mch_figures(self) -> None:
        response = client_for("baoji-city").get(reverse("portal:org_detail", args=["610300"]), {"period": PERIOD})
        groups, _unreported = response.context["record_groups"]
        mch = [group for group in groups if any(v.code.startswith("mch.") for v in group.values)]
        assert len(mch) == 1
        assert {v.code: f"{v.value:.2f}" for v in mch[0].values if v.code in FIGURES} == FIGURES


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestBaojiTraining:
    def test_seven_courses_and_over_a_thousand_trained_in_2022(self) -> None:
        codes = "courses_held,training_person_times"
        rows = json.loads(cli("--org", "610300", "--period", "2022", "--indicator", codes, "--format", "json"))
        assert {row["code"]: row["value"] for row in rows} == {"courses_held": 7, "training_person_times": 1028}
        assert (records_training.S4_COURSES, records_training.S4_PERSON_TIMES) == (7, 1028)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestQitai:
    def qitai(self) -> QuerySet[Pregnancy]:
        return Pregnancy.objects.filter(woman__residence__path__startswith=OrgUnit.objects.get(code="652325").path)

    def test_open_high_risk_cases_one_report_overdue(self) -> None:
        cases = RiskCase.objects.filter(pregnancy__in=self.qitai(), status=CaseStatus.OPEN)
        assert sorted((c.colour, c.is_purple) for c in cases) == [
            ("", True),
            ("orange", False),
            ("orange", False),
            ("red", False),
        ]
        assert cases.report_overdue().count() == 1
        assert cases.filter(reported_at__isnull=False).count() == 3

    def test_a_referral_in_progress_and_ongoing_pregnancies(self) -> None:
        referrals = Referral.objects.filter(pregnancy__in=self.qitai())
        assert sorted(referrals.values_list("status", "to_unit__name")) == [
            (ReferralStatus.ACCEPTED, "奇台县妇幼保健院"),  # in progress: she has not arrived yet
            (ReferralStatus.ARRIVED, "奇台县妇幼保健院"),
        ]
        statuses = dict(self.qitai().values_list("status").annotate(n=Count("id")).order_by())
        assert statuses == {"ongoing": 10, "delivered": 4, "ended": 1}
        registered = set(self.qitai().values_list("registered_at__kind", flat=True))
        assert registered == {"mch_hospital", "general_hospital", "township_health_centre"}

    def test_logins_that_may_reveal_personal_data(self) -> None:
        memberships = Membership.objects.filter(user__username__in=["qitai", "baoji", "baoji-town", "baoji-city"])
        assert dict(memberships.values_list("user__username", "reveals_personal")) == {
            "qitai": True,
            "baoji": True,
            "baoji-town": False,
            "baoji-city": False,
        }


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestAsTheServicesWouldHaveIt:
    def test_the_bulk_derived_fields_equal_a_refresh_from_the_database(self) -> None:
        assert services.pregnancies_refresh(Pregnancy.objects.all()) == 0
        assert services.children_refresh(Child.objects.all()) == 0  # the under-3 check dates included
        assert Child.objects.filter(check_m3_on__isnull=False, check_m30_on__isnull=False).exists()

    def test_facts_equal_a_rebuild_mch_included(self) -> None:
        columns = ("metric", "org_unit_id", "partnership_id", "programme_id", "month", "value")
        incremental = sorted(Fact.objects.values_list(*columns))
        mch = [row for row in incremental if 600 <= row[0] < 700]
        births = sum(row[5] for row in mch if row[0] == LIVE_BIRTHS.id and 202110 <= row[4] <= 202209)
        assert births >= 4130  # Baoji's, and Qitai's of those months if any
        call_command("rebuild_facts", stdout=io.StringIO())
        assert sorted(Fact.objects.values_list(*columns)) == incremental

    def test_one_audit_entry_for_the_bulk_batch_and_none_per_record(self) -> None:
        entries = AuditEntry.objects.filter(object_type="core.orgunit", action="create")
        bulk = [entry for entry in entries if entry.changes.get("_", {}).get("bulk_load") == "maternal"]
        assert len(bulk) == 1
        summary = bulk[0].changes["_"]
        assert (summary["bulk_load"], bulk[0].object_repr) == ("maternal", "宝鸡市")
        in_baoji = Pregnancy.objects.filter(woman__residence__path__startswith=baoji().path).count()
        assert summary["counts"]["pregnancies"] == in_baoji - 3  # three Baoji women went through the services
        women = AuditEntry.objects.filter(object_type="maternal.woman").count()
        assert women == Woman.objects.count() - summary["counts"]["women"] == 3 + 15  # S4's three, Qitai's
