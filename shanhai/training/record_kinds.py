"""The training record kinds: courses (+ sessions, counted groups), mentorships (+ apprenticeships, milestones)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from rest_framework import serializers

from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.records.columns import (
    Boolean,
    Choice,
    Column,
    Date,
    Derived,
    Integer,
    PartnershipRef,
    RecordRef,
    UnitRef,
    blank,
    text_of,
)
from shanhai.records.kinds import RecordKind, register
from shanhai.training import services
from shanhai.training.forms import CompleteForm, HandoverForm
from shanhai.training.models import (
    Apprenticeship,
    Course,
    CourseGroup,
    CourseKind,
    CourseSession,
    Mentorship,
    MentorshipMilestone,
    MilestoneKind,
    Outcome,
    SessionKind,
)
from shanhai.workforce.columns import PeopleRefs, PersonRef

if TYPE_CHECKING:
    from shanhai.records.lookup import Lookup


@dataclass(frozen=True)
class Hours(Column):
    """Hours with one decimal (1.5); reads "12", "12.5", "12 学时"."""

    required: bool = False

    def cell(self, record: Any) -> Any:
        value = self.value(record)
        return None if value is None else float(value)

    def display(self, record: Any) -> str:
        value = self.value(record)
        return "" if value is None else f"{value.normalize():f}"

    def empty(self) -> Any:
        if self.required:
            raise ValidationError(_("This is required."))
        return Decimal(0)

    def parse(self, raw: Any, lookup: Lookup) -> Any:
        if blank(raw):
            return self.empty()
        text = text_of(raw).replace("学时", "").replace("小时", "").replace("h", "").strip()
        try:
            value = Decimal(text).quantize(Decimal("0.1"))
        except InvalidOperation:
            raise ValidationError(_("Enter hours as a number, such as 6 or 1.5.")) from None
        if value < 0:
            raise ValidationError(_("Hours cannot be negative."))
        return value

    def form_field(self, lookup: Lookup) -> forms.Field:
        return forms.DecimalField(
            label=self.label, required=self.required, min_value=0, decimal_places=1, help_text=self.help
        )

    def api_field(self) -> serializers.Field:
        return serializers.DecimalField(
            max_digits=7, decimal_places=1, required=self.required, allow_null=True, coerce_to_string=False
        )


def _person_times(course: Course) -> int:
    named = len(course.participants.all())
    return named + sum(g.count for g in course.groups.all())


def _mentorship_status(mentorship: Mentorship) -> str:
    outcomes = {a.outcome for a in mentorship.apprenticeships.all()}
    if Outcome.IN_PROGRESS in outcomes or not outcomes:
        return str(_("Active"))
    if Outcome.COMPLETED in outcomes:
        return str(_("Completed"))
    return str(_("Ended"))


# --- detail pages -------------------------------------------------------------------------------------
def _course_context(request: AuthenticatedHttpRequest, course: Course) -> dict[str, Any]:
    return {
        "sessions": course.sessions.all(),
        "groups": course.groups.select_related("institution"),
        "person_times": _person_times(course),
    }


def _mentorship_context(request: AuthenticatedHttpRequest, mentorship: Mentorship) -> dict[str, Any]:
    return {
        "apprenticeships": mentorship.apprenticeships.select_related("apprentice", "apprentice__institution")
        .prefetch_related("milestones")
        .order_by("started_on", "id"),
        "handovers": mentorship.handovers.select_related("from_mentor", "to_mentor"),
        "handover_form": HandoverForm(user=request.user),
        "complete_form": CompleteForm(),
    }


COURSE = register(
    RecordKind(
        slug="courses",
        model=Course,
        app="training",
        unit_field="recipient",
        partnership_field="partnership",
        columns=(
            Column("title", pgettext_lazy("course", "Title"), example="妇幼保健业务骨干研修班"),
            Choice("kind", gettext_lazy("Kind"), choices=CourseKind),
            Date("started_on", gettext_lazy("Start date")),
            Date("ended_on", gettext_lazy("End date"), required=False, in_list=False),
            Column("place", gettext_lazy("Place"), required=False),
            UnitRef("organiser", gettext_lazy("Organiser (code or name)"), regions=True),
            PartnershipRef(required=False),
            UnitRef(
                "recipient",
                gettext_lazy("Trainees' organisation (code or name)"),
                required=False,
                regions=True,
                help=gettext_lazy("Leave empty for the partnership's recipient."),
            ),
            Hours("hours", gettext_lazy("Training hours")),
            PeopleRefs("trainers", gettext_lazy("Trainers"), in_list=False),
            PeopleRefs("participants", gettext_lazy("Named participants"), in_list=False),
            Column(
                "description",
                gettext_lazy("Description"),
                required=False,
                in_list=False,
                multiline=True,
                max_length=4000,
            ),
            Derived("person_times", gettext_lazy("Person-times"), compute=_person_times),
        ),
        create=services.course_create,
        update=services.course_update,
        delete=services.course_delete,
        search_fields=("title", "place", "organiser__name", "recipient__name"),
        date_field="started_on",
        filter_keys=("kind",),
        ordering=("-started_on",),
        select_related=("organiser", "recipient", "partnership__supporter", "partnership__recipient"),
        prefetch_related=("participants", "trainers", "groups"),
        detail_template="training/course_detail.html",
        detail_context=_course_context,
    )
)

register(
    RecordKind(
        slug="course-sessions",
        model=CourseSession,
        app="training",
        unit_field="course__recipient",
        partnership_field="course__partnership",
        columns=(
            RecordRef("course", gettext_lazy("Course (record number)"), kind="courses"),
            Date("on", gettext_lazy("Date")),
            Choice("kind", gettext_lazy("Kind"), choices=SessionKind),
            Column("topic", gettext_lazy("Topic")),
            Hours("hours", gettext_lazy("Hours")),
            Column("place", gettext_lazy("Place"), required=False),
        ),
        create=services.course_session_create,
        update=services.course_session_update,
        delete=services.course_session_delete,
        search_fields=("topic", "course__title"),
        date_field="on",
        filter_keys=("kind",),
        ordering=("on",),
        select_related=("course",),
        in_menu=False,
    )
)

register(
    RecordKind(
        slug="course-groups",
        model=CourseGroup,
        app="training",
        unit_field="course__recipient",
        partnership_field="course__partnership",
        columns=(
            RecordRef("course", gettext_lazy("Course (record number)"), kind="courses"),
            UnitRef("institution", gettext_lazy("Institution (code or name)")),
            Integer("count", gettext_lazy("Participants"), minimum=1),
        ),
        create=services.course_group_create,
        update=services.course_group_update,
        delete=services.course_group_delete,
        search_fields=("institution__name", "course__title"),
        date_field="course__started_on",
        ordering=("course__started_on",),
        select_related=("course", "institution"),
        in_menu=False,
    )
)

MENTORSHIP = register(
    RecordKind(
        slug="mentorships",
        model=Mentorship,
        app="training",
        unit_field="partnership__recipient",
        partnership_field="partnership",
        columns=(
            PersonRef("mentor", gettext_lazy("Mentor")),
            PartnershipRef(),
            Date("started_on", gettext_lazy("Start date")),
            PeopleRefs("apprentices", gettext_lazy("Apprentices"), required=True),
            Column("goals", gettext_lazy("Goals (techniques to master)"), multiline=True, max_length=4000),
            Derived("status", gettext_lazy("Status"), compute=_mentorship_status),
        ),
        create=services.mentorship_create,
        update=services.mentorship_update,
        delete=services.mentorship_delete,
        search_fields=("mentor__name", "goals", "apprenticeships__apprentice__name"),
        date_field="started_on",
        ordering=("-started_on",),
        select_related=("mentor", "partnership__supporter", "partnership__recipient"),
        prefetch_related=("apprentices", "apprenticeships"),
        detail_template="training/mentorship_detail.html",
        detail_context=_mentorship_context,
    )
)

register(
    RecordKind(
        slug="apprenticeships",
        model=Apprenticeship,
        app="training",
        unit_field="mentorship__partnership__recipient",
        partnership_field="mentorship__partnership",
        columns=(
            RecordRef("mentorship", gettext_lazy("Mentorship (record number)"), kind="mentorships"),
            PersonRef("apprentice", gettext_lazy("Apprentice")),
            Date("started_on", gettext_lazy("Start date"), required=False),
            Choice("outcome", gettext_lazy("Outcome"), choices=Outcome, required=False),
            Date("ended_on", gettext_lazy("End date"), required=False),
            Boolean("is_backbone", gettext_lazy("Technical backbone")),
            Date("backbone_on", gettext_lazy("Backbone since"), required=False),
        ),
        create=services.apprenticeship_create,
        update=services.apprenticeship_update,
        delete=services.apprenticeship_delete,
        search_fields=("apprentice__name", "mentorship__mentor__name"),
        date_field="started_on",
        filter_keys=("outcome",),
        ordering=("-started_on",),
        select_related=("mentorship__mentor", "apprentice"),
        in_menu=False,
    )
)

register(
    RecordKind(
        slug="mentorship-milestones",
        model=MentorshipMilestone,
        app="training",
        unit_field="apprenticeship__mentorship__partnership__recipient",
        partnership_field="apprenticeship__mentorship__partnership",
        columns=(
            RecordRef("apprenticeship", gettext_lazy("Apprenticeship (record number)"), kind="apprenticeships"),
            Date("on", gettext_lazy("Date")),
            Choice("kind", gettext_lazy("Kind"), choices=MilestoneKind),
            Integer("cases", gettext_lazy("Cases"), required=False),
            Column("note", gettext_lazy("Note"), required=False, multiline=True, max_length=2000),
        ),
        create=services.mentorship_milestone_create,
        update=services.mentorship_milestone_update,
        delete=services.mentorship_milestone_delete,
        search_fields=("note", "apprenticeship__apprentice__name"),
        date_field="on",
        filter_keys=("kind",),
        ordering=("-on",),
        select_related=("apprenticeship__apprentice", "apprenticeship__mentorship__mentor"),
        in_menu=False,
    )
)
