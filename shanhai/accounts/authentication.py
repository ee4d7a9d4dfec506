"""The API's token authentication: django-rest-knox's (tokens stored as digests, expiring, refused for an inactive
user), with the header ``Authorization: Token <token>``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox import auth
from rest_framework.exceptions import AuthenticationFailed


class TokenAuthentication(auth.TokenAuthentication):  # type: ignore[misc]  # knox has no type hints
    """A token that is not UTF-8 is refused (401) rather than a server error: knox decodes it unguarded."""

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        try:
            token.decode("utf-8")
        except UnicodeDecodeError as error:
            raise AuthenticationFailed(_("Invalid token.")) from error
        return super().authenticate_credentials(token)  # type: ignore[no-any-return]


class TokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]  # drf-spectacular: partly typed
    """How the OpenAPI document describes it (drf-spectacular's knox extension matches knox's class only)."""

    target_class = "shanhai.accounts.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")
