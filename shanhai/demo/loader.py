"""Load the five seed scenarios as demo data, in one transaction, through the real services."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction

from shanhai.accounts.models import User
from shanhai.demo.builder import DemoBuilder
from shanhai.demo.logins import ADMIN_USERNAME, build_logins, create_admin
from shanhai.demo.people import build_people
from shanhai.demo.regions import build_regions
from shanhai.demo.scenarios import SCENARIOS

DEFAULT_SEED = 2025


@dataclass(frozen=True)
class DemoSummary:
    units: int
    programmes: int
    partnerships: int
    agreements: int
    people: int
    users: int


def demo_is_loaded() -> bool:
    return User.objects.filter(username=ADMIN_USERNAME).exists()


@transaction.atomic
def load_demo(*, seed: int = DEFAULT_SEED) -> DemoSummary:
    """Build regions, the scenarios' institutions and partnerships, staff and logins.

    The same seed gives the same records (names, phones, departments, titles of the staff);
    the organisations and partnerships do not depend on the seed.
    """
    builder = DemoBuilder(actor=create_admin(), rng=random.Random(seed))  # noqa: S311 (demo data, not secrets)
    build_regions(builder)
    for build_scenario in SCENARIOS:
        build_scenario(builder)
    build_people(builder)
    build_logins(builder)
    counts = builder.counts
    return DemoSummary(
        units=counts["units"],
        programmes=counts["programmes"],
        partnerships=counts["partnerships"],
        agreements=counts["agreements"],
        people=counts["people"],
        users=counts["users"],
    )
