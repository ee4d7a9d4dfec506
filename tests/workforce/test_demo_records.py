"""The workforce demo records reproduce the scenario figures through the engine (S2, S3, S5), on the demo."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from shanhai.analytics import facts
from shanhai.analytics.engine import Scope, evaluate
from shanhai.analytics.models import Fact
from shanhai.core.periods import parse_period
from shanhai.demo import records_workforce as demo
from shanhai.demo.scenarios import S2_PROGRAMME, S3_PROGRAMME, S5_PROGRAMME_BEIJING
from shanhai.partnerships.models import Partnership, Programme
from shanhai.workforce.models import Batch, Placement, Posting, PostingLog, VisitingTrip


def figures(programme: str, period: str, codes) -> dict[str, float | None]:
    scope = Scope(programme=Programme.objects.get(name=programme))
    return {v.code: (v.value if v.is_reported else None) for v in evaluate(codes, scope, parse_period(period))}


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestWorkforceDemo:
    def test_s2_liaocheng_gangcha(self):
        assert figures(S2_PROGRAMME, demo.s2_period(), demo.S2_EXPECTED) == demo.S2_EXPECTED
        programme = Programme.objects.get(name=S2_PROGRAMME)
        postings = Posting.objects.filter(partnership__programme=programme)
        assert postings.filter(started_on__lt=date(2023, 1, 1), partnership__department__isnull=False).count() == 0
        assert postings.filter(started_on__gte=date(2023, 1, 1), partnership__department__isnull=True).count() == 0
        assert postings.values("partnership").distinct().count() == 8 + 1  # 8 以院包科 + the counterpart

    def test_s3_fujian_changji(self):
        result = figures(S3_PROGRAMME, demo.S3_PERIOD, demo.S3_EXPECTED)
        assert result == demo.S3_EXPECTED
        assert all(result[code] >= minimum for code, minimum in demo.S3_MINIMUMS.items())
        programme = Programme.objects.get(name=S3_PROGRAMME)
        assert Batch.objects.get(programme=programme).number == 8
        postings = Posting.objects.filter(partnership__programme=programme)
        assert postings.count() == 133
        assert not postings.filter(ended_on__gt=date(2023, 5, 31)).exists()
        assert postings.filter(term="short").exists() and postings.filter(term="long").count() > 100
        assert VisitingTrip.objects.filter(partnership__programme=programme).count() == 14
        logs = PostingLog.objects.filter(posting__partnership__programme=programme)
        assert 1500 < logs.count() < 2500

    def test_s5_beijing_yushu(self):
        assert figures(S5_PROGRAMME_BEIJING, demo.s5_period(), demo.S5_EXPECTED) == demo.S5_EXPECTED
        programme = Programme.objects.get(name=S5_PROGRAMME_BEIJING)
        assert list(Batch.objects.filter(programme=programme).values_list("number", flat=True)) == list(range(1, 9))
        assert Posting.objects.filter(batch__programme=programme).count() == 131

    def test_people_sit_on_the_right_sides(self):
        supporters = {
            (p.programme_id, p.supporter_id) for p in Partnership.objects.filter(postings__isnull=False).distinct()
        }
        for posting in Posting.objects.select_related("person", "partnership"):
            # Before 2023 Liaocheng's TCM hospital's anorectal experts were credited to the counterpart partnership.
            assert (posting.partnership.programme_id, posting.person.institution_id) in supporters
        for placement in Placement.objects.select_related("home", "partnership__recipient"):
            assert placement.home.path.startswith(placement.partnership.recipient.path)

    def test_rebuild_equals_incremental(self):
        columns = ("metric", "org_unit_id", "programme_id", "partnership_id", "month", "value", "record_count")
        incremental = sorted(Fact.objects.filter(metric__gte=200, metric__lt=300).values_list(*columns))
        assert len(incremental) > 1000
        with transaction.atomic():
            facts.rebuild()
            assert sorted(Fact.objects.filter(metric__gte=200, metric__lt=300).values_list(*columns)) == incremental
            transaction.set_rollback(True)
