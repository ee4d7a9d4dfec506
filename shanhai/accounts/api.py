"""Token sign-in for API clients. It goes through ``authenticate(request=…)`` so that django-axes
counts failures and locks the account exactly as on the sign-in page."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.authentication import BaseAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shanhai.accounts.second_factor import matching_device, requires_second_factor
from shanhai.accounts.serializers import TokenRequestSerializer, TokenSerializer
from shanhai.core.api import ERROR_RESPONSES, ErrorSerializer
from shanhai.core.audit import audit_event
from shanhai.core.models import AuditAction


class TokenObtain(APIView):
    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_token_create",
        summary="Exchange a user name and password for an API token",
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: ERROR_RESPONSES[400],
            429: OpenApiResponse(ErrorSerializer, description="Too many failed sign-ins: the account is locked."),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        """Failed attempts count towards the account lockout, as on the sign-in page."""
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
        token, created = Token.objects.get_or_create(user=user)
        audit_event(
            actor=user,
            action=AuditAction.TOKEN_CREATED,
            object_type="accounts.user",
            description=user.get_username(),
            extra={"new_token": created},
        )
        return Response({"token": token.key})
