from typing import Any

from django.http import HttpRequest

from shanhai.accounts.scoping import scope_of
from shanhai.core.notices import unread_count


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the sidebar needs: the user's scope (for which sections to show) and the count of unread notices
    (from the cache; a callable: read only on pages that show the sidebar)."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "user_scope": scope_of(user),
        "unread_notices": (lambda: unread_count(user)) if user is not None and signed_in else 0,
    }
