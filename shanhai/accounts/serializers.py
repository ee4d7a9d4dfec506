"""API representations of API tokens: signing in for one, listing and revoking them."""

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
    token = serializers.CharField(
        help_text="Send as `Authorization: Token <token>`. Shown this once: the server keeps only its digest."
    )
    expiry = serializers.DateTimeField(help_text="When the token stops working; ask for a new one then.")


class TokenListedSerializer(serializers.Serializer[Any]):
    """A token as its owner's list shows it: its key (the first characters), never the token or its digest."""

    token_key = serializers.CharField(help_text="The token's first 15 characters: names it to revoke it.")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
    current = serializers.BooleanField(help_text="Whether this request was made with this token.")


class TokensRevokedSerializer(serializers.Serializer[Any]):
    revoked = serializers.IntegerField(min_value=0, help_text="How many tokens were revoked.")
