"""MCH screening and service programmes beyond pregnancy care (issue 14): cervical and breast cancer screening
(两癌筛查), prenatal screening and diagnosis (产前筛查与诊断), pre-pregnancy eugenic checks with folic acid
(孕前优生健康检查, 增补叶酸), premarital checks (婚前医学检查), child nutrition packs (营养包), near-miss cases
(危重孕产妇) and the critical care centres that treat them, and the yearly target populations their rates
divide by. Every row is an assistance record (``records.AssistanceRecord``).

Person-level records keep no name or ID number: the official indicators count persons, so a record is one
person (a couple for the pre-pregnancy check) with an optional anonymous screening number kept by the
institution. Child nutrition packs are a monthly report per institution, as the programme reports them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shanhai.records.models import AssistanceRecord


# --- cervical and breast cancer screening (两癌筛查) -------------------------------------------------------
class CervicalMethod(models.TextChoices):
    HPV = "hpv", _("HPV test")
    CYTOLOGY = "cytology", _("Cytology (TCT / Pap)")
    VISUAL = "visual", _("Visual inspection (VIA / VILI)")


class BreastMethod(models.TextChoices):
    ULTRASOUND = "ultrasound", _("Breast ultrasound")
    MAMMOGRAPHY = "mammography", _("Mammography")


class ScreenResult(models.TextChoices):
    NORMAL = "normal", _("Normal")
    ABNORMAL = "abnormal", _("Abnormal")


class Diagnosis(models.TextChoices):
    """What follow-up of an abnormal screen found. Early diagnosis (早诊) = a precancerous lesion or a cancer at an
    early stage."""

    NEGATIVE = "negative", _("No lesion")
    PRECANCER = "precancer", _("Precancerous lesion")
    EARLY_CANCER = "early_cancer", _("Cancer, early stage")
    LATE_CANCER = "late_cancer", _("Cancer, later stage")


LESIONS = (Diagnosis.PRECANCER, Diagnosis.EARLY_CANCER, Diagnosis.LATE_CANCER)
EARLY_LESIONS = (Diagnosis.PRECANCER, Diagnosis.EARLY_CANCER)


class CancerScreening(AssistanceRecord):
    """One woman screened for cervical and/or breast cancer, with the follow-up of an abnormal result."""

    screened_on = models.DateField(_("screening date"))
    institution = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("screening institution"),
        on_delete=models.PROTECT,
        related_name="cancer_screenings",
    )
    residence = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("residence (county or township)"), on_delete=models.PROTECT, related_name="+"
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cancer_screenings",
    )
    number = models.CharField(_("screening number"), max_length=40, blank=True)
    age = models.PositiveSmallIntegerField(_("age"))
    cervical_method = models.CharField(_("cervical method"), max_length=12, choices=CervicalMethod.choices, blank=True)
    cervical_result = models.CharField(_("cervical result"), max_length=10, choices=ScreenResult.choices, blank=True)
    cervical_diagnosis = models.CharField(_("cervical diagnosis"), max_length=14, choices=Diagnosis.choices, blank=True)
    breast_method = models.CharField(_("breast method"), max_length=12, choices=BreastMethod.choices, blank=True)
    breast_result = models.CharField(_("breast result"), max_length=10, choices=ScreenResult.choices, blank=True)
    breast_diagnosis = models.CharField(_("breast diagnosis"), max_length=14, choices=Diagnosis.choices, blank=True)
    is_followed_up = models.BooleanField(_("abnormal result followed up"), default=False)
    is_treated = models.BooleanField(_("lesion treated"), default=False)

    class Meta:
        verbose_name = _("cervical and breast cancer screening")
        verbose_name_plural = _("cervical and breast cancer screenings")
        ordering = ["-screened_on", "-id"]

    def __str__(self) -> str:
        return f"{self.screened_on} · {self.institution.name}"

    @property
    def is_abnormal(self) -> bool:
        return ScreenResult.ABNORMAL in (self.cervical_result, self.breast_result)

    @property
    def has_lesion(self) -> bool:
        return self.cervical_diagnosis in LESIONS or self.breast_diagnosis in LESIONS


# --- prenatal screening and diagnosis (产前筛查与产前诊断) --------------------------------------------------
class PrenatalMethod(models.TextChoices):
    """Ultrasound is not a prenatal screening in the annual report's sense (domain.md §3.2)."""

    SERUM_FIRST = "serum_first", _("Serum screening, first trimester")
    SERUM_SECOND = "serum_second", _("Serum screening, second trimester")
    CELL_FREE_DNA = "cell_free_dna", _("Cell-free DNA test (NIPT)")


class RiskResult(models.TextChoices):
    LOW = "low", _("Low risk")
    HIGH = "high", _("High risk")


class DiagnosisResult(models.TextChoices):
    NORMAL = "normal", _("Normal")
    ABNORMAL = "abnormal", _("Abnormality confirmed")


class PrenatalScreening(AssistanceRecord):
    """One pregnant woman's prenatal screening and, after a high-risk result, her prenatal diagnosis; linked to her
    pregnancy's file when it is kept in Shanhai (then dated within it, her gestation from its last menstrual
    period)."""

    pregnancy = models.ForeignKey(
        "maternal.Pregnancy",
        verbose_name=_("pregnancy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="prenatal_screenings",
    )
    screened_on = models.DateField(_("screening date"))
    institution = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("screening institution"),
        on_delete=models.PROTECT,
        related_name="prenatal_screenings",
    )
    residence = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("residence (county or township)"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("screening number"), max_length=40, blank=True)
    gestation_weeks = models.PositiveSmallIntegerField(_("gestation (weeks)"))
    method = models.CharField(_("method"), max_length=16, choices=PrenatalMethod.choices)
    result = models.CharField(_("result"), max_length=8, choices=RiskResult.choices)
    diagnosed_on = models.DateField(_("prenatal diagnosis date"), null=True, blank=True)
    diagnosis_result = models.CharField(
        _("prenatal diagnosis result"), max_length=10, choices=DiagnosisResult.choices, blank=True
    )

    class Meta:
        verbose_name = _("prenatal screening")
        verbose_name_plural = _("prenatal screenings")
        ordering = ["-screened_on", "-id"]

    def __str__(self) -> str:
        return f"{self.screened_on} · {self.institution.name}"


# --- pre-pregnancy eugenic checks (孕前优生健康检查) and folic acid (增补叶酸) -----------------------------------
class Compliance(models.TextChoices):
    COMPLIANT = "compliant", _("Took it as advised")
    NOT_COMPLIANT = "not_compliant", _("Did not take it as advised")


class PreconceptionCheck(AssistanceRecord):
    """One couple planning a pregnancy checked free of charge (国家免费孕前优生健康检查项目); the woman's folic acid."""

    checked_on = models.DateField(_("check date"))
    institution = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("checking institution"),
        on_delete=models.PROTECT,
        related_name="preconception_checks",
    )
    residence = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("residence (county or township)"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("check number"), max_length=40, blank=True)
    is_couple = models.BooleanField(_("both partners checked"), default=True)
    is_risk_found = models.BooleanField(_("risk found"), default=False)
    is_folic_acid_given = models.BooleanField(_("folic acid given"), default=False)
    folic_acid_compliance = models.CharField(
        _("folic acid follow-up"), max_length=14, choices=Compliance.choices, blank=True
    )

    class Meta:
        verbose_name = _("pre-pregnancy check")
        verbose_name_plural = _("pre-pregnancy checks")
        ordering = ["-checked_on", "-id"]

    def __str__(self) -> str:
        return f"{self.checked_on} · {self.institution.name}"

    @property
    def persons(self) -> int:
        return 2 if self.is_couple else 1


# --- premarital checks (婚前医学检查) -------------------------------------------------------------------------
class PersonSex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class PremaritalCheck(AssistanceRecord):
    """One person's premarital medical check (《婚前保健工作规范》)."""

    checked_on = models.DateField(_("check date"))
    institution = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("checking institution"),
        on_delete=models.PROTECT,
        related_name="premarital_checks",
    )
    residence = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("residence (county or township)"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("check number"), max_length=40, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=PersonSex.choices)
    is_condition_found = models.BooleanField(_("condition found"), default=False)

    class Meta:
        verbose_name = _("premarital check")
        verbose_name_plural = _("premarital checks")
        ordering = ["-checked_on", "-id"]

    def __str__(self) -> str:
        return f"{self.checked_on} · {self.institution.name}"


# --- child nutrition packs (营养包): a monthly report per institution ------------------------------------------
class NutritionReport(AssistanceRecord):
    """An institution's month of nutrition packs (辅食营养补充品) for children aged 6–24 months."""

    month = models.PositiveIntegerField(_("month"))
    institution = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="nutrition_reports"
    )
    children_served = models.PositiveIntegerField(_("children given packs (person-times)"))
    packs_issued = models.PositiveIntegerField(_("packs issued"))
    children_surveyed = models.PositiveIntegerField(_("children followed up"), default=0)
    children_effective = models.PositiveIntegerField(_("children taking packs effectively"), default=0)

    class Meta:
        verbose_name = _("nutrition pack report")
        verbose_name_plural = _("nutrition pack reports")
        ordering = ["-month", "institution__code"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "month"], name="screening_nutrition_report_once_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.month // 100}-{self.month % 100:02d} · {self.institution.name}"


# --- critical care centres (危急重症救治中心) and near-miss cases (危重孕产妇) ----------------------------------
class CentreKind(models.TextChoices):
    MATERNAL = "maternal", _("Critical maternal care centre")
    NEWBORN = "newborn", _("Critical newborn care centre")


class CentreLevel(models.TextChoices):
    PROVINCE = "province", _("Province level")
    CITY = "city", _("City level")
    COUNTY = "county", _("County level")


class CareCentre(AssistanceRecord):
    """An institution designated by the health administration as a critical care centre, until revoked."""

    institution = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="care_centres"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CentreKind.choices)
    level = models.CharField(_("centre level"), max_length=10, choices=CentreLevel.choices)
    designated_on = models.DateField(_("designated on"))
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)

    class Meta:
        verbose_name = _("critical care centre")
        verbose_name_plural = _("critical care centres")
        ordering = ["kind", "level", "institution__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "kind"],
                condition=Q(revoked_on__isnull=True),
                name="screening_care_centre_in_force_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution.name} · {self.get_kind_display()}"


class NearMissCause(models.TextChoices):
    HAEMORRHAGE = "haemorrhage", _("Obstetric haemorrhage")
    HYPERTENSIVE = "hypertensive", _("Hypertensive disorder of pregnancy")
    SEPSIS = "sepsis", _("Severe infection (sepsis)")
    EMBOLISM = "embolism", _("Amniotic fluid embolism")
    OTHER_OBSTETRIC = "other_obstetric", _("Other obstetric complication")
    MEDICAL = "medical", _("Medical or surgical disease")


class NearMissOutcome(models.TextChoices):
    RECOVERED = "recovered", _("Recovered")
    DIED = "died", _("Died")


class NearMissCase(AssistanceRecord):
    """A woman in critical condition in pregnancy, childbirth or within 42 days after (危重孕产妇), as reported."""

    occurred_on = models.DateField(_("date identified"))
    institution = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("reporting institution"),
        on_delete=models.PROTECT,
        related_name="near_miss_cases",
    )
    residence = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("residence (county or township)"), on_delete=models.PROTECT, related_name="+"
    )
    treated_at = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("treated at (critical care centre)"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    number = models.CharField(_("case number"), max_length=40, blank=True)
    cause = models.CharField(_("main cause"), max_length=16, choices=NearMissCause.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=NearMissOutcome.choices)

    class Meta:
        verbose_name = _("near-miss case")
        verbose_name_plural = _("near-miss cases")
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.occurred_on} · {self.get_cause_display()}"


# --- target populations (denominators) --------------------------------------------------------------------
class TargetPopulation(models.TextChoices):
    CERVICAL = "cervical", _("Women to screen for cervical cancer")
    BREAST = "breast", _("Women to screen for breast cancer")
    PRECONCEPTION = "preconception", _("Couples planning a pregnancy")
    MARRIAGES = "marriages", _("Persons registering a marriage")


class ScreeningTarget(AssistanceRecord):
    """A region's yearly target population of a programme, as the programme office sets or counts it (the
    denominator of a coverage rate); its figure sits in January of the year."""

    region = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("region"), on_delete=models.PROTECT, related_name="screening_targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    population = models.CharField(_("population"), max_length=14, choices=TargetPopulation.choices)
    size = models.PositiveIntegerField(_("number of persons or couples"))
    basis = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("screening target population")
        verbose_name_plural = _("screening target populations")
        ordering = ["-year", "region__code", "population"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "population"], name="screening_target_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.region.name} · {self.get_population_display()}"
