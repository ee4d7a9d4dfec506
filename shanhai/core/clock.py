"""The one clock of the application: today's date and the current moment in Asia/Shanghai.

App code asks this module instead of ``date.today()`` (the server's zone, which may be UTC) or a
naive ``datetime.now()``: a record entered at 07:30 in Urumqi belongs to that day, not the day before.
Tests move it with ``django.utils.timezone``-aware fakes by patching :func:`today` / :func:`now`.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    """The current moment, aware (UTC inside; rendered in the active zone)."""
    return timezone.now()


def today() -> date:
    """Today's date in the project's zone (settings.TIME_ZONE, Asia/Shanghai)."""
    return timezone.localdate(timezone.now())
