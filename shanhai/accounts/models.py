"""Users and their (org unit, role) memberships."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    PROGRAMME_OFFICE = "programme_office", _("Programme office")
    INSTITUTION_ADMIN = "institution_admin", _("Institution administrator")
    EXPERT = "expert", _("Dispatched expert")
    DATA_CLERK = "data_clerk", _("Data clerk")
    VIEWER = "viewer", _("Viewer")


#: Roles that may create and edit records inside their subtree.
WRITER_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.PROGRAMME_OFFICE, Role.INSTITUTION_ADMIN, Role.DATA_CLERK})
#: Roles that may edit programmes and partnerships (the map of who helps whom).
PARTNERSHIP_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.PROGRAMME_OFFICE, Role.INSTITUTION_ADMIN})
#: Roles that may read the audit trail of their subtree.
AUDIT_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.PROGRAMME_OFFICE, Role.INSTITUTION_ADMIN})
#: Roles that may manage users and memberships in their subtree (``accounts.access``), none above their own.
MANAGER_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.PROGRAMME_OFFICE, Role.INSTITUTION_ADMIN})
#: How far each role reaches when granting roles: a manager grants roles of their rank or below.
ROLE_RANK: dict[str, int] = {Role.SYSTEM_ADMIN: 3, Role.PROGRAMME_OFFICE: 2, Role.INSTITUTION_ADMIN: 1}


class User(AbstractUser):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField(_("full name"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username


class Membership(models.Model):
    """A user's role over one org unit's subtree; ``reveals_personal`` also lets them view personal data
    in clear there (with a reason, audited: ``accounts.reveal``)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    org_unit = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    reveals_personal = models.BooleanField(
        _("may reveal personal data"),
        default=False,
        help_text=_(
            "Lets the user view personal data (names, ID numbers, phones) in full within this membership's "
            "subtree, giving a reason each time; every viewing is recorded in the audit trail."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "org_unit", "role"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.org_unit}"
