"""Courses and teaching (研修班, 培训班, 讲座, 教学查房, 手术示教) and mentorships (师带徒).

Writes go through ``services.py`` only; facts and indicators are declared in ``indicators.py``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shanhai.records.models import AssistanceRecord
from shanhai.workforce.models import Person


class CourseKind(models.TextChoices):
    STUDY_COURSE = "study_course", _("Study course")  # 研修班
    TRAINING_COURSE = "training_course", _("Training course")  # 培训班
    LECTURE = "lecture", _("Lecture")  # 讲座
    TEACHING_ROUND = "teaching_round", _("Teaching ward round")  # 教学查房
    SURGICAL_DEMO = "surgical_demo", _("Surgical demonstration")  # 手术示教


class SessionKind(models.TextChoices):
    LECTURE = "lecture", _("Lecture")
    HANDS_ON = "hands_on", _("Hands-on practice")
    EXCHANGE = "exchange", _("Exchange")
    QA = "qa", _("Questions and answers")
    SITE_VISIT = "site_visit", _("Site visit")


class Course(AssistanceRecord):
    """One course or teaching event for the staff of a receiving side.

    ``recipient`` is the trainees' side (an institution, or a region for a county- or
    prefecture-wide course): the course's facts are counted there. It defaults to the
    partnership's recipient.
    """

    title = models.CharField(pgettext_lazy("course", "title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=CourseKind.choices)
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="organised_courses"
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
    )
    recipient = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("trainees' organisation"), on_delete=models.PROTECT, related_name="courses"
    )
    hours = models.DecimalField(_("training hours"), max_digits=7, decimal_places=1, default=0)
    trainers = models.ManyToManyField(
        "workforce.Person", verbose_name=_("trainers"), blank=True, related_name="courses_taught"
    )
    participants = models.ManyToManyField(
        "workforce.Person", verbose_name=_("participants"), blank=True, related_name="courses_attended"
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses and teaching")
        ordering = ["-started_on", "id"]

    def __str__(self) -> str:
        return self.title


class CourseSession(AssistanceRecord):
    """One part of a course's programme: a lecture, hands-on practice, a site visit …"""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="sessions")
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=32, choices=SessionKind.choices)
    topic = models.CharField(_("topic"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=0)
    place = models.CharField(_("place"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("course session")
        verbose_name_plural = _("course sessions")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return self.topic


class CourseGroup(AssistanceRecord):
    """Participants from one institution counted but not named individually."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="groups")
    institution = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    count = models.PositiveIntegerField(_("participants"))

    class Meta:
        verbose_name = _("group of participants")
        verbose_name_plural = _("groups of participants")
        ordering = ["course", "id"]

    def __str__(self) -> str:
        return f"{self.institution.name} × {self.count}"


# --- mentorships (师带徒) --------------------------------------------------------------------------
class Mentorship(AssistanceRecord):
    """A mentor and their apprentices (one ``Apprenticeship`` each) within a partnership.

    When the mentor leaves, the mentorship is handed over to a successor: ``mentor`` becomes the
    successor and a ``MentorshipHandover`` row keeps who mentored until when.
    """

    mentor = models.ForeignKey(
        "workforce.Person", verbose_name=_("mentor"), on_delete=models.PROTECT, related_name="mentorships"
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership", verbose_name=_("partnership"), on_delete=models.PROTECT, related_name="mentorships"
    )
    started_on = models.DateField(_("start date"))
    goals = models.TextField(_("goals (techniques to master)"))
    apprentices: models.ManyToManyField[Person, Apprenticeship] = models.ManyToManyField(
        "workforce.Person",
        through="Apprenticeship",
        through_fields=("mentorship", "apprentice"),
        verbose_name=_("apprentices"),
        related_name="+",
    )

    class Meta:
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        ordering = ["-started_on", "id"]

    def __str__(self) -> str:
        return f"{self.mentor.name} · {self.started_on}"


class Outcome(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Apprenticeship(AssistanceRecord):
    """One mentor–apprentice pair. Completing it records the apprentice as a technical backbone (技术骨干)."""

    mentorship = models.ForeignKey(
        Mentorship, verbose_name=_("mentorship"), on_delete=models.CASCADE, related_name="apprenticeships"
    )
    apprentice = models.ForeignKey(
        "workforce.Person", verbose_name=_("apprentice"), on_delete=models.PROTECT, related_name="apprenticeships"
    )
    started_on = models.DateField(_("start date"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.IN_PROGRESS)
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    is_backbone = models.BooleanField(_("technical backbone"), default=False)
    backbone_on = models.DateField(_("backbone since"), null=True, blank=True)

    class Meta:
        verbose_name = _("apprenticeship")
        verbose_name_plural = _("apprenticeships")
        ordering = ["mentorship", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "apprentice"], name="training_one_apprenticeship_per_person")
        ]

    def __str__(self) -> str:
        return self.apprentice.name


class MilestoneKind(models.TextChoices):
    SUPERVISED_CASES = "supervised_cases", _("Cases done under supervision")
    INDEPENDENT_CASES = "independent_cases", _("Independent cases")
    SIGN_OFF = "sign_off", _("Sign-off")


class MentorshipMilestone(AssistanceRecord):
    """A logbook entry of an apprenticeship. A sign-off completes the apprenticeship."""

    apprenticeship = models.ForeignKey(
        Apprenticeship, verbose_name=_("apprenticeship"), on_delete=models.CASCADE, related_name="milestones"
    )
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=32, choices=MilestoneKind.choices)
    cases = models.PositiveIntegerField(_("cases"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("mentorship milestone")
        verbose_name_plural = _("mentorship milestones")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.on}"


class MentorshipHandover(models.Model):
    """History of a mentorship's mentors: ``from_mentor`` mentored until ``on``, then ``to_mentor``."""

    mentorship = models.ForeignKey(
        Mentorship, verbose_name=_("mentorship"), on_delete=models.CASCADE, related_name="handovers"
    )
    from_mentor = models.ForeignKey(
        "workforce.Person", verbose_name=_("previous mentor"), on_delete=models.PROTECT, related_name="+"
    )
    to_mentor = models.ForeignKey(
        "workforce.Person", verbose_name=_("successor"), on_delete=models.PROTECT, related_name="+"
    )
    on = models.DateField(_("handed over on"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mentorship hand-over")
        verbose_name_plural = _("mentorship hand-overs")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.from_mentor.name} → {self.to_mentor.name} ({self.on})"
