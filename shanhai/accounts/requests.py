"""Requests whose user is signed in, for the type checker.

Views behind ``login_required`` and API views behind DRF's ``IsAuthenticated`` (the default
permission) never see an anonymous user, so they annotate their request with these types and pass
``request.user`` to services, selectors and access functions typed with :class:`User`.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request

from shanhai.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User


class AuthenticatedHtmxRequest(AuthenticatedHttpRequest):
    htmx: HtmxDetails


class AuthenticatedRequest(Request):
    """DRF's request in an API view that requires authentication."""

    user: User
