"""The only way views and the API load a person by public id: 404 outside scope."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.workforce.models import Person


def access_person(actor: User, public_id: str | uuid.UUID, *, for_write: bool = False) -> Person:
    try:
        person = Person.objects.select_related("institution", "department", "title").get(
            public_id=uuid.UUID(str(public_id))
        )
    except (Person.DoesNotExist, ValueError):
        raise Http404 from None
    scope = scope_of(actor)
    if not scope.can_read_path(person.institution.path):
        raise Http404
    if for_write and not scope.can_write_path(person.institution.path):
        raise PermissionDenied
    return person
