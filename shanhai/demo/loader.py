"""Load the five seed scenarios as demo data, in one transaction, through the real services."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.translation import gettext as _

from shanhai.accounts.models import User
from shanhai.demo.builder import DemoBuilder
from shanhai.demo.logins import ADMIN_USERNAME, build_logins, create_admin
from shanhai.demo.people import build_people
from shanhai.demo.records_capacity import build_capacity_records
from shanhai.demo.records_discussions import build_discussion_records
from shanhai.demo.records_imaging import build_imaging_records
from shanhai.demo.records_maternal import build_maternal_records
from shanhai.demo.records_outreach import build_outreach_records
from shanhai.demo.records_screening import build_screening_records
from shanhai.demo.records_telehealth import build_telehealth_records
from shanhai.demo.records_training import build_training_records
from shanhai.demo.records_workforce import build_workforce_records
from shanhai.demo.regions import build_regions
from shanhai.demo.scenarios import SCENARIOS
from shanhai.records.kinds import all_kinds

DEFAULT_SEED = 2025


@dataclass(frozen=True)
class DemoSummary:
    units: int
    programmes: int
    partnerships: int
    agreements: int
    people: int
    users: int
    records: int


def demo_is_loaded() -> bool:
    return User.objects.filter(username=ADMIN_USERNAME).exists()


@transaction.atomic
def load_demo(*, seed: int = DEFAULT_SEED, progress: Callable[[str], None] | None = None) -> DemoSummary:
    """Build regions, the scenarios' institutions and partnerships, staff, assistance records and logins.

    The same seed gives the same records (names, phones, departments, titles of the staff);
    the organisations and partnerships do not depend on the seed. ``progress`` hears the name of each step as it
    starts (the command prints them: a load takes tens of seconds).
    """
    say = progress or (lambda step: None)
    builder = DemoBuilder(actor=create_admin(), rng=random.Random(seed))  # noqa: S311 (demo data, not secrets)
    say(_("regions"))
    build_regions(builder)
    say(_("scenarios S1–S5: institutions, programmes, partnerships"))
    for build_scenario in SCENARIOS:
        build_scenario(builder)
    say(_("people"))
    build_people(builder)
    # Record-level data of S1 to S5; postings first: techniques and mentorships look at them.
    say(_("assistance records: postings"))
    build_workforce_records(builder)
    say(_("assistance records: training"))
    build_training_records(builder)
    say(_("assistance records: capacity building"))
    build_capacity_records(builder)
    say(_("assistance records: outreach"))
    build_outreach_records(builder)
    # MCH last: its community centres come from the outreach records; its RNG is its own (seeded here).
    say(_("maternal and child health"))
    build_maternal_records(builder)
    say(_("logins"))
    build_logins(builder)
    say(_("remote collaboration: imaging studies, consultations, case discussions"))
    build_imaging_records(builder)
    build_telehealth_records(builder)
    build_discussion_records(builder)
    # S4's screening programmes last: they draw from the builder's RNG, so nothing after them moves.
    say(_("MCH screening programmes"))
    build_screening_records(builder)
    # Check the deferred foreign keys now, once. On PostgreSQL they would otherwise stay queued in an
    # enclosing transaction (the test suite's) and be re-checked at the end of every test inside it.
    connection.check_constraints()
    counts = builder.counts
    return DemoSummary(
        units=counts["units"],
        programmes=counts["programmes"],
        partnerships=counts["partnerships"],
        agreements=counts["agreements"],
        people=counts["people"],
        users=counts["users"],
        records=sum(kind.model._default_manager.count() for kind in all_kinds()),
    )
