"""ID numbers registered twice. A number already on file for a woman the user sees is refused with a plain
message; one on file at an institution the user does not see is refused with a message that says only
that the registration awaits review, and the attempt goes to a reviewer's queue (``DuplicateReview``) and
the audit trail, even when an import rolls every row back (``records.attempts``). An import reports such rows as
a count without their row numbers (``records.imports.HELD_FOR_REVIEW``): a file of candidate numbers must not
tell which one is on file."""

from __future__ import annotations

from functools import partial

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanhai.accounts.models import User
from shanhai.core import clock
from shanhai.core.audit import audit_record, snapshot
from shanhai.core.models import AuditAction, OrgUnit
from shanhai.maternal.identity import id_number_digest, normalise_id_number
from shanhai.maternal.models import DuplicateReview, Woman
from shanhai.records.attempts import note_attempt
from shanhai.records.imports import HELD_FOR_REVIEW
from shanhai.records.kinds import kind_of
from shanhai.records.selectors import record_list

#: What a user is told when the number is on file where they cannot see: not that it is on file, nor where.
NEEDS_REVIEW = gettext_lazy(
    "This registration cannot be completed here yet: it has been passed to a reviewer, who will contact your "
    "institution."
)


def refuse_duplicate(actor: User | None, woman: Woman, unit: OrgUnit | None) -> None:
    """Refuse ``woman``'s ID number if another woman has it. Call before the write's transaction starts, so
    that the note of an attempt outside the user's sight is kept. A malformed number is left to the
    validation, which says what is wrong with it."""
    try:
        digest = id_number_digest(normalise_id_number(woman.id_number or ""))
    except ValidationError:
        return
    existing = Woman.objects.filter(id_number_digest=digest).exclude(pk=woman.pk).first()
    if existing is None:
        return
    if actor is None or record_list(kind_of("women"), actor).filter(pk=existing.pk).exists():
        raise ValidationError({"id_number": _("A woman with this ID number is already registered.")})
    note_attempt(partial(_review_open, actor=actor, woman_id=existing.pk, unit_id=unit.pk if unit else None))
    # Held for review: an import reports such rows as a count, never by row number.
    raise ValidationError({"id_number": ValidationError(str(NEEDS_REVIEW), code=HELD_FOR_REVIEW)})


def _review_open(*, actor: User, woman_id: int, unit_id: int | None) -> None:
    woman = Woman.objects.select_related("registered_at").get(pk=woman_id)
    review = DuplicateReview.objects.create(
        woman=woman, attempted_by=actor, attempted_by_name=actor.get_username(), unit_id=unit_id, at=clock.now()
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=review,
        after=snapshot(review),
        org_unit=woman.registered_at,
        extra={"refused": "id_number_on_file_elsewhere"},
    )


def duplicate_review_close(*, actor: User, review: DuplicateReview, note: str = "") -> DuplicateReview:
    """Mark an attempt reviewed (the reviewer has contacted the institution, merged or rejected)."""
    if review.reviewed_at is not None:
        raise ValidationError(_("This attempt has already been reviewed."))
    before = snapshot(review)
    review.reviewed_at, review.reviewed_by, review.note = clock.now(), actor, " ".join(note.split())[:200]
    review.save(update_fields=["reviewed_at", "reviewed_by", "note"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=review,
        before=before,
        after=snapshot(review),
        org_unit=review.woman.registered_at,
    )
    return review
