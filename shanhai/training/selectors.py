"""Reads of training records, already limited to what the user may see."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from shanhai.accounts.models import User
from shanhai.core import clock
from shanhai.records.kinds import kind_of
from shanhai.records.selectors import record_list
from shanhai.training.models import Apprenticeship, Mentorship, Outcome
from shanhai.workforce.models import Posting


def active_mentorships(user: User) -> QuerySet[Mentorship]:
    """Mentorships the user sees with at least one apprentice still in training."""
    return record_list(kind_of("mentorships"), user).filter(
        Exists(Apprenticeship.objects.filter(mentorship=OuterRef("pk"), outcome=Outcome.IN_PROGRESS))
    )


def mentorships_needing_handover(user: User, *, today: date | None = None) -> QuerySet[Mentorship]:
    """Active mentorships whose mentor has no posting in force today: hand them over to a successor."""
    today = today or clock.today()
    in_force = Posting.objects.filter(person_id=OuterRef("mentor_id"), started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today)
    )
    return active_mentorships(user).filter(~Exists(in_force)).select_related("mentor", "mentor__institution")
