"""The audit trail of sign-ins: Django's auth signals and django-axes' lockout signal write audit entries.

Entries name the account (an existing user) and never the password; a user name that is no account is not
recorded (it may be a mistyped password or someone's personal data). The entries have no org unit, so the
audit list shows them to system administrators. A web sign-out also revokes every API token of the user.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from shanhai.accounts.api_tokens import Revocation, api_tokens_revoke_all
from shanhai.accounts.models import User
from shanhai.core.audit import audit_event, audit_record
from shanhai.core.models import AuditAction, AuditEntry


def account_named(username: object) -> User | None:
    if not isinstance(username, str) or not username:
        return None
    return User.objects.filter(username=username).first()


def audit_refused_sign_in(*, action: AuditAction, user: User | None, step: str) -> AuditEntry:
    """A refused attempt: ``user`` is the account tried (None when the name is no account); nobody signed in,
    so the entry has no actor, only the account's name."""
    return audit_event(
        actor=None,
        actor_name=user.get_username() if user is not None else "",
        action=action,
        object_type="accounts.user",
        object_id=str(user.public_id) if user is not None else "",
        description=str(user) if user is not None else "—",
        extra={"step": step},
    )


def on_logged_in(sender: object, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit_record(actor=user, action=AuditAction.LOGIN, obj=user)


def on_logged_out(sender: object, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action=AuditAction.LOGOUT, obj=user)
        api_tokens_revoke_all(actor=user, user=user, reason=Revocation.SIGN_OUT)


def on_login_failed(sender: object, credentials: dict[str, Any], request: object = None, **kwargs: Any) -> None:
    audit_refused_sign_in(
        action=AuditAction.LOGIN_FAILED, user=account_named(credentials.get("username")), step="password"
    )


def on_locked_out(sender: object, request: object = None, username: object = None, **kwargs: Any) -> None:
    if (user := account_named(username)) is not None:
        audit_refused_sign_in(action=AuditAction.LOCKOUT, user=user, step="password")


def connect() -> None:
    """Called once from ``AccountsConfig.ready``."""
    user_logged_in.connect(on_logged_in, dispatch_uid="shanhai.accounts.signins.logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="shanhai.accounts.signins.logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="shanhai.accounts.signins.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="shanhai.accounts.signins.locked_out")
