"""Case discussions (病例讨论 / 远程教学查房 / 疑难病例会诊讨论) across a partnership.

A session is held by the supporting side (``host``) for a recipient institution (``recipient``, where its
facts are counted) and maybe others; it belongs to a recurring series or stands alone. Cases are presented
masked (no field holds a patient's personal data); attendance of the recipient side's staff counts as
training person-times; minutes and follow-up actions with owners close the loop. FHIR: ``telehealth/README.md``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shanhai.records.models import AssistanceRecord

__all__ = [
    "CaseDiscussion",
    "DiscussedCase",
    "DiscussionAttendance",
    "DiscussionKind",
    "DiscussionSeries",
    "DiscussionStatus",
    "FollowUpAction",
    "Recurrence",
    "Side",
    "Weekday",
]


class DiscussionKind(models.TextChoices):
    CASE_DISCUSSION = "case_discussion", _("Case discussion")
    TEACHING_ROUND = "teaching_round", _("Remote teaching ward round")
    DIFFICULT_CASE = "difficult_case", _("Difficult-case consultation discussion")


class Recurrence(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class DiscussionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Side(models.TextChoices):
    SUPPORTING = "supporting", _("Supporting side")
    RECIPIENT = "recipient", _("Recipient side")


class DiscussionSeries(AssistanceRecord):
    """Sessions held regularly (weekly, every two weeks, monthly on a weekday at a time), of a partnership and
    optionally of an expert studio (名医工作室) it set up."""

    title = models.CharField(_("title"), max_length=120)
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.PROTECT,
        related_name="discussion_series",
    )
    studio = models.ForeignKey(
        "capacity.SpecialtyUnit",
        verbose_name=_("expert studio"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discussion_series",
    )
    host = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("hosting institution"), on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("participating institution"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=DiscussionKind.choices, default=DiscussionKind.CASE_DISCUSSION
    )
    recurrence = models.CharField(_("recurrence"), max_length=12, choices=Recurrence.choices)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    starts_on = models.DateField(_("first session on or after"))
    ends_on = models.DateField(_("last session on or before"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("case discussion series")
        verbose_name_plural = _("case discussion series")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class CaseDiscussion(AssistanceRecord):
    """One session. Facts: a held session, its cases and its attendance, in its month, at ``recipient``,
    credited to ``partnership``."""

    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.PROTECT,
        related_name="case_discussions",
    )
    series = models.ForeignKey(
        DiscussionSeries,
        verbose_name=_("discussion series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    host = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("hosting institution"), on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("participating institution"),
        on_delete=models.PROTECT,
        related_name="case_discussions",
    )
    other_institutions = models.ManyToManyField(
        "core.OrgUnit", verbose_name=_("other participating institutions"), blank=True, related_name="+"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=DiscussionKind.choices, default=DiscussionKind.CASE_DISCUSSION
    )
    scheduled_on = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    status = models.CharField(
        _("status"), max_length=12, choices=DiscussionStatus.choices, default=DiscussionStatus.SCHEDULED
    )
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    minutes = models.TextField(_("minutes"), max_length=20000, blank=True)

    class Meta:
        verbose_name = _("case discussion")
        verbose_name_plural = _("case discussions")
        ordering = ["-scheduled_on", "-start_time", "-id"]
        indexes = [models.Index(fields=["partnership", "scheduled_on"], name="discussion_partnership_on")]
        constraints = [
            models.UniqueConstraint(fields=["series", "scheduled_on"], name="discussion_series_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.scheduled_on:%Y-%m-%d} {self.get_kind_display()}"


class DiscussedCase(AssistanceRecord):
    """A case presented at a session: a summary written without the patient's name, ID number, phone or address;
    a link to a consultation or a pregnancy shows only their masked labels."""

    discussion = models.ForeignKey(
        CaseDiscussion, verbose_name=_("case discussion"), on_delete=models.CASCADE, related_name="cases"
    )
    presenter = models.ForeignKey(
        "workforce.Person",
        verbose_name=_("presenter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_presented",
    )
    presenter_name = models.CharField(_("presenter (name)"), max_length=40, blank=True)
    department = models.ForeignKey(
        "core.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT
    )
    summary = models.TextField(_("case summary (masked)"), max_length=8000)
    consultation = models.ForeignKey(
        "telehealth.Consultation",
        verbose_name=_("consultation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="discussed_cases",
    )
    pregnancy = models.ForeignKey(
        "maternal.Pregnancy",
        verbose_name=_("pregnancy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="discussed_cases",
    )

    class Meta:
        verbose_name = _("discussed case")
        verbose_name_plural = _("discussed cases")
        ordering = ["discussion", "id"]

    def __str__(self) -> str:
        return f"{self.discussion} · {self.presenter_label}"

    @property
    def presenter_label(self) -> str:
        return self.presenter.name if self.presenter else self.presenter_name


class DiscussionAttendance(AssistanceRecord):
    """Who was expected at a session and whether they attended; a recipient-side attendance is one
    training person-time."""

    discussion = models.ForeignKey(
        CaseDiscussion, verbose_name=_("case discussion"), on_delete=models.CASCADE, related_name="attendance"
    )
    person = models.ForeignKey(
        "workforce.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discussion_attendance",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discussion_attendance",
    )
    institution = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    attended = models.BooleanField(_("attended"), default=True)

    class Meta:
        verbose_name = _("discussion attendance")
        verbose_name_plural = _("discussion attendance")
        ordering = ["discussion", "side", "institution__path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["discussion", "person"], name="attendance_person_unique"),
            models.UniqueConstraint(fields=["discussion", "user"], name="attendance_user_unique"),
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(user__isnull=False), name="attendance_who"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.discussion} · {self.attendee_name}"

    @property
    def attendee_name(self) -> str:
        if self.person is not None:
            return self.person.name
        return self.user.full_name or self.user.username if self.user is not None else ""


class FollowUpAction(AssistanceRecord):
    """Something a session decided should be done, by whom, by when; done when ``done_at`` is set."""

    discussion = models.ForeignKey(
        CaseDiscussion, verbose_name=_("case discussion"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    description = models.TextField(_("what to do"), max_length=2000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="discussion_follow_ups",
    )
    owner_name = models.CharField(_("owner (name)"), max_length=40, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["discussion", "due_on", "id"]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def done(self) -> bool:
        return self.done_at is not None

    @property
    def owner_label(self) -> str:
        if self.owner is not None:
            return self.owner.full_name or self.owner.username
        return self.owner_name
