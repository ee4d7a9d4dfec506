"""Outreach events (义诊, 巡诊, 医疗巴扎), donations and specialty alliances (专科联盟) with their
members and assistance visits. Every row is an assistance record (``records.AssistanceRecord``)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shanhai.records.models import AssistanceRecord


class OutreachKind(models.TextChoices):
    FREE_CLINIC = "free_clinic", _("Free clinic")
    MOBILE_CLINIC = "mobile_clinic", _("Mobile clinic")
    MEDICAL_BAZAAR = "medical_bazaar", _("Medical bazaar")


class OutreachService(models.TextChoices):
    """What an outreach team offers on the day; an event offers one or more."""

    EXAM = "exam", _("Physical examination")
    CONSULTATION = "consultation", _("Consultation")
    LAB_TESTS = "lab_tests", _("Laboratory tests")
    DISPENSING = "dispensing", _("Dispensing medicines")
    HEALTH_EDUCATION = "health_education", _("Health education")


class OutreachEvent(AssistanceRecord):
    """One day of outreach at a place (a township, a county or an institution)."""

    kind = models.CharField(_("kind"), max_length=20, choices=OutreachKind.choices)
    held_on = models.DateField(_("date"))
    place = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("place"), on_delete=models.PROTECT, related_name="outreach_events"
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.PROTECT,
        related_name="outreach_events",
    )
    team = models.ManyToManyField(
        "workforce.Person", verbose_name=_("team members"), blank=True, related_name="outreach_events"
    )
    team_size = models.PositiveIntegerField(_("team size"), null=True, blank=True)
    #: Values of ``OutreachService`` separated by commas, in the order of the choices.
    services = models.CharField(_("services offered"), max_length=200, blank=True)
    people_seen = models.PositiveIntegerField(_("people seen"))
    medicine_value = models.DecimalField(_("free medicines (¥)"), max_digits=14, decimal_places=2, default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("outreach event")
        verbose_name_plural = _("outreach events")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_kind_display()} · {self.place.name}"

    @property
    def service_values(self) -> list[str]:
        return [value for value in self.services.split(",") if value]


class DonationKind(models.TextChoices):
    FUNDS = "funds", _("Funds")
    EQUIPMENT = "equipment", _("Equipment")
    MEDICINES = "medicines", _("Medicines")


class Donation(AssistanceRecord):
    """Funds, equipment or medicines given by the supporting side, valued in yuan."""

    donor = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("donor"), on_delete=models.PROTECT, related_name="donations_given"
    )
    recipient = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="donations_received"
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership", verbose_name=_("partnership"), on_delete=models.PROTECT, related_name="donations"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DonationKind.choices)
    amount = models.DecimalField(_("amount (¥)"), max_digits=14, decimal_places=2)
    donated_on = models.DateField(_("date"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-donated_on", "-id"]

    def __str__(self) -> str:
        return f"{self.donated_on} {self.get_kind_display()} ¥{self.amount:,.2f} → {self.recipient.name}"


class Alliance(AssistanceRecord):
    """A specialty alliance (专科联盟) led by one institution; members and visits are child records."""

    name = models.CharField(_("name"), max_length=120)
    specialty = models.ForeignKey(
        "core.Department", verbose_name=_("specialty"), on_delete=models.PROTECT, related_name="+"
    )
    lead = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("lead institution"), on_delete=models.PROTECT, related_name="alliances_led"
    )
    founded_on = models.DateField(_("founded on"))
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alliances",
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("specialty alliance")
        verbose_name_plural = _("specialty alliances")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class AllianceMember(AssistanceRecord):
    """An institution's membership of an alliance, from its joining date until it leaves."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("specialty alliance"), on_delete=models.CASCADE, related_name="members"
    )
    institution = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("member institution"), on_delete=models.PROTECT, related_name="+"
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("alliance member")
        verbose_name_plural = _("alliance members")
        ordering = ["joined_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "institution"],
                condition=Q(left_on__isnull=True),
                name="outreach_alliance_member_active_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.alliance.name} · {self.institution.name}"

    @property
    def is_active(self) -> bool:
        return self.left_on is None


class AllianceVisit(AssistanceRecord):
    """An assistance visit by an alliance team to a member or a county."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("specialty alliance"), on_delete=models.CASCADE, related_name="visits"
    )
    team = models.CharField(_("team"), max_length=80)
    visited = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("visited unit"), on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("date"))
    experts = models.PositiveIntegerField(_("experts"))
    purpose = models.TextField(_("purpose"), blank=True)

    class Meta:
        verbose_name = _("alliance visit")
        verbose_name_plural = _("alliance visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.team} → {self.visited.name}"
