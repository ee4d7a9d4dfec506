"""Capability transfer and workload: new techniques (新技术新项目) with their monthly case counts,
new departments / key specialties / expert studios, and the monthly workload report of a recipient.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shanhai.records.models import AssistanceRecord


class SurgicalGrade(models.TextChoices):
    """医疗机构手术分级管理办法 (国卫办医发〔2022〕18号): grades 1–4, or not an operation."""

    NON_SURGICAL = "non_surgical", _("Non-surgical")
    GRADE_1 = "1", _("Grade 1 operation")
    GRADE_2 = "2", _("Grade 2 operation")
    GRADE_3 = "3", _("Grade 3 operation")
    GRADE_4 = "4", _("Grade 4 operation")


class GapLevel(models.TextChoices):
    """The level at which a technique filled a gap (填补空白), if any."""

    NONE = "none", _("No gap filled")
    COUNTY = "county", _("County level")
    PREFECTURE = "prefecture", _("Prefecture level")
    REGION = "region", _("Regional level")
    PROVINCE = "province", _("Provincial level")


class TechniqueStatus(models.TextChoices):
    INTRODUCED = "introduced", _("Introduced")
    TRANSFERRING = "transferring", _("Transferring")
    TRANSFERRED = "transferred", _("Transferred")
    SUSTAINED = "sustained", _("Sustained")
    LAPSED = "lapsed", _("Lapsed")


class Technique(AssistanceRecord):
    """A new technique or project (新技术新项目) introduced at a recipient institution."""

    name = models.CharField(_("name"), max_length=120)
    department = models.ForeignKey("core.Department", verbose_name=_("department"), on_delete=models.PROTECT)
    surgical_grade = models.CharField(_("surgical grade"), max_length=16, choices=SurgicalGrade.choices)
    partnership = models.ForeignKey(
        "partnerships.Partnership", verbose_name=_("partnership"), on_delete=models.PROTECT, related_name="techniques"
    )
    host = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("host institution"), on_delete=models.PROTECT, related_name="techniques"
    )
    introducing_expert = models.ForeignKey(
        "workforce.Person",
        verbose_name=_("introducing expert"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="introduced_techniques",
    )
    approved_on = models.DateField(_("approval date"))
    first_case_on = models.DateField(_("first case date"), null=True, blank=True)
    gap_level = models.CharField(_("gap filled"), max_length=16, choices=GapLevel.choices, default=GapLevel.NONE)

    class Meta:
        verbose_name = _("new technique")
        verbose_name_plural = _("new techniques")
        indexes = [models.Index(fields=["host", "department"], name="technique_host_dept")]

    def __str__(self) -> str:
        return self.name


class TechniqueMonth(AssistanceRecord):
    """One month's cases of a technique, by who performed them."""

    technique = models.ForeignKey(
        Technique, verbose_name=_("technique"), on_delete=models.CASCADE, related_name="months"
    )
    month = models.PositiveIntegerField(_("month"))
    expert_cases = models.PositiveIntegerField(_("cases by supporting experts"), default=0)
    supervised_cases = models.PositiveIntegerField(_("cases by local staff, supervised"), default=0)
    independent_cases = models.PositiveIntegerField(_("cases by local staff, independently"), default=0)

    class Meta:
        verbose_name = _("technique cases of a month")
        verbose_name_plural = _("technique cases by month")
        constraints = [models.UniqueConstraint(fields=["technique", "month"], name="technique_month_unique")]

    def __str__(self) -> str:
        return f"{self.technique} {self.month // 100}-{self.month % 100:02d}"

    @property
    def total_cases(self) -> int:
        return self.expert_cases + self.supervised_cases + self.independent_cases


class SpecialtyKind(models.TextChoices):
    NEW_DEPARTMENT = "new_department", _("New department (新建科室)")
    KEY_SPECIALTY = "key_specialty", _("Key specialty (重点专科)")
    EXPERT_STUDIO = "expert_studio", _("Expert studio (名医/专家工作室)")
    WORKSTATION = "workstation", _("Doctoral workstation (博士工作站)")


class SpecialtyUnit(AssistanceRecord):
    """A department, key specialty or expert studio established at a recipient with a partnership's help."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=SpecialtyKind.choices)
    established_on = models.DateField(_("established on"))
    partnership = models.ForeignKey(
        "partnerships.Partnership", verbose_name=_("partnership"), on_delete=models.PROTECT, related_name="specialties"
    )
    host = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("host institution"), on_delete=models.PROTECT, related_name="specialties"
    )
    department = models.ForeignKey(
        "core.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT
    )
    lead_expert = models.ForeignKey(
        "workforce.Person",
        verbose_name=_("lead expert"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_specialties",
    )

    class Meta:
        verbose_name = _("department or specialty")
        verbose_name_plural = _("departments and specialties")

    def __str__(self) -> str:
        return self.name


class WorkloadStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")


#: The counted fields of a workload report; ``None`` means "not reported", never zero.
WORKLOAD_FIELDS = (
    "outpatient_visits",
    "emergency_visits",
    "discharges",
    "operations_grade_1",
    "operations_grade_2",
    "operations_grade_3",
    "operations_grade_4",
    "referrals_out",
)


class WorkloadReport(AssistanceRecord):
    """A recipient institution's own monthly statistics; approval locks the month."""

    institution = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="workload_reports"
    )
    month = models.PositiveIntegerField(_("month"))
    outpatient_visits = models.PositiveIntegerField(_("outpatient visits"), null=True, blank=True)
    emergency_visits = models.PositiveIntegerField(_("emergency visits"), null=True, blank=True)
    discharges = models.PositiveIntegerField(_("discharges"), null=True, blank=True)
    operations_grade_1 = models.PositiveIntegerField(_("grade 1 operations"), null=True, blank=True)
    operations_grade_2 = models.PositiveIntegerField(_("grade 2 operations"), null=True, blank=True)
    operations_grade_3 = models.PositiveIntegerField(_("grade 3 operations"), null=True, blank=True)
    operations_grade_4 = models.PositiveIntegerField(_("grade 4 operations"), null=True, blank=True)
    referrals_out = models.PositiveIntegerField(_("referrals out of the county"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=WorkloadStatus.choices, default=WorkloadStatus.SUBMITTED
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("workload report")
        verbose_name_plural = _("workload reports")
        constraints = [models.UniqueConstraint(fields=["institution", "month"], name="workload_month_unique")]

    def __str__(self) -> str:
        return f"{self.institution} {self.month // 100}-{self.month % 100:02d}"

    @property
    def is_approved(self) -> bool:
        return self.status == WorkloadStatus.APPROVED

    @property
    def operations_total(self) -> int | None:
        grades = [self.operations_grade_1, self.operations_grade_2, self.operations_grade_3, self.operations_grade_4]
        reported = [g for g in grades if g is not None]
        return sum(reported) if reported else None
