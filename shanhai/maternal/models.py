"""Maternal & child health records: women, pregnancies, risk assessments, 专案 cases, referrals,
visits, deliveries, deaths and children (domain.md §1, §3, §4).

Personal data (names, 居民身份证 numbers, phones) is encrypted at rest (Fernet, keys derived from
``SECRET_KEY`` and ``SALT_KEY``) and listed in ``PERSONAL_FIELDS`` so the audit trail masks it. The
ID number is also kept as a keyed digest (HMAC-SHA256) so duplicates can be found without
decrypting anything.

Fields a pregnancy (a child) derives from its other records (colours, visit counts, the indicator
flags) are computed by ``derived.py`` and written only by the services (``pregnancy_refresh`` for one,
``pregnancies_refresh`` for many), bulk loading and ``shanhai refresh_mch``.
"""

from __future__ import annotations

import calendar
import uuid
from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from encrypted_fields.fields import EncryptedCharField

from shanhai.core import clock
from shanhai.core.personal import mask_id_number, mask_name, mask_phone
from shanhai.maternal.conditions import Condition


class Colour(models.TextChoices):
    """The five colours of 国卫办妇幼发〔2017〕35号 (domain.md §1.2); purple is kept as a flag beside them."""

    GREEN = "green", _("Green (low risk)")
    YELLOW = "yellow", _("Yellow (general risk)")
    ORANGE = "orange", _("Orange (higher risk)")
    RED = "red", _("Red (high risk)")


COLOUR_ORDER = ("", Colour.GREEN, Colour.YELLOW, Colour.ORANGE, Colour.RED)


def colour_rank(colour: str) -> int:
    """0 for not graded, 1 (green) … 4 (red)."""
    return COLOUR_ORDER.index(colour) if colour in COLOUR_ORDER else 0


def mask_birth_date(value: date | str | None) -> str:
    """``1990-03-07`` → ``****-**-**``: not even the year. The ID number's digits 7–14 are the date of
    birth; with the region known from her residence and the masked number's last two characters, a year
    would leave about 3,300 candidate numbers (README: Personal data, the arithmetic)."""
    if not value:
        return ""
    return "****-**-**"


class Woman(models.Model):
    """A woman in the MCH registry. Her residence (a county or township) is where her pregnancies count."""

    PERSONAL_FIELDS = {
        "name": mask_name,
        "id_number": mask_id_number,
        "phone": mask_phone,
        "birth_date": mask_birth_date,
    }

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = EncryptedCharField(pgettext_lazy("person", "name"), max_length=60)
    id_number = EncryptedCharField(_("ID number"), max_length=18)
    id_number_digest = models.CharField(max_length=64, unique=True, editable=False)
    birth_date = models.DateField(_("date of birth"))
    phone = EncryptedCharField(_("phone"), max_length=20, blank=True, null=True)
    residence = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("residence"), on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("registering institution"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("woman")
        verbose_name_plural = _("women")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return mask_name(self.name)

    @property
    def audit_label(self) -> str:
        return mask_name(self.name)


class PregnancyStatus(models.TextChoices):
    ONGOING = "ongoing", _("Ongoing")
    DELIVERED = "delivered", _("Delivered")
    ENDED = "ended", _("Ended without delivery")
    MATERNAL_DEATH = "maternal_death", _("Maternal death")
    LOST = "lost", _("Moved away / lost to follow-up")


class EndReason(models.TextChoices):
    MISCARRIAGE = "miscarriage", _("Miscarriage")
    INDUCED = "induced", _("Induced abortion / termination")
    ECTOPIC = "ectopic", _("Ectopic pregnancy")
    MOLAR = "molar", _("Molar pregnancy")
    OTHER = "other", _("Other")


class ScreeningResult(models.TextChoices):
    NOT_SCREENED = "", _("Not screened")
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")


class Pregnancy(models.Model):
    """One pregnancy from registration (建册) to 42 days after it ends."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    #: 建册号 ``YC-<registering institution's code>-<year of registration>-<5 digits>``, given once at creation
    #: (``services.numbers``); it never changes, whatever is corrected later.
    number = models.CharField(_("registration number"), max_length=48, unique=True, editable=False)
    woman = models.ForeignKey(Woman, verbose_name=_("woman"), on_delete=models.PROTECT, related_name="pregnancies")
    registered_on = models.DateField(_("registration date"))
    registered_at = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("registering institution"), on_delete=models.PROTECT, related_name="+"
    )
    last_menstrual_period_on = models.DateField(_("last menstrual period"))
    gravidity = models.PositiveSmallIntegerField(_("gravidity"), default=1)
    parity = models.PositiveSmallIntegerField(_("parity"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=PregnancyStatus.choices, default=PregnancyStatus.ONGOING
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=20, choices=EndReason.choices, blank=True)
    #: High-risk management recorded by hand where Shanhai's records cannot show it (``rules.is_high_risk_managed``):
    #: followed up and managed at an institution outside the system, say. Counted with ``managed_note`` only.
    managed_recorded_on = models.DateField(_("high-risk management recorded on"), null=True, blank=True)
    managed_note = models.CharField(_("how she was managed"), max_length=200, blank=True)

    # Derived (pregnancy_refresh).
    expected_delivery_on = models.DateField(_("expected delivery date"), editable=False)
    gestation_days_at_registration = models.PositiveSmallIntegerField(
        _("gestation at registration (days)"), editable=False
    )
    screening_result = models.CharField(
        _("screening"), max_length=10, choices=ScreeningResult.choices, blank=True, editable=False
    )
    current_colour = models.CharField(
        _("current colour"), max_length=10, choices=Colour.choices, blank=True, editable=False
    )
    is_purple = models.BooleanField(_("infectious disease (purple)"), default=False, editable=False)
    highest_colour = models.CharField(
        _("highest colour"), max_length=10, choices=Colour.choices, blank=True, editable=False
    )
    was_ever_purple = models.BooleanField(default=False, editable=False)
    high_risk_since = models.DateField(null=True, blank=True, editable=False)
    antenatal_visit_count = models.PositiveSmallIntegerField(_("antenatal visits"), default=0, editable=False)
    last_antenatal_on = models.DateField(null=True, blank=True, editable=False)
    is_early_registered = models.BooleanField(_("registered before 13 weeks"), default=False, editable=False)
    is_high_risk = models.BooleanField(_("high risk"), default=False, editable=False)
    is_high_risk_managed = models.BooleanField(default=False, editable=False)
    is_postpartum_visited = models.BooleanField(_("postpartum visit in time"), default=False, editable=False)
    is_system_managed = models.BooleanField(_("systematically managed"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pregnancy")
        verbose_name_plural = _("pregnancies")
        ordering = ["-registered_on", "-id"]
        # Read at a million pregnancies (bench/README.md, MCH): a woman's pregnancies by status (the worklist); the
        # ongoing ones of a region by colour (the MCH home); the women of the pregnancies an institution registered.
        # Declared here, not only by SQL in a migration: SQLite rebuilds a table to add a column with a default, and
        # keeps only the indexes the models declare (0009 dropped the first two; migration 0011).
        indexes = [
            models.Index(fields=["status", "expected_delivery_on"], name="pregnancy_status_edd"),
            models.Index(fields=["woman", "status"], name="preg_woman_status"),
            models.Index(
                fields=["status", "registered_at", "current_colour", "is_purple"], name="preg_status_registered"
            ),
            models.Index(fields=["registered_at", "woman"], name="preg_registered_woman"),
        ]

    def __str__(self) -> str:
        return f"{self.woman} · {self.registered_on:%Y-%m-%d}"

    @property
    def audit_label(self) -> str:
        return str(self)


class AssessmentKind(models.TextChoices):
    SCREENING = "screening", _("Risk screening (附件1)")
    GRADING = "grading", _("Risk grading (附件2)")
    POSTPARTUM = "postpartum", _("Postpartum risk assessment")


class RiskAssessment(models.Model):
    """One screening or grading, an immutable event (domain.md §1.6 rule 1)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pregnancy = models.ForeignKey(
        Pregnancy, verbose_name=_("pregnancy"), on_delete=models.PROTECT, related_name="assessments"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AssessmentKind.choices)
    assessed_on = models.DateField(_("date"))
    institution = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessor_name = models.CharField(_("assessor"), max_length=60)
    catalogue_version = models.CharField(_("catalogue"), max_length=40)
    factor_codes = models.JSONField(_("factors found"), default=list, blank=True)
    screening_result = models.CharField(_("screening"), max_length=10, choices=ScreeningResult.choices, blank=True)
    colour = models.CharField(_("colour"), max_length=10, choices=Colour.choices, blank=True)
    is_purple = models.BooleanField(_("infectious disease (purple)"), default=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.assessed_on:%Y-%m-%d}"


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


def case_report_overdue(now: datetime) -> Condition:
    """A 专案 open, not reported to the 辖区妇幼保健机构, and past its deadline (orange 72 h, red 24 h:
    ``rules.report_hours``) at ``now``."""
    return Condition({"status": CaseStatus.OPEN, "reported_at__isnull": True, "report_due_at__lt": now})


class RiskCaseQuerySet(models.QuerySet["RiskCase"]):
    def report_overdue(self, now: datetime | None = None) -> RiskCaseQuerySet:
        """Open cases whose report is past its deadline and not made (:func:`case_report_overdue`)."""
        return self.filter(case_report_overdue(now or clock.now()).q())


class RiskCase(models.Model):
    """A 专案 (high-risk case) opened for orange, red or purple (domain.md §1.5, §1.6 rule 5)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pregnancy = models.OneToOneField(
        Pregnancy, verbose_name=_("pregnancy"), on_delete=models.PROTECT, related_name="case"
    )
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        RiskAssessment, verbose_name=_("opening assessment"), on_delete=models.PROTECT, related_name="+"
    )
    colour = models.CharField(_("colour"), max_length=10, choices=Colour.choices, blank=True)
    is_purple = models.BooleanField(_("infectious disease (purple)"), default=False)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responsible_name = models.CharField(_("responsible person"), max_length=60)
    report_due_at = models.DateTimeField(_("report due"))
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_note = models.CharField(_("closing note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RiskCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("high-risk case")
        verbose_name_plural = _("high-risk cases")
        ordering = ["report_due_at", "id"]
        # The open 专案 of a region (the MCH home): from the open ones, not from every pregnancy of the region
        # (SQLite, at a million pregnancies: 68 ms instead of 0.5 s).
        indexes = [models.Index(fields=["status", "pregnancy"], name="case_status_pregnancy")]

    def __str__(self) -> str:
        return f"{self.pregnancy.woman} · {self.get_colour_display() or _('Purple')}"

    def is_report_overdue(self, now: datetime | None = None) -> bool:
        """Open, not reported, and past the deadline (:func:`case_report_overdue`)."""
        return case_report_overdue(now or clock.now()).holds(self)

    @property
    def was_reported_late(self) -> bool:
        return self.reported_at is not None and self.reported_at > self.report_due_at


class ReferralStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    ARRIVED = "arrived", _("Arrived")
    RETURNED = "returned", _("Referred back")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class Referral(models.Model):
    """A referral between levels (e.g. a positive screen at a township centre → grading at level 2+)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pregnancy = models.ForeignKey(
        Pregnancy, verbose_name=_("pregnancy"), on_delete=models.PROTECT, related_name="referrals"
    )
    from_unit = models.ForeignKey("core.OrgUnit", verbose_name=_("from"), on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey("core.OrgUnit", verbose_name=_("to"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("referred back at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-requested_at", "-id"]
        # Referrals waiting too long (the worklist): the few requested or accepted, not every referral.
        indexes = [models.Index(fields=["status", "requested_at"], name="referral_status_requested")]

    def __str__(self) -> str:
        return f"{self.from_unit} → {self.to_unit}"


class AntenatalVisit(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pregnancy = models.ForeignKey(
        Pregnancy, verbose_name=_("pregnancy"), on_delete=models.PROTECT, related_name="antenatal_visits"
    )
    visited_on = models.DateField(_("date"))
    institution = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    gestation_days = models.PositiveSmallIntegerField(_("gestation (days)"), editable=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("antenatal visit")
        verbose_name_plural = _("antenatal visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d}"


class DeliveryPlace(models.TextChoices):
    FACILITY = "facility", _("In a facility")
    HOME = "home", _("At home")
    EN_ROUTE = "en_route", _("On the way")


class DeliveryMode(models.TextChoices):
    VAGINAL = "vaginal", _("Vaginal")
    ASSISTED = "assisted", _("Assisted vaginal")
    CAESAREAN = "caesarean", _("Caesarean section")


class Delivery(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pregnancy = models.OneToOneField(
        Pregnancy, verbose_name=_("pregnancy"), on_delete=models.PROTECT, related_name="delivery"
    )
    delivered_on = models.DateField(_("delivery date"))
    place = models.CharField(_("place"), max_length=10, choices=DeliveryPlace.choices, default=DeliveryPlace.FACILITY)
    institution = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    mode = models.CharField(_("mode"), max_length=10, choices=DeliveryMode.choices, default=DeliveryMode.VAGINAL)
    live_births = models.PositiveSmallIntegerField(_("live births"), default=1)
    stillbirths = models.PositiveSmallIntegerField(_("stillbirths"), default=0)
    is_modern_method = models.BooleanField(_("modern (clean) delivery"), default=True)
    discharged_on = models.DateField(_("discharge date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-delivered_on", "-id"]

    def __str__(self) -> str:
        return f"{self.delivered_on:%Y-%m-%d}"


class DeathCause(models.TextChoices):
    HAEMORRHAGE = "haemorrhage", _("Obstetric haemorrhage")
    HYPERTENSIVE = "hypertensive", _("Hypertensive disorder")
    EMBOLISM = "embolism", _("Amniotic fluid embolism")
    HEART = "heart", _("Heart disease")
    OTHER_DIRECT = "other_direct", _("Other direct obstetric cause")
    OTHER_INDIRECT = "other_indirect", _("Other indirect cause")
    ACCIDENT = "accident", _("Accident (not counted in the MMR)")


class MaternalDeath(models.Model):
    """A death in pregnancy or within 42 days after it ended (domain.md §3.2)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pregnancy = models.OneToOneField(
        Pregnancy, verbose_name=_("pregnancy"), on_delete=models.PROTECT, related_name="death"
    )
    died_on = models.DateField(_("date of death"))
    cause = models.CharField(_("cause"), max_length=20, choices=DeathCause.choices)
    place = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("place"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("maternal death")
        verbose_name_plural = _("maternal deaths")
        ordering = ["-died_on", "-id"]

    def __str__(self) -> str:
        return f"{self.died_on:%Y-%m-%d}"


class PostpartumKind(models.TextChoices):
    VISIT = "visit", _("Postpartum home visit")
    CHECK_42 = "check_42", _("42-day check")


class PostpartumVisit(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pregnancy = models.ForeignKey(
        Pregnancy, verbose_name=_("pregnancy"), on_delete=models.PROTECT, related_name="postpartum_visits"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PostpartumKind.choices, default=PostpartumKind.VISIT)
    visited_on = models.DateField(_("date"))
    institution = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("postpartum visit")
        verbose_name_plural = _("postpartum visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.visited_on:%Y-%m-%d}"


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (or earlier); 29 February becomes 28 February in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def months_after(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day when it has no such day (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


class DeathAge(models.IntegerChoices):
    """Age at death in the bands the child mortality rates need (domain.md §3.2)."""

    NEONATAL = 0, _("Under 28 days")
    INFANT = 1, _("28 days to under 1 year")
    UNDER_FIVE = 2, _("1 to under 5 years")
    OLDER = 3, _("5 years or older")


class Child(models.Model):
    """A child followed by the 0–6 programme (domain.md §3.3, §4)."""

    PERSONAL_FIELDS = {"name": mask_name}

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    #: ``ET-<registering institution's code>-<year of birth>-<5 digits>``, given once at creation (``services.numbers``).
    number = models.CharField(_("child number"), max_length=48, unique=True, editable=False)
    mother = models.ForeignKey(
        Pregnancy,
        verbose_name=_("mother's pregnancy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = EncryptedCharField(pgettext_lazy("person", "name"), max_length=60, blank=True, null=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"))
    birth_weight_grams = models.PositiveIntegerField(_("birth weight (g)"), null=True, blank=True)
    gestation_weeks = models.PositiveSmallIntegerField(_("gestation at birth (weeks)"), null=True, blank=True)
    residence = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("residence"), on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("registering institution"), on_delete=models.PROTECT, related_name="+"
    )
    high_risk_reasons = models.CharField(_("high-risk reasons"), max_length=200, blank=True)
    newborn_screened_on = models.DateField(_("newborn screening (PKU, CH)"), null=True, blank=True)
    hearing_screened_on = models.DateField(_("hearing screening"), null=True, blank=True)
    died_on = models.DateField(_("date of death"), null=True, blank=True)
    # Derived (child_refresh).
    is_high_risk = models.BooleanField(_("high-risk infant"), default=False, editable=False)
    death_age = models.PositiveSmallIntegerField(choices=DeathAge.choices, null=True, blank=True, editable=False)
    # The date each check of the under-3 measure was done, none when not done (``rules.UNDER_THREE_CHECK_FIELDS``):
    # the measure reads these columns, not the checks.
    check_m3_on = models.DateField(_("3-month check done on"), null=True, blank=True, editable=False)
    check_m6_on = models.DateField(_("6-month check done on"), null=True, blank=True, editable=False)
    check_m8_on = models.DateField(_("8-month check done on"), null=True, blank=True, editable=False)
    check_m12_on = models.DateField(_("12-month check done on"), null=True, blank=True, editable=False)
    check_m18_on = models.DateField(_("18-month check done on"), null=True, blank=True, editable=False)
    check_m24_on = models.DateField(_("24-month check done on"), null=True, blank=True, editable=False)
    check_m30_on = models.DateField(_("30-month check done on"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["-birth_date", "-id"]
        # The worklist's checks due and the under-3 measure's denominator; its numerator from the index alone
        # (the seven stored check dates). Declared here for SQLite's table rebuilds (see ``Pregnancy``).
        indexes = [
            models.Index(fields=["birth_date", "residence", "died_on"], name="child_birth_residence"),
            models.Index(
                fields=[
                    "birth_date",
                    "residence",
                    "died_on",
                    "check_m3_on",
                    "check_m6_on",
                    "check_m8_on",
                    "check_m12_on",
                    "check_m18_on",
                    "check_m24_on",
                    "check_m30_on",
                ],
                name="child_under_three",
            ),
        ]

    def __str__(self) -> str:
        return f"{mask_name(self.name) or _('Child')} · {self.birth_date:%Y-%m-%d}"

    @property
    def audit_label(self) -> str:
        return str(self)


class ChildCheckKind(models.TextChoices):
    """The 0–6 schedule of 国家基本公共卫生服务规范(第三版) (domain.md §3.3)."""

    NEWBORN_VISIT = "newborn_visit", _("Newborn home visit")
    MONTH_1 = "m1", _("1 month (满月)")
    MONTH_3 = "m3", _("3 months")
    MONTH_6 = "m6", _("6 months")
    MONTH_8 = "m8", _("8 months")
    MONTH_12 = "m12", _("12 months")
    MONTH_18 = "m18", _("18 months")
    MONTH_24 = "m24", _("24 months")
    MONTH_30 = "m30", _("30 months")
    MONTH_36 = "m36", _("36 months")
    YEAR_4 = "y4", _("4 years")
    YEAR_5 = "y5", _("5 years")
    YEAR_6 = "y6", _("6 years")


class ChildCheck(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.PROTECT, related_name="checks")
    kind = models.CharField(_("kind"), max_length=16, choices=ChildCheckKind.choices)
    checked_on = models.DateField(_("date"))
    institution = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    weight_grams = models.PositiveIntegerField(_("weight (g)"), null=True, blank=True)
    length_cm = models.DecimalField(_("length / height (cm)"), max_digits=4, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("child health check")
        verbose_name_plural = _("child health checks")
        ordering = ["-checked_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["child", "kind"], name="childcheck_one_per_kind")]
        indexes = [models.Index(fields=["child", "kind", "checked_on"], name="childcheck_child_kind_on")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.checked_on:%Y-%m-%d}"


class DuplicateReview(models.Model):
    """An attempt to register a woman whose ID number is already on file at an institution the user does
    not see. The user is told only that the registration awaits review; a user who may view personal data
    at her registering institution (or an administrator) reviews it. It holds who tried, for which
    institution and when, never what was typed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    woman = models.ForeignKey(
        Woman, verbose_name=_("woman on file"), on_delete=models.CASCADE, related_name="duplicate_reviews"
    )
    attempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attempted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attempted_by_name = models.CharField(_("attempted by"), max_length=150)
    unit = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("registering at"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("time"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("duplicate ID number to review")
        verbose_name_plural = _("duplicate ID numbers to review")
        ordering = ["reviewed_at", "-at", "-id"]

    def __str__(self) -> str:
        return f"{self.attempted_by_name} · {self.at:%Y-%m-%d %H:%M}"


class DueSection(models.TextChoices):
    """The worklist's sections of scheduled work (``due.py`` stores their items)."""

    ANTENATAL = "antenatal", _("Antenatal contacts")
    POSTPARTUM = "postpartum", _("Postpartum visits")
    CHECK_42 = "check_42", _("42-day checks")
    OUTCOME = "outcome", _("Deliveries to record")
    CHILD_CHECK = "child", _("Child health checks")


class DueItem(models.Model):
    """One contact or check a pregnancy or a child still owes by its schedule, with the days it is shown on
    the worklist: due from ``shown_from``, overdue from ``overdue_from``, gone from ``shown_until`` (never, when
    blank). Derived: written only with the other derived fields (``due.py``, by the services, bulk loading and
    ``shanhai refresh_mch``), so that the worklist of any day is a range read, not a schedule computed for every
    pregnancy and child of a county (bench/README.md, MCH at 1,000,000 pregnancies)."""

    pregnancy = models.ForeignKey(
        Pregnancy, null=True, blank=True, on_delete=models.CASCADE, related_name="due_items", editable=False
    )
    child = models.ForeignKey(
        Child, null=True, blank=True, on_delete=models.CASCADE, related_name="due_items", editable=False
    )
    section = models.CharField(max_length=16, choices=DueSection.choices, editable=False)
    #: The antenatal window's code, the postpartum kind, ``outcome`` or the child check's kind.
    code = models.CharField(max_length=24, editable=False)
    shown_from = models.DateField(editable=False)
    overdue_from = models.DateField(editable=False)
    shown_until = models.DateField(null=True, blank=True, editable=False)
    deadline = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("scheduled item")
        verbose_name_plural = _("scheduled items")
        # The items of a pregnancy or a child shown on a day, with what the worklist reads of them (from the
        # index alone).
        indexes = [
            models.Index(
                fields=["pregnancy", "shown_from", "shown_until", "section", "code", "overdue_from", "deadline"],
                name="dueitem_pregnancy_shown",
            ),
            models.Index(
                fields=["child", "shown_from", "shown_until", "section", "code", "overdue_from", "deadline"],
                name="dueitem_child_shown",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pregnancy__isnull=False, child__isnull=True)
                | models.Q(pregnancy__isnull=True, child__isnull=False),
                name="maternal_dueitem_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section}:{self.code}"
