"""Programmes and partnerships: who helps whom (architecture §2)."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from shanhai.core import clock


class Programme(models.Model):
    """An assistance programme, e.g. 福建省第八批医疗人才援疆, owned by a programme office's unit."""

    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    owner = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("programme office"), on_delete=models.PROTECT, related_name="programmes"
    )
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-started_on", "name"]

    def __str__(self) -> str:
        return self.name


class Mode(models.TextChoices):
    COUNTERPART = "counterpart", _("Counterpart support (对口支援)")
    GROUP_ASSISTANCE = "group_assistance", _("Group-style assistance (组团式帮扶)")
    GROUP_SUPPORT = "group_support", _("Group-style support (组团式支援)")
    PAIRING = "pairing", _("Paired assistance (结对帮扶)")
    DEPARTMENT = "department", _("Hospital takes a department (以院包科)")


class Level(models.TextChoices):
    ADMINISTRATION = "administration", _("Health administration")
    INSTITUTION = "institution", _("Institution")
    CAMPUS = "campus", _("Campus / branch")
    DISCIPLINE = "discipline", _("Public health / CDC")
    DEPARTMENT = "department", _("Department")
    TEACHING = "teaching", _("Teaching hospital link")


class Partnership(models.Model):
    """A supporter ↔ recipient pairing: the unit every assistance record is credited to."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partnerships",
    )
    supporter = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("supporter"), on_delete=models.PROTECT, related_name="supported_partnerships"
    )
    recipient = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="received_partnerships"
    )
    mode = models.CharField(_("mode"), max_length=32, choices=Mode.choices)
    level = models.CharField(_("level"), max_length=32, choices=Level.choices, default=Level.INSTITUTION)
    department = models.ForeignKey(
        "core.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT
    )
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    baseline_start = models.DateField(_("baseline from"), null=True, blank=True)
    baseline_end = models.DateField(_("baseline to"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["-started_on", "id"]
        indexes = [models.Index(fields=["supporter", "recipient", "mode"], name="partnership_pair")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(supporter=models.F("recipient")), name="partnership_two_sides"),
        ]

    def __str__(self) -> str:
        return f"{self.supporter.display_name} → {self.recipient.display_name}"

    def is_active_on(self, day: date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)

    @property
    def is_active(self) -> bool:
        return self.is_active_on(clock.today())


def agreement_upload_to(instance: Agreement, filename: str) -> str:
    return f"agreements/{instance.partnership_id}/{filename}"


class Agreement(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="agreements")
    title = models.CharField(_("title"), max_length=160)
    signed_on = models.DateField(_("signed on"))
    document = models.FileField(_("document"), upload_to=agreement_upload_to, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "id"]

    def __str__(self) -> str:
        return self.title


class Target(models.Model):
    """A partnership's target for one registered indicator, due by a date."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField(_("indicator"), max_length=64)
    value = models.FloatField(_("target value"))
    due_on = models.DateField(_("due date"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["due_on", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "indicator", "due_on"], name="target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} ≥ {self.value} ({self.due_on})"
