"""Writes to accounts: users and memberships, audited."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shanhai.accounts.models import Membership, Role, User
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
    """Give ``user`` a new password, checked by the password validators (audited, without the password)."""
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, extra={"password": "changed"})
    return user


@transaction.atomic
def membership_grant(
    *, actor: User | None, user: User, org_unit: OrgUnit, role: str, reveals_personal: bool = False
) -> Membership:
    """Give ``user`` the role over ``org_unit``'s subtree. Granting an existing membership again sets its
    ``reveals_personal`` flag to the value given (audited as an update when it changes)."""
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
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
