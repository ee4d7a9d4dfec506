"""Two-factor sign-in with django-otp: an authenticator app (TOTP) and single-use recovery codes.

Required for system administrators and users who may reveal personal data (``UserScope.needs_second_factor``);
anyone may enrol. A session is verified once one of the user's confirmed devices accepted a code
(``django_otp.login`` notes the device in the session); ``middleware.SecondFactorMiddleware`` refuses every other page to an unverified session
that needs it.
"""

from __future__ import annotations

import base64
import io
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.accounts.signins import audit_refused_sign_in
from shanhai.core.audit import audit_record
from shanhai.core.models import AuditAction

#: Set on a session signed in with a password whose user has a second factor, until a code confirms it.
PENDING_SESSION_KEY = "shanhai_second_factor_pending"
AUTHENTICATOR = "authenticator"
RECOVERY_CODES = "recovery codes"


def requires_second_factor(user: User) -> bool:
    """Must this user confirm a sign-in with a code: always for administrators and revealing users, and for
    anyone who enrolled."""
    return scope_of(user).needs_second_factor or user_has_device(user, confirmed=True)


def session_is_verified(request: HttpRequest) -> bool:
    """Did this session confirm its sign-in with a code? ``django_otp.login`` keeps the device's id in the session
    (which Django flushes when another user signs in). Read from the session rather than through django-otp's
    middleware, which loads the device on every request."""
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def enrolment_device(user: User) -> TOTPDevice:
    """The authenticator being enrolled: unconfirmed until the user types one of its codes."""
    device, _created = TOTPDevice.objects.get_or_create(user=user, name=AUTHENTICATOR, confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    """The key as an authenticator app takes it typed in (base32, in groups of four)."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_url(device: TOTPDevice) -> str:
    """The ``otpauth://`` link as an SVG QR code in a data URL: drawn by the server, no script, no CDN."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def new_recovery_codes(user: User) -> tuple[StaticDevice, list[str]]:
    """Replace the user's recovery codes with new ones (the old ones stop working); the codes are returned to be
    shown once."""
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_CODES, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.SHANHAI_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=token) for token in codes])
    return recovery, codes


def confirmed_authenticator(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def recovery_codes_regenerate(*, actor: User, code: str) -> list[str] | None:
    """New recovery codes for the actor, confirmed by a code of their authenticator; the old codes stop working.
    Audited as a ``create`` of the recovery codes with their number, never the codes. None when the code is wrong
    (audited as a refusal) or the actor has no authenticator."""
    device = confirmed_authenticator(actor)
    if device is None:
        return None
    if not device.verify_token(code.replace(" ", "")):
        audit_refused_sign_in(action=AuditAction.LOGIN_FAILED, user=actor, step="recovery codes")
        return None
    recovery, codes = new_recovery_codes(actor)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=recovery, extra={"recovery_codes": len(codes)})
    return codes


@transaction.atomic
def second_factor_enrol(*, request: HttpRequest, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator with one of its codes: the session is verified and the user gets new recovery
    codes (returned to be shown once; the old ones stop working). None when the code is wrong."""
    if not device.verify_token(code.replace(" ", "")):
        audit_refused_sign_in(action=AuditAction.LOGIN_FAILED, user=user, step="second factor enrolment")
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _recovery, codes = new_recovery_codes(user)
    audit_record(actor=user, action=AuditAction.CREATE, obj=device, extra={"recovery_codes": len(codes)})
    otp_login(request, device)
    request.session.pop(PENDING_SESSION_KEY, None)
    return codes


def device_kind(device: Device) -> str:
    """Which kind of second factor a device is, for the audit trail: ``authenticator`` or ``recovery code``."""
    return "recovery code" if isinstance(device, StaticDevice) else AUTHENTICATOR


def matching_device(user: User, code: str) -> Device | None:
    """The user's confirmed device that accepts ``code`` (a recovery code works once), or None. Both are audited:
    an acceptance as a ``login`` naming the kind of device (authenticator or recovery code, never the code), a
    refusal as a ``login_failed``. Each device throttles its own failures (django-otp)."""
    code = code.replace(" ", "").lower()
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(code):
                audit_record(
                    actor=user,
                    action=AuditAction.LOGIN,
                    obj=user,
                    extra={"step": "second factor", "device": device_kind(device)},
                )
                return device
    audit_refused_sign_in(action=AuditAction.LOGIN_FAILED, user=user, step="second factor")
    return None


def second_factor_verify(*, request: HttpRequest, user: User, code: str) -> bool:
    """Verify this session with a code from the user's authenticator or a recovery code."""
    device = matching_device(user, code)
    if device is None:
        return False
    otp_login(request, device)
    request.session.pop(PENDING_SESSION_KEY, None)
    return True
