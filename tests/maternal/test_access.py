"""Who sees and who changes MCH records, for every MCH record kind and every MCH page: outside the scope
a record does not exist (404, absent from lists, exports and the API); a reader sees it and changes
nothing (403)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from conftest import World
from shanhai.accounts.models import Role, User
from shanhai.core import clock
from shanhai.maternal import selectors
from shanhai.maternal.models import Pregnancy
from shanhai.records.kinds import kind_of
from shanhai.records.selectors import can_write_record
from tests.core.factories import make_user
from tests.maternal.factories import Places, make_pregnancy
from tests.maternal.mch_file import MCH_SLUGS, MchFile, api_for, client_for, detail_url, xlsx_text

pytestmark = pytest.mark.django_db


def row_of(slug: str, record: Any) -> dict[str, Any]:
    return kind_of(slug).model._default_manager.filter(pk=record.pk).values().get()


def seen_by(user: User, slug: str, record: Any) -> dict[str, Any]:
    """Where the record shows for ``user``: list page, detail page, export, API list, API detail."""
    client, api = client_for(user), api_for(user)
    number = str(record.public_id)
    listing = client.get(reverse("records:list", kwargs={"kind": slug}))
    export = client.get(reverse("records:export", kwargs={"kind": slug}))
    api_list = api.get(f"/api/v1/records/{slug}/").json()
    return {
        "list": number in listing.content.decode(),
        "detail": client.get(detail_url(slug, record)).status_code,
        "export": number in xlsx_text(export.content),
        "api_list": [row["public_id"] for row in api_list["results"]] == [number],
        "api_detail": api.get(f"/api/v1/records/{slug}/{number}/").status_code,
    }


@pytest.mark.parametrize("slug", MCH_SLUGS)
def test_the_outsider_finds_no_record_of_any_kind(mch: MchFile, outsider: User, slug: str) -> None:
    assert seen_by(outsider, slug, mch.record_of(slug)) == {
        "list": False,
        "detail": 404,
        "export": False,
        "api_list": False,
        "api_detail": 404,
    }


@pytest.mark.parametrize("slug", MCH_SLUGS)
def test_a_reader_in_scope_sees_the_record(mch: MchFile, reader: User, slug: str) -> None:
    assert seen_by(reader, slug, mch.record_of(slug)) == {
        "list": True,
        "detail": 200,
        "export": True,
        "api_list": True,
        "api_detail": 200,
    }


@pytest.mark.parametrize("slug", MCH_SLUGS)
def test_the_county_commission_sees_the_record(mch: MchFile, commission_user: User, slug: str) -> None:
    assert seen_by(commission_user, slug, mch.record_of(slug))["api_detail"] == 200


def write_attempts(user: User, slug: str, record: Any) -> list[int]:
    client, api = client_for(user), api_for(user)
    kwargs = {"kind": slug, "public_id": record.public_id}
    api_url = f"/api/v1/records/{slug}/{record.public_id}/"
    return [
        client.get(reverse("records:edit", kwargs=kwargs)).status_code,
        client.post(reverse("records:edit", kwargs=kwargs), {}).status_code,
        client.post(reverse("records:delete", kwargs=kwargs)).status_code,
        api.patch(api_url, {"note": "x", "reason": "x", "responsible_name": "x"}, format="json").status_code,
        api.delete(api_url).status_code,
    ]


@pytest.mark.parametrize("slug", MCH_SLUGS)
def test_a_reader_changes_nothing(mch: MchFile, reader: User, slug: str) -> None:
    record = mch.record_of(slug)
    before, count = row_of(slug, record), kind_of(slug).model._default_manager.count()

    assert write_attempts(reader, slug, record) == [403] * 5
    assert client_for(reader).post(reverse("records:create", kwargs={"kind": slug}), {}).status_code == 403
    assert (row_of(slug, record), kind_of(slug).model._default_manager.count()) == (before, count)


@pytest.mark.parametrize("slug", MCH_SLUGS)
def test_the_outsider_changes_nothing(mch: MchFile, outsider: User, slug: str) -> None:
    record = mch.record_of(slug)
    before = row_of(slug, record)

    assert write_attempts(outsider, slug, record) == [404] * 5
    assert row_of(slug, record) == before


# --- the MCH pages ------------------------------------------------------------------------------------------------
def test_the_mch_pages_are_404_for_records_out_of_scope(mch: MchFile, outsider: User, world: World) -> None:
    writer_elsewhere = make_user("haikou-clerk", unit=world.haikou_hospital, role=Role.DATA_CLERK)
    client = client_for(writer_elsewhere)
    pregnancy = mch.pregnancy

    assert [
        client.get(reverse("maternal:assessment_create", kwargs={"public_id": pregnancy.public_id})).status_code,
        client.post(reverse("maternal:assessment_grade", kwargs={"public_id": pregnancy.public_id})).status_code,
        client.post(
            reverse("maternal:case_assign", kwargs={"public_id": mch.case.public_id}), {"responsible_name": "x"}
        ).status_code,
        client.post(reverse("maternal:case_report", kwargs={"public_id": mch.case.public_id}), {}).status_code,
        client.post(
            reverse("maternal:case_close", kwargs={"public_id": mch.case.public_id}), {"close_note": "x"}
        ).status_code,
        client.post(
            reverse("maternal:referral_move", kwargs={"public_id": mch.referral.public_id}), {"status": "accepted"}
        ).status_code,
        client.get(detail_url("women", mch.woman)).status_code,
        client.get(detail_url("pregnancies", pregnancy)).status_code,
    ] == [404] * 8
    mch.case.refresh_from_db()
    mch.referral.refresh_from_db()
    assert (mch.case.responsible_name, mch.referral.status) == ("李医生", "requested")


def test_the_worklist_and_home_count_only_what_the_user_sees(
    world: World, places: Places, outsider: User, mch_worker: User
) -> None:
    pregnancy = make_pregnancy(
        residence=places.township,
        registered_at=world.qitai_mch,
        lmp=clock.today() - timedelta(days=100),
    )
    outsiders = client_for(outsider).get(reverse("maternal:worklist")).content.decode()
    mine = client_for(mch_worker).get(reverse("maternal:worklist")).content.decode()

    assert str(pregnancy.public_id) not in outsiders
    assert str(pregnancy.public_id) in mine
    assert selectors.mch_overview(outsider).ongoing == 0
    assert selectors.mch_overview(mch_worker).ongoing == 1


def test_a_referral_lets_the_receiving_hospital_see_the_file(
    mch: MchFile, hospital_admin: User, world: World, places: Places
) -> None:
    """The file is seen whole: the woman, her pregnancy and its records, but not other women's."""
    api = api_for(hospital_admin)
    other = make_pregnancy(
        residence=places.township, registered_at=world.qitai_mch, lmp=mch.pregnancy.last_menstrual_period_on
    )

    assert api.get(f"/api/v1/records/women/{mch.woman.public_id}/").status_code == 200
    assert api.get(f"/api/v1/records/antenatal-visits/{mch.visit.public_id}/").status_code == 200
    assert api.get(f"/api/v1/records/pregnancies/{other.public_id}/").status_code == 404


def test_a_pregnancy_is_written_by_its_institution_or_the_womans_residence(
    mch: MchFile, mch_worker: User, hospital_admin: User
) -> None:
    pregnancies = kind_of("pregnancies")

    assert can_write_record(pregnancies, mch_worker, mch.pregnancy) is True
    assert can_write_record(pregnancies, hospital_admin, mch.pregnancy) is False
    assert can_write_record(kind_of("referrals"), hospital_admin, mch.referral) is True
    assert Pregnancy.objects.count() == 1
