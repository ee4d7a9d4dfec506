"""Programme pages: list, detail with engine tiles over the programme's period, create and edit."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from shanhai.core import clock
from shanhai.core.models import AuditEntry, OrgUnitKind
from shanhai.partnerships.models import Programme
from shanhai.partnerships.services import agreement_add
from tests.core.factories import OrgUnitFactory, PartnershipFactory, ProgrammeFactory

LIST = reverse("partnerships:programme_list")
CREATE = reverse("partnerships:programme_create")


def detail_url(programme):
    return reverse("partnerships:programme_detail", args=[programme.pk])


def edit_url(programme):
    return reverse("partnerships:programme_edit", args=[programme.pk])


def in_default_language(msgid, **params):
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(msgid) % params if params else translation.gettext(msgid)


@pytest.fixture
def group_programme(world):
    """组团式 in miniature: three supporting hospitals (two graded 3A) help two Qitai hospitals."""
    programme = ProgrammeFactory(
        name="组团式帮扶试点", owner=world.fujian, started_on=dt.date(2022, 3, 1), ended_on=dt.date(2024, 12, 31)
    )
    supporters = [
        OrgUnitFactory(
            name=f"福州{grade}医院{index}", kind=OrgUnitKind.GENERAL_HOSPITAL, parent=world.fuzhou, grade=grade
        )
        for index, grade in enumerate(["3A", "3A", "3B"])
    ]
    pairs = [(0, world.qitai_hospital), (1, world.qitai_hospital), (2, world.qitai_mch), (0, world.qitai_mch)]
    partnerships = [
        PartnershipFactory(
            supporter=supporters[s],
            recipient=r,
            programme=programme,
            mode="group_assistance",
            started_on=dt.date(2022, 3, 1),
        )
        for s, r in pairs
    ]
    agreement_add(actor=None, partnership=partnerships[0], title="组团式帮扶协议", signed_on=dt.date(2022, 3, 15))
    return programme


def form_data(owner, **changes):
    data = {
        "name": "福建省第八批医疗人才援疆",
        "short_name": "第八批",
        "owner": owner.pk,
        "started_on": "2023-01-01",
        "ended_on": "",
        "description": "",
    }
    return data | changes


def test_pages_send_anonymous_users_to_login(client, world):
    for url in (LIST, CREATE, detail_url(world.programme), edit_url(world.programme)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["supporter_user", "commission_user", "hospital_admin"])
def test_list_shows_programmes_owned_or_taken_part_in(client, world, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(LIST)
    assert response.status_code == 200
    assert detail_url(world.programme) in response.content.decode()


def test_list_hides_programmes_outside_scope(client, world, outsider):
    client.force_login(outsider)
    response = client.get(LIST)
    assert response.status_code == 200
    assert detail_url(world.programme) not in response.content.decode()


def test_list_query_count_is_pinned(client, world, supporter_user, django_assert_num_queries):
    for index in range(5):
        ProgrammeFactory(name=f"帮扶项目{index}", owner=world.fuzhou)
    client.force_login(supporter_user)
    client.get(LIST)
    with django_assert_num_queries(5):
        response = client.get(LIST)
    assert response.content.decode().count("帮扶项目") == 5


def test_detail_tiles_come_from_the_engine_over_the_programme_period(client, world, group_programme, supporter_user):
    client.force_login(supporter_user)
    response = client.get(detail_url(group_programme))
    assert response.status_code == 200
    assert response.context["period"].code == "202203..202412"
    tiles = {tile.code: tile for tile in response.context["tiles"]}
    assert [tile.code for tile in response.context["tiles"]] == [
        "partnerships_active",
        "supporting_institutions",
        "recipient_institutions",
        "supporters_grade_3a_share",
        "agreements_signed",
    ]
    assert {code: tile.value for code, tile in tiles.items()} == {
        "partnerships_active": 4.0,
        "supporting_institutions": 3.0,
        "recipient_institutions": 2.0,
        "supporters_grade_3a_share": 67.0,
        "agreements_signed": 1.0,
    }
    content = response.content.decode()
    assert "67%" in content
    assert "2 / 3</div>" in content
    assert content.count("福州3A医院0") == 2
    assert "组团式帮扶试点" in content


def test_detail_period_picker(client, world, group_programme, supporter_user):
    client.force_login(supporter_user)
    response = client.get(detail_url(group_programme), {"period": "2021"})
    assert response.context["period"].code == "2021"
    assert [tile.is_reported for tile in response.context["tiles"]] == [False] * 5
    assert escape(in_default_language("Year %(year)s", year=2021)) in response.content.decode()


def test_detail_bad_period_shows_why_and_keeps_the_programme_period(client, world, group_programme, supporter_user):
    client.force_login(supporter_user)
    response = client.get(detail_url(group_programme), {"period": "2023Q5"})
    assert response.status_code == 200
    assert response.context["period"].code == "202203..202412"
    assert "“2023Q5”" in response.content.decode()
    assert response.context["period_form"].errors["period"]


def test_open_programme_runs_to_this_month(client, world, supporter_user):
    client.force_login(supporter_user)
    response = client.get(detail_url(world.programme))
    assert response.context["period"].code == f"202001..{clock.today():%Y%m}"


@pytest.mark.parametrize("persona", ["outsider", "mch_worker"])
def test_detail_is_404_outside_scope(client, world, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(detail_url(world.programme)).status_code == 404


def test_create_saves_and_audits(client, world, supporter_user):
    client.force_login(supporter_user)
    assert client.get(CREATE).status_code == 200
    response = client.post(CREATE, form_data(world.fujian))
    programme = Programme.objects.get(name="福建省第八批医疗人才援疆")
    assert response.status_code == 302
    assert response["Location"] == detail_url(programme)
    assert (programme.owner, programme.short_name, programme.started_on) == (
        world.fujian,
        "第八批",
        dt.date(2023, 1, 1),
    )
    entry = AuditEntry.objects.get(object_type="partnerships.programme", object_id=str(programme.pk))
    assert (entry.action, entry.actor) == ("create", supporter_user)


def test_create_offers_only_owners_in_the_users_partnership_scope(client, world, commission_user):
    client.force_login(commission_user)
    owners = client.get(CREATE).context["form"].fields["owner"].queryset
    assert world.changji in owners
    assert world.fujian not in owners
    count = Programme.objects.count()
    response = client.post(CREATE, form_data(world.fujian))
    assert response.status_code == 200
    assert "owner" in response.context["form"].errors
    assert Programme.objects.count() == count


def test_create_with_end_before_start_saves_nothing(client, world, supporter_user):
    client.force_login(supporter_user)
    count = Programme.objects.count()
    response = client.post(CREATE, form_data(world.fujian, ended_on="2022-12-31"))
    assert response.status_code == 200
    assert response.context["form"].errors["ended_on"] == [in_default_language("The programme ends before it starts.")]
    assert escape(in_default_language("The programme ends before it starts.")) in response.content.decode()
    assert Programme.objects.count() == count


@pytest.mark.parametrize("persona", ["outsider", "mch_worker"])
def test_read_only_users_cannot_create(client, world, persona, request):
    client.force_login(request.getfixturevalue(persona))
    count = Programme.objects.count()
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data(world.hainan)).status_code == 403
    assert Programme.objects.count() == count


def test_edit_saves_and_audits(client, world, supporter_user):
    client.force_login(supporter_user)
    assert client.get(edit_url(world.programme)).status_code == 200
    data = form_data(
        world.fuqing, name="福清—奇台对口支援", short_name="", started_on="2020-01-01", ended_on="2025-12-31"
    )
    response = client.post(edit_url(world.programme), data)
    assert response.status_code == 302
    world.programme.refresh_from_db()
    assert world.programme.ended_on == dt.date(2025, 12, 31)
    entry = AuditEntry.objects.get(object_type="partnerships.programme", action="update")
    assert entry.changes == {"ended_on": [None, "2025-12-31"]}


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("commission_user", 403), ("hospital_admin", 403)])
def test_edit_is_refused_and_changes_nothing(client, world, persona, status, request):
    client.force_login(request.getfixturevalue(persona))
    data = form_data(world.fuqing, name="改名", started_on="2020-01-01")
    assert client.get(edit_url(world.programme)).status_code == status
    assert client.post(edit_url(world.programme), data).status_code == status
    world.programme.refresh_from_db()
    assert world.programme.name == "福清—奇台对口支援"
    assert not AuditEntry.objects.filter(object_type="partnerships.programme", action="update").exists()
