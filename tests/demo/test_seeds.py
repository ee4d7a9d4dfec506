"""The seed: the same seed gives the same records; another seed other people and other women in the same
organisations and partnerships; ``--if-empty`` loads an empty database once.

The demo is loaded once more here, with the default seed, into the empty test database (rolled back with
the test), and compared with the demo built once per test run (by another process, with pytest-xdist);
another seed goes through the loader's first steps (regions, scenarios, staff) and the MCH records only.
"""

import hashlib
import random
from typing import Any

import pytest

from shanhai.core.reference import load_reference_data
from shanhai.demo.builder import DemoBuilder
from shanhai.demo.logins import create_admin
from shanhai.demo.people import build_people
from shanhai.demo.records_maternal import build_maternal_records
from shanhai.demo.regions import build_regions
from shanhai.demo.scenarios import SCENARIOS
from shanhai.maternal.models import Pregnancy
from shanhai.partnerships.models import Partnership
from shanhai.workforce.models import Person
from tests.demo.test_load_demo import _counts, _load

pytestmark = [pytest.mark.demo, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def reference_data(db):
    """The empty test database with its code lists (a browser test's flush may have removed them)."""
    load_reference_data()


def _digest(rows: list[Any]) -> str:
    return hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()


def _partnerships() -> str:
    """Digest of the partnerships by natural keys (ids left out)."""
    return _digest(
        list(
            Partnership.objects.values_list(
                "programme__name",
                "supporter__code",
                "recipient__code",
                "mode",
                "level",
                "department__code",
                "started_on",
                "ended_on",
            )
        )
    )


def _people() -> list[tuple]:
    """The people by natural keys, in the order they were made."""
    return list(
        Person.objects.order_by("pk").values_list(
            "institution__code", "name", "gender", "department__code", "title__code", "phone"
        )
    )


def _pregnancies() -> str:
    """Digest of the MCH pregnancies by natural keys (ids and UUIDs left out)."""
    return _digest(
        list(
            Pregnancy.objects.values_list(
                "woman__id_number_digest",
                "woman__residence__code",
                "registered_at__code",
                "last_menstrual_period_on",
                "highest_colour",
                "antenatal_visit_count",
                "delivery__delivered_on",
            )
        )
    )


@pytest.fixture(scope="module")
def built(demo_database, django_db_blocker) -> dict[str, Any]:
    """The demo built once per run (seed 2025), read from this process's copy of it."""
    with django_db_blocker.unblock(), demo_database.activated():
        return {
            "summary": demo_database.summary,
            "partnerships": _partnerships(),
            "people": _people(),
            "pregnancies": _pregnancies(),
            "pregnancy_count": Pregnancy.objects.count(),
        }


@pytest.mark.slow  # a second whole demo load (about a minute): `make test-slow` and CI
def test_the_same_seed_gives_the_same_records_and_if_empty_loads_an_empty_database_once(built):
    assert _load("--if-empty") == built["summary"]  # "Demo loaded (seed 2025): …", the same counts
    assert (_partnerships(), _digest(_people()), _pregnancies()) == (
        built["partnerships"],
        _digest(built["people"]),
        built["pregnancies"],
    )
    loaded = _counts()
    assert _load("--if-empty") == "The demo is already loaded; nothing to do."
    assert _counts() == loaded


def test_another_seed_gives_other_people_and_other_women_in_the_same_partnerships(built):
    builder = DemoBuilder(actor=create_admin(), rng=random.Random(7))
    build_regions(builder)
    for build_scenario in SCENARIOS:
        build_scenario(builder)
    assert _partnerships() == built["partnerships"]  # organisations and partnerships do not depend on the seed
    build_people(builder)
    staff = _people()
    assert len(staff) == builder.counts["people"]
    assert _digest(staff) != _digest(built["people"][: len(staff)])  # the staff the loader makes first
    build_maternal_records(builder)
    assert Pregnancy.objects.count() == built["pregnancy_count"]  # as many women, other ones
    assert _pregnancies() != built["pregnancies"]
