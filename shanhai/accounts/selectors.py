"""Reads of users for the user pages, scoped to the manager (``accounts.access.managed_users``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from shanhai.accounts.access import managed_users
from shanhai.accounts.models import Membership, User
from shanhai.core.models import OrgUnit


def memberships_of_users() -> Prefetch[str, QuerySet[Membership], str]:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("org_unit").order_by("org_unit__path", "role"),
        to_attr="membership_list",
    )


def with_second_factor(users: QuerySet[User]) -> QuerySet[User]:
    """Annotate ``has_second_factor``: the user enrolled an authenticator (a confirmed TOTP device)."""
    return users.annotate(
        has_second_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
    )


def user_list(actor: User, *, org_unit: OrgUnit | None = None, role: str = "", search: str = "") -> QuerySet[User]:
    """The users the actor manages with their memberships, filtered by a membership in ``org_unit``'s subtree,
    a role, and a search on the user name or the full name; by user name."""
    users = managed_users(actor)
    if org_unit is not None or role:
        memberships = Membership.objects.filter(user=OuterRef("pk"))
        if org_unit is not None:
            memberships = memberships.filter(org_unit__path__startswith=org_unit.path)
        if role:
            memberships = memberships.filter(role=role)
        users = users.filter(Exists(memberships))
    if search := search.strip():
        users = users.filter(Q(username__icontains=search) | Q(full_name__icontains=search))
    return with_second_factor(users).prefetch_related(memberships_of_users()).order_by("username")


def user_detail(user: User) -> User:
    """One user (already accessed) with their memberships and whether they enrolled a second factor."""
    return with_second_factor(User.objects.filter(pk=user.pk)).prefetch_related(memberships_of_users()).get()


@dataclass(frozen=True)
class ProfileMembership:
    membership: Membership
    #: Names of the unit's ancestors from the root down, without the unit itself.
    unit_path: list[str]


@dataclass(frozen=True)
class Profile:
    user: User
    memberships: list[ProfileMembership]
    has_second_factor: bool
    #: Unused recovery codes the user holds.
    recovery_codes_left: int


def own_profile(user: User) -> Profile:
    """The signed-in user's own profile: their memberships with the path of each unit, whether they enrolled an
    authenticator and how many unused recovery codes they hold. A constant number of queries."""
    person = user_detail(user)
    memberships: list[Membership] = getattr(person, "membership_list", [])
    ancestor_ids = {pk for membership in memberships for pk in membership.org_unit.ancestor_ids[:-1]}
    names = dict(OrgUnit.objects.filter(pk__in=ancestor_ids).values_list("pk", "name"))
    return Profile(
        user=person,
        memberships=[
            ProfileMembership(
                membership=membership,
                unit_path=[names[pk] for pk in membership.org_unit.ancestor_ids[:-1] if pk in names],
            )
            for membership in memberships
        ],
        has_second_factor=bool(getattr(person, "has_second_factor", False)),
        recovery_codes_left=StaticToken.objects.filter(device__user=user, device__confirmed=True).count(),
    )
