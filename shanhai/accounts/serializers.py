"""API representations for signing in with a token."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, write_only=True, style={"input_type": "password"}
    )
    otp = serializers.CharField(
        max_length=32,
        required=False,
        write_only=True,
        help_text="A code from the authenticator app, or a recovery code: required for users with two-factor sign-in.",
    )


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
