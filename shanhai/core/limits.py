"""Rate limits: how often one user (or one address) may do one kind of thing.

One mechanism for pages, services and the API: django-ratelimit's counter (a fixed window per rate, in the cache
named by ``RATELIMIT_USE_CACHE``), with the rates in ``SHANHAI_RATE_LIMITS`` (``"30/m"``, ``"100/h"`` … or
``None``: no limit). :func:`count` counts one action and raises :class:`RateLimited` beyond the rate; the first
refusal in a window is written to the audit trail (later ones in the same window are not: an attacker's loop must
not flood it). Pages answer 429 with a message (``project.middleware``), the API a 429 with ``Retry-After``
(``core.api``).

Groups (``SHANHAI_RATE_LIMITS`` keys): ``sign_in`` (per client address: the sign-in page and the API token
endpoint; django-axes also locks an account after repeated failures), ``api`` (per user, every API request),
``reveal`` (per user, viewings of personal data in
clear), ``import`` (per user, uploaded import files).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from shanhai.core.audit import audit_event
from shanhai.core.models import AuditAction


class RateLimited(Exception):
    """Too many actions of ``group``: the next is allowed in ``wait`` seconds."""

    def __init__(self, group: str, wait: int) -> None:
        super().__init__(group)
        self.group = group
        self.wait = max(int(wait), 1)

    @property
    def message(self) -> str:
        return _("Too many requests of this kind in a short time: wait %(minutes)s minute(s) and try again.") % {
            "minutes": max(1, -(-self.wait // 60))
        }


def rate_of(group: str) -> str | None:
    rates: dict[str, str | None] = settings.SHANHAI_RATE_LIMITS
    return rates.get(group)


def count(group: str, who: str, *, actor: Any = None) -> None:
    """Count one action of ``group`` by ``who`` (a user's id, an address); ``RateLimited`` beyond the rate.
    ``actor``: the user, named in the audit entry of a refusal."""
    rate = rate_of(group)
    if rate is None:
        return
    usage = get_usage(None, group=f"shanhai.{group}", key=lambda _group, _request: who, rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return
    if usage["count"] == usage["limit"] + 1:
        audit_event(
            actor=actor,
            action=AuditAction.RATE_LIMITED,
            object_type="core.ratelimit",
            description=group,
            extra={"limit": group, "rate": rate},
        )
    raise RateLimited(group, usage["time_left"])


def client_address(request: HttpRequest) -> str:
    """The address a request came from (``REMOTE_ADDR``: Shanhai is served by gunicorn directly, or behind a
    proxy that sets it)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")
