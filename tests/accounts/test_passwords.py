"""Every password goes through the validators; the password change page."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from shanhai.accounts.models import User
from shanhai.accounts.services import user_create, user_set_password
from shanhai.core.models import AuditEntry
from tests.core.factories import make_user

PASSWORD = "correct-horse-9"


def test_user_create_refuses_a_weak_password(db: None) -> None:
    with pytest.raises(ValidationError) as refused:
        user_create(actor=None, username="wang-li", password="12345")
    assert refused.value.message_dict == {
        "password": [
            "This password is too short. It must contain at least 10 characters.",
            "This password is too common.",
            "This password is entirely numeric.",
        ]
    }
    assert User.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_user_create_refuses_a_password_like_the_user_name(db: None) -> None:
    with pytest.raises(ValidationError) as refused:
        user_create(actor=None, username="wangxiaoli", password="wangxiaoli1", full_name="王小丽")
    assert refused.value.message_dict == {"password": ["The password is too similar to the username."]}
    assert User.objects.count() == 0


def test_user_set_password_validates_and_audits_without_the_password(db: None) -> None:
    user = make_user("wang-li", password=PASSWORD)
    with pytest.raises(ValidationError):
        user_set_password(actor=user, user=user, password="password")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    user_set_password(actor=user, user=user, password="a-new-long-phrase-7")
    user.refresh_from_db()
    assert user.check_password("a-new-long-phrase-7")
    entry = AuditEntry.objects.get(object_type="accounts.user", action="update")
    assert entry.changes == {"_": {"password": "changed"}}
    assert "a-new-long-phrase-7" not in str(entry.changes)


def test_the_password_change_page(client, db: None) -> None:
    user = make_user("wang-li", password=PASSWORD)
    client.force_login(user)
    page = client.get("/accounts/password/")
    assert page.status_code == 200
    assert [t.name for t in page.templates][:2] == ["accounts/password_change.html", "base.html"]
    assert 'href="/accounts/password/"' in client.get("/").content.decode()  # the sidebar's user block

    refused = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "qx7-kd", "new_password2": "qx7-kd"},
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors == {
        "new_password2": ["This password is too short. It must contain at least 10 characters."]
    }
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    wrong_old = client.post(
        "/accounts/password/",
        {"old_password": "not-it", "new_password1": "a-new-long-phrase-7", "new_password2": "a-new-long-phrase-7"},
    )
    assert wrong_old.context["form"].errors == {
        "old_password": ["Your old password was entered incorrectly. Please enter it again."]
    }

    changed = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "a-new-long-phrase-7", "new_password2": "a-new-long-phrase-7"},
    )
    assert changed.status_code == 302
    assert changed["Location"] == "/"
    user.refresh_from_db()
    assert user.check_password("a-new-long-phrase-7")
    assert client.get("/").status_code == 200  # still signed in
    assert AuditEntry.objects.filter(object_type="accounts.user", action="update").count() == 1


def test_the_password_change_page_needs_a_login(client, db: None) -> None:
    response = client.get("/accounts/password/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/password/"
