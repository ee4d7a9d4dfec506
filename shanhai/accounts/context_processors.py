from typing import Any

from django.http import HttpRequest

from shanhai.accounts.scoping import scope_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the sidebar needs: the user's scope (for which sections to show)."""
    user = getattr(request, "user", None)
    return {"user_scope": scope_of(user)}
