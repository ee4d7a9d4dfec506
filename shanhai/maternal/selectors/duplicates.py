"""The reviewers' queue of ID numbers someone tried to register again outside their sight
(``services.duplicates``): seen by users who may view personal data at the woman's registering
institution, and by administrators."""

from __future__ import annotations

import uuid

from django.db.models import F, QuerySet
from django.http import Http404

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.core.selectors import in_subtrees
from shanhai.maternal.models import DuplicateReview


def duplicate_reviews(user: User) -> QuerySet[DuplicateReview]:
    """Open attempts first, newest first."""
    scope = scope_of(user)
    reviews = DuplicateReview.objects.select_related("woman", "woman__registered_at", "unit", "reviewed_by")
    if not scope.is_admin:
        reviews = reviews.filter(in_subtrees(list(scope.reveal_paths), "woman__registered_at__path"))
    return reviews.order_by(F("reviewed_at").asc(nulls_first=True), "-at", "-pk")


def may_review_duplicates(user: User) -> bool:
    scope = scope_of(user)
    return scope.is_admin or bool(scope.reveal_paths)


def access_duplicate_review(user: User, public_id: uuid.UUID) -> DuplicateReview:
    """One attempt of the user's queue; 404 for any other."""
    review = duplicate_reviews(user).filter(public_id=public_id).first()
    if review is None:
        raise Http404
    return review
