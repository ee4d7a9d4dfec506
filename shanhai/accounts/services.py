"""Writes to accounts: users and memberships, audited."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from shanhai.accounts.access import may_grant
from shanhai.accounts.api_tokens import Revocation, api_tokens_revoke_all
from shanhai.accounts.models import MANAGER_ROLES, Membership, Role, User
from shanhai.accounts.scoping import SCOPE_CACHE
from shanhai.core.audit import audit_record, snapshot
from shanhai.core.models import AuditAction, OrgUnit


@transaction.atomic
def user_create(*, actor: User | None, username: str, password: str, full_name: str = "", email: str = "") -> User:
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("The user name %(name)s is taken.") % {"name": username}})
    user = User(username=username, full_name=full_name, email=email)
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=user, after=snapshot(user, exclude=["password"]))
    return user


@transaction.atomic
def user_set_password(*, actor: User | None, user: User, password: str) -> User:
    """Give ``user`` a new password, checked by the password validators (audited, without the password). Every
    API token of the user is revoked: whoever held the old password may hold one."""
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, extra={"password": "changed"})
    api_tokens_revoke_all(actor=actor, user=user, reason=Revocation.PASSWORD_CHANGED)
    return user


@transaction.atomic
def membership_grant(
    *, actor: User | None, user: User, org_unit: OrgUnit, role: str, reveals_personal: bool = False
) -> Membership:
    """Give ``user`` the role over ``org_unit``'s subtree. Granting an existing membership again sets its
    ``reveals_personal`` flag to the value given (audited as an update when it changes)."""
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if actor is not None:
        require_may_grant(actor, org_unit, role)
        if reveals_personal and actor.pk == user.pk:
            raise ValidationError(
                {"reveals_personal": _("You cannot give yourself the right to reveal personal data.")}
            )
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user, org_unit=org_unit, role=role, defaults={"reveals_personal": reveals_personal}
    )
    if created:
        audit_record(
            actor=actor, action=AuditAction.CREATE, obj=membership, after=snapshot(membership), org_unit=org_unit
        )
    elif membership.reveals_personal != reveals_personal:
        before = snapshot(membership)
        membership.reveals_personal = reveals_personal
        membership.save(update_fields=["reveals_personal"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=membership,
            before=before,
            after=snapshot(membership),
            org_unit=org_unit,
        )
    user.__dict__.pop(SCOPE_CACHE, None)  # a cached scope would miss the new rights
    return membership


@transaction.atomic
def user_set_site_admin(*, actor: User, user: User, is_site_admin: bool = True) -> User:
    """Let a user into Django's admin site (``is_staff`` and ``is_superuser``), or take it away."""
    user = User.objects.select_for_update().get(pk=user.pk)
    before = snapshot(user, exclude=["password"])
    user.is_staff = user.is_superuser = is_site_admin
    user.save(update_fields=["is_staff", "is_superuser"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=user, before=before, after=snapshot(user, exclude=["password"])
    )
    return user


def require_may_grant(actor: User, org_unit: OrgUnit, role: str) -> None:
    """Nobody grants, changes or revokes a role above their own, nor outside their subtrees (``accounts.access``)."""
    if not may_grant(actor, org_unit, role):
        raise ValidationError(
            {
                "role": _("You may not grant the role %(role)s at %(unit)s.")
                % {"role": Role(role).label, "unit": org_unit}
            }
        )


def home_unit(user: User) -> OrgUnit | None:
    """The unit an entry about a user is filed at (the first of their memberships), so that the offices managing
    the user find it in their audit trail."""
    membership = user.memberships.select_related("org_unit").order_by("org_unit__path", "pk").first()
    return membership.org_unit if membership is not None else None


@transaction.atomic
def membership_revoke(*, actor: User, membership: Membership) -> None:
    """Take a membership away (audited). A user keeps at least one membership (deactivate the account instead),
    and nobody revokes their own last administrator membership."""
    membership = Membership.objects.select_for_update().select_related("org_unit", "user").get(pk=membership.pk)
    user = membership.user
    require_may_grant(actor, membership.org_unit, membership.role)
    others = Membership.objects.filter(user=user).exclude(pk=membership.pk)
    if user.pk == actor.pk and membership.role in MANAGER_ROLES and not others.filter(role__in=MANAGER_ROLES).exists():
        raise ValidationError(_("You cannot revoke your own last administrator membership."))
    if not others.exists():
        raise ValidationError(_("This is the user's last membership: deactivate the account instead."))
    before = snapshot(membership)
    audit_record(actor=actor, action=AuditAction.DELETE, obj=membership, before=before, org_unit=membership.org_unit)
    membership.delete()
    user.__dict__.pop(SCOPE_CACHE, None)
    actor.__dict__.pop(SCOPE_CACHE, None)


@transaction.atomic
def membership_set_reveals_personal(*, actor: User, membership: Membership, reveals_personal: bool) -> Membership:
    """Switch a membership's right to reveal personal data on or off (audited as an update)."""
    return membership_grant(
        actor=actor,
        user=membership.user,
        org_unit=membership.org_unit,
        role=membership.role,
        reveals_personal=reveals_personal,
    )


@transaction.atomic
def user_set_active(*, actor: User, user: User, is_active: bool) -> User:
    """Deactivate an account (it can no longer sign in; its sessions end) or reactivate it. Nobody deactivates
    themselves."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == actor.pk and not is_active:
        raise ValidationError(_("You cannot deactivate your own account."))
    before = snapshot(user, exclude=["password"])
    user.is_active = is_active
    user.save(update_fields=["is_active"])
    if not is_active:  # knox refuses an inactive user's tokens; revoked, they stay dead after a reactivation
        api_tokens_revoke_all(actor=actor, user=user, reason=Revocation.DEACTIVATED)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=user,
        before=before,
        after=snapshot(user, exclude=["password"]),
        org_unit=home_unit(user),
    )
    return user


@transaction.atomic
def second_factor_reset(*, actor: User, user: User) -> int:
    """Delete the user's authenticators and recovery codes: they enrol again at their next sign-in (those who must
    have a second factor) or sign in with the password alone (those who had enrolled of their own accord).
    Audited with the number of devices, never a key or a code. Returns that number."""
    devices = list(devices_for_user(user, confirmed=None))
    if not devices:
        raise ValidationError(_("This user has no second factor to reset."))
    for device in devices:
        device.delete()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=user,
        extra={"second_factor": "reset", "devices": len(devices)},
        org_unit=home_unit(user),
    )
    return len(devices)
