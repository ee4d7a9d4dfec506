"""The attacks of issue 11 on women's personal data, each refused with nothing revealed, nothing written
and the attempt audited: revealing a woman through a pregnancy or a referral one created oneself, and
recovering an ID number from its mask, a date of birth or an age, or a duplicate's answer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import World
from shanhai.accounts.models import Role, User
from shanhai.accounts.services import membership_grant
from shanhai.core import clock
from shanhai.core.models import AuditAction, AuditEntry
from shanhai.core.personal import mask_id_number
from shanhai.maternal import services
from shanhai.maternal.models import DuplicateReview, Pregnancy, Referral, ReferralStatus, Woman
from shanhai.records.imports import import_rows
from shanhai.records.kinds import kind_of
from tests.core.factories import make_user
from tests.maternal.factories import Places, make_pregnancy
from tests.maternal.mch_file import REASON, api_for, client_for, make_id

WOMEN_HEADERS = [
    "Name",
    "ID number",
    "Phone",
    "Residence (county or township)",
    "Registering institution (code or name)",
]
SECRET_ID = make_id(date(1993, 8, 21), 36)
SECRET_NAME = "热依拉"
FIELDS = ["woman__name", "woman__id_number", "woman__phone"]
NEEDS_REVIEW = (
    "This registration cannot be completed here yet: it has been passed to a reviewer, who will contact your "
    "institution."
)


def reveal_url(slug: str, record: object) -> str:
    return reverse("records:record_reveal", kwargs={"kind": slug, "public_id": record.public_id})  # type: ignore[attr-defined]


@pytest.fixture
def centre_woman(world: World, places: Places) -> Pregnancy:
    """A woman registered at the township centre whose first pregnancy (ended) was referred to Qitai MCH
    hospital and referred back: the hospital sees her file but holds no permission for her personal data."""
    lmp = clock.today() - timedelta(days=400)
    woman = services.woman_create(
        actor=None,
        name=SECRET_NAME,
        id_number=SECRET_ID,
        phone="13900001111",
        residence=places.township,
        registered_at=places.township_centre,
    )
    first = make_pregnancy(woman=woman, registered_at=places.township_centre, lmp=lmp, registered_day=50)
    referral = services.referral_create(
        actor=None,
        pregnancy=first,
        from_unit=places.township_centre,
        to_unit=world.qitai_mch,
        reason="筛查阳性",
        requested_at=timezone.now() - timedelta(days=300),
    )
    for status in (ReferralStatus.ACCEPTED, ReferralStatus.ARRIVED, ReferralStatus.RETURNED):
        referral = services.referral_move(actor=None, record=referral, status=status)
    return services.pregnancy_end(actor=None, record=first, ended_on=lmp + timedelta(days=70), reason="miscarriage")


def audit_counts() -> dict[str, int]:
    return {
        action: AuditEntry.objects.filter(action=action).count() for action in ("create", "update", "delete", "reveal")
    }


# --- attack 1: a throw-away pregnancy (or referral) of one's own gives no permission ---------------------------
def test_a_pregnancy_registered_for_her_at_ones_own_hospital_reveals_nothing(
    world: World, centre_woman: Pregnancy, revealer: User
) -> None:
    woman = centre_woman.woman
    throwaway = services.pregnancy_create(
        actor=revealer,
        woman=woman,
        registered_on=clock.today() - timedelta(days=10),
        registered_at=world.qitai_mch,
        last_menstrual_period_on=clock.today() - timedelta(days=70),
    )
    before = audit_counts()

    page = client_for(revealer).post(reveal_url("pregnancies", throwaway), {"reason": REASON})
    api = api_for(revealer).post(f"/api/v1/records/pregnancies/{throwaway.public_id}/reveal/", {"reason": REASON})
    woman_page = client_for(revealer).post(reveal_url("women", woman), {"reason": REASON})
    detail = client_for(revealer).get(
        reverse("records:detail", kwargs={"kind": "pregnancies", "public_id": throwaway.public_id})
    )

    assert [page.status_code, api.status_code, woman_page.status_code] == [403, 403, 403]
    for response in (page, api, woman_page, detail):
        body = response.content.decode()
        assert [v for v in (SECRET_NAME, SECRET_ID, "13900001111", "1993-08-21") if v in body] == []
    assert "Reveal personal data" not in detail.content.decode()
    assert "shown to users who may view her personal data" in detail.content.decode()
    refused = list(AuditEntry.objects.filter(action=AuditAction.REVEAL).order_by("id"))
    assert [(e.object_id, e.changes) for e in refused] == [
        (str(throwaway.public_id), {"_": {"fields": FIELDS, "refused": True}}),
        (str(throwaway.public_id), {"_": {"fields": FIELDS, "refused": True}}),
        (str(woman.public_id), {"_": {"fields": ["name", "id_number", "birth_date", "phone"], "refused": True}}),
    ]
    assert audit_counts() == before | {"reveal": 3}

    services.pregnancy_delete(actor=revealer, record=throwaway)
    assert Pregnancy.objects.filter(woman=woman).count() == 1


def test_an_open_referral_hands_her_over_for_its_life_only(world: World, places: Places, revealer: User) -> None:
    pregnancy = make_pregnancy(
        residence=places.township, registered_at=places.township_centre, lmp=clock.today() - timedelta(days=100)
    )
    referral = services.referral_create(
        actor=None,
        pregnancy=pregnancy,
        from_unit=places.township_centre,
        to_unit=world.qitai_mch,
        reason="筛查阳性",
        requested_at=timezone.now() - timedelta(hours=5),
    )
    url = reveal_url("pregnancies", pregnancy)

    assert client_for(revealer).post(url, {"reason": REASON}).status_code == 200
    services.referral_move(actor=None, record=referral, status=ReferralStatus.DECLINED)
    assert client_for(revealer).post(url, {"reason": REASON}).status_code == 403
    assert [
        e.changes["_"].get("refused", False) for e in AuditEntry.objects.filter(action="reveal").order_by("id")
    ] == [
        False,
        True,
    ]


def test_the_receiving_side_cannot_write_itself_a_referral(
    world: World, places: Places, centre_woman: Pregnancy, revealer: User
) -> None:
    own = services.pregnancy_create(
        actor=revealer,
        woman=centre_woman.woman,
        registered_on=clock.today() - timedelta(days=10),
        registered_at=world.qitai_mch,
        last_menstrual_period_on=clock.today() - timedelta(days=70),
    )
    before = (Referral.objects.count(), AuditEntry.objects.count())

    with pytest.raises(ValidationError) as refused:
        services.referral_create(
            actor=revealer, pregnancy=own, from_unit=places.township_centre, to_unit=world.qitai_mch, reason="转诊"
        )

    assert refused.value.message_dict == {"from_unit": ["Only the referring institution can record a referral."]}
    assert (Referral.objects.count(), AuditEntry.objects.count()) == before
    assert client_for(revealer).post(reveal_url("pregnancies", own), {"reason": REASON}).status_code == 403


def test_her_file_moves_to_another_institution_only_from_the_one_holding_it(
    world: World, places: Places, centre_woman: Pregnancy
) -> None:
    county_clerk = make_user("qitai-county-clerk", unit=world.qitai, role=Role.DATA_CLERK)
    woman = Woman.objects.get(pk=centre_woman.woman_id)
    outside = services.woman_create(
        actor=None,
        name="古丽",
        id_number=make_id(date(1990, 1, 2), 44),
        residence=places.township,
        registered_at=places.jimsar_hospital,
    )

    with pytest.raises(ValidationError) as refused:
        services.woman_update(actor=county_clerk, record=outside, registered_at=world.qitai_mch)
    moved = services.woman_update(actor=county_clerk, record=woman, registered_at=world.qitai_mch)

    assert refused.value.message_dict == {
        "registered_at": ["Only the institution that holds her file can hand it to another institution."]
    }
    assert Woman.objects.get(pk=outside.pk).registered_at == places.jimsar_hospital
    assert moved.registered_at == world.qitai_mch


HELD_IN_IMPORT = (
    "1 row of this file cannot be completed here: it has been passed to a reviewer, who will contact your "
    "institution. Nothing was imported."
)


# --- attack 2: what a user without the permission sees leaves ≥ 10,000 candidate numbers ----------------------
def test_the_mask_shows_the_last_two_characters_and_no_date_of_birth(
    world: World, centre_woman: Pregnancy, mch_worker: User
) -> None:
    woman = api_for(mch_worker).get(f"/api/v1/records/women/{centre_woman.woman.public_id}/").json()

    assert mask_id_number(SECRET_ID) == "*" * 16 + SECRET_ID[-2:]
    assert (woman["id_number"], woman["birth_date"]) == ("*" * 16 + SECRET_ID[-2:], "****-**-**")


@pytest.fixture
def jimsar_woman(places: Places) -> Woman:
    return services.woman_create(
        actor=None, name=SECRET_NAME, id_number=SECRET_ID, residence=places.jimsar, registered_at=places.jimsar_hospital
    )


def test_an_import_of_a_number_on_file_elsewhere_confirms_nothing_and_goes_to_review(
    world: World, places: Places, jimsar_woman: Woman, mch_worker: User
) -> None:
    rows = [
        ["马兰", make_id(date(1994, 2, 3), 12), "", places.township.code, world.qitai_mch.code],
        ["某人", SECRET_ID, "", places.township.code, world.qitai_mch.code],
    ]
    result = import_rows(kind_of("women"), mch_worker, WOMEN_HEADERS, rows)

    assert [(e.row, e.column, e.message) for e in result.errors] == [(0, "", HELD_IN_IMPORT)]
    assert (result.created, Woman.objects.count()) == (0, 1)
    review = DuplicateReview.objects.get()
    assert (review.woman, review.attempted_by, review.unit, review.reviewed_at) == (
        jimsar_woman,
        mch_worker,
        world.qitai_mch,
        None,
    )
    entry = AuditEntry.objects.get(object_type="maternal.duplicatereview")
    assert (entry.action, entry.actor_id, entry.org_unit, entry.changes["_"]) == (
        "create",
        mch_worker.pk,
        places.jimsar_hospital,
        {"refused": "id_number_on_file_elsewhere"},
    )
    assert SECRET_ID not in str(entry.changes) and SECRET_NAME not in str(entry.changes)


def test_a_single_registration_of_a_number_on_file_elsewhere_confirms_nothing(
    world: World, places: Places, jimsar_woman: Woman, mch_worker: User
) -> None:
    values = {
        "name": "某人",
        "id_number": SECRET_ID,
        "phone": "",
        "residence": places.township.code,
        "registered_at": world.qitai_mch.code,
    }
    page = client_for(mch_worker).post(
        reverse("records:create", kwargs={"kind": "women"}),
        values | {"residence": places.township.pk, "registered_at": world.qitai_mch.pk},
    )
    api = api_for(mch_worker).post("/api/v1/records/women/", values, format="json")

    assert page.status_code == 400
    assert NEEDS_REVIEW.replace("'", "&#x27;") in page.content.decode()
    assert "already" not in page.content.decode()
    assert (api.status_code, api.json()["id_number"]) == (400, [NEEDS_REVIEW])
    assert Woman.objects.count() == 1
    assert DuplicateReview.objects.filter(attempted_by=mch_worker).count() == 2
    assert AuditEntry.objects.filter(object_type="maternal.duplicatereview", action="create").count() == 2


def test_reviewers_at_her_institution_see_the_queue_and_close_it(
    world: World, places: Places, jimsar_woman: Woman, mch_worker: User
) -> None:
    import_rows(
        kind_of("women"),
        mch_worker,
        WOMEN_HEADERS,
        [["某人", SECRET_ID, "", places.township.code, world.qitai_mch.code]],
    )
    reviewer = make_user("jimsar-clerk", unit=places.jimsar_hospital, role=Role.DATA_CLERK)
    membership_grant(
        actor=None, user=reviewer, org_unit=places.jimsar_hospital, role=Role.DATA_CLERK, reveals_personal=True
    )
    review = DuplicateReview.objects.get()

    queue = client_for(reviewer).get(reverse("maternal:duplicate_reviews"))
    stranger = client_for(mch_worker).get(reverse("maternal:duplicate_reviews"))
    stranger_close = client_for(mch_worker).post(
        reverse("maternal:duplicate_review_close", kwargs={"public_id": review.public_id})
    )
    closed = client_for(reviewer).post(
        reverse("maternal:duplicate_review_close", kwargs={"public_id": review.public_id}), {"note": "已电话联系"}
    )

    assert (queue.status_code, stranger.status_code, stranger_close.status_code, closed.status_code) == (
        200,
        403,
        404,
        302,
    )
    assert mch_worker.get_username() in queue.content.decode()
    review.refresh_from_db()
    assert (review.reviewed_by, review.note) == (reviewer, "已电话联系")
    assert AuditEntry.objects.filter(object_type="maternal.duplicatereview", action="update").count() == 1
