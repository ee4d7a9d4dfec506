"""The outreach part of the demo: scenario figures through the engine, rebuild == incremental, on the demo."""

import io

import pytest
from django.core.management import call_command

from shanhai.analytics.engine import Scope, evaluate
from shanhai.analytics.models import Fact
from shanhai.core import clock
from shanhai.core.models import OrgUnit, OrgUnitKind
from shanhai.core.periods import month_of, parse_period
from shanhai.demo import records_outreach as demo
from shanhai.demo import scenarios
from shanhai.outreach.models import Alliance, AllianceMember, Donation, OutreachEvent
from shanhai.partnerships.models import Programme


def _values(codes, scope, period):
    return {v.code: v.value for v in evaluate(codes, scope, parse_period(period))}


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestOutreachDemo:
    def test_s1_special_funds(self):
        programme = Programme.objects.get(name=scenarios.S1_PROGRAMME)
        period = f"2020..{month_of(clock.today())}"
        assert _values(["donations_funds"], Scope(programme=programme), period) == {
            "donations_funds": demo.S1_FUNDS_DONATED
        }
        assert _values(["donations_total"], Scope(programme=programme), period) == {"donations_total": 1_226_000.0}
        assert Donation.objects.filter(partnership__programme=programme, kind="funds").count() == 5

    def test_s3_medical_bazaars_and_alliances(self):
        programme = Programme.objects.get(name=scenarios.S3_PROGRAMME)
        scope = Scope(programme=programme)
        codes = ["outreach_events", "outreach_people_seen", "outreach_medicine_value", "alliances_founded"]
        assert _values(codes, scope, "202005..202305") == {
            "outreach_events": 184.0,
            "outreach_people_seen": 20_612.0,
            "outreach_medicine_value": 512_340.0,
            "alliances_founded": 2.0,
        }
        assert demo.S3_BAZAARS == 184 and demo.S3_BAZAAR_PEOPLE == 20_612
        changji = OrgUnit.objects.get(code="652300")
        assert _values(["outreach_events"], Scope(org_unit=changji), "202005..202305") == {"outreach_events": 184.0}
        assert set(OutreachEvent.objects.filter(partnership__programme=programme).values_list("kind", flat=True)) == {
            "medical_bazaar"
        }
        assert _values(["alliance_members"], scope, "202305") == {"alliance_members": 16.0}
        assert sorted(
            Alliance.objects.filter(partnership__programme=programme).values_list("name", flat=True)
        ) == sorted(demo.S3_ALLIANCES)

    def test_s4_perinatal_alliance(self):
        baoji = Scope(org_unit=OrgUnit.objects.get(code="610300"))
        assert _values(["alliance_members", "alliance_visits"], baoji, "2022") == {
            "alliance_members": 69.0,
            "alliance_visits": 76.0,
        }
        alliance = Alliance.objects.get(name=demo.S4_ALLIANCE)
        assert (alliance.partnership, alliance.lead.name) == (None, "宝鸡市妇幼保健院")
        assert alliance.members.count() == 71
        assert alliance.visits.filter(visited_on__year=2022).values("team").distinct().count() == 7
        # The added members are not midwifery institutions: the S4 count of 37 stands.
        midwifery = OrgUnit.objects.filter(path__startswith="/", kind__in=scenarios.BAOJI_MIDWIFERY_KINDS)
        assert midwifery.filter(path__startswith=OrgUnit.objects.get(code="610300").path).count() == 37
        members = AllianceMember.objects.filter(alliance=alliance).select_related("institution")
        assert {m.institution.kind for m in members} == {
            OrgUnitKind.GENERAL_HOSPITAL,
            OrgUnitKind.MCH_HOSPITAL,
            OrgUnitKind.TOWNSHIP_HEALTH_CENTRE,
            OrgUnitKind.TCM_HOSPITAL,
            OrgUnitKind.COMMUNITY_HEALTH_CENTRE,
        }

    def test_facts_equal_a_rebuild(self):
        columns = ("metric", "org_unit_id", "partnership_id", "programme_id", "month", "value", "record_count")
        incremental = sorted(Fact.objects.values_list(*columns))
        call_command("rebuild_facts", stdout=io.StringIO())
        assert sorted(Fact.objects.values_list(*columns)) == incremental
