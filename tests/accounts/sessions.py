"""Test sessions that passed the second factor, as a real sign-in leaves them."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from shanhai.accounts.models import User
from shanhai.accounts.scoping import SCOPE_CACHE, scope_of


def verify_session(client: Client, user: User) -> None:
    """Verify the client's session with a confirmed authenticator of the user's (made if missing), as the code page
    does after a right code."""
    device, _created = TOTPDevice.objects.get_or_create(user=user, name="test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def needs_second_factor(user: User) -> bool:
    user.__dict__.pop(SCOPE_CACHE, None)  # memberships granted since the scope was cached count
    return scope_of(user).needs_second_factor
