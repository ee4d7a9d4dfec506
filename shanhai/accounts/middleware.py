"""Refuse every page to a signed-in session that still owes its second factor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.accounts.second_factor import PENDING_SESSION_KEY, session_is_verified

#: Pages an unverified session may still open: the code and enrolment pages, sign-out, the language switch.
OPEN_VIEWS = frozenset({"accounts:second_factor", "accounts:second_factor_enrol", "accounts:logout", "set_language"})


def owes_second_factor(request: HttpRequest) -> bool:
    user = request.user
    if not isinstance(user, User) or session_is_verified(request):
        return False
    # The pending flag (set at password sign-in) saves a query for the users who need no second factor.
    return bool(request.session.get(PENDING_SESSION_KEY)) or scope_of(user).needs_second_factor


class SecondFactorMiddleware:
    """A signed-in user who must still confirm the sign-in with a code is sent to the code page (which sends a
    user without a device to enrolment); the API answers 403."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        match = request.resolver_match
        if (match is not None and match.view_name in OPEN_VIEWS) or not owes_second_factor(request):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Confirm your sign-in with a one-time code first.")}, status=403)
        return redirect_to_login(request.get_full_path(), reverse("accounts:second_factor"))
