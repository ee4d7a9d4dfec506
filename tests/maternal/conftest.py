"""Fixtures of the MCH tests: the MCH places, one woman's whole file, a reader, a user who may reveal
personal data, and an ongoing pregnancy referred to a hospital that grades."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import World
from shanhai.accounts.models import Role, User
from shanhai.accounts.services import membership_grant
from shanhai.core import clock
from shanhai.maternal import services
from shanhai.maternal.models import Pregnancy
from tests.core.factories import make_user
from tests.maternal.factories import Places, make_pregnancy, mch_places
from tests.maternal.mch_file import MchFile, build_file


@pytest.fixture
def places(world: World) -> Places:
    return mch_places(world)


@pytest.fixture
def mch(world: World, places: Places) -> MchFile:
    return build_file(world, places)


@pytest.fixture
def reader(world: World) -> User:
    """A viewer at Qitai MCH hospital: reads its women's files, writes nothing."""
    return make_user("qitai-mch-viewer", unit=world.qitai_mch, role=Role.VIEWER)


@pytest.fixture
def revealer(world: World, mch_worker: User) -> User:
    membership_grant(actor=None, user=mch_worker, org_unit=world.qitai_mch, role=Role.DATA_CLERK, reveals_personal=True)
    return mch_worker


@pytest.fixture
def ongoing(world: World, places: Places) -> Pregnancy:
    """A woman 20 weeks pregnant today, registered at Qitai MCH and referred to Qitai People's Hospital."""
    lmp = clock.today() - timedelta(days=140)
    pregnancy = make_pregnancy(residence=places.township, registered_at=world.qitai_mch, lmp=lmp, registered_day=60)
    services.referral_create(
        actor=None,
        pregnancy=pregnancy,
        from_unit=world.qitai_mch,
        to_unit=world.qitai_hospital,
        reason="筛查阳性",
        requested_at=timezone.now() - timedelta(days=1),
    )
    return pregnancy
