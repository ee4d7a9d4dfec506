"""Sign-ins, failed sign-ins, sign-outs and lockouts are audited: the account, never the password."""

from __future__ import annotations

import pytest
from django.test import Client

from shanhai.accounts.models import User
from shanhai.core.models import AuditEntry
from tests.core.factories import make_user

PASSWORD = "correct-horse-9"


@pytest.fixture
def person(db: None) -> User:
    return make_user("wang-li", password=PASSWORD)


def sign_in_entries() -> list[tuple[str, str, str, str]]:
    return [
        (entry.action, entry.actor_name, entry.object_id, entry.object_repr)
        for entry in AuditEntry.objects.filter(object_type="accounts.user").order_by("id")
    ]


def test_a_sign_in_and_a_sign_out_are_audited(client: Client, person: User) -> None:
    client.post("/accounts/login/", {"username": "wang-li", "password": PASSWORD})
    client.post("/accounts/logout/")
    assert sign_in_entries() == [
        ("login", "wang-li", str(person.public_id), "wang-li"),
        ("logout", "wang-li", str(person.public_id), "wang-li"),
    ]
    assert AuditEntry.objects.get(action="login").actor == person


def test_a_failed_sign_in_names_the_account_never_the_password(client: Client, person: User) -> None:
    client.post("/accounts/login/", {"username": "wang-li", "password": "my-secret-guess"})
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.actor_name, entry.object_id) == (
        "login_failed",
        None,
        "wang-li",
        str(person.public_id),
    )
    assert entry.changes == {"_": {"step": "password"}}
    assert "my-secret-guess" not in str(entry.__dict__)


def test_a_user_name_that_is_no_account_is_not_recorded(client: Client, person: User) -> None:
    client.post("/accounts/login/", {"username": "110101199003071234", "password": "whatever-1"})
    assert sign_in_entries() == [("login_failed", "", "", "—")]
    assert "110101199003071234" not in str(AuditEntry.objects.get().__dict__)


def test_the_lockout_is_audited(client: Client, person: User) -> None:
    for attempt in range(5):
        client.post("/accounts/login/", {"username": "wang-li", "password": f"wrong-{attempt}"})
    assert [entry[0] for entry in sign_in_entries()] == [*["login_failed"] * 4, "lockout", "login_failed"]


def test_an_api_token_failure_is_audited(client: Client, person: User) -> None:
    client.post("/api/v1/auth/token/", {"username": "wang-li", "password": "wrong-horse"})
    assert sign_in_entries() == [("login_failed", "wang-li", str(person.public_id), "wang-li")]


def test_admins_browse_and_filter_sign_ins(client: Client, admin: User, person: User) -> None:
    Client().post("/accounts/login/", {"username": "wang-li", "password": "wrong-horse"})
    client.force_login(admin)
    page = client.get("/audit/", {"action": "login_failed"})
    assert page.status_code == 200
    assert [entry.action for entry in page.context["table"].data] == ["login_failed"]
