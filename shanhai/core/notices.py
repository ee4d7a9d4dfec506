"""Notices to users: a consultation arrived, was answered, nears or passed its due time; a critical finding.

``notify`` writes one notice per user (once per ``key``: a sweep that runs again does not repeat itself) and, when
email is configured (``SHANHAI_NOTICE_EMAIL`` and the user has an address), mails it through Django's email
backend. A notice names its object by number and kind, never a patient's personal data: its title is all an email
says besides the link.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import QuerySet

from shanhai.core import clock
from shanhai.core.models import Notice

logger = logging.getLogger(__name__)


def notify(
    users: Iterable[AbstractBaseUser | None],
    *,
    kind: str,
    title: str,
    url: str = "",
    obj: models.Model | None = None,
    key: str = "",
) -> list[Notice]:
    """One notice to each distinct user (``None`` entries are skipped); with a ``key``, a user who already has a
    notice with that key gets none again. Returns the notices written."""
    recipients = {user.pk: user for user in users if user is not None and user.pk is not None}
    if key:
        already = set(Notice.objects.filter(key=key, user_id__in=recipients).values_list("user_id", flat=True))
        recipients = {pk: user for pk, user in recipients.items() if pk not in already}
    if not recipients:
        return []
    object_type = f"{obj._meta.app_label}.{obj._meta.model_name}" if obj is not None else ""
    object_id = str(getattr(obj, "public_id", None) or getattr(obj, "pk", "")) if obj is not None else ""
    notices = Notice.objects.bulk_create(
        [
            Notice(
                user_id=pk, kind=kind, title=title[:200], url=url, object_type=object_type, object_id=object_id, key=key
            )
            for pk in recipients
        ],
        ignore_conflicts=bool(key),
    )
    cache.delete_many([_unread_key(pk) for pk in recipients])
    if getattr(settings, "SHANHAI_NOTICE_EMAIL", False):
        emails = [
            (pk, str(getattr(user, "email", ""))) for pk, user in recipients.items() if getattr(user, "email", "")
        ]
        if emails:
            transaction.on_commit(lambda: _mail(emails, title, url, key))
    return notices


def _mail(emails: list[tuple[Any, str]], title: str, url: str, key: str) -> None:
    link = f"{settings.SHANHAI_SITE_URL.rstrip('/')}{url}" if url else ""
    for pk, address in emails:
        try:
            send_mail(f"[山海 Shanhai] {title}", f"{title}\n\n{link}\n", None, [address])
        except Exception:  # a mail server down must not undo the work; the notice is in the inbox anyway
            logger.warning("notice email to user %s failed", pk, exc_info=True)
            continue
        query = Notice.objects.filter(user_id=pk, emailed_at__isnull=True, title=title[:200])
        (query.filter(key=key) if key else query).update(emailed_at=clock.now())


def unread(user: AbstractBaseUser) -> QuerySet[Notice]:
    return Notice.objects.filter(user_id=user.pk, read_at__isnull=True)


def _unread_key(user_id: Any) -> str:
    return f"notices:unread:{user_id}"


def unread_count(user: AbstractBaseUser) -> int:
    """The sidebar's count, kept in the shared cache (no query per page) and dropped whenever it changes."""
    count = cache.get(_unread_key(user.pk))
    if count is None:
        count = unread(user).count()
        cache.set(_unread_key(user.pk), count, 600)
    return int(count)


def notices_of(user: AbstractBaseUser) -> QuerySet[Notice]:
    return Notice.objects.filter(user_id=user.pk)


def mark_read(user: AbstractBaseUser, *, notice_ids: Iterable[int] | None = None, object_id: str = "") -> int:
    """Mark the user's notices read: those named, those about one object, or all."""
    query = unread(user)
    if notice_ids is not None:
        query = query.filter(pk__in=list(notice_ids))
    if object_id:
        query = query.filter(object_id=object_id)
    changed = query.update(read_at=clock.now())
    cache.delete(_unread_key(user.pk))
    return changed
