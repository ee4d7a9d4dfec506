"""The record kinds of case discussions (imported by ``TelehealthConfig.ready``): series and sessions in the menu;
cases, attendance and follow-up actions reached from a session's page. Lists, forms, XLSX/CSV import and export
and the API come from the records framework; the session page adds attendance taking and follow-up toggles
(``discussion_views``)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.core import clock
from shanhai.core.models import Department
from shanhai.records.columns import (
    Boolean,
    Choice,
    CodeRef,
    Column,
    Date,
    Derived,
    PartnershipRef,
    RecordRef,
    UnitRef,
)
from shanhai.records.kinds import RecordKind, kind_of, register
from shanhai.records.selectors import can_write_record
from shanhai.telehealth import discussions as services
from shanhai.telehealth.columns_discussions import ConsultationRef, TimeOfDay, UnitRefs, WeekdayColumn
from shanhai.telehealth.models import (
    CaseDiscussion,
    DiscussedCase,
    DiscussionAttendance,
    DiscussionKind,
    DiscussionSeries,
    DiscussionStatus,
    FollowUpAction,
    Recurrence,
)
from shanhai.telehealth.selectors_discussions import (
    discussion_visibility,
    follow_up_owners,
    row_visibility,
    series_sessions,
    series_visibility,
    session_attendance,
    session_follow_ups,
    session_staff,
)
from shanhai.workforce.columns import PersonRef

DISCUSSION_SLUG = "case-discussions"


def _session_writers(record_or_values: Any) -> list[Any]:
    """A session (or series) is kept by its host, its participating institution or either end of its partnership."""
    get = record_or_values.get if isinstance(record_or_values, dict) else lambda k: getattr(record_or_values, k, None)
    partnership = get("partnership")
    units = [get("host"), get("recipient")]
    if partnership is not None:
        units += [partnership.supporter, partnership.recipient]
    return [u for u in units if u is not None]


def _row_writers(record_or_values: Any) -> list[Any]:
    discussion = (
        record_or_values.get("discussion")
        if isinstance(record_or_values, dict)
        else getattr(record_or_values, "discussion", None)
    )
    return _session_writers(discussion) if discussion is not None else []


def _series_context(request: AuthenticatedHttpRequest, series: DiscussionSeries) -> dict[str, Any]:
    return {
        "series": series,
        "sessions": list(series_sessions(series)[:60]),
        "can_write_series": can_write_record(kind_of("discussion-series"), request.user, series),
        "schedule_ahead": services.SCHEDULE_AHEAD,
    }


def _session_context(request: AuthenticatedHttpRequest, discussion: CaseDiscussion) -> dict[str, Any]:
    units = services.session_institutions(discussion)
    attendance = session_attendance(discussion)
    rows = {row.person_id: row for row in attendance if row.person_id}
    staff = session_staff(discussion, units)
    return {
        "discussion": discussion,
        "cases": list(discussion.cases.select_related("presenter", "department", "consultation", "pregnancy__woman")),
        "staff": [(person, rows.get(person.pk), services.side_of(discussion, person.institution)) for person in staff],
        "attendance": attendance,
        "attended_count": sum(1 for row in attendance if row.attended),
        "follow_ups": session_follow_ups(discussion),
        "owners": list(follow_up_owners(units)),
        "can_write_session": can_write_record(kind_of(DISCUSSION_SLUG), request.user, discussion),
        "today": clock.today(),
    }


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


SESSION_SELECT = ("host", "recipient", "series", "partnership__supporter", "partnership__recipient")

register(
    RecordKind(
        slug="discussion-series",
        model=DiscussionSeries,
        app="telehealth",
        unit_field="recipient",
        columns=(
            Column(
                "title", pgettext_lazy("discussion", "Title"), max_length=120, example="福清—奇台妇产科病例讨论（周四）"
            ),
            PartnershipRef(),
            UnitRef("host", _("Hosting institution (code or name)"), required=False, help=_("Default: the supporter.")),
            UnitRef(
                "recipient",
                _("Participating institution (code or name)"),
                required=False,
                help=_("Default: the recipient."),
            ),
            Choice("kind", _("Kind"), choices=DiscussionKind, example="病例讨论"),
            Choice("recurrence", _("Recurrence"), choices=Recurrence, example="每周"),
            WeekdayColumn("weekday", _("Weekday"), example="周四"),
            TimeOfDay("start_time", _("Start time"), example="16:00"),
            TimeOfDay("end_time", _("End time"), example="17:30"),
            Date("starts_on", _("First session on or after"), example="2024-04-25"),
            Date("ends_on", _("Last session on or before"), required=False),
            RecordRef("studio", _("Expert studio (record number)"), kind="specialties", required=False, in_list=False),
            Column("description", _("Description"), required=False, in_list=False, multiline=True, max_length=2000),
        ),
        create=services.series_create,
        update=services.series_update,
        delete=services.series_delete,
        search_fields=("title", "host__name", "recipient__name"),
        date_field="starts_on",
        filter_keys=("kind", "recurrence"),
        ordering=("title",),
        select_related=("host", "recipient", "studio", "partnership__supporter", "partnership__recipient"),
        detail_template="telehealth/discussion_series_detail.html",
        detail_context=_series_context,
        visibility=series_visibility,
        writable_units=_session_writers,
    )
)

register(
    RecordKind(
        slug=DISCUSSION_SLUG,
        model=CaseDiscussion,
        app="telehealth",
        unit_field="recipient",
        columns=(
            PartnershipRef(),
            RecordRef(
                "series",
                _("Discussion series (record number)"),
                kind="discussion-series",
                required=False,
                in_list=False,
            ),
            UnitRef("host", _("Hosting institution (code or name)"), required=False, help=_("Default: the supporter.")),
            UnitRef(
                "recipient",
                _("Participating institution (code or name)"),
                required=False,
                help=_("Default: the recipient."),
            ),
            UnitRefs(
                "other_institutions",
                _("Other participating institutions (codes or names)"),
                in_list=False,
                help=_("Separated by ；"),
            ),
            Choice("kind", _("Kind"), choices=DiscussionKind, example="病例讨论"),
            Date("scheduled_on", _("Date"), example="2025-03-06"),
            TimeOfDay("start_time", _("Start time"), example="16:00"),
            TimeOfDay("end_time", _("End time"), example="17:30"),
            Choice("status", _("Status"), choices=DiscussionStatus, example="已举行"),
            Column("topic", _("Topic"), required=False, max_length=200),
            Column("minutes", _("Minutes"), required=False, in_list=False, multiline=True, max_length=20000),
        ),
        create=services.discussion_create,
        update=services.discussion_update,
        delete=services.discussion_delete,
        search_fields=("topic", "host__name", "recipient__name"),
        date_field="scheduled_on",
        filter_keys=("kind", "status"),
        ordering=("-scheduled_on", "-start_time"),
        select_related=SESSION_SELECT,
        prefetch_related=("other_institutions",),
        detail_template="telehealth/discussion_detail.html",
        detail_context=_session_context,
        visibility=discussion_visibility,
        writable_units=_session_writers,
    )
)

_DISCUSSION_REF = RecordRef("discussion", _("Case discussion (record number)"), kind=DISCUSSION_SLUG)
_ROW_SELECT = tuple(f"discussion__{path}" for path in SESSION_SELECT)

register(
    RecordKind(
        slug="discussed-cases",
        model=DiscussedCase,
        app="telehealth",
        unit_field="discussion__recipient",
        partnership_field="discussion__partnership",
        columns=(
            _DISCUSSION_REF,
            PersonRef("presenter", _("Presenter (record number or name)"), required=False),
            Column("presenter_name", _("Presenter (name, if not on record)"), required=False, max_length=40),
            CodeRef("department", _("Department (code or name)"), model=Department, required=False),
            Column(
                "summary",
                _("Case summary (masked)"),
                multiline=True,
                max_length=8000,
                help=_("No name, ID number, phone or address of the patient: age, sex, history, findings, question."),
            ),
            ConsultationRef("consultation", _("Consultation (number)"), required=False, in_list=False),
            RecordRef("pregnancy", _("Pregnancy (record number)"), kind="pregnancies", required=False, in_list=False),
        ),
        create=services.discussed_case_create,
        update=services.discussed_case_update,
        delete=services.discussed_case_delete,
        search_fields=("summary", "presenter__name", "presenter_name"),
        date_field="discussion__scheduled_on",
        ordering=("-discussion__scheduled_on", "id"),
        select_related=(*_ROW_SELECT, "presenter", "department", "consultation", "pregnancy__woman"),
        in_menu=False,
        visibility=row_visibility,
        writable_units=_row_writers,
    )
)

register(
    RecordKind(
        slug="discussion-attendance",
        model=DiscussionAttendance,
        app="telehealth",
        unit_field="discussion__recipient",
        partnership_field="discussion__partnership",
        columns=(
            _DISCUSSION_REF,
            PersonRef("person", _("Person (record number or name)")),
            UnitRef(
                "institution",
                _("Institution (code or name)"),
                required=False,
                help=_("Default: the person's institution."),
            ),
            Boolean("attended", _("Attended"), example="是"),
            Derived("side", _("Side"), compute=lambda row: row.get_side_display()),
        ),
        create=services.attendance_create,
        update=services.attendance_update,
        delete=services.attendance_delete,
        search_fields=("person__name", "institution__name"),
        date_field="discussion__scheduled_on",
        filter_keys=(),
        ordering=("-discussion__scheduled_on", "side", "id"),
        select_related=(*_ROW_SELECT, "person", "user", "institution"),
        in_menu=False,
        visibility=row_visibility,
        writable_units=_row_writers,
    )
)

register(
    RecordKind(
        slug="follow-up-actions",
        model=FollowUpAction,
        app="telehealth",
        unit_field="discussion__recipient",
        partnership_field="discussion__partnership",
        columns=(
            _DISCUSSION_REF,
            Column("description", _("What to do"), multiline=True, max_length=2000),
            Column("owner_name", _("Owner (name)"), required=False, max_length=40),
            Derived("owner", _("Owner (user)"), compute=lambda action: str(action.owner or "")),
            Date("due_on", _("Due on"), required=False),
            Boolean("done", _("Done"), sort=None),
            Derived("done_at", _("Done at"), compute=lambda action: _local(action.done_at)),
        ),
        create=services.follow_up_create,
        update=services.follow_up_update,
        delete=services.follow_up_delete,
        search_fields=("description", "owner_name", "owner__full_name"),
        date_field="due_on",
        ordering=("due_on", "id"),
        select_related=(*_ROW_SELECT, "owner"),
        in_menu=False,
        visibility=row_visibility,
        writable_units=_row_writers,
    )
)
