"""The record kinds of this app: outreach events, donations, specialty alliances and (reached from an
alliance's page) their members and visits."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.core.models import Department
from shanhai.outreach import services
from shanhai.outreach.columns import Services, WordChoice
from shanhai.outreach.models import (
    Alliance,
    AllianceMember,
    AllianceVisit,
    Donation,
    DonationKind,
    OutreachEvent,
    OutreachKind,
)
from shanhai.outreach.selectors import alliance_members, alliance_visibility, alliance_visits, member_visibility
from shanhai.records.columns import (
    Amount,
    CodeRef,
    Column,
    Date,
    Integer,
    PartnershipRef,
    RecordRef,
    UnitRef,
)
from shanhai.records.kinds import RecordKind, kind_of, register
from shanhai.records.selectors import can_write_record
from shanhai.workforce.columns import PeopleRefs

OUTREACH_WORDS = {
    "义诊": OutreachKind.FREE_CLINIC,
    "巡诊": OutreachKind.MOBILE_CLINIC,
    "巡回医疗": OutreachKind.MOBILE_CLINIC,
    "医疗巴扎": OutreachKind.MEDICAL_BAZAAR,
    "巴扎": OutreachKind.MEDICAL_BAZAAR,
}
DONATION_WORDS = {
    "资金": DonationKind.FUNDS,
    "专项资金": DonationKind.FUNDS,
    "设备": DonationKind.EQUIPMENT,
    "药品": DonationKind.MEDICINES,
}

register(
    RecordKind(
        slug="outreach-events",
        model=OutreachEvent,
        app="outreach",
        unit_field="place",
        columns=(
            WordChoice("kind", _("Kind"), choices=OutreachKind, words=OUTREACH_WORDS, example="医疗巴扎"),
            Date("held_on", _("Date"), example="2022-07-15"),
            UnitRef(
                "place",
                _("Place (code or name)"),
                regions=True,
                help=_("A township, a county or an institution within the recipient's county."),
                example="652325201",
            ),
            PartnershipRef(),
            PeopleRefs("team", _("Team members"), in_list=False, help=_("Record numbers or names, separated by ；")),
            Integer("team_size", _("Team size"), required=False, help=_("For teams whose members are not named.")),
            Services(
                "services",
                _("Services offered"),
                help=_("Separated by ；, e.g. 体检；咨询；化验；发药"),
                example="体检；咨询；化验；发药",
            ),
            Integer("people_seen", _("People seen"), example="126"),
            Amount("medicine_value", _("Free medicines (¥)"), required=False, example="2800"),
            Column("description", _("Description"), required=False, in_list=False, multiline=True, max_length=2000),
        ),
        create=services.outreach_event_create,
        update=services.outreach_event_update,
        delete=services.outreach_event_delete,
        search_fields=("place__name", "description"),
        date_field="held_on",
        filter_keys=("kind",),
        ordering=("-held_on",),
        select_related=("place", "partnership__supporter", "partnership__recipient"),
        prefetch_related=("team",),
    )
)

register(
    RecordKind(
        slug="donations",
        model=Donation,
        app="outreach",
        unit_field="recipient",
        columns=(
            UnitRef("donor", _("Donor (code or name)"), example="H350181001"),
            UnitRef("recipient", _("Recipient (code or name)"), example="H652325002"),
            PartnershipRef(),
            WordChoice("kind", _("Kind"), choices=DonationKind, words=DONATION_WORDS, example="资金"),
            Amount("amount", _("Amount (¥)"), example="200000"),
            Date("donated_on", _("Date"), example="2023-09-01"),
            Column("description", _("Description"), required=False, multiline=True, max_length=2000),
        ),
        create=services.donation_create,
        update=services.donation_update,
        delete=services.donation_delete,
        search_fields=("donor__name", "recipient__name", "description"),
        date_field="donated_on",
        filter_keys=("kind",),
        ordering=("-donated_on",),
        select_related=("donor", "recipient", "partnership__supporter", "partnership__recipient"),
    )
)


def _alliance_context(request: AuthenticatedHttpRequest, alliance: Alliance) -> dict[str, Any]:
    members = list(alliance_members(alliance))
    return {
        "alliance": alliance,
        "members": members,
        "active_member_count": sum(1 for member in members if member.is_active),
        "visits": list(alliance_visits(alliance)),
        "can_write_alliance": can_write_record(kind_of("alliances"), request.user, alliance),
    }


register(
    RecordKind(
        slug="alliances",
        model=Alliance,
        app="outreach",
        unit_field="lead",
        columns=(
            Column("name", _("Name"), max_length=120, example="昌吉州卒中专科联盟"),
            CodeRef("specialty", _("Specialty (department code or name)"), model=Department, example="03"),
            UnitRef("lead", _("Lead institution (code or name)"), example="H652300001"),
            Date("founded_on", _("Founded on"), example="2021-03-18"),
            PartnershipRef(required=False),
            Column("description", _("Description"), required=False, in_list=False, multiline=True, max_length=2000),
        ),
        create=services.alliance_create,
        update=services.alliance_update,
        delete=services.alliance_delete,
        search_fields=("name", "lead__name", "specialty__name"),
        date_field="founded_on",
        ordering=("name",),
        select_related=("specialty", "lead", "partnership__supporter", "partnership__recipient"),
        detail_template="outreach/alliance_detail.html",
        detail_context=_alliance_context,
        visibility=alliance_visibility,
    )
)


def _alliance_writers(record_or_values: Any) -> list[Any]:
    """Members and visits are kept by the lead institution or either end of the alliance's partnership."""
    alliance = (
        record_or_values.get("alliance")
        if isinstance(record_or_values, dict)
        else getattr(record_or_values, "alliance", None)
    )
    if alliance is None:
        return []
    units = [alliance.lead]
    if alliance.partnership is not None:
        units += [alliance.partnership.supporter, alliance.partnership.recipient]
    return units


register(
    RecordKind(
        slug="alliance-members",
        model=AllianceMember,
        app="outreach",
        unit_field="institution",
        partnership_field="alliance__partnership",
        columns=(
            RecordRef("alliance", _("Specialty alliance (record number)"), kind="alliances"),
            UnitRef("institution", _("Member institution (code or name)")),
            Date("joined_on", _("Joined on")),
            Date("left_on", _("Left on"), required=False),
        ),
        create=services.alliance_member_create,
        update=services.alliance_member_update,
        delete=services.alliance_member_delete,
        search_fields=("institution__name", "alliance__name"),
        date_field="joined_on",
        ordering=("alliance__name", "joined_on"),
        select_related=("alliance__lead", "institution"),
        in_menu=False,
        visibility=member_visibility,
        writable_units=_alliance_writers,
    )
)

register(
    RecordKind(
        slug="alliance-visits",
        model=AllianceVisit,
        app="outreach",
        unit_field="visited",
        partnership_field="alliance__partnership",
        columns=(
            RecordRef("alliance", _("Specialty alliance (record number)"), kind="alliances"),
            Column("team", _("Team"), max_length=80, example="第1帮扶组"),
            UnitRef("visited", _("Visited unit (code or name)"), regions=True),
            Date("visited_on", _("Date")),
            Integer("experts", _("Experts"), minimum=1, example="4"),
            Column("purpose", _("Purpose"), required=False, multiline=True, max_length=2000),
        ),
        create=services.alliance_visit_create,
        update=services.alliance_visit_update,
        delete=services.alliance_visit_delete,
        search_fields=("team", "visited__name", "alliance__name"),
        date_field="visited_on",
        ordering=("-visited_on",),
        select_related=("alliance__lead", "visited"),
        in_menu=False,
        visibility=member_visibility,
        writable_units=_alliance_writers,
    )
)
