"""The API's rate limit, as a DRF throttle (``DEFAULT_THROTTLE_CLASSES``). A module of its own: DRF reads the
setting while ``rest_framework.views`` loads, which ``core.api`` imports."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from shanhai.core import limits


class RateLimit(BaseThrottle):
    """Every API request of a user counts towards the user's ``api`` rate (``core.limits``, the same counters as
    the pages'). Beyond it: ``RateLimited``, which ``core.api.exception_handler`` answers with 429 and Retry-After.
    Requests without a user are refused (401) before throttles run; the one endpoint open to them, the token
    endpoint, counts towards the ``sign_in`` rate of the address."""

    def allow_request(self, request: Request, view: Any) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            limits.count("api", f"user:{user.pk}", actor=user)
        return True
