"""Headers every page gets, and sessions that are not written on every request.

- ``Cache-Control: no-store`` on every response the application makes (pages, exports, API): they show health
  data, which no browser or proxy cache should keep. Static files are served before this middleware and keep
  their long cache.
- A Content-Security-Policy without inline script (``script-src 'self'``): the templates have no inline script or
  event-handler attribute; styles may be inline (the 500 page, element styles set by the chart library).
- Sessions: Django saves a session only when it changed (``SESSION_SAVE_EVERY_REQUEST = False``), so page views
  do not write to the database. To still end a session after ``SESSION_COOKIE_AGE`` idle seconds, a signed-in
  session's expiry is moved on at most once every ``SHANHAI_SESSION_REFRESH_SECONDS`` (60): it ends between
  29 and 30 idle minutes with the defaults.
- A page refused by a rate limit answers 429 with its message (``RateLimitMiddleware``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from shanhai.core.limits import RateLimited

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
REFRESHED_KEY = "_refreshed_at"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, no_cache=True, max_age=0, private=True)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class SessionRefreshMiddleware:
    """Moves a signed-in session's expiry on, at most once a minute (after SessionMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            if now - int(session.get(REFRESHED_KEY, 0)) >= settings.SHANHAI_SESSION_REFRESH_SECONDS:
                session[REFRESHED_KEY] = now  # modified: SessionMiddleware saves it with a new expiry
        return self.get_response(request)


class RateLimitMiddleware:
    """A page refused by a rate limit (``core.limits.RateLimited``): 429 with the message, in the layout, and
    ``Retry-After``. (The API answers its own 429 in JSON: ``core.api.exception_handler``.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RateLimited):
            return None
        response = render(request, "429.html", {"message": exception.message}, status=429)
        response["Retry-After"] = str(exception.wait)
        return response
