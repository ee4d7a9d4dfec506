"""Staff of supporting and receiving institutions."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from shanhai.core.personal import mask_phone


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class Person(models.Model):
    """A clinician, nurse, manager or public-health worker; addressed by ``public_id``."""

    PERSONAL_FIELDS = {"phone": mask_phone}

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=40)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    institution = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="staff"
    )
    department = models.ForeignKey(
        "core.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT
    )
    title = models.ForeignKey(
        "core.ProfessionalTitle", verbose_name=_("professional title"), null=True, blank=True, on_delete=models.PROTECT
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["institution__path", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def audit_label(self) -> str:
        return self.name
