"""This app's kinds through the generic pages and API (the layer itself is tested in records)."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from shanhai.analytics.engine import Scope
from shanhai.core.models import Department
from shanhai.outreach.models import AllianceMember, OutreachEvent
from shanhai.outreach.services import alliance_create, alliance_member_create, alliance_visit_create
from tests.outreach.conftest import D, figures


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def alliance(world):
    alliance = alliance_create(
        actor=None,
        name="奇台县围产期专科联盟",
        specialty=Department.objects.get(code="05"),
        lead=world.qitai_hospital,
        founded_on=D(2021, 3, 18),
        partnership=world.partnership,
    )
    alliance_member_create(actor=None, alliance=alliance, institution=world.qitai_mch, joined_on=D(2021, 4, 2))
    alliance_visit_create(
        actor=None, alliance=alliance, team="第1帮扶组", visited=world.qitai_mch, visited_on=D(2022, 5, 6), experts=4
    )
    return alliance


def test_alliance_page_lists_members_and_visits_with_add_links(world, alliance, hospital_admin, mch_worker):
    url = reverse("records:detail", kwargs={"kind": "alliances", "public_id": alliance.public_id})
    content = _client(hospital_admin).get(url).content.decode()
    assert "奇台县妇幼保健院" in content
    assert "2021-04-02" in content
    assert "第1帮扶组" in content
    add_member = f"{reverse('records:create', kwargs={'kind': 'alliance-members'})}?alliance={alliance.public_id}"
    assert add_member in content
    # A member's clerk sees the alliance but may not add to it.
    reader = _client(mch_worker).get(url)
    assert reader.status_code == 200
    assert add_member not in reader.content.decode()


def test_outsider_gets_404_on_an_alliance(world, alliance, outsider):
    url = reverse("records:detail", kwargs={"kind": "alliances", "public_id": alliance.public_id})
    assert _client(outsider).get(url).status_code == 404


def test_member_form_takes_the_alliance_from_the_query(world, alliance, hospital_admin):
    url = f"{reverse('records:create', kwargs={'kind': 'alliance-members'})}?alliance={alliance.public_id}"
    response = _client(hospital_admin).get(url)
    assert response.status_code == 200
    assert f'value="{alliance.pk}" selected' in response.content.decode()


def test_member_page_refused_to_a_member_clerk(world, alliance, mch_worker):
    member = AllianceMember.objects.get()
    edit = reverse("records:edit", kwargs={"kind": "alliance-members", "public_id": member.public_id})
    assert _client(mch_worker).get(edit).status_code == 403
    before = (member.joined_on, member.left_on)
    _client(mch_worker).post(
        reverse("records:delete", kwargs={"kind": "alliance-members", "public_id": member.public_id})
    )
    member.refresh_from_db()
    assert (member.joined_on, member.left_on) == before


def test_api_creates_an_event_from_cell_values(world, commission_user, township):
    api = APIClient()
    api.force_authenticate(commission_user)
    response = api.post(
        "/api/v1/records/outreach-events/",
        {
            "kind": "医疗巴扎",
            "held_on": "2022-07-15",
            "place": "652325201",
            "partnership": str(world.partnership.pk),
            "team_size": 12,
            "services": "体检；咨询；化验；发药",
            "people_seen": 126,
            "medicine_value": "2800",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    event = OutreachEvent.objects.get()
    assert (event.kind, event.place, event.services, event.medicine_value) == (
        "medical_bazaar",
        township,
        "exam,consultation,lab_tests,dispensing",
        Decimal("2800.00"),
    )
    assert figures(["outreach_people_seen"], Scope(partnership=world.partnership), "2022") == {
        "outreach_people_seen": 126.0
    }
    refused = api.post(
        "/api/v1/records/outreach-events/",
        {
            "kind": "义诊",
            "held_on": "2022-07-15",
            "place": "652325201",
            "partnership": str(world.partnership.pk),
            "services": "按摩",
            "people_seen": 5,
        },
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["services"] == [
        "“按摩” is not one of: Physical examination、Consultation、Laboratory tests、Dispensing medicines、Health education."
    ]
    assert OutreachEvent.objects.count() == 1


def test_list_pages_render_for_every_kind(world, alliance, admin):
    client = _client(admin)
    for slug in ("outreach-events", "donations", "alliances", "alliance-members", "alliance-visits"):
        assert client.get(reverse("records:list", kwargs={"kind": slug})).status_code == 200, slug
