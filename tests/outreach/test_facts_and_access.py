from decimal import Decimal

import pytest

from shanhai.analytics import facts
from shanhai.core.models import Department
from shanhai.outreach import services as s
from shanhai.records.kinds import kind_of
from shanhai.records.selectors import can_write_record, record_list
from tests.core.factories import OrgUnitFactory, PartnershipFactory
from tests.outreach.conftest import D, fact_table


def test_rebuild_equals_incremental_after_many_changes(world, township):
    event = s.outreach_event_create(
        actor=None,
        kind="medical_bazaar",
        held_on=D(2022, 7, 1),
        place=township,
        partnership=world.partnership,
        people_seen=100,
        medicine_value=Decimal("1500.25"),
        services=["exam"],
    )
    s.outreach_event_create(
        actor=None,
        kind="free_clinic",
        held_on=D(2022, 7, 20),
        place=township,
        partnership=world.partnership,
        people_seen=30,
    )
    s.outreach_event_update(actor=None, record=event, people_seen=110, held_on=D(2022, 8, 1))
    donation = s.donation_create(
        actor=None,
        donor=world.fuqing_hospital,
        recipient=world.qitai_hospital,
        partnership=world.partnership,
        kind="funds",
        amount=Decimal("200000"),
        donated_on=D(2022, 5, 1),
    )
    s.donation_create(
        actor=None,
        donor=world.fuqing_hospital,
        recipient=world.qitai_hospital,
        partnership=world.partnership,
        kind="medicines",
        amount=Decimal("8000.75"),
        donated_on=D(2022, 6, 1),
    )
    s.donation_update(actor=None, record=donation, kind="equipment")
    alliance = s.alliance_create(
        actor=None,
        name="联盟",
        specialty=Department.objects.get(code="05"),
        lead=world.qitai_hospital,
        founded_on=D(2021, 5, 1),
        partnership=world.partnership,
    )
    other = s.alliance_create(
        actor=None,
        name="另一联盟",
        specialty=Department.objects.get(code="05"),
        lead=world.haikou_hospital,
        founded_on=D(2021, 5, 1),
    )
    s.alliance_member_create(
        actor=None, alliance=alliance, institution=world.qitai_mch, joined_on=D(2021, 5, 1), left_on=D(2022, 12, 31)
    )
    s.alliance_member_create(actor=None, alliance=other, institution=world.qitai_mch, joined_on=D(2021, 6, 1))
    s.alliance_visit_create(
        actor=None, alliance=alliance, team="第1帮扶组", visited=world.qitai_mch, visited_on=D(2022, 2, 1), experts=3
    )
    s.alliance_visit_create(
        actor=None, alliance=other, team="第1帮扶组", visited=world.qitai, visited_on=D(2022, 2, 1), experts=2
    )
    s.alliance_update(actor=None, record=other, name="另一专科联盟")

    incremental = fact_table()
    assert len(incremental) == 18  # partnership start 1 + events 6 + donations 2 + founded 2 + members 3 + visits 4
    facts.rebuild()
    assert fact_table() == incremental


@pytest.fixture
def alliance(world):
    """Led by the Fuqing hospital, no partnership; the Qitai MCH hospital is a member."""
    alliance = s.alliance_create(
        actor=None,
        name="福清围产期专科联盟",
        specialty=Department.objects.get(code="05"),
        lead=world.fuqing_hospital,
        founded_on=D(2021, 5, 1),
    )
    s.alliance_member_create(actor=None, alliance=alliance, institution=world.qitai_mch, joined_on=D(2021, 6, 1))
    s.alliance_visit_create(
        actor=None, alliance=alliance, team="第1帮扶组", visited=world.qitai_mch, visited_on=D(2022, 2, 1), experts=3
    )
    return alliance


def test_members_see_their_alliance_others_do_not(
    world, alliance, mch_worker, hospital_admin, outsider, supporter_user
):
    kinds = [kind_of(slug) for slug in ("alliances", "alliance-members", "alliance-visits")]
    seen = {
        user.username: [record_list(kind, user).count() for kind in kinds]
        for user in (mch_worker, hospital_admin, outsider, supporter_user)
    }
    assert seen == {
        "qitai-clerk": [1, 1, 1],
        "qitai-admin": [0, 0, 0],
        "hainan-viewer": [0, 0, 0],
        "fujian-office": [1, 1, 1],
    }


def test_members_and_visits_are_written_by_the_lead_side(world, alliance, mch_worker, supporter_user, admin):
    member_kind = kind_of("alliance-members")
    member = alliance.members.get()
    assert can_write_record(member_kind, supporter_user, member) is True
    assert can_write_record(member_kind, mch_worker, member) is False
    assert can_write_record(member_kind, mch_worker, {"alliance": alliance, "institution": world.qitai_mch}) is False
    assert can_write_record(member_kind, admin, member) is True
    assert can_write_record(kind_of("alliances"), mch_worker, alliance) is False


def test_events_and_donations_follow_the_generic_rules(world, township, hospital_admin, outsider, supporter_user):
    other = PartnershipFactory(
        supporter=world.fuqing_hospital, recipient=OrgUnitFactory(parent=world.hainan), started_on=D(2021, 1, 1)
    )
    s.outreach_event_create(
        actor=None,
        kind="free_clinic",
        held_on=D(2022, 7, 1),
        place=township,
        partnership=world.partnership,
        people_seen=10,
    )
    s.outreach_event_create(
        actor=None, kind="free_clinic", held_on=D(2022, 7, 1), place=world.hainan, partnership=other, people_seen=10
    )
    kind = kind_of("outreach-events")
    assert [record_list(kind, u).count() for u in (hospital_admin, outsider, supporter_user)] == [1, 1, 2]
