"""Writes to outreach events, donations, specialty alliances, their members and visits.

Every service validates with messages a user can act on and hands the record to the shared
records transaction (validate → save → facts → audit). Callers check access first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from shanhai.accounts.models import User
from shanhai.core import clock
from shanhai.core.models import Department, OrgUnit, OrgUnitKind
from shanhai.outreach.models import (
    Alliance,
    AllianceMember,
    AllianceVisit,
    Donation,
    DonationKind,
    OutreachEvent,
    OutreachKind,
    OutreachService,
)
from shanhai.partnerships.models import Partnership
from shanhai.records.services import record_create, record_delete, record_update
from shanhai.workforce.models import Person

Errors = dict[str, str]


# --- shared rules -------------------------------------------------------------------------------
def _within(unit: OrgUnit, root: OrgUnit) -> bool:
    return unit.path.startswith(root.path)


def recipient_region(partnership: Partnership) -> OrgUnit:
    """The region an outreach event of the partnership may go to: the nearest region above (or at)
    the recipient — its county for a county hospital, its prefecture for a prefecture hospital."""
    recipient = partnership.recipient
    regions = OrgUnit.objects.filter(pk__in=recipient.ancestor_ids, kind__in=OrgUnitKind.region_kinds())
    return regions.order_by("-level").first() or recipient


def _check_date(errors: Errors, field: str, day: date | None, partnership: Partnership | None = None) -> None:
    if day is None:
        errors[field] = _("This is required.")
        return
    if day > clock.today():
        errors[field] = _("The date cannot be in the future.")
        return
    if partnership is None:
        return
    if day < partnership.started_on or (partnership.ended_on and day > partnership.ended_on):
        if partnership.ended_on:
            errors[field] = _("The partnership runs from %(start)s to %(end)s; the date must fall within it.") % {
                "start": partnership.started_on,
                "end": partnership.ended_on,
            }
        else:
            errors[field] = _("The partnership starts on %(start)s; the date cannot be earlier.") % {
                "start": partnership.started_on
            }


def _check_choice(errors: Errors, field: str, value: str, choices: type[Any]) -> None:
    if value not in choices.values:
        errors[field] = _("“%(value)s” is not one of the choices.") % {"value": value}


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


# --- outreach events ------------------------------------------------------------------------------
OUTREACH_FIELDS = (
    "kind",
    "held_on",
    "place",
    "partnership",
    "team",
    "team_size",
    "services",
    "people_seen",
    "medicine_value",
    "description",
)


def _services_text(services: Iterable[str] | str) -> str:
    """Stored as the choice values separated by commas, in the order of the choices."""
    given = [s for s in (services.split(",") if isinstance(services, str) else services) if s]
    if unknown := [s for s in given if s not in OutreachService.values]:
        raise ValidationError({"services": _("Unknown service: %(value)s.") % {"value": "、".join(unknown)}})
    return ",".join(value for value in OutreachService.values if value in set(given))


def _validate_event(event: OutreachEvent) -> None:
    errors: Errors = {}
    _check_choice(errors, "kind", event.kind, OutreachKind)
    partnership = event.partnership
    _check_date(errors, "held_on", event.held_on, partnership)
    region = recipient_region(partnership)
    if not _within(event.place, region):
        errors["place"] = _(
            "%(place)s is outside %(region)s, the area of the partnership's recipient %(recipient)s."
        ) % {"place": event.place.name, "region": region.name, "recipient": partnership.recipient.name}
    if event.people_seen is None or event.people_seen < 0:
        errors["people_seen"] = _("Enter the number of people seen (0 or more).")
    if event.medicine_value is None or event.medicine_value < 0:
        errors["medicine_value"] = _("The amount cannot be negative.")
    if event.team_size is not None and event.team_size < 0:
        errors["team_size"] = _("Enter a number not below %(minimum)s.") % {"minimum": 0}
    _raise(errors)


def _check_team(team_size: int | None, team: Sequence[Person]) -> None:
    if team_size is not None and team_size < len(team):
        raise ValidationError(
            {
                "team_size": _("The team size (%(size)s) is smaller than the %(named)s team members named.")
                % {"size": team_size, "named": len(team)}
            }
        )


def outreach_event_create(
    *,
    actor: User,
    kind: str,
    held_on: date,
    place: OrgUnit,
    partnership: Partnership,
    people_seen: int,
    team: Sequence[Person] = (),
    team_size: int | None = None,
    services: Iterable[str] | str = (),
    medicine_value: Decimal | None = None,
    description: str = "",
) -> OutreachEvent:
    team = list(team or [])
    _check_team(team_size, team)
    event = OutreachEvent(
        kind=kind,
        held_on=held_on,
        place=place,
        partnership=partnership,
        team_size=team_size,
        services=_services_text(services or ()),
        people_seen=people_seen,
        medicine_value=Decimal(0) if medicine_value is None else medicine_value,
        description=(description or "").strip(),
    )
    return record_create(actor=actor, record=event, validate=_validate_event, m2m={"team": team})


def outreach_event_update(*, actor: User, record: OutreachEvent, **changes: Any) -> OutreachEvent:
    if "services" in changes:
        changes["services"] = _services_text(changes["services"] or ())
    if "medicine_value" in changes and changes["medicine_value"] is None:
        changes["medicine_value"] = Decimal(0)
    if "description" in changes:
        changes["description"] = (changes["description"] or "").strip()
    if "team" in changes or "team_size" in changes:
        team = list(changes["team"]) if "team" in changes else list(record.team.all())
        _check_team(changes.get("team_size", record.team_size), team)
    return record_update(
        actor=actor,
        record=record,
        changes=changes,
        editable=OUTREACH_FIELDS,
        validate=_validate_event,
        m2m_fields=("team",),
    )


def outreach_event_delete(*, actor: User, record: OutreachEvent) -> None:
    record_delete(actor=actor, record=record)


# --- donations ---------------------------------------------------------------------------------------
DONATION_FIELDS = ("donor", "recipient", "partnership", "kind", "amount", "donated_on", "description")


def _validate_donation(donation: Donation) -> None:
    errors: Errors = {}
    _check_choice(errors, "kind", donation.kind, DonationKind)
    partnership = donation.partnership
    _check_date(errors, "donated_on", donation.donated_on, partnership)
    if not _within(donation.donor, partnership.supporter):
        errors["donor"] = _(
            "The donor must be %(supporter)s, the partnership's supporting side, or one of its units."
        ) % {"supporter": partnership.supporter.name}
    if not _within(donation.recipient, partnership.recipient):
        errors["recipient"] = _(
            "The recipient must be %(recipient)s, the partnership's receiving side, or one of its units."
        ) % {"recipient": partnership.recipient.name}
    if donation.amount is None or donation.amount <= 0:
        errors["amount"] = _("Enter an amount above zero.")
    _raise(errors)


def donation_create(
    *,
    actor: User,
    donor: OrgUnit,
    recipient: OrgUnit,
    partnership: Partnership,
    kind: str,
    amount: Decimal,
    donated_on: date,
    description: str = "",
) -> Donation:
    donation = Donation(
        donor=donor,
        recipient=recipient,
        partnership=partnership,
        kind=kind,
        amount=amount,
        donated_on=donated_on,
        description=(description or "").strip(),
    )
    return record_create(actor=actor, record=donation, validate=_validate_donation)


def donation_update(*, actor: User, record: Donation, **changes: Any) -> Donation:
    return record_update(
        actor=actor, record=record, changes=changes, editable=DONATION_FIELDS, validate=_validate_donation
    )


def donation_delete(*, actor: User, record: Donation) -> None:
    record_delete(actor=actor, record=record)


# --- specialty alliances -------------------------------------------------------------------------------
ALLIANCE_FIELDS = ("name", "specialty", "lead", "founded_on", "partnership", "description")


def alliance_dependents(alliance: Alliance) -> list[AllianceMember | AllianceVisit]:
    """Members and visits carry the alliance's partnership in their facts."""
    if alliance.pk is None:
        return []
    return [*alliance.members.all(), *alliance.visits.all()]


def _validate_alliance(alliance: Alliance) -> None:
    errors: Errors = {}
    if not (alliance.name or "").strip():
        errors["name"] = _("Enter the alliance's name.")
    if alliance.lead.is_region:
        errors["lead"] = _("The lead must be an institution, not a region.")
    _check_date(errors, "founded_on", alliance.founded_on)
    partnership = alliance.partnership
    if partnership is not None and not (
        _within(alliance.lead, partnership.supporter) or _within(alliance.lead, partnership.recipient)
    ):
        errors["partnership"] = _("The lead institution %(lead)s is on neither side of this partnership.") % {
            "lead": alliance.lead.name
        }
    if alliance.pk and "founded_on" not in errors:
        earlier = Q(joined_on__lt=alliance.founded_on)
        if (
            AllianceMember.objects.filter(earlier, alliance=alliance).exists()
            or AllianceVisit.objects.filter(alliance=alliance, visited_on__lt=alliance.founded_on).exists()
        ):
            errors["founded_on"] = _("Some members joined or visits took place before this date.")
    _raise(errors)


def alliance_create(
    *,
    actor: User,
    name: str,
    specialty: Department,
    lead: OrgUnit,
    founded_on: date,
    partnership: Partnership | None = None,
    description: str = "",
) -> Alliance:
    alliance = Alliance(
        name=(name or "").strip(),
        specialty=specialty,
        lead=lead,
        founded_on=founded_on,
        partnership=partnership,
        description=(description or "").strip(),
    )
    return record_create(actor=actor, record=alliance, validate=_validate_alliance)


def alliance_update(*, actor: User, record: Alliance, **changes: Any) -> Alliance:
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    return record_update(
        actor=actor,
        record=record,
        changes=changes,
        editable=ALLIANCE_FIELDS,
        validate=_validate_alliance,
        dependents=alliance_dependents,
    )


def alliance_delete(*, actor: User, record: Alliance) -> None:
    """Delete an alliance with its members and visits (their facts are withdrawn too)."""
    record_delete(actor=actor, record=record, dependents=alliance_dependents)


# --- alliance members ------------------------------------------------------------------------------------
MEMBER_FIELDS = ("alliance", "institution", "joined_on", "left_on")


def _validate_member(member: AllianceMember) -> None:
    errors: Errors = {}
    alliance = member.alliance
    if member.institution.is_region:
        errors["institution"] = _("A member must be an institution, not a region.")
    elif member.institution_id == alliance.lead_id:
        errors["institution"] = _("%(lead)s leads this alliance; the lead is not counted as a member.") % {
            "lead": alliance.lead.name
        }
    _check_date(errors, "joined_on", member.joined_on)
    if "joined_on" not in errors and member.joined_on < alliance.founded_on:
        errors["joined_on"] = _("The alliance was founded on %(date)s; a member cannot join earlier.") % {
            "date": alliance.founded_on
        }
    if member.left_on is not None:
        if member.left_on > clock.today():
            errors["left_on"] = _("The date cannot be in the future.")
        elif member.joined_on and member.left_on < member.joined_on:
            errors["left_on"] = _("The leaving date is before the joining date.")
    if not errors:
        others = AllianceMember.objects.filter(alliance=alliance, institution=member.institution).exclude(pk=member.pk)
        others = others.filter(Q(left_on__isnull=True) | Q(left_on__gte=member.joined_on))
        if member.left_on is not None:
            others = others.filter(joined_on__lte=member.left_on)
        if clash := others.order_by("joined_on").first():
            errors["institution"] = _("%(institution)s is already a member of this alliance from %(date)s.") % {
                "institution": member.institution.name,
                "date": clash.joined_on,
            }
    _raise(errors)


def alliance_member_create(
    *,
    actor: User,
    alliance: Alliance,
    institution: OrgUnit,
    joined_on: date,
    left_on: date | None = None,
) -> AllianceMember:
    member = AllianceMember(alliance=alliance, institution=institution, joined_on=joined_on, left_on=left_on)
    return record_create(actor=actor, record=member, validate=_validate_member)


def alliance_member_update(*, actor: User, record: AllianceMember, **changes: Any) -> AllianceMember:
    return record_update(actor=actor, record=record, changes=changes, editable=MEMBER_FIELDS, validate=_validate_member)


def alliance_member_delete(*, actor: User, record: AllianceMember) -> None:
    record_delete(actor=actor, record=record)


# --- alliance visits ---------------------------------------------------------------------------------------
VISIT_FIELDS = ("alliance", "team", "visited", "visited_on", "experts", "purpose")


def _validate_visit(visit: AllianceVisit) -> None:
    errors: Errors = {}
    if not (visit.team or "").strip():
        errors["team"] = _("Name the team that made the visit.")
    _check_date(errors, "visited_on", visit.visited_on)
    if "visited_on" not in errors and visit.visited_on < visit.alliance.founded_on:
        errors["visited_on"] = _("The alliance was founded on %(date)s; a visit cannot be earlier.") % {
            "date": visit.alliance.founded_on
        }
    if visit.experts is None or visit.experts < 1:
        errors["experts"] = _("A visit has at least one expert.")
    _raise(errors)


def alliance_visit_create(
    *,
    actor: User,
    alliance: Alliance,
    team: str,
    visited: OrgUnit,
    visited_on: date,
    experts: int,
    purpose: str = "",
) -> AllianceVisit:
    visit = AllianceVisit(
        alliance=alliance,
        team=(team or "").strip(),
        visited=visited,
        visited_on=visited_on,
        experts=experts,
        purpose=(purpose or "").strip(),
    )
    return record_create(actor=actor, record=visit, validate=_validate_visit)


def alliance_visit_update(*, actor: User, record: AllianceVisit, **changes: Any) -> AllianceVisit:
    if "team" in changes:
        changes["team"] = (changes["team"] or "").strip()
    return record_update(actor=actor, record=record, changes=changes, editable=VISIT_FIELDS, validate=_validate_visit)


def alliance_visit_delete(*, actor: User, record: AllianceVisit) -> None:
    record_delete(actor=actor, record=record)
