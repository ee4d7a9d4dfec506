"""API tokens (django-rest-knox): issued to a user, listed and revoked by their owner, revoked on sign-out, on a
password change and on deactivation. Knox stores a SHA-512 digest and the first 15 characters (``token_key``),
never the token; each token expires ``SHANHAI_API_TOKEN_HOURS`` after it was issued. Every issue and revocation is
audited with the token's key, never the token."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken
from knox.settings import CONSTANTS

from shanhai.accounts.models import User
from shanhai.core.audit import audit_event
from shanhai.core.models import AuditAction

#: What a token's key looks like (knox: the first 15 hexadecimal characters of the token; no prefix configured).
TOKEN_KEY_PATTERN = rf"[0-9a-f]{{{CONSTANTS.TOKEN_KEY_LENGTH}}}"


class Revocation(StrEnum):
    """Why a token was revoked (recorded in the audit entry)."""

    LOGOUT = "logout"  # the API's logout, with this token
    LOGOUT_ALL = "logout_all"  # the API's logout from every token
    REVOKED = "revoked"  # by its owner, from the list (page or API)
    SIGN_OUT = "sign_out"  # the web sign-out
    PASSWORD_CHANGED = "password_changed"  # a password change (anyone's, an administrator's reset too)
    DEACTIVATED = "deactivated"  # the account was deactivated


def api_tokens_live(user: User) -> QuerySet[AuthToken]:
    """The user's tokens that have not expired, newest first."""
    tokens = AuthToken.objects.filter(user=user).filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()))
    return cast("QuerySet[AuthToken]", tokens.order_by("-created", "token_key"))


def access_api_token(actor: User, token_key: str) -> AuthToken:
    """One of the actor's live tokens by its key: 404 for anyone else's (existence does not leak)."""
    token = api_tokens_live(actor).filter(token_key=token_key).first()
    if token is None:
        raise Http404
    return token


@transaction.atomic
def api_token_create(*, user: User) -> tuple[AuthToken, str]:
    """Issue a token to ``user`` (who has proved who they are): the row and the token, shown this once."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # one issue at a time per user: the limit holds
    AuthToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()  # expired: no longer a token
    limit = settings.SHANHAI_API_TOKENS_PER_USER
    if api_tokens_live(user).count() >= limit:
        raise ValidationError(
            _("You hold %(count)d API tokens, the most allowed: revoke one before asking for another.")
            % {"count": limit}
        )
    instance, token = AuthToken.objects.create(user=user, expiry=timedelta(hours=settings.SHANHAI_API_TOKEN_HOURS))
    _audit(actor=user, action=AuditAction.TOKEN_CREATED, token=instance, extra={"expiry": instance.expiry.isoformat()})
    return instance, token


@transaction.atomic
def api_token_revoke(*, actor: User, token: AuthToken, reason: Revocation) -> None:
    """Revoke one token (its owner's act: from the list, or the API's logout with it)."""
    if AuthToken.objects.filter(digest=token.digest).delete()[0]:
        _audit(actor=actor, action=AuditAction.TOKEN_REVOKED, token=token, extra={"reason": str(reason)})


@transaction.atomic
def api_tokens_revoke_all(*, actor: User | None, user: User, reason: Revocation) -> int:
    """Revoke every token of ``user`` (an audit entry for each one still live); how many were revoked."""
    now = timezone.now()
    tokens = list(AuthToken.objects.filter(user=user).select_for_update().order_by("created", "token_key"))
    AuthToken.objects.filter(digest__in=[token.digest for token in tokens]).delete()
    live = [token for token in tokens if token.expiry is None or token.expiry > now]
    for token in live:
        _audit(actor=actor, action=AuditAction.TOKEN_REVOKED, token=token, extra={"reason": str(reason)})
    return len(live)


def _audit(*, actor: User | None, action: AuditAction, token: AuthToken, extra: dict[str, str]) -> None:
    owner: User = token.user
    audit_event(
        actor=actor,
        action=action,
        object_type="accounts.user",
        object_id=str(owner.public_id),
        description=owner.get_username(),
        extra={"token_key": token.token_key, **extra},
    )
