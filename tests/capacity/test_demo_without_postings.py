"""The capacity demo records on the seed scenarios alone, without the rest of the demo (no postings): while
no posting says when the experts left, the partnership's end stands in, so during S3's batch no technique
is sustained or lapsed yet.

On the full demo (``test_demo.py``) the postings of S3's batch make experts leave before the programme ends.
"""

import random

import pytest
from django.db import transaction
from django.test import override_settings

from shanhai.analytics.engine import Scope, evaluate
from shanhai.core.periods import parse_period
from shanhai.core.reference import load_reference_data
from shanhai.demo import records_capacity as demo
from shanhai.demo.builder import DemoBuilder
from shanhai.demo.logins import create_admin
from shanhai.demo.people import build_people
from shanhai.demo.regions import build_regions
from shanhai.demo.scenarios import S3_PROGRAMME, SCENARIOS
from shanhai.partnerships.models import Programme

pytestmark = [pytest.mark.demo, pytest.mark.django_db]


@pytest.fixture(scope="module")
def capacity_records(django_db_setup, django_db_blocker):
    with (
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        load_reference_data()  # a browser test's flush may have removed it (idempotent)
        builder = DemoBuilder(actor=create_admin(), rng=random.Random(2025))
        build_regions(builder)
        for build in SCENARIOS:
            build(builder)
        build_people(builder)
        demo.build_capacity_records(builder)
        yield
        transaction.set_rollback(True)


@pytest.mark.usefixtures("capacity_records")
def test_s3_transfer_outcomes():
    scope = Scope(programme=Programme.objects.get(name=S3_PROGRAMME))
    codes = ["techniques_transferred", "techniques_sustained", "techniques_lapsed"]
    figures = {v.code: v.value for v in evaluate(codes, scope, parse_period(demo.S3_STATUS_PERIOD))}
    assert figures == {
        "techniques_transferred": demo.S3_TRANSFERRED,
        "techniques_sustained": demo.S3_SUSTAINED,
        "techniques_lapsed": demo.S3_LAPSED,
    }
    figures = {v.code: v.value for v in evaluate(codes, scope, parse_period(demo.S3_PERIOD))}
    assert figures == {
        "techniques_transferred": demo.S3_TRANSFERRED,
        "techniques_sustained": 0,
        "techniques_lapsed": 0,
    }
