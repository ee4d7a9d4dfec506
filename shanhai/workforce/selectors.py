"""Reads of people, limited to the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.partnerships.access import visible_org_units
from shanhai.workforce.models import Person


def person_list(user: User, *, search: str = "", institution: Any = None, title_level: str = "") -> QuerySet[Person]:
    people = (
        Person.objects.filter(scope_of(user).read_q("institution__path"))
        .select_related("institution", "department", "title")
        .order_by("institution__path", "name", "id")
    )
    if search:
        people = people.filter(Q(name__icontains=search) | Q(institution__name__icontains=search))
    if institution is not None:
        people = people.filter(institution__path__startswith=institution.path)
    if title_level:
        people = people.filter(title__level=title_level)
    return people


def people_visible_to(user: User) -> QuerySet[Person]:
    """Staff of the user's subtrees and of both ends of the partnerships the user sees: whom a record may name."""
    return Person.objects.filter(institution__in=visible_org_units(user)).select_related("institution")
