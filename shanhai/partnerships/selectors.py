"""Reads of programmes and partnerships, already limited to what the user may see."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.core import clock
from shanhai.core.models import OrgUnit
from shanhai.core.selectors import in_subtrees
from shanhai.partnerships.models import Partnership, Programme


def partnership_visibility(user: User) -> Q:
    """A partnership is visible from either end: supporter or recipient in the user's scope."""
    scope = scope_of(user)
    if scope.is_admin:
        return Q()
    paths = list(scope.read_paths)
    return in_subtrees(paths, "supporter__path") | in_subtrees(paths, "recipient__path")


def partnership_list(user: User, *, filters: dict[str, Any] | None = None) -> QuerySet[Partnership]:
    filters = filters or {}
    partnerships = (
        Partnership.objects.filter(partnership_visibility(user))
        .select_related("programme", "supporter", "recipient", "supporter__grade", "department")
        .order_by("-started_on", "id")
    )
    if programme := filters.get("programme"):
        partnerships = partnerships.filter(programme=programme)
    if mode := filters.get("mode"):
        partnerships = partnerships.filter(mode=mode)
    if region := filters.get("region"):
        partnerships = partnerships.filter(
            Q(recipient__path__startswith=region.path) | Q(supporter__path__startswith=region.path)
        )
    if status := filters.get("status"):
        partnerships = partnerships.filter(status_q(status))
    return partnerships


def status_q(status: str, on: date | None = None) -> Q:
    on = on or clock.today()
    active = Q(started_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gte=on))
    if status == "active":
        return active
    if status == "planned":
        return Q(started_on__gt=on)
    if status == "ended":
        return Q(ended_on__lt=on)
    return Q()


def programme_list(user: User) -> QuerySet[Programme]:
    """Programmes the user owns (in scope) or takes part in through a visible partnership."""
    scope = scope_of(user)
    programmes = Programme.objects.select_related("owner").annotate(partnership_count=Count("partnerships"))
    if not scope.is_admin:
        visible = Partnership.objects.filter(partnership_visibility(user)).values("programme_id")
        programmes = programmes.filter(in_subtrees(list(scope.read_paths), "owner__path") | Q(pk__in=visible))
    return programmes.order_by("-started_on", "name")


def partnerships_in_subtree(unit: OrgUnit, *, side: Literal["supporter", "recipient"]) -> QuerySet[Partnership]:
    return Partnership.objects.filter(**{f"{side}__path__startswith": unit.path})


def active_during(first: date, last: date) -> Q:
    """Partnerships active at any time between two dates."""
    return Q(started_on__lte=last) & (Q(ended_on__isnull=True) | Q(ended_on__gte=first))
