import pytest
from django.core.exceptions import ValidationError

from shanhai.analytics.engine import Scope
from shanhai.analytics.models import Fact
from shanhai.core.models import Department
from shanhai.outreach.models import Alliance, AllianceMember, AllianceVisit
from shanhai.outreach.services import (
    alliance_create,
    alliance_delete,
    alliance_member_create,
    alliance_member_update,
    alliance_update,
    alliance_visit_create,
)
from tests.core.factories import OrgUnitFactory
from tests.outreach.conftest import D, figures

CODES = ["alliances_founded", "alliance_members", "alliance_visits", "alliance_visit_experts"]


@pytest.fixture
def alliance(world):
    return alliance_create(
        actor=None,
        name="奇台县围产期专科联盟",
        specialty=Department.objects.get(code="05"),
        lead=world.qitai_hospital,
        founded_on=D(2021, 3, 18),
        partnership=world.partnership,
    )


def test_members_are_a_stock_and_visits_a_flow(world, alliance):
    alliance_member_create(actor=None, alliance=alliance, institution=world.qitai_mch, joined_on=D(2021, 3, 18))
    centre = OrgUnitFactory(name="奇台县老奇台镇卫生院", kind="township_health_centre", parent=world.qitai)
    alliance_member_create(
        actor=None, alliance=alliance, institution=centre, joined_on=D(2021, 5, 1), left_on=D(2022, 6, 15)
    )
    alliance_visit_create(
        actor=None, alliance=alliance, team="第1帮扶组", visited=centre, visited_on=D(2022, 3, 2), experts=4
    )
    alliance_visit_create(
        actor=None, alliance=alliance, team="第2帮扶组", visited=world.qitai, visited_on=D(2022, 9, 9), experts=3
    )

    scope = Scope(org_unit=world.qitai)
    assert figures(CODES, scope, "2021") == {
        "alliances_founded": 1.0,
        "alliance_members": 2.0,
        "alliance_visits": None,
        "alliance_visit_experts": None,
    }
    assert figures(CODES, scope, "2022") == {
        "alliances_founded": 0,  # founded in 2021: none in 2022 is 0
        "alliance_members": 1.0,
        "alliance_visits": 2.0,
        "alliance_visit_experts": 7.0,
    }
    # Still a member at the end of the month it left, gone the month after.
    assert figures(["alliance_members"], scope, "202206") == {"alliance_members": 2.0}
    assert figures(["alliance_members"], scope, "202207") == {"alliance_members": 1.0}
    assert figures(["alliance_members"], Scope(partnership=world.partnership), "2023") == {"alliance_members": 1.0}


def test_changing_the_alliances_partnership_moves_its_members_and_visits(world, alliance):
    alliance_member_create(actor=None, alliance=alliance, institution=world.qitai_mch, joined_on=D(2021, 4, 1))
    alliance_visit_create(
        actor=None, alliance=alliance, team="第1帮扶组", visited=world.qitai_mch, visited_on=D(2022, 3, 2), experts=2
    )
    alliance_update(actor=None, record=alliance, partnership=None)
    assert figures(CODES, Scope(partnership=world.partnership), "2022") == {
        "alliances_founded": None,
        "alliance_members": None,
        "alliance_visits": None,
        "alliance_visit_experts": None,
    }
    assert set(Fact.objects.filter(metric__gte=521, metric__lte=525).values_list("partnership_id", flat=True)) == {0}
    assert figures(["alliance_members", "alliance_visits"], Scope(org_unit=world.qitai), "2022") == {
        "alliance_members": 1.0,
        "alliance_visits": 1.0,
    }


def test_deleting_an_alliance_withdraws_its_members_and_visits(world, alliance):
    alliance_member_create(actor=None, alliance=alliance, institution=world.qitai_mch, joined_on=D(2021, 4, 1))
    alliance_visit_create(
        actor=None, alliance=alliance, team="第1帮扶组", visited=world.qitai_mch, visited_on=D(2022, 3, 2), experts=2
    )
    alliance_delete(actor=None, record=alliance)
    assert (Alliance.objects.count(), AllianceMember.objects.count(), AllianceVisit.objects.count()) == (0, 0, 0)
    assert Fact.objects.filter(metric__gte=501, metric__lte=599).count() == 0


def test_member_rules(world, alliance):
    def join(**values):
        return alliance_member_create(actor=None, alliance=alliance, **values)

    with pytest.raises(ValidationError) as error:
        join(institution=world.qitai_mch, joined_on=D(2021, 1, 1))
    assert error.value.message_dict == {
        "joined_on": ["The alliance was founded on 2021-03-18; a member cannot join earlier."]
    }
    with pytest.raises(ValidationError) as error:
        join(institution=world.qitai_hospital, joined_on=D(2021, 4, 1))
    assert error.value.message_dict == {
        "institution": ["奇台县人民医院 leads this alliance; the lead is not counted as a member."]
    }
    with pytest.raises(ValidationError) as error:
        join(institution=world.qitai, joined_on=D(2021, 4, 1))
    assert error.value.message_dict == {"institution": ["A member must be an institution, not a region."]}
    with pytest.raises(ValidationError) as error:
        join(institution=world.qitai_mch, joined_on=D(2021, 4, 1), left_on=D(2021, 3, 31))
    assert error.value.message_dict == {"left_on": ["The leaving date is before the joining date."]}

    member = join(institution=world.qitai_mch, joined_on=D(2021, 4, 1))
    with pytest.raises(ValidationError) as error:
        join(institution=world.qitai_mch, joined_on=D(2022, 1, 1))
    assert error.value.message_dict == {
        "institution": ["奇台县妇幼保健院 is already a member of this alliance from 2021-04-01."]
    }
    alliance_member_update(actor=None, record=member, left_on=D(2021, 12, 31))
    rejoined = join(institution=world.qitai_mch, joined_on=D(2022, 1, 1))
    assert figures(["alliance_members"], Scope(org_unit=world.qitai_mch), "2022") == {"alliance_members": 1.0}
    assert rejoined.is_active
    with pytest.raises(ValidationError) as error:
        alliance_update(actor=None, record=alliance, founded_on=D(2021, 6, 1))
    assert error.value.message_dict == {"founded_on": ["Some members joined or visits took place before this date."]}


def test_alliance_and_visit_rules(world, alliance):
    with pytest.raises(ValidationError) as error:
        alliance_create(
            actor=None,
            name=" ",
            specialty=Department.objects.get(code="05"),
            lead=world.haikou_hospital,
            founded_on=D(2099, 1, 1),
            partnership=world.partnership,
        )
    assert error.value.message_dict == {
        "name": ["Enter the alliance's name."],
        "founded_on": ["The date cannot be in the future."],
        "partnership": ["The lead institution 海口市人民医院 is on neither side of this partnership."],
    }
    with pytest.raises(ValidationError) as error:
        alliance_visit_create(
            actor=None, alliance=alliance, team="", visited=world.qitai, visited_on=D(2020, 1, 1), experts=0
        )
    assert error.value.message_dict == {
        "team": ["Name the team that made the visit."],
        "visited_on": ["The alliance was founded on 2021-03-18; a visit cannot be earlier."],
        "experts": ["A visit has at least one expert."],
    }
    assert AllianceVisit.objects.count() == 0
