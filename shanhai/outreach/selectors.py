"""Reads of specialty alliances: who may see them, and their members and visits for the detail page."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.core.selectors import in_subtrees
from shanhai.outreach.models import Alliance, AllianceMember, AllianceVisit


def alliance_visibility(user: User, prefix: str = "") -> Q:
    """Alliances whose lead or any member institution is in the user's subtrees, or whose
    partnership the user sees (either end in their subtrees). ``prefix``: the ORM path to the
    alliance from a child record (``alliance__``)."""
    scope = scope_of(user)
    if scope.is_admin:
        return Q()
    paths = list(scope.read_paths)
    members = AllianceMember.objects.filter(in_subtrees(paths, "institution__path")).values("alliance_id")
    condition = in_subtrees(paths, f"{prefix}lead__path") | Q(**{f"{prefix}pk__in": members})
    condition |= in_subtrees(paths, f"{prefix}partnership__supporter__path")
    condition |= in_subtrees(paths, f"{prefix}partnership__recipient__path")
    return condition


def member_visibility(user: User) -> Q:
    """A membership is seen with its alliance."""
    return alliance_visibility(user, "alliance__")


def alliance_members(alliance: Alliance) -> QuerySet[AllianceMember]:
    return alliance.members.select_related("institution").order_by("joined_on", "institution__path", "id")


def alliance_visits(alliance: Alliance) -> QuerySet[AllianceVisit]:
    return alliance.visits.select_related("visited").order_by("-visited_on", "-id")
