"""The capacity demo records: the S3 and S5 Golog figures through the engine, on the demo."""

import io

import pytest
from django.core.management import call_command

from shanhai.analytics.engine import Scope, evaluate
from shanhai.analytics.models import Fact
from shanhai.capacity.models import Technique, TechniqueMonth, WorkloadReport
from shanhai.core import clock
from shanhai.core.models import OrgUnit
from shanhai.core.periods import month_of, months_between, parse_period
from shanhai.demo import records_capacity as demo
from shanhai.demo.scenarios import S3_PROGRAMME
from shanhai.partnerships.models import Programme


def values(codes, scope, period):
    return {v.code: v.value for v in evaluate(codes, scope, parse_period(period))}


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestCapacityDemo:
    def test_s3_new_departments_and_techniques(self):
        scope = Scope(programme=Programme.objects.get(name=S3_PROGRAMME))
        assert values(["new_departments", "techniques_introduced"], scope, demo.S3_PERIOD) == {
            "new_departments": demo.S3_NEW_DEPARTMENTS,
            "techniques_introduced": demo.S3_TECHNIQUES,
        }
        assert (
            Technique.objects.filter(partnership__programme=scope.programme).values("partnership").distinct().count()
            == 12
        )

    def test_s3_transfer_outcomes(self):
        scope = Scope(programme=Programme.objects.get(name=S3_PROGRAMME))
        codes = ["techniques_transferred", "techniques_sustained", "techniques_lapsed"]
        assert values(codes, scope, demo.S3_STATUS_PERIOD) == {
            "techniques_transferred": demo.S3_TRANSFERRED,
            "techniques_sustained": demo.S3_SUSTAINED,
            "techniques_lapsed": demo.S3_LAPSED,
        }
        # During the batch; without the postings nothing is sustained or lapsed yet (test_demo_without_postings.py).
        assert values(["techniques_transferred"], scope, demo.S3_PERIOD) == {
            "techniques_transferred": demo.S3_TRANSFERRED
        }

    def test_golog_2023(self):
        golog = Scope(org_unit=OrgUnit.objects.get(code=demo.GOLOG_CODE))
        figures = values(
            ["grade_3_4_share", "operations_growth_on_previous_year", "techniques_introduced", "expert_studios"],
            golog,
            demo.GOLOG_PERIOD,
        )
        assert figures["grade_3_4_share"] > demo.GOLOG_GRADE_3_4_SHARE_ABOVE
        assert figures["operations_growth_on_previous_year"] == demo.GOLOG_OPERATIONS_GROWTH
        assert figures["techniques_introduced"] == demo.GOLOG_TECHNIQUES
        assert figures["expert_studios"] == demo.GOLOG_STUDIOS
        assert values(["grade_3_4_share"], golog, "2022")["grade_3_4_share"] < 50
        assert WorkloadReport.objects.filter(referrals_out__isnull=True).count() == 12

    def test_volume(self):
        assert (Technique.objects.count(), WorkloadReport.objects.count()) == (247, 168)
        this_month = month_of(clock.today())
        half_years = sum(1 for m in months_between(202504, this_month) if m % 100 in (4, 10) and m < this_month)
        assert 800 <= TechniqueMonth.objects.count() - demo.S3_SUSTAINED * half_years <= 900

    def test_rebuild_equals_incremental(self):
        columns = ("metric", "org_unit_id", "partnership_id", "programme_id", "month", "value")
        incremental = sorted(Fact.objects.values_list(*columns))
        call_command("rebuild_facts", stdout=io.StringIO())
        assert sorted(Fact.objects.values_list(*columns)) == incremental
