"""Metrics (ids 501–599), fact sources and indicators of outreach events, donations and alliances.

Where facts go: an outreach event on its place; a donation on its recipient; an alliance's
founding on its lead; a membership on the member institution; a visit on the visited unit. Each
carries its partnership (members and visits: their alliance's, 0 if none) and its programme.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import FloatField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from shanhai.analytics.facts import FactRow, MonthNumber, credit, metric_value, rebuild_credit, register_source
from shanhai.analytics.registry import Closing, Evidence, Flow, Metric, registry
from shanhai.core.periods import add_months, month_of
from shanhai.outreach.models import (
    Alliance,
    AllianceMember,
    AllianceVisit,
    Donation,
    DonationKind,
    OutreachEvent,
)


def _event(value: str | None = None) -> Evidence:
    return Evidence("outreach-events", month="held_on", unit="place", value=value)


def _donation(kind: str) -> Evidence:
    return Evidence("donations", month="donated_on", unit="recipient", condition=Q(kind=kind), value="amount")


def _member(month: str, **kwargs: object) -> Evidence:
    return Evidence(
        "alliance-members",
        month=month,
        unit="institution",
        partnership="alliance__partnership",
        **kwargs,  # type: ignore[arg-type]
    )


def _visit(value: str | None = None) -> Evidence:
    return Evidence(
        "alliance-visits", month="visited_on", unit="visited", partnership="alliance__partnership", value=value
    )


OUTREACH_EVENTS = registry.metric(501, "outreach.events", _("Outreach events"), evidence=_event())
OUTREACH_PEOPLE_SEEN = registry.metric(
    502, "outreach.people_seen", _("People seen at outreach events"), evidence=_event("people_seen")
)
OUTREACH_MEDICINE_VALUE = registry.metric(
    503, "outreach.medicine_value", _("Free medicines given at outreach (¥)"), evidence=_event("medicine_value")
)
DONATION_METRICS: dict[str, Metric] = {
    DonationKind.FUNDS: registry.metric(
        511, "donation.funds", _("Funds donated (¥)"), evidence=_donation(DonationKind.FUNDS)
    ),
    DonationKind.EQUIPMENT: registry.metric(
        512, "donation.equipment", _("Equipment donated (¥)"), evidence=_donation(DonationKind.EQUIPMENT)
    ),
    DonationKind.MEDICINES: registry.metric(
        513, "donation.medicines", _("Medicines donated (¥)"), evidence=_donation(DonationKind.MEDICINES)
    ),
}
ALLIANCE_FOUNDED = registry.metric(
    521,
    "alliance.founded",
    _("Specialty alliances founded"),
    evidence=Evidence("alliances", month="founded_on", unit="lead"),
)
ALLIANCE_MEMBER_JOINED = registry.metric(
    522, "alliance.member_joined", _("Alliance members joined"), kind="delta", evidence=_member("joined_on")
)
#: Counted in the month after the leaving date: a member is still a member at the end of the month it left.
ALLIANCE_MEMBER_LEFT = registry.metric(
    523,
    "alliance.member_left",
    _("Alliance members left"),
    kind="delta",
    evidence=_member("left_on", shift=1, condition=Q(left_on__isnull=False)),
)
ALLIANCE_VISITS = registry.metric(524, "alliance.visits", _("Alliance assistance visits"), evidence=_visit())
ALLIANCE_VISIT_EXPERTS = registry.metric(
    525, "alliance.visit_experts", _("Experts on alliance visits"), evidence=_visit("experts")
)


# --- fact sources ------------------------------------------------------------------------------------
def _event_rows(event: OutreachEvent) -> list[FactRow]:
    common = {"org_unit_id": event.place_id, "month": month_of(event.held_on), **credit(event.partnership)}
    return [
        FactRow(metric=OUTREACH_EVENTS, **common),
        FactRow(metric=OUTREACH_PEOPLE_SEEN, value=float(event.people_seen), **common),
        FactRow(metric=OUTREACH_MEDICINE_VALUE, value=float(event.medicine_value), **common),
    ]


def _event_rebuild() -> Iterable[QuerySet]:
    events = OutreachEvent.objects.annotate(f_month=MonthNumber("held_on"))
    for metric, value in (
        (OUTREACH_EVENTS, None),
        (OUTREACH_PEOPLE_SEEN, Cast("people_seen", FloatField())),
        (OUTREACH_MEDICINE_VALUE, Cast("medicine_value", FloatField())),
    ):
        yield events.annotate(f_metric=metric_value(metric), **rebuild_credit(unit="place_id", value=value))


def _donation_rows(donation: Donation) -> list[FactRow]:
    return [
        FactRow(
            metric=DONATION_METRICS[donation.kind],
            org_unit_id=donation.recipient_id,
            month=month_of(donation.donated_on),
            value=float(donation.amount),
            **credit(donation.partnership),
        )
    ]


def _donation_rebuild() -> Iterable[QuerySet]:
    for kind, metric in DONATION_METRICS.items():
        yield Donation.objects.filter(kind=kind).annotate(
            f_metric=metric_value(metric),
            f_month=MonthNumber("donated_on"),
            **rebuild_credit(unit="recipient_id", value=Cast("amount", FloatField())),
        )


def _alliance_rows(alliance: Alliance) -> list[FactRow]:
    return [
        FactRow(
            metric=ALLIANCE_FOUNDED,
            org_unit_id=alliance.lead_id,
            month=month_of(alliance.founded_on),
            **credit(alliance.partnership),
        )
    ]


def _alliance_rebuild() -> Iterable[QuerySet]:
    yield Alliance.objects.annotate(
        f_metric=metric_value(ALLIANCE_FOUNDED), f_month=MonthNumber("founded_on"), **rebuild_credit(unit="lead_id")
    )


def _member_rows(member: AllianceMember) -> list[FactRow]:
    common = {"org_unit_id": member.institution_id, **credit(member.alliance.partnership)}
    rows = [FactRow(metric=ALLIANCE_MEMBER_JOINED, month=month_of(member.joined_on), **common)]
    if member.left_on is not None:
        rows.append(FactRow(metric=ALLIANCE_MEMBER_LEFT, month=add_months(month_of(member.left_on), 1), **common))
    return rows


def _member_rebuild() -> Iterable[QuerySet]:
    common = rebuild_credit(unit="institution_id", partnership="alliance__partnership")
    yield AllianceMember.objects.annotate(
        f_metric=metric_value(ALLIANCE_MEMBER_JOINED), f_month=MonthNumber("joined_on"), **common
    )
    yield AllianceMember.objects.filter(left_on__isnull=False).annotate(
        f_metric=metric_value(ALLIANCE_MEMBER_LEFT), f_month=MonthNumber("left_on", shift=1), **common
    )


def _visit_rows(visit: AllianceVisit) -> list[FactRow]:
    common = {
        "org_unit_id": visit.visited_id,
        "month": month_of(visit.visited_on),
        **credit(visit.alliance.partnership),
    }
    return [
        FactRow(metric=ALLIANCE_VISITS, **common),
        FactRow(metric=ALLIANCE_VISIT_EXPERTS, value=float(visit.experts), **common),
    ]


def _visit_rebuild() -> Iterable[QuerySet]:
    visits = AllianceVisit.objects.annotate(f_month=MonthNumber("visited_on"))
    for metric, value in ((ALLIANCE_VISITS, None), (ALLIANCE_VISIT_EXPERTS, Cast("experts", FloatField()))):
        yield visits.annotate(
            f_metric=metric_value(metric),
            **rebuild_credit(unit="visited_id", partnership="alliance__partnership", value=value),
        )


register_source(OutreachEvent, rows=_event_rows, rebuild=_event_rebuild)
register_source(Donation, rows=_donation_rows, rebuild=_donation_rebuild)
register_source(Alliance, rows=_alliance_rows, rebuild=_alliance_rebuild)
register_source(AllianceMember, rows=_member_rows, rebuild=_member_rebuild)
register_source(AllianceVisit, rows=_visit_rows, rebuild=_visit_rebuild)


# --- indicators ------------------------------------------------------------------------------------------
OUTREACH_SOURCE = _("Shanhai outreach event records")
DONATION_SOURCE = _("Shanhai donation records")
ALLIANCE_SOURCE = _("Shanhai specialty alliance records")

registry.indicator(
    code="outreach_events",
    name_zh="义诊巡诊活动场次",
    name_en="Outreach events",
    numerator=Flow(OUTREACH_EVENTS),
    unit_zh="场",
    definition_zh="统计期内开展的义诊、巡回医疗和医疗巴扎活动场次，按活动地点统计。",
    definition_en="Free clinics, mobile clinics and medical bazaars held in the period, counted at their place.",
    source=OUTREACH_SOURCE,
    app="outreach",
)
registry.indicator(
    code="outreach_people_seen",
    name_zh="义诊巡诊服务群众人次",
    name_en="People seen at outreach events",
    numerator=Flow(OUTREACH_PEOPLE_SEEN),
    unit_zh="人次",
    definition_zh="统计期内义诊、巡回医疗和医疗巴扎活动服务群众人次之和。",
    definition_en="Sum of the people seen at the outreach events held in the period.",
    source=OUTREACH_SOURCE,
    app="outreach",
)
registry.indicator(
    code="outreach_medicine_value",
    name_zh="义诊巡诊免费发放药品金额",
    name_en="Free medicines given at outreach events",
    numerator=Flow(OUTREACH_MEDICINE_VALUE),
    decimals=2,
    unit_zh="元",
    unit_en="¥",
    definition_zh="统计期内义诊、巡回医疗和医疗巴扎活动免费发放药品金额之和（元）。",
    definition_en="Value in yuan of the medicines given free of charge at the outreach events held in the period.",
    source=OUTREACH_SOURCE,
    app="outreach",
)
registry.indicator(
    code="donations_total",
    name_zh="捐赠总额",
    name_en="Donations, all kinds",
    numerator=Flow(DONATION_METRICS[DonationKind.FUNDS])
    + Flow(DONATION_METRICS[DonationKind.EQUIPMENT])
    + Flow(DONATION_METRICS[DonationKind.MEDICINES]),
    decimals=2,
    unit_zh="元",
    unit_en="¥",
    definition_zh="统计期内支援方捐赠的资金、设备（折价）和药品（折价）金额之和（元），按受赠单位统计。",
    definition_en="Funds, equipment and medicines (at their value) donated in the period, in yuan, at the recipient.",
    source=DONATION_SOURCE,
    app="outreach",
)
for _kind, _code, _zh, _en, _def_zh, _def_en in (
    (
        DonationKind.FUNDS,
        "donations_funds",
        "捐赠资金",
        "Funds donated",
        "统计期内支援方捐赠的资金（含专项资金）金额之和（元）。",
        "Funds (including special funds) donated in the period, in yuan.",
    ),
    (
        DonationKind.EQUIPMENT,
        "donations_equipment",
        "捐赠设备金额",
        "Equipment donated",
        "统计期内支援方捐赠设备的折价金额之和（元）。",
        "Value in yuan of the equipment donated in the period.",
    ),
    (
        DonationKind.MEDICINES,
        "donations_medicines",
        "捐赠药品金额",
        "Medicines donated",
        "统计期内支援方捐赠药品的折价金额之和（元）。",
        "Value in yuan of the medicines donated in the period.",
    ),
):
    registry.indicator(
        code=_code,
        name_zh=_zh,
        name_en=_en,
        numerator=Flow(DONATION_METRICS[_kind]),
        decimals=2,
        unit_zh="元",
        unit_en="¥",
        definition_zh=_def_zh,
        definition_en=_def_en,
        source=DONATION_SOURCE,
        app="outreach",
    )
registry.indicator(
    code="alliances_founded",
    name_zh="新成立专科联盟数",
    name_en="Specialty alliances founded",
    numerator=Flow(ALLIANCE_FOUNDED),
    unit_zh="个",
    definition_zh="统计期内成立的专科联盟个数，按牵头单位统计。",
    definition_en="Specialty alliances founded in the period, counted at their lead institution.",
    source=ALLIANCE_SOURCE,
    app="outreach",
)
registry.indicator(
    code="alliance_members",
    name_zh="专科联盟成员单位数",
    name_en="Specialty alliance members",
    numerator=Closing(ALLIANCE_MEMBER_JOINED) - Closing(ALLIANCE_MEMBER_LEFT),
    unit_zh="家",
    definition_zh="期末仍在专科联盟中的成员单位数（按成员单位统计，一家单位加入两个联盟计两次；牵头单位不计入）。",
    definition_en=(
        "Memberships of specialty alliances in force at the end of the period, counted at the member "
        "(an institution in two alliances counts twice; lead institutions are not members)."
    ),
    source=ALLIANCE_SOURCE,
    app="outreach",
)
registry.indicator(
    code="alliance_visits",
    name_zh="专科联盟帮扶次数",
    name_en="Specialty alliance assistance visits",
    numerator=Flow(ALLIANCE_VISITS),
    unit_zh="次",
    definition_zh="统计期内专科联盟帮扶组到成员单位或基层开展帮扶的次数，按被帮扶单位统计。",
    definition_en="Assistance visits made by specialty alliance teams in the period, counted at the visited unit.",
    source=ALLIANCE_SOURCE,
    app="outreach",
)
registry.indicator(
    code="alliance_visit_experts",
    name_zh="专科联盟帮扶专家人次",
    name_en="Experts on specialty alliance visits",
    numerator=Flow(ALLIANCE_VISIT_EXPERTS),
    unit_zh="人次",
    definition_zh="统计期内专科联盟帮扶活动派出专家人次之和。",
    definition_en="Sum of the experts taking part in the alliance assistance visits of the period.",
    source=ALLIANCE_SOURCE,
    app="outreach",
)
