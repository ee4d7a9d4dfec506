"""The record kind of consultations: list, detail (with the workflow), form, import, export and API from the
records framework; the workflow's actions are the app's own pages (``telehealth.views``)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shanhai.core.models import Department
from shanhai.maternal.columns import DateTime, PregnancyRef
from shanhai.records.columns import Boolean, Choice, CodeRef, Column, Derived, Integer, PartnershipRef, UnitRef
from shanhai.records.kinds import RecordKind, register
from shanhai.telehealth import services
from shanhai.telehealth.columns import ExpertRef, PoolRef, StudiesRef, UsersRef
from shanhai.telehealth.models import Consultation, ConsultationPool, Priority, ResponseRule
from shanhai.telehealth.pages import consultation_page


class PatientSex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


def _local(value: object) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""  # type: ignore[arg-type]


register(
    RecordKind(
        slug="consultations",
        model=Consultation,
        app="telehealth",
        unit_field="requesting_unit",
        columns=(
            Derived("number", _("Number"), compute=lambda c: c.number, sort="number"),
            PartnershipRef(),
            UnitRef("requesting_unit", _("Asking institution (code or name)"), example="H652325001"),
            Choice("priority", _("Priority"), choices=Priority, example="常规"),
            CodeRef("department", _("Department (code or name)"), model=Department, required=False, example="05"),
            PoolRef(
                "pool",
                _("Consultation pool"),
                help=_("Where the request goes; left empty, the department's pool of the supporting institution."),
            ),
            ExpertRef("expert", _("Expert (user name)"), help=_("A named expert instead of (or within) the pool.")),
            Column("question", _("Question"), max_length=2000, multiline=True, in_list=False),
            Column(
                "summary",
                _("Clinical summary"),
                required=False,
                max_length=8000,
                multiline=True,
                in_list=False,
                help=_("History, findings, tests and treatment so far. No names, ID numbers or phone numbers."),
            ),
            PregnancyRef(
                "pregnancy",
                _("Pregnancy (record number or ID number)"),
                required=False,
                in_list=False,
                help=_("When the patient is a woman under MCH care; her file stays masked to the experts."),
            ),
            Choice("patient_sex", _("Patient's sex"), choices=PatientSex, required=False, in_list=False),
            Integer("patient_age", _("Patient's age"), required=False, in_list=False),
            StudiesRef("studies", _("Imaging studies"), in_list=False),
            DateTime(
                "requested_at",
                _("Asked at"),
                required=False,
                help=_("Leave empty for now; fill in to enter an earlier request."),
            ),
            Derived("status", _("Status"), compute=lambda c: c.get_status_display(), sort="status"),
            Derived("due_at", _("Answer due"), compute=lambda c: _local(c.due_at), sort="due_at"),
            Derived("answered_at", _("Answered at"), compute=lambda c: _local(c.answered_at), sort="answered_at"),
            Derived(
                "turnaround_hours",
                _("Turnaround (hours)"),
                compute=lambda c: c.turnaround_hours,
                sort="turnaround_hours",
            ),
        ),
        create=services.consultation_create,
        update=services.consultation_update,
        delete=services.consultation_delete,
        search_fields=("number", "question", "requesting_unit__name"),
        date_field="requested_on",
        filter_keys=("priority",),
        ordering=("-requested_at",),
        select_related=(
            "partnership__supporter",
            "partnership__recipient",
            "requesting_unit",
            "pool",
            "expert",
            "department",
        ),
        prefetch_related=("studies",),
        detail_template="telehealth/consultation_detail.html",
        detail_context=consultation_page,
    )
)

register(
    RecordKind(
        slug="consultation-pools",
        model=ConsultationPool,
        app="telehealth",
        unit_field="institution",
        partnership_field=None,
        columns=(
            UnitRef("institution", _("Institution (code or name)"), example="H350181001"),
            Column("name", _("Name"), max_length=120, example="妇产科会诊组"),
            CodeRef("department", _("Department (code or name)"), model=Department, required=False, example="05"),
            ExpertRef("head", _("Head (user name)"), help=_("Told when a request of the pool is overdue.")),
            UsersRef("members", _("Members (user names)"), help=_("Separated by ；")),
        ),
        create=services.pool_create,
        update=services.pool_update,
        delete=services.pool_delete,
        search_fields=("name", "institution__name"),
        ordering=("institution__path", "name"),
        select_related=("institution", "department", "head"),
        prefetch_related=("members",),
    )
)

register(
    RecordKind(
        slug="response-times",
        model=ResponseRule,
        app="telehealth",
        unit_field="partnership__recipient",
        columns=(
            PartnershipRef(),
            Choice("priority", _("Priority"), choices=Priority, example="紧急"),
            Integer("hours", _("Hours to answer"), example="4"),
            Boolean(
                "working_hours",
                _("In working hours"),
                help=_("是: working hours on working days (holidays and 调休 as announced); 否: round the clock."),
            ),
        ),
        create=services.response_rule_create,
        update=services.response_rule_update,
        delete=services.response_rule_delete,
        ordering=("partnership", "priority"),
        select_related=("partnership__supporter", "partnership__recipient"),
    )
)
