"""A schema fuzz of the whole API: every operation of the OpenAPI document the app serves, driven in-process
through the WSGI application with generated requests (fitting the document and not), as a system
administrator holding an API token, on the small ``world``. No answer may be a server error, a status or a
content type the document does not declare, or a body that does not match its declared schema.

Marked ``fuzz``: `make test` leaves it out (pyproject's addopts); CI runs it in a step of its own
(`make fuzz`). ``SHANHAI_FUZZ_EXAMPLES`` bounds the examples per operation and mode (default 20).
"""

from __future__ import annotations

import os
import re
import traceback
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core.signals import got_request_exception
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import World
from shanhai.accounts.models import User
from shanhai.outreach.services import donation_create
from shanhai.project.wsgi import application
from shanhai.records.kinds import all_kinds
from shanhai.telehealth import services as telehealth
from tests.maternal.factories import mch_places
from tests.maternal.mch_file import build_file

pytestmark = [pytest.mark.fuzz]

EXAMPLES = int(os.environ.get("SHANHAI_FUZZ_EXAMPLES", "20"))
#: A record's own address: reads, changes, reveals and deletes.
RECORD_PATH = re.compile(r"^/api/v1/records/(?P<kind>[a-z-]+)/\{public_id\}/")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def crashes() -> Iterator[list[str]]:
    """The last line of each exception a request raised (the server error behind a 500)."""
    seen: list[str] = []

    def record(sender: Any, request: Any = None, **kwargs: Any) -> None:
        seen.append(traceback.format_exc().strip().splitlines()[-1])

    got_request_exception.connect(record, weak=False)
    yield seen
    got_request_exception.disconnect(record)


@pytest.fixture
def admin_token(admin: User, client: Any) -> str:
    """A token from the API's own sign-in, with the code of an authenticator app (administrators need one); it
    expires in ``SHANHAI_API_TOKEN_HOURS`` (10 by default), far beyond the fuzz's five minutes."""
    device = TOTPDevice.objects.create(user=admin, name="fuzz", confirmed=True)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):0{device.digits}d}"
    answer = client.post(
        "/api/v1/auth/token/",
        {"username": admin.username, "password": "correct-horse-9", "otp": code},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert set(answer.json()) == {"token", "expiry"}
    return str(answer.json()["token"])


@pytest.fixture
def records(world: World, admin: User) -> dict[str, str]:
    """A record of every MCH kind (one woman's whole file), a donation and an outreach event: the public id of
    the first record of each kind that has one, so that reads, changes, reveals and deletes meet real records."""
    build_file(world, mch_places(world))
    donation_create(
        actor=admin,
        donor=world.fuqing_hospital,
        recipient=world.qitai_hospital,
        partnership=world.partnership,
        kind="funds",
        amount=Decimal("1000"),
        donated_on=date(2023, 9, 1),
        description="专项资金",
    )
    pool = telehealth.pool_create(actor=admin, institution=world.fuqing_hospital, name="会诊组")
    telehealth.response_rule_create(actor=admin, partnership=world.partnership, priority="urgent", hours=4)
    telehealth.consultation_create(
        actor=admin,
        partnership=world.partnership,
        requesting_unit=world.qitai_hospital,
        question="是否需要转诊？",
        pool=pool,
    )
    found = {kind.slug: kind.model._default_manager.order_by("pk").first() for kind in all_kinds()}
    return {slug: str(record.public_id) for slug, record in found.items() if record is not None}


def fuzz(
    operation: Any,
    mode: GenerationMode,
    headers: dict[str, str],
    crashes: list[str],
    path_parameters: dict[str, str] | None = None,
) -> dict[str, str]:
    """Generated requests to one operation (at the path parameters given, if any); the problems found, by kind,
    with the first request that showed each."""
    problems: dict[str, str] = {}

    @hypothesis_settings(
        max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
        before = len(crashes)
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except (Failure, FailureGroup) as error:
            for failure in error.exceptions if isinstance(error, FailureGroup) else [error]:
                cause = "; ".join(crashes[before:]) or str(failure)[:400]
                problems.setdefault(
                    f"{type(failure).__name__}: {failure.title}", f"{cause}\n    {case.as_curl_command()}"
                )

    try:
        run()
    except Unsatisfiable:
        # Nothing to get wrong: an operation without parameters or body has no invalid request.
        assert mode == GenerationMode.NEGATIVE, operation.label
    return problems


def ordering(operation: Any) -> tuple[bool, bool]:
    return (operation.path.startswith("/api/v1/auth/logout"), operation.method.upper() == "DELETE")


def test_api_answers_as_documented(
    world: World, admin: User, admin_token: str, records: dict[str, str], crashes: list[str], settings: Any
) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    headers = {"Authorization": f"Token {admin_token}"}
    problems: dict[tuple[str, str], str] = {}
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operations.append(result.ok())
    # Deletes last, so that the other operations meet the seeded records; the API's logouts after them, since they
    # revoke the token (what follows them is answered 401, as declared).
    for operation in sorted(operations, key=ordering):
        record = RECORD_PATH.match(operation.path)
        at_record = {"public_id": records[record["kind"]]} if record and record["kind"] in records else None
        for path_parameters in (None, at_record) if at_record else (None,):
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                for title, detail in fuzz(operation, mode, headers, crashes, path_parameters).items():
                    problems.setdefault((operation.label, title), detail)

    report = "\n".join(f"{label} — {title}\n    {detail}" for (label, title), detail in sorted(problems.items()))
    assert not problems, f"{len(problems)} problems:\n{report}"
