"""Token sign-in for API clients. It goes through ``authenticate(request=…)`` so that django-axes
counts failures and locks the account exactly as on the sign-in page; the token is django-rest-knox's
(stored as a digest, expiring: ``accounts.api_tokens``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shanhai.accounts.api_tokens import api_token_create
from shanhai.accounts.second_factor import matching_device, requires_second_factor
from shanhai.accounts.serializers import TokenRequestSerializer, TokenSerializer
from shanhai.core import limits
from shanhai.core.api import ERROR_RESPONSES, ErrorSerializer


class TokenObtain(APIView):
    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_token_create",
        summary="Exchange a user name and password (and second-factor code) for an expiring API token",
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: ERROR_RESPONSES[400],
            429: OpenApiResponse(ErrorSerializer, description="Too many failed sign-ins: the account is locked."),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        """Failed attempts count towards the account lockout, as on the sign-in page. The token expires
        (`expiry`; `SHANHAI_API_TOKEN_HOURS` after it is issued); a user holds at most `SHANHAI_API_TOKENS_PER_USER`
        live tokens (400 beyond: revoke one). Attempts count towards the address's `sign_in` rate (429 beyond)."""
        limits.count("sign_in", f"address:{limits.client_address(request)}")
        credentials = TokenRequestSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        # axes flags the request it is given; flagging DRF's wrapper (not the HttpRequest) keeps
        # its middleware from replacing this JSON answer with the HTML lockout page.
        otp = credentials.validated_data.pop("otp", "")
        user = authenticate(request, **credentials.validated_data)
        if getattr(request, "axes_locked_out", False):
            raise Throttled(
                wait=settings.AXES_COOLOFF_TIME.total_seconds(),
                detail=_("Too many failed sign-ins: this account is locked."),
            )
        if user is None:
            raise ValidationError({"non_field_errors": [_("The user name or the password is wrong.")]})
        if requires_second_factor(user):
            if not otp:
                raise ValidationError({"otp": [_("This account signs in with a second factor: send its code as otp.")]})
            if matching_device(user, otp) is None:
                raise ValidationError({"otp": [_("This code is wrong or was already used.")]})
        instance, token = api_token_create(user=user)
        return Response(TokenSerializer({"token": token, "expiry": instance.expiry}).data)
