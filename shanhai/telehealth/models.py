"""Remote collaboration across a partnership: consultations (远程会诊) with response clocks.

A consultation is asked by a clinician of the recipient side and answered by the supporting side: a department
pool (会诊组) or a named expert. Its states and their times are kept on the row (FHIR ServiceRequest + Task:
``telehealth/README.md``), every change as an event (who, when, from which state to which, to whom).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Priority(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    ROUTINE = "routine", _("Routine")


class Status(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    DECIDED = "decided", _("Decision recorded")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


#: States in which the supporting side still owes an answer (the response clock runs).
AWAITING_ANSWER = (Status.REQUESTED, Status.ACCEPTED, Status.IN_PROGRESS)
#: States in which the asking side owes the decision.
AWAITING_DECISION = (Status.ANSWERED,)


class Decision(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    MODIFIED = "modified", _("Adopted with changes")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


class ConsultationPool(models.Model):
    """A department's consultation group at a supporting institution (e.g. 福清市医院 妇产科会诊组): its members
    receive the requests routed to it; its head is told when one is overdue."""

    public_id = models.UUIDField(_("record number"), default=uuid.uuid4, unique=True, editable=False)
    institution = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="consultation_pools"
    )
    department = models.ForeignKey(
        "core.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT
    )
    name = models.CharField(_("name"), max_length=120)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_pools",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="consultation_pools"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consultation pool")
        verbose_name_plural = _("consultation pools")
        ordering = ["institution__path", "name"]

    def __str__(self) -> str:
        return self.name


class ResponseRule(models.Model):
    """How long the supporting side of one partnership has to answer a consultation of one priority: ``hours``
    counted round the clock or in working hours (official holidays and 调休 working weekends included:
    ``core.working_time``). A partnership without a rule for a priority uses ``SHANHAI_CONSULT_RESPONSE``."""

    public_id = models.UUIDField(_("record number"), default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="response_rules",
    )
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices)
    hours = models.PositiveIntegerField(_("hours to answer"))
    working_hours = models.BooleanField(_("in working hours"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("response time")
        verbose_name_plural = _("response times")
        constraints = [models.UniqueConstraint(fields=["partnership", "priority"], name="response_rule_unique")]

    def __str__(self) -> str:
        return f"{self.partnership} · {self.get_priority_display()} · {self.hours} h"


class Consultation(models.Model):
    public_id = models.UUIDField(_("record number"), default=uuid.uuid4, unique=True, editable=False)
    #: Readable number, unique: 会诊-<year>-<sequence>, given at creation (``services.next_number``).
    number = models.CharField(_("number"), max_length=24, unique=True)
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    requesting_unit = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("asking institution"),
        on_delete=models.PROTECT,
        related_name="consultations_asked",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations_asked",
    )
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices, default=Priority.ROUTINE)
    department = models.ForeignKey(
        "core.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT
    )
    pool = models.ForeignKey(
        ConsultationPool,
        verbose_name=_("consultation pool"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations_assigned",
    )
    question = models.TextField(_("question"), max_length=2000)
    summary = models.TextField(_("clinical summary"), max_length=8000, blank=True)
    #: The patient, when she is a woman under MCH care: her file stays masked unless the user may reveal it.
    pregnancy = models.ForeignKey(
        "maternal.Pregnancy",
        verbose_name=_("pregnancy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations",
    )
    patient_sex = models.CharField(_("patient's sex"), max_length=8, blank=True)
    patient_age = models.PositiveSmallIntegerField(_("patient's age"), null=True, blank=True)
    studies = models.ManyToManyField(
        "imaging.ImagingStudy", verbose_name=_("imaging studies"), blank=True, related_name="consultations"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField(_("asked at"))
    #: The local (Beijing) dates of asking and answering, stored: facts and period filters count by them.
    requested_on = models.DateField(_("date asked"), db_index=True)
    due_at = models.DateTimeField(_("answer due"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_on = models.DateField(_("date answered"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decision recorded at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), max_length=2000, blank=True)
    answer = models.TextField(_("answer"), max_length=8000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations_answered",
    )
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    decision_note = models.TextField(_("decision note"), max_length=2000, blank=True)
    #: Hours from asking to the answer, counted as the due time is (working hours or round the clock).
    turnaround_hours = models.FloatField(_("turnaround (hours)"), null=True, blank=True)
    answered_in_time = models.BooleanField(_("answered in time"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("teleconsultation")
        verbose_name_plural = _("teleconsultations")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="consultation_open_due"),
            models.Index(fields=["partnership", "requested_at"], name="consultation_partnership"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def awaits_answer(self) -> bool:
        return self.status in AWAITING_ANSWER


class EventAction(models.TextChoices):
    REQUEST = "request", _("Asked")
    ACCEPT = "accept", _("Accepted")
    DECLINE = "decline", _("Declined")
    START = "start", _("Started")
    REASSIGN = "reassign", _("Reassigned")
    ANSWER = "answer", _("Answered")
    DECIDE = "decide", _("Decision recorded")
    CLOSE = "close", _("Closed")
    CANCEL = "cancel", _("Cancelled")
    ESCALATE = "escalate", _("Escalated (overdue)")


class ConsultationEvent(models.Model):
    """One step of a consultation's history (FHIR Task history): who did what, when, and to whom it went."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=16, choices=EventAction.choices)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    pool = models.ForeignKey(ConsultationPool, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("consultation event")
        verbose_name_plural = _("consultation events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.consultation} · {self.get_action_display()}"


from shanhai.telehealth.models_discussions import *  # noqa: E402, F403  (case discussions: their own module)
