"""Referrals through the services: each move stamps its time, refused moves, times and stale instances."""

from datetime import date as D
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shanhai.core.models import AuditEntry
from shanhai.maternal import services
from shanhai.maternal.models import Referral, ReferralStatus
from tests.maternal.factories import make_pregnancy

SHANGHAI = ZoneInfo("Asia/Shanghai")
LMP = D(2022, 1, 3)


def at(day, hour):
    return datetime(2022, 3, day, hour, 0, tzinfo=SHANGHAI)


def test_referral_moves_stamp_each_step(world, places):
    """A positive screen at a 基层 centre is referred to a level-2+ hospital (42号; domain.md §1.1)."""
    pregnancy = make_pregnancy(registered_at=places.township_centre, residence=places.township, lmp=LMP)
    referral = services.referral_create(
        actor=None,
        pregnancy=pregnancy,
        from_unit=places.township_centre,
        to_unit=world.qitai_hospital,
        reason=" 筛查阳性，转诊评估分级 ",
        requested_at=datetime(2022, 3, 5, 9, 0),  # no zone: read as Asia/Shanghai
    )
    assert (referral.status, referral.reason, referral.requested_at) == (
        "requested",
        "筛查阳性，转诊评估分级",
        at(5, 9),
    )
    referral = services.referral_move(actor=None, record=referral, status=ReferralStatus.ACCEPTED, at=at(5, 11))
    referral = services.referral_move(actor=None, record=referral, status=ReferralStatus.ARRIVED, at=at(7, 10))
    referral = services.referral_move(actor=None, record=referral, status=ReferralStatus.RETURNED, at=at(20, 16))
    assert (referral.status, referral.accepted_at, referral.arrived_at, referral.returned_at) == (
        "returned",
        at(5, 11),
        at(7, 10),
        at(20, 16),
    )
    assert (referral.declined_at, referral.cancelled_at) == (None, None)
    with pytest.raises(ValidationError) as error:
        services.referral_move(actor=None, record=referral, status=ReferralStatus.CANCELLED)
    assert error.value.message_dict == {"status": ["A referral that is “Referred back” cannot become “Cancelled”."]}


@pytest.mark.parametrize(
    ("path", "refused", "message"),
    [
        ([], "arrived", "A referral that is “Requested” cannot become “Arrived”."),
        ([], "returned", "A referral that is “Requested” cannot become “Referred back”."),
        (["accepted"], "declined", "A referral that is “Accepted” cannot become “Declined”."),
        (["accepted", "arrived"], "cancelled", "A referral that is “Arrived” cannot become “Cancelled”."),
        (["declined"], "accepted", "A referral that is “Declined” cannot become “Accepted”."),
        (["cancelled"], "requested", "A referral that is “Cancelled” cannot become “Requested”."),
        (["accepted", "cancelled"], "arrived", "A referral that is “Cancelled” cannot become “Arrived”."),
    ],
)
def test_refused_referral_moves(world, places, path, refused, message):
    pregnancy = make_pregnancy(registered_at=places.township_centre, residence=places.township, lmp=LMP)
    referral = services.referral_create(
        actor=None,
        pregnancy=pregnancy,
        from_unit=places.township_centre,
        to_unit=world.qitai_hospital,
        reason="筛查阳性",
        requested_at=at(5, 9),
    )
    for hour, status in enumerate(path, start=10):
        referral = services.referral_move(actor=None, record=referral, status=status, at=at(5, hour))
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        services.referral_move(actor=None, record=referral, status=refused)
    assert error.value.message_dict == {"status": [message]}
    assert Referral.objects.get().status == (path[-1] if path else "requested")
    assert AuditEntry.objects.count() == audits


def test_referral_times_and_stale_instances(world, places):
    pregnancy = make_pregnancy(registered_at=places.township_centre, residence=places.township, lmp=LMP)
    referral = services.referral_create(
        actor=None,
        pregnancy=pregnancy,
        from_unit=places.township_centre,
        to_unit=world.qitai_hospital,
        reason="筛查阳性",
        requested_at=at(5, 9),
    )
    with pytest.raises(ValidationError) as error:
        services.referral_move(actor=None, record=referral, status="accepted", at=at(5, 8))
    assert error.value.message_dict == {"at": ["This time is before the referral's previous step."]}
    with pytest.raises(ValidationError) as error:
        services.referral_move(actor=None, record=referral, status="accepted", at=timezone.now() + timedelta(hours=1))
    assert error.value.message_dict == {"at": ["This time is in the future."]}
    with pytest.raises(ValidationError) as error:
        services.referral_move(actor=None, record=referral, status="lost")
    assert error.value.message_dict == {"status": ["Unknown referral state."]}
    stale = Referral.objects.get(pk=referral.pk)
    services.referral_move(actor=None, record=referral, status="accepted", at=at(5, 10))
    assert services.referral_move(actor=None, record=stale, status="accepted").accepted_at == at(5, 10)  # no-op
    with pytest.raises(ValidationError) as error:
        services.referral_delete(actor=None, record=stale)
    assert error.value.messages == ["Only a referral still requested can be deleted; cancel it instead."]
    moved = services.referral_move(actor=None, record=stale, status="arrived", at=at(6, 10))
    assert (moved.status, moved.arrived_at) == ("arrived", at(6, 10))


def test_referral_creation_is_checked(world, places):
    pregnancy = make_pregnancy(registered_at=places.township_centre, residence=places.township, lmp=LMP)
    base = {"actor": None, "pregnancy": pregnancy, "from_unit": places.township_centre, "reason": "筛查阳性"}
    with pytest.raises(ValidationError) as error:
        services.referral_create(**base, to_unit=places.township_centre)
    assert error.value.message_dict == {"to_unit": ["A referral goes to another institution."]}
    with pytest.raises(ValidationError) as error:
        services.referral_create(**base | {"reason": " "}, to_unit=world.qitai_hospital)
    assert error.value.message_dict == {"reason": ["Give the reason for the referral."]}
    with pytest.raises(ValidationError) as error:
        services.referral_create(**base, to_unit=world.qitai)
    assert error.value.message_dict == {"to_unit": ["Choose an institution, not a region."]}
    referral = services.referral_create(**base, to_unit=world.qitai_hospital)
    services.referral_delete(actor=None, record=referral)
    assert Referral.objects.count() == 0
