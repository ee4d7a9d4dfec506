"""Staff of supporting and receiving institutions."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shanhai.core.personal import mask_phone
from shanhai.records.models import AssistanceRecord


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class Person(models.Model):
    """A clinician, nurse, manager or public-health worker; addressed by ``public_id``."""

    PERSONAL_FIELDS = {"phone": mask_phone}

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=40)
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


# --- assistance records: batches, postings and their work logs, visiting trips, placements -----------
# (Issue 3. Every record inherits ``records.models.AssistanceRecord``; the services in ``services.py``
# write them through the shared ``records.services`` transaction; ``record_kinds.py`` declares them.)


class PostType(models.TextChoices):
    """The post an expert holds at the host institution (派驻 posts counted as 'posts held')."""

    PRESIDENT = "president", _("Hospital president (院长)")
    VICE_PRESIDENT = "vice_president", _("Vice president (副院长)")
    DEPARTMENT_HEAD = "department_head", _("Department head (科主任)")
    HEAD_NURSE = "head_nurse", _("Head nurse (护士长)")
    MEMBER = "member", _("Team member")

    @classmethod
    def leadership(cls) -> tuple[str, ...]:
        return (cls.PRESIDENT, cls.VICE_PRESIDENT, cls.DEPARTMENT_HEAD, cls.HEAD_NURSE)


class PostingTerm(models.TextChoices):
    LONG = "long", _("Long-term")
    SHORT = "short", _("Short-term (柔性)")


class Batch(AssistanceRecord):
    """A batch (第N批) of experts sent under a programme, e.g. the 8th batch of Fujian's medical aid."""

    programme = models.ForeignKey(
        "partnerships.Programme", verbose_name=_("programme"), on_delete=models.PROTECT, related_name="batches"
    )
    number = models.PositiveSmallIntegerField(_("batch number"))
    name = models.CharField(_("name"), max_length=120, blank=True)
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["programme", "number"]
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="batch_number_unique")]

    def __str__(self) -> str:
        return self.name or str(_("Batch %(number)s") % {"number": self.number})

    @property
    def audit_label(self) -> str:
        return str(self)


class Posting(AssistanceRecord):
    """A supporting clinician posted (派驻) to a host institution on the receiving side of a partnership."""

    person = models.ForeignKey(Person, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="postings")
    partnership = models.ForeignKey(
        "partnerships.Partnership", verbose_name=_("partnership"), on_delete=models.PROTECT, related_name="postings"
    )
    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), null=True, blank=True, on_delete=models.PROTECT, related_name="postings"
    )
    host = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("host institution"), on_delete=models.PROTECT, related_name="hosted_postings"
    )
    department = models.ForeignKey(
        "core.Department", verbose_name=_("host department"), null=True, blank=True, on_delete=models.PROTECT
    )
    post = models.CharField(_("post held"), max_length=20, choices=PostType.choices, default=PostType.MEMBER)
    term = models.CharField(_("term"), max_length=8, choices=PostingTerm.choices, default=PostingTerm.LONG)
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["-started_on", "id"]
        indexes = [models.Index(fields=["person", "started_on"], name="posting_person_start")]

    def __str__(self) -> str:
        return f"{self.person.name} → {self.host.name} ({self.started_on:%Y-%m})"

    @property
    def audit_label(self) -> str:
        return str(self)


class PostingLog(AssistanceRecord):
    """One month of a posting's work: patients seen, operations by grade, teaching, consultations."""

    posting = models.ForeignKey(Posting, verbose_name=_("posting"), on_delete=models.CASCADE, related_name="logs")
    month = models.PositiveIntegerField(_("month"))
    patients = models.PositiveIntegerField(_("patients seen"), default=0)
    operations_grade_1 = models.PositiveIntegerField(_("grade 1 operations"), default=0)
    operations_grade_2 = models.PositiveIntegerField(_("grade 2 operations"), default=0)
    operations_grade_3 = models.PositiveIntegerField(_("grade 3 operations"), default=0)
    operations_grade_4 = models.PositiveIntegerField(_("grade 4 operations"), default=0)
    teaching_sessions = models.PositiveIntegerField(_("teaching sessions"), default=0)
    consultations = models.PositiveIntegerField(_("consultations answered"), default=0)

    class Meta:
        verbose_name = _("posting work log")
        verbose_name_plural = _("posting work logs")
        ordering = ["posting", "month"]
        constraints = [models.UniqueConstraint(fields=["posting", "month"], name="posting_log_month_unique")]

    def __str__(self) -> str:
        return f"{self.posting.person.name} {self.month // 100}-{self.month % 100:02d}"

    @property
    def operations(self) -> int:
        return self.operations_grade_1 + self.operations_grade_2 + self.operations_grade_3 + self.operations_grade_4

    @property
    def audit_label(self) -> str:
        return str(self)


class VisitingTrip(AssistanceRecord):
    """A visiting team's trip (巡诊指导) to one host institution, credited to one partnership."""

    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.PROTECT,
        related_name="visiting_trips",
    )
    host = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("host institution"), on_delete=models.PROTECT, related_name="hosted_trips"
    )
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"))
    experts = models.ManyToManyField(Person, verbose_name=_("experts"), related_name="visiting_trips")
    purpose = models.TextField(_("purpose"))

    class Meta:
        verbose_name = _("visiting trip")
        verbose_name_plural = _("visiting trips")
        ordering = ["-started_on", "id"]

    def __str__(self) -> str:
        return f"{self.host.name} {self.started_on:%Y-%m-%d}"

    @property
    def audit_label(self) -> str:
        return str(self)


class PlacementKind(models.TextChoices):
    STUDY = "study", _("Study (进修)")
    ATTACHMENT = "attachment", _("Attachment (挂职)")


class Placement(AssistanceRecord):
    """A receiving side's staff member placed at a supporting institution (进修 or 挂职)."""

    person = models.ForeignKey(
        Person, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="placements"
    )
    #: The person's institution when placed (set by the service): the receiving-side unit of the record.
    home = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("home institution"), on_delete=models.PROTECT, related_name="placed_staff"
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership", verbose_name=_("partnership"), on_delete=models.PROTECT, related_name="placements"
    )
    host = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("host institution"), on_delete=models.PROTECT, related_name="hosted_placements"
    )
    department = models.ForeignKey(
        "core.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PlacementKind.choices)
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    after_return = models.TextField(_("after returning"), blank=True)
    new_post = models.CharField(_("new post"), max_length=20, choices=PostType.choices, blank=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-started_on", "id"]

    def __str__(self) -> str:
        return f"{self.person.name} → {self.host.name} ({self.started_on:%Y-%m})"

    @property
    def audit_label(self) -> str:
        return str(self)
