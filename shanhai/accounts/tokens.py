"""A user's own API tokens: the API's logout (this token, or all of them), the list and the revocation of one, as
API endpoints and as the "API tokens" page. Tokens are issued by ``api.TokenObtain``; ``api_tokens`` holds the
services."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from knox.models import AuthToken
from rest_framework import status
from rest_framework.authentication import BaseAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

from shanhai.accounts import api_tokens
from shanhai.accounts.api_tokens import TOKEN_KEY_PATTERN, Revocation, access_api_token, api_tokens_live
from shanhai.accounts.authentication import TokenAuthentication
from shanhai.accounts.requests import AuthenticatedHttpRequest, AuthenticatedRequest
from shanhai.accounts.serializers import TokenListedSerializer, TokensRevokedSerializer
from shanhai.core.api import errors


def _listed(tokens: list[AuthToken], current: Any) -> list[dict[str, Any]]:
    current_digest = getattr(current, "digest", None)
    return [
        {"token_key": t.token_key, "created": t.created, "expiry": t.expiry, "current": t.digest == current_digest}
        for t in tokens
    ]


# --- API -------------------------------------------------------------------------------------------------------
class TokenLogout(APIView):
    """Only with a token: a session has no token to revoke."""

    request: AuthenticatedRequest
    authentication_classes: list[type[BaseAuthentication]] = [TokenAuthentication]

    @extend_schema(
        operation_id="auth_logout",
        summary="Revoke the token this request is made with",
        request=None,
        responses={204: OpenApiResponse(description="Revoked: the token no longer works."), **errors()},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        api_tokens.api_token_revoke(actor=request.user, token=request.auth, reason=Revocation.LOGOUT)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenLogoutAll(APIView):
    request: AuthenticatedRequest

    @extend_schema(
        operation_id="auth_logout_all",
        summary="Revoke every API token of the user",
        request=None,
        responses={200: TokensRevokedSerializer, **errors()},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        """The token this request is made with too."""
        revoked = api_tokens.api_tokens_revoke_all(actor=request.user, user=request.user, reason=Revocation.LOGOUT_ALL)
        return Response(TokensRevokedSerializer({"revoked": revoked}).data)


class TokenList(APIView):
    request: AuthenticatedRequest

    @extend_schema(
        operation_id="auth_tokens_list",
        summary="The user's API tokens that have not expired",
        responses={200: TokenListedSerializer(many=True), **errors()},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        """Newest first; each by its key (the token's first characters), never the token."""
        tokens = list(api_tokens_live(request.user))
        return Response(TokenListedSerializer(_listed(tokens, request.auth), many=True).data)


class TokenRevoke(APIView):
    request: AuthenticatedRequest

    @extend_schema(
        operation_id="auth_tokens_destroy",
        summary="Revoke one of the user's API tokens",
        parameters=[
            OpenApiParameter(
                "token_key",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                pattern=f"^{TOKEN_KEY_PATTERN}$",
                description="The token's key, as the list shows it.",
            )
        ],
        responses={204: OpenApiResponse(description="Revoked."), **errors(404)},
    )
    def delete(self, request: AuthenticatedRequest, token_key: str) -> Response:
        """404 for a key that names none of the user's live tokens."""
        token = access_api_token(request.user, token_key)
        api_tokens.api_token_revoke(actor=request.user, token=token, reason=Revocation.REVOKED)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- pages -----------------------------------------------------------------------------------------------------
@login_required
@require_GET
def api_token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's live tokens, each with a button that revokes it."""
    tokens = list(api_tokens_live(request.user))
    context = {"tokens": tokens, "token_hours": settings.SHANHAI_API_TOKEN_HOURS}
    return render(request, "accounts/api_tokens.html", context)


@login_required
@require_POST
def api_token_revoke(request: AuthenticatedHttpRequest, token_key: str) -> HttpResponse:
    token = access_api_token(request.user, token_key)
    api_tokens.api_token_revoke(actor=request.user, token=token, reason=Revocation.REVOKED)
    messages.success(request, _("The API token %(key)s… is revoked.") % {"key": token.token_key})
    return redirect("accounts:api_token_list")
