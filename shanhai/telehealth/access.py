"""Who may do what to a consultation, beyond seeing it (the records framework's rule: its asking institution or
either end of its partnership in the user's scope; everyone else gets 404).

- The **supporting side** works on it — accepts, declines, starts, answers: the named expert, the members and
  head of its pool, and writers at the partnership's supporting institution.
- **Reassigning** (another pool or expert, the history kept): the pool's head, writers at the supporting
  institution, and the expert it is with (handing it on).
- The **asking side** records the decision (the treating hospital decides), closes, cancels and edits the
  request while nobody has taken it: whoever asked, and writers at the asking institution.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.telehealth.models import Consultation, ConsultationPool


def in_pool(user: User, pool: ConsultationPool | None) -> bool:
    if pool is None:
        return False
    return pool.head_id == user.pk or pool.members.filter(pk=user.pk).exists()


def is_supporting_side(user: User, consultation: Consultation) -> bool:
    if consultation.expert_id == user.pk or in_pool(user, consultation.pool):
        return True
    return scope_of(user).can_write_path(consultation.partnership.supporter.path)


def is_asking_side(user: User, consultation: Consultation) -> bool:
    if consultation.requested_by_id == user.pk:
        return True
    return scope_of(user).can_write_path(consultation.requesting_unit.path)


def may_reassign(user: User, consultation: Consultation) -> bool:
    pool = consultation.pool
    return (
        (pool is not None and pool.head_id == user.pk)
        or consultation.expert_id == user.pk
        or scope_of(user).can_write_path(consultation.partnership.supporter.path)
    )


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
