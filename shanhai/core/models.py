"""Org units (one tree of regions and institutions), code lists and the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_DEPTH = 6  # province > prefecture > county > township > institution > campus


class OrgUnitKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    PREFECTURE = "prefecture", _("Prefecture")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    HEALTH_COMMISSION = "health_commission", _("Health commission / bureau")
    GENERAL_HOSPITAL = "general_hospital", _("General hospital")
    TCM_HOSPITAL = "tcm_hospital", _("TCM hospital")
    MCH_HOSPITAL = "mch_hospital", _("MCH hospital")
    CDC = "cdc", _("CDC")
    TOWNSHIP_HEALTH_CENTRE = "township_health_centre", _("Township health centre")
    COMMUNITY_HEALTH_CENTRE = "community_health_centre", _("Community health centre")
    CAMPUS = "campus", _("Campus / branch")
    UNIVERSITY = "university", _("University / medical school")

    @classmethod
    def region_kinds(cls) -> set[str]:
        return {cls.PROVINCE, cls.PREFECTURE, cls.COUNTY, cls.TOWNSHIP}


class OrgUnit(models.Model):
    """A node of the one organisation tree (architecture §1).

    `path` is the materialised path of ids (``/1/7/42/``); `anc_1 … anc_6` copy the ids on
    that path by level so that subtree filters and fact rows group without joins.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrgUnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)
    level = models.PositiveSmallIntegerField(_("level"), editable=False)
    anc_1 = models.BigIntegerField(null=True, editable=False)
    anc_2 = models.BigIntegerField(null=True, editable=False)
    anc_3 = models.BigIntegerField(null=True, editable=False)
    anc_4 = models.BigIntegerField(null=True, editable=False)
    anc_5 = models.BigIntegerField(null=True, editable=False)
    anc_6 = models.BigIntegerField(null=True, editable=False)
    grade = models.ForeignKey(
        "core.HospitalGrade", verbose_name=_("grade"), null=True, blank=True, on_delete=models.PROTECT
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="orgunit_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["kind", "level"], name="orgunit_kind_level"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_region(self) -> bool:
        return self.kind in OrgUnitKind.region_kinds()

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to and including this unit."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class CodeListEntry(models.Model):
    """Common shape of versioned reference data: a code, a name, validity dates."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Department(CodeListEntry):
    """诊疗科目 (卫医发〔1994〕27号): first level ``05``, second level ``05.02``."""

    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta(CodeListEntry.Meta):
        verbose_name = _("department")
        verbose_name_plural = _("departments")


class TitleLevel(models.TextChoices):
    SENIOR = "senior", _("Senior (正高)")
    ASSOCIATE_SENIOR = "associate_senior", _("Associate senior (副高)")
    INTERMEDIATE = "intermediate", _("Intermediate (中级)")
    JUNIOR = "junior", _("Junior (初级)")


class ProfessionalTitle(CodeListEntry):
    """卫生专业技术职务 with the level the 组团式 rules use ("副高以上")."""

    level = models.CharField(_("level"), max_length=20, choices=TitleLevel.choices)
    track = models.CharField(_("track"), max_length=20)

    class Meta(CodeListEntry.Meta):
        verbose_name = _("professional title")
        verbose_name_plural = _("professional titles")

    @property
    def is_associate_senior_or_above(self) -> bool:
        return self.level in {TitleLevel.SENIOR, TitleLevel.ASSOCIATE_SENIOR}


class HospitalGrade(CodeListEntry):
    """医院等级, 三级十等 plus 未定级 (《医院分级管理标准》 1989)."""

    tier = models.PositiveSmallIntegerField(_("tier"), null=True, blank=True)

    class Meta(CodeListEntry.Meta):
        verbose_name = _("hospital grade")
        verbose_name_plural = _("hospital grades")


class AuditAction(models.TextChoices):
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    MOVE = "move", _("Move")
    REVEAL = "reveal", _("Reveal personal data")
    LOGIN = "login", _("Sign-in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOGOUT = "logout", _("Sign-out")
    LOCKOUT = "lockout", _("Account locked")
    EXPORT = "export", _("Export")
    IMPORT = "import", _("Import")
    IMPORT_REFUSED = "import_refused", _("Import refused")
    TOKEN_CREATED = "token_created", _("API token issued")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    RATE_LIMITED = "rate_limited", _("Rate limit reached")


class AuditEntry(models.Model):
    """One service write: who did what to which object, with a masked before/after diff."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    org_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    changes = models.JSONField(default=dict)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"


class Notice(models.Model):
    """A message to one user about one object (a consultation arrived, was answered, is overdue; a critical
    finding): shown in the layout's unread count and the inbox, and mailed when email is configured. It names the
    object by number and kind only, never a patient's personal data."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    url = models.CharField(max_length=300, blank=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    #: Several notices about one object and event (each member of a pool) share a key: one per user and key.
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~models.Q(key=""), name="notice_once_per_user_and_key"
            )
        ]

    def __str__(self) -> str:
        return self.title
