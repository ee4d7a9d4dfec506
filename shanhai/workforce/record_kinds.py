"""The workforce record kinds: people, batches, postings (with their monthly work logs), visiting trips
and placements. The generic pages, API, import and export of ``shanhai.records`` serve them from here."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shanhai.accounts.models import User
from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.core.models import Department, ProfessionalTitle
from shanhai.core.personal import mask_phone, normalise_phone
from shanhai.partnerships.selectors import programme_list
from shanhai.records.columns import (
    Choice,
    CodeRef,
    Column,
    Date,
    Derived,
    Integer,
    Month,
    PartnershipRef,
    Personal,
    ProgrammeRef,
    RecordRef,
    UnitRef,
)
from shanhai.records.kinds import RecordKind, register
from shanhai.workforce import services
from shanhai.workforce.columns import PeopleRefs, PersonRef
from shanhai.workforce.models import (
    Batch,
    Gender,
    Person,
    Placement,
    PlacementKind,
    Posting,
    PostingLog,
    PostingTerm,
    PostType,
    VisitingTrip,
)


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


# --- people: the staff the other records name; the phone is personal data -------------------------------
def _person_update(*, actor: User, record: Person, **changes: Any) -> Person:
    return services.person_update(actor=actor, person=record, **changes)


def _person_delete(*, actor: User, record: Person) -> None:
    raise ValidationError(_("People are not deleted: postings, trips and placements keep referring to them."))


PEOPLE = register(
    RecordKind(
        slug="staff",
        model=Person,
        app="workforce",
        unit_field="institution",
        partnership_field=None,
        columns=(
            Column("name", pgettext_lazy("person", "Name"), max_length=40, example="李建华"),
            Choice("gender", _("Gender"), choices=Gender),
            UnitRef("institution", _("Institution"), help=_("The institution's code or full name.")),
            CodeRef("department", _("Department"), model=Department, required=False),
            CodeRef("title", _("Professional title"), model=ProfessionalTitle, required=False),
            Personal(
                "phone",
                _("Phone"),
                required=False,
                max_length=20,
                masker=mask_phone,
                validator=normalise_phone,
                example="13800000000",
            ),
        ),
        create=services.person_create,
        update=_person_update,
        delete=_person_delete,
        search_fields=("name", "institution__name"),
        filter_keys=("gender",),
        ordering=("institution__path", "name"),
        select_related=("institution", "department", "title"),
        # The people pages (``workforce:person_list``) are their home; this kind gives them the
        # generic import, export, API and the audited reveal of the phone number.
        in_menu=False,
    )
)


# --- batches: owned by the programme, visible to whoever sees the programme ------------------------
def _batch_visibility(user: User) -> Q:
    return Q(programme__in=programme_list(user).values("pk"))


def _batch_writable_units(batch_or_values: Any) -> list[Any]:
    programme = _get(batch_or_values, "programme")
    return [programme.owner] if programme is not None else []


BATCHES = register(
    RecordKind(
        slug="batches",
        model=Batch,
        app="workforce",
        unit_field="programme__owner",
        partnership_field=None,
        columns=(
            ProgrammeRef(),
            Integer("number", _("Batch number"), minimum=1, example="8"),
            Column("name", _("Name"), required=False, max_length=120, example="福建省第八批医疗人才援疆"),
            Date("started_on", _("Start date"), example="2020-05-01"),
            Date("ended_on", _("End date"), required=False, example="2023-05-31"),
        ),
        create=services.batch_create,
        update=services.batch_update,
        delete=services.batch_delete,
        search_fields=("name", "programme__name"),
        date_field="started_on",
        ordering=("-started_on", "number"),
        select_related=("programme", "programme__owner"),
        visibility=_batch_visibility,
        writable_units=_batch_writable_units,
    )
)


# --- postings and their monthly work logs --------------------------------------------------------
def _posting_flag(posting: Posting) -> str:
    if services.posting_is_short(posting):
        return str(
            _("Long-term posting shorter than %(months)d months") % {"months": services.min_long_posting_months()}
        )
    return ""


def _title(posting_or_placement: Any) -> str:
    title = posting_or_placement.person.title
    return title.name if title is not None else ""


LOG_TOTALS = ("patients", *(f"operations_grade_{g}" for g in (1, 2, 3, 4)), "teaching_sessions", "consultations")


def _posting_detail(request: AuthenticatedHttpRequest, posting: Posting) -> dict[str, Any]:
    logs = list(posting.logs.order_by("month"))
    totals = posting.logs.aggregate(**{name: Sum(name) for name in LOG_TOTALS})
    totals = {name: value or 0 for name, value in totals.items()}
    totals["operations"] = sum(totals[f"operations_grade_{g}"] for g in (1, 2, 3, 4))
    return {
        "logs": logs,
        "log_totals": totals,
        "is_short": services.posting_is_short(posting),
        "min_long_months": services.min_long_posting_months(),
        "add_log_url": f"{reverse('records:create', kwargs={'kind': 'posting-logs'})}?posting={posting.public_id}",
    }


POSTINGS = register(
    RecordKind(
        slug="postings",
        model=Posting,
        app="workforce",
        unit_field="host",
        partnership_field="partnership",
        columns=(
            PersonRef(
                "person", _("Expert"), help=_("Record number or name of the expert (staff of the supporting side).")
            ),
            Derived("person_title", _("Professional title"), compute=_title, in_list=False),
            PartnershipRef(),
            RecordRef("batch", _("Batch (record number)"), kind="batches", required=False, in_list=False),
            UnitRef("host", _("Host institution"), help=_("The receiving institution (code or name).")),
            CodeRef("department", _("Host department"), model=Department, required=False),
            Choice("post", _("Post held"), choices=PostType, required=False),
            Choice("term", _("Term"), choices=PostingTerm, required=False),
            Date("started_on", _("Start date"), example="2020-05-20"),
            Date("ended_on", _("End date"), required=False, example="2021-11-30"),
            Column("note", _("Note"), required=False, multiline=True, in_list=False, max_length=2000),
            Derived("flag", _("Flag"), compute=_posting_flag),
        ),
        create=services.posting_create,
        update=services.posting_update,
        delete=services.posting_delete,
        search_fields=("person__name", "host__name", "note"),
        date_field="started_on",
        filter_keys=("post", "term"),
        ordering=("-started_on",),
        select_related=(
            "person",
            "person__title",
            "partnership",
            "partnership__supporter",
            "partnership__recipient",
            "batch",
            "host",
            "department",
        ),
        detail_template="workforce/posting_detail.html",
        detail_context=_posting_detail,
    )
)


def _log_operations(log: PostingLog) -> int:
    return log.operations


POSTING_LOGS = register(
    RecordKind(
        slug="posting-logs",
        model=PostingLog,
        app="workforce",
        unit_field="posting__host",
        partnership_field="posting__partnership",
        columns=(
            RecordRef("posting", _("Posting (record number)"), kind="postings"),
            Derived("expert", _("Expert"), compute=lambda log: log.posting.person.name),
            Month("month", _("Month"), example="2021-03"),
            Integer("patients", _("Patients seen"), required=False, example="420"),
            Integer("operations_grade_1", _("Grade 1 operations"), required=False, example="6"),
            Integer("operations_grade_2", _("Grade 2 operations"), required=False, example="8"),
            Integer("operations_grade_3", _("Grade 3 operations"), required=False, example="5"),
            Integer("operations_grade_4", _("Grade 4 operations"), required=False, example="2"),
            Derived("operations", _("Operations"), compute=_log_operations),
            Integer("teaching_sessions", _("Teaching sessions"), required=False, example="4"),
            Integer("consultations", _("Consultations answered"), required=False, example="12"),
        ),
        create=services.posting_log_create,
        update=services.posting_log_update,
        delete=services.posting_log_delete,
        search_fields=("posting__person__name", "posting__host__name"),
        date_field="month",
        date_is_month=True,
        ordering=("-month",),
        select_related=("posting", "posting__person", "posting__host", "posting__partnership"),
        in_menu=False,
    )
)


# --- visiting trips --------------------------------------------------------------------------------
VISITING_TRIPS = register(
    RecordKind(
        slug="visiting-trips",
        model=VisitingTrip,
        app="workforce",
        unit_field="host",
        partnership_field="partnership",
        columns=(
            PartnershipRef(),
            UnitRef("host", _("Host institution"), help=_("The receiving institution visited (code or name).")),
            Date("started_on", _("Start date"), example="2021-07-12"),
            Date("ended_on", _("End date"), required=False, help=_("Empty for a one-day trip."), example="2021-07-16"),
            PeopleRefs("experts", _("Experts"), required=True, help=_("Record numbers or names, separated by ；")),
            Derived("expert_count", _("Number of experts"), compute=lambda trip: len(trip.experts.all())),
            Column("purpose", _("Purpose"), multiline=True, max_length=2000, example="心内科巡诊、教学查房与病例讨论"),
        ),
        create=services.visiting_trip_create,
        update=services.visiting_trip_update,
        delete=services.visiting_trip_delete,
        search_fields=("purpose", "host__name", "experts__name"),
        date_field="started_on",
        ordering=("-started_on",),
        select_related=("partnership", "partnership__supporter", "partnership__recipient", "host"),
        prefetch_related=("experts",),
    )
)


# --- placements (进修 / 挂职) ---------------------------------------------------------------------------
PLACEMENTS = register(
    RecordKind(
        slug="placements",
        model=Placement,
        app="workforce",
        unit_field="home",
        partnership_field="partnership",
        columns=(
            PersonRef("person", _("Staff member"), help=_("Record number or name (staff of the receiving side).")),
            UnitRef("home", _("Home institution"), importable=False),
            PartnershipRef(),
            UnitRef("host", _("Host institution"), help=_("The supporting institution (code or name).")),
            CodeRef("department", _("Department"), model=Department, required=False),
            Choice("kind", _("Kind"), choices=PlacementKind),
            Date("started_on", _("Start date"), example="2021-03-01"),
            Date("ended_on", _("End date"), required=False, example="2021-08-31"),
            Column(
                "after_return",
                _("After returning"),
                required=False,
                multiline=True,
                in_list=False,
                max_length=2000,
                example="回院后开展腹腔镜胆囊切除术",
            ),
            Choice("new_post", _("New post"), choices=PostType, required=False),
        ),
        create=services.placement_create,
        update=services.placement_update,
        delete=services.placement_delete,
        search_fields=("person__name", "host__name", "home__name", "after_return"),
        date_field="started_on",
        filter_keys=("kind",),
        ordering=("-started_on",),
        select_related=(
            "person",
            "home",
            "partnership",
            "partnership__supporter",
            "partnership__recipient",
            "host",
            "department",
        ),
    )
)
