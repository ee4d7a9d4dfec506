"""Evidence: the records behind a number, filtered exactly as the engine computed it.

Each metric declares where its facts come from (``registry.Evidence``): a record kind, the date
whose month the fact sits in, the paths to its unit and partnership, which records give a fact
and the field summed. The records behind a term for a scope and period are that kind's records
in the scope (``Scope.record_filter``) whose month falls in the term's window (flow: the period's
months; closing: up to its last month; opening: before its first), so their count (or sum) is
the term's value. An indicator's terms of one kind make one list (``Closing(started) −
Closing(left)``: started by the end and not left by then); a ratio shows the numerator's and the
denominator's lists. Measures list the records their ``evidence`` callable gives (distinct people
are counted over them). Every list is also limited to the records the user may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

import django_tables2 as tables
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F, Model, Q, QuerySet, Sum
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tables2 import RequestConfig

from shanhai.accounts.models import User
from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.analytics.engine import IndicatorValue, Scope, evaluate_one
from shanhai.analytics.registry import (
    Closing,
    Evidence,
    Flow,
    Indicator,
    Measure,
    Metric,
    Negate,
    Opening,
    RecordSet,
    Term,
    registry,
)
from shanhai.analytics.registry import Sum as TermSum
from shanhai.core.models import OrgUnitKind
from shanhai.core.periods import Period, add_months, month_end, month_start, parse_period
from shanhai.partnerships.models import Agreement, Partnership
from shanhai.partnerships.selectors import partnership_list
from shanhai.portal.access import access_scope
from shanhai.portal.catalogue import describe
from shanhai.records.kinds import RecordKind, kind_of
from shanhai.records.selectors import record_list
from shanhai.records.tables import record_table

Window = Literal["flow", "opening", "closing"]
PER_PAGE = 50
#: Org units the records list's region filter offers (partnerships.filters.FILTER_REGION_KINDS).
REGION_KINDS = (OrgUnitKind.PROVINCE, OrgUnitKind.PREFECTURE, OrgUnitKind.COUNTY)
#: The partnerships app's own models, listed as evidence like record kinds.
OWN_KINDS: dict[str, type[Model]] = {"partnerships": Partnership, "agreements": Agreement}


# --- selectors ---------------------------------------------------------------------------------------
def model_of(kind: str) -> type[Model]:
    return OWN_KINDS[kind] if kind in OWN_KINDS else kind_of(kind).model


def visible_records(kind: str, user: User) -> QuerySet[Any]:
    """The records of a kind the user may see (the same rule as their own pages)."""
    if kind == "partnerships":
        return partnership_list(user)
    if kind == "agreements":
        partnerships = partnership_list(user).order_by().values("pk")
        return Agreement.objects.filter(partnership__in=partnerships).select_related(
            "partnership", "partnership__supporter", "partnership__recipient"
        )
    return record_list(kind_of(kind), user)


def month_window(evidence: Evidence, window: Window, period: Period) -> Q:
    """Records whose fact month (their date's month + ``shift``) is in the term's window."""
    first = add_months(period.first_month, -evidence.shift)
    last = add_months(period.last_month, -evidence.shift)
    low: Any = first if evidence.month_is_int else month_start(first)
    high: Any = last if evidence.month_is_int else month_end(last)
    path = evidence.month
    if window == "flow":
        return Q(**{f"{path}__gte": low, f"{path}__lte": high})
    if window == "closing":
        return Q(**{f"{path}__lte": high})
    return Q(**{f"{path}__lt": low})


def term_filter(metric: Metric, window: Window, scope: Scope, period: Period) -> Q:
    """The records behind one additive term, as a filter over the metric's evidence kind."""
    evidence = metric.evidence
    if evidence is None:
        raise ValueError(f"metric {metric.code} declares no evidence")
    in_scope = scope.record_filter(unit=evidence.unit, partnership=evidence.partnership)
    return in_scope & evidence.condition & month_window(evidence, window, period)


def term_records(metric: Metric, window: Window, scope: Scope, period: Period) -> QuerySet[Any]:
    """Every record behind a term (no user restriction: what the engine counts)."""
    assert metric.evidence is not None
    return model_of(metric.evidence.kind)._default_manager.filter(term_filter(metric, window, scope, period))


def term_total(metric: Metric, records: QuerySet[Any]) -> float:
    """The term's value over its records: their count, or the sum of the declared value."""
    assert metric.evidence is not None
    if metric.evidence.value is None:
        return float(records.count())
    value = metric.evidence.value
    expression = F(value) if isinstance(value, str) else value
    total = records.annotate(evidence_value=expression).aggregate(total=Sum("evidence_value"))["total"]
    return float(total or 0)


def distinct_count(records: QuerySet[Any], field: str) -> int:
    """Distinct non-empty values of ``field`` (a person, a batch, a supporter) over the records."""
    values = records.order_by().values_list(field, flat=True).distinct()
    return sum(1 for value in values if value is not None)


# --- the lists behind an indicator ----------------------------------------------------------------------
@dataclass
class EvidenceList:
    """One list of records and the number they make (equal to the term(s) they stand behind)."""

    side: Literal["numerator", "denominator"]
    title: str
    kind: str
    kind_name: str
    records: QuerySet[Any]
    number: float
    count: int
    how: Literal["count", "sum", "distinct"]
    note: str = ""
    #: The records list's query string when its filters select exactly this list ("" otherwise).
    list_query: str = ""
    #: Records behind the number that the user may not see (an MCH institution reading its region's figures): the
    #: list leaves them out and says how many.
    hidden: int = 0
    table: tables.Table | None = None


@dataclass
class IndicatorEvidence:
    indicator: Indicator
    value: IndicatorValue
    lists: list[EvidenceList]
    undeclared: list[str]
    #: Whether every term of the indicator has a declared list.
    complete: bool


def signed_terms(term: Term, sign: int = 1) -> list[tuple[int, Term]]:
    if isinstance(term, TermSum):
        return [found for part in term.parts for found in signed_terms(part, sign)]
    if isinstance(term, Negate):
        return signed_terms(term.term, -sign)
    return [(sign, term)]


def _window(term: Term) -> Window:
    return "flow" if isinstance(term, Flow) else "opening" if isinstance(term, Opening) else "closing"


def _kind_name(kind: str) -> str:
    if kind in OWN_KINDS:
        return str(OWN_KINDS[kind]._meta.verbose_name_plural)
    return kind_of(kind).name_plural


def _restricted(kind: str, records: QuerySet[Any], user: User) -> QuerySet[Any]:
    """``records`` limited to those the user may see, with the kind's list joins and order."""
    return visible_records(kind, user).filter(pk__in=records.order_by().values("pk"))


def side_lists(
    side: Literal["numerator", "denominator"], term: Term, scope: Scope, period: Period, user: User
) -> tuple[list[EvidenceList], list[str]]:
    """The lists behind a numerator or denominator, and the parts with no declared evidence."""
    lists: list[EvidenceList] = []
    undeclared: list[str] = []
    groups: dict[str, list[tuple[int, Flow | Opening | Closing]]] = {}
    for sign, part in signed_terms(term):
        if isinstance(part, Measure):
            if part.evidence is None:
                undeclared.append(str(part.name))
            else:
                lists.append(_measure_list(side, part, part.evidence(scope, period), user))
        elif isinstance(part, Flow | Opening | Closing):
            if part.metric.evidence is None:
                undeclared.append(describe(part))
            else:
                groups.setdefault(part.metric.evidence.kind, []).append((sign, part))
    for kind, parts in groups.items():
        lists.append(_metric_list(side, kind, parts, scope, period, user))
    return lists, undeclared


def _metric_list(
    side: Literal["numerator", "denominator"],
    kind: str,
    parts: list[tuple[int, Flow | Opening | Closing]],
    scope: Scope,
    period: Period,
    user: User,
) -> EvidenceList:
    model = model_of(kind)
    added, taken = Q(pk__in=[]), Q(pk__in=[])
    number = 0.0
    for sign, part in parts:
        condition = term_filter(part.metric, _window(part), scope, period)
        records = _restricted(kind, model._default_manager.filter(condition), user)
        number += sign * term_total(part.metric, records)
        if sign > 0:
            added |= condition
        else:
            taken |= condition
    behind = model._default_manager.filter(added).exclude(taken)
    records = _restricted(kind, behind, user)
    sums = any(part.metric.evidence is not None and part.metric.evidence.value is not None for _s, part in parts)
    title = " ".join(("− " if sign < 0 else "+ " if i else "") + describe(part) for i, (sign, part) in enumerate(parts))
    return EvidenceList(
        side=side,
        title=title,
        kind=kind,
        kind_name=_kind_name(kind),
        records=records,
        number=number,
        count=(count := records.count()),
        how="sum" if sums else "count",
        list_query=_records_list_query(kind, parts, scope, period),
        hidden=behind.order_by().count() - count,
    )


def _measure_list(
    side: Literal["numerator", "denominator"], measure: Measure, found: RecordSet, user: User
) -> EvidenceList:
    records = _restricted(found.kind, found.records, user)
    count = records.count()
    number = float(distinct_count(records, found.distinct) if found.distinct else count)
    return EvidenceList(
        side=side,
        title=str(measure.name),
        kind=found.kind,
        kind_name=_kind_name(found.kind),
        records=records,
        number=number,
        count=count,
        how="distinct" if found.distinct else "count",
        note=str(found.note),
        hidden=found.records.order_by().count() - count,
    )


def _records_list_query(
    kind: str, parts: list[tuple[int, Flow | Opening | Closing]], scope: Scope, period: Period
) -> str:
    """The query of ``/records/<slug>/`` (and its export) when its filters select exactly this list (one flow term on the kind's
    own date, a condition its choice filters express, a recipient-side region or no org unit)."""
    if kind in OWN_KINDS or len(parts) != 1:
        return ""
    sign, part = parts[0]
    evidence = part.metric.evidence
    record_kind: RecordKind = kind_of(kind)
    if (
        evidence is None
        or sign < 0
        or not isinstance(part, Flow)
        or evidence.shift
        or evidence.month != record_kind.date_field
        or evidence.month_is_int != record_kind.date_is_month
        or evidence.unit != record_kind.unit_field
        or evidence.partnership != record_kind.partnership_field
        or (evidence.value is not None and not isinstance(evidence.value, str))
    ):
        return ""
    params: dict[str, str] = {"period": period.code}
    for child in evidence.condition.children:
        if evidence.condition.negated or not isinstance(child, tuple) or child[0] not in record_kind.filter_keys:
            return ""
        params[child[0]] = str(child[1])
    if scope.org_unit is not None:
        if scope.side != "recipient" or scope.org_unit.kind not in REGION_KINDS:
            return ""
        params["region"] = scope.org_unit.code
    if scope.programme is not None:
        params["programme"] = str(scope.programme.pk)
    if scope.partnership is not None:
        params["partnership"] = str(scope.partnership.pk)
    return urlencode(params)


def indicator_evidence(indicator: Indicator, scope: Scope, period: Period, user: User) -> IndicatorEvidence:
    """The indicator's value from the engine and the lists of records behind it."""
    value = evaluate_one(indicator, scope, period)
    lists, undeclared = side_lists("numerator", indicator.numerator, scope, period, user)
    if indicator.denominator is not None:
        more, missing = side_lists("denominator", indicator.denominator, scope, period, user)
        lists += more
        undeclared += missing
    return IndicatorEvidence(indicator, value, lists, undeclared, complete=not undeclared)


# --- tables of the partnerships app's own records -----------------------------------------------------
class PartnershipTable(tables.Table):
    number = tables.Column(
        verbose_name=gettext_lazy("Partnership"),
        accessor="pk",
        linkify=lambda record: reverse("partnerships:partnership_detail", args=[record.pk]),
        order_by=("id",),
    )
    supporter = tables.Column(verbose_name=gettext_lazy("Supporting institution"), accessor="supporter__name")
    recipient = tables.Column(verbose_name=gettext_lazy("Recipient institution"), accessor="recipient__name")
    programme = tables.Column(verbose_name=gettext_lazy("Programme"), accessor="programme__name", default="—")
    started_on = tables.DateColumn(verbose_name=gettext_lazy("Start date"), format="Y-m-d")
    ended_on = tables.DateColumn(verbose_name=gettext_lazy("End date"), format="Y-m-d", default="—")

    class Meta:
        attrs = {"class": "table"}
        empty_text = gettext_lazy("No records match.")

    def render_number(self, record: Partnership) -> str:
        return str(record)


class AgreementTable(tables.Table):
    title = tables.Column(
        verbose_name=gettext_lazy("Title"),
        linkify=lambda record: reverse("partnerships:partnership_detail", args=[record.partnership_id]),
    )
    partnership = tables.Column(verbose_name=gettext_lazy("Partnership"))
    signed_on = tables.DateColumn(verbose_name=gettext_lazy("Signed on"), format="Y-m-d")

    class Meta:
        attrs = {"class": "table"}
        empty_text = gettext_lazy("No records match.")


def evidence_table(kind: str, records: QuerySet[Any]) -> tables.Table:
    if kind == "partnerships":
        return PartnershipTable(records)
    if kind == "agreements":
        return AgreementTable(records.order_by("-signed_on", "pk"))
    return record_table(kind_of(kind), records)


# --- the page -------------------------------------------------------------------------------------------
def _scope_from(request: AuthenticatedHttpRequest) -> Scope:
    side = request.GET.get("side") or "recipient"
    if side not in ("recipient", "supporter"):
        raise Http404
    ids = {}
    for name in ("programme", "partnership"):
        raw = request.GET.get(name) or None
        if raw is not None and not raw.isdigit():
            raise Http404
        ids[name] = raw
    return access_scope(
        request.user,
        org_code=request.GET.get("org") or None,
        programme_id=ids["programme"],
        partnership_id=ids["partnership"],
        side=side,  # type: ignore[arg-type]
    )


@login_required
def evidence(request: AuthenticatedHttpRequest) -> HttpResponse:
    """``?indicator=CODE&period=…&org=…[&side=…]&programme=…&partnership=…`` (the API's parameters)."""
    scope = _scope_from(request)
    indicator = registry.indicators.get(request.GET.get("indicator", ""))
    try:
        period = parse_period(request.GET.get("period", ""))
    except ValidationError:
        period = None
    if indicator is None or period is None:
        return HttpResponseBadRequest(_("Give a known indicator and a period such as 2023, 2023Q2 or 202305."))
    if not scope.opens(indicator):
        raise Http404
    found = indicator_evidence(indicator, scope, period, request.user)
    for index, item in enumerate(found.lists):
        item.table = evidence_table(item.kind, item.records)
        item.table.prefix = f"l{index}-"
        RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(item.table)
    return render(request, "portal/evidence.html", {"found": found, "scope": scope, "period": period})
