"""Reads of case discussions, already limited to what the user may see.

A user sees a session (and its series, cases, attendance and follow-up actions) whose host, participating
institution, other participating institution or either end of its partnership is in their subtrees.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from shanhai.accounts.models import Membership, User
from shanhai.accounts.scoping import scope_of
from shanhai.core.selectors import in_subtrees
from shanhai.telehealth.models import (
    CaseDiscussion,
    DiscussionAttendance,
    DiscussionSeries,
    DiscussionStatus,
    FollowUpAction,
)
from shanhai.workforce.models import Person


def _ends(paths: list[str], prefix: str) -> Q:
    return (
        in_subtrees(paths, f"{prefix}host__path")
        | in_subtrees(paths, f"{prefix}recipient__path")
        | in_subtrees(paths, f"{prefix}partnership__supporter__path")
        | in_subtrees(paths, f"{prefix}partnership__recipient__path")
    )


def discussion_visibility(user: User, prefix: str = "") -> Q:
    """Sessions (``prefix=""``) or rows of a session (``prefix="discussion__"``) the user sees."""
    scope = scope_of(user)
    if scope.is_admin:
        return Q()
    paths = list(scope.read_paths)
    # Other participating institutions through a subquery: a join on the many-to-many would repeat rows.
    others = CaseDiscussion.objects.filter(in_subtrees(paths, "other_institutions__path")).values("pk")
    return _ends(paths, prefix) | Q(**{f"{prefix}pk__in": others})


def series_visibility(user: User) -> Q:
    scope = scope_of(user)
    return Q() if scope.is_admin else _ends(list(scope.read_paths), "")


def row_visibility(user: User) -> Q:
    return discussion_visibility(user, "discussion__")


def discussion_list(
    user: User,
    *,
    when: str = "upcoming",
    partnership_id: int | None = None,
    today: date,
) -> QuerySet[CaseDiscussion]:
    """``when``: "upcoming" (scheduled, from today, soonest first), "held" (latest first) or "all"."""
    sessions = CaseDiscussion.objects.filter(discussion_visibility(user))
    if partnership_id is not None:
        sessions = sessions.filter(partnership_id=partnership_id)
    if when == "upcoming":
        sessions = sessions.filter(status=DiscussionStatus.SCHEDULED, scheduled_on__gte=today).order_by(
            "scheduled_on", "start_time", "pk"
        )
    elif when == "held":
        sessions = sessions.filter(status=DiscussionStatus.HELD).order_by("-scheduled_on", "-start_time", "-pk")
    else:
        sessions = sessions.order_by("-scheduled_on", "-start_time", "-pk")
    return sessions.select_related(
        "host", "recipient", "series", "partnership__supporter", "partnership__recipient"
    ).annotate(
        case_count=Count("cases", distinct=True),
        attended_count=Count("attendance", filter=Q(attendance__attended=True), distinct=True),
    )


def series_sessions(series: DiscussionSeries) -> QuerySet[CaseDiscussion]:
    return series.sessions.select_related("host", "recipient").order_by("-scheduled_on", "-pk")


def session_staff(discussion: CaseDiscussion, units: list[Any]) -> list[Person]:
    """The staff of the session's institutions (and their units), for taking attendance, by institution."""
    condition = in_subtrees([u.path for u in units], "institution__path")
    listed = DiscussionAttendance.objects.filter(discussion=discussion, person__isnull=False).values("person_id")
    return list(
        Person.objects.filter(condition | Q(pk__in=listed))
        .select_related("institution", "department", "title")
        .order_by("institution__path", "name", "pk")
    )


def session_attendance(discussion: CaseDiscussion) -> list[DiscussionAttendance]:
    return list(discussion.attendance.select_related("person", "user", "institution"))


def session_follow_ups(discussion: CaseDiscussion) -> list[FollowUpAction]:
    return list(discussion.follow_ups.select_related("owner"))


def follow_up_owners(units: list[Any]) -> QuerySet[User]:
    """Users with a membership at one of the session's institutions or their units: who may own an action."""
    memberships = Membership.objects.filter(in_subtrees([u.path for u in units], "org_unit__path"))
    return User.objects.filter(pk__in=memberships.values("user_id"), is_active=True).order_by("username")
