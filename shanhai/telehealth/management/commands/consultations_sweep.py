"""``shanhai consultations_sweep``: remind the supporting side of consultations nearing their due time and escalate
overdue ones (each once). Pages run it at most once a minute; run it from cron where nobody opens a page."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shanhai.telehealth.services import sweep


class Command(BaseCommand):
    help = "Remind and escalate consultations nearing or past their due time."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = sweep()
        self.stdout.write(f"{counts['reminded']} reminded, {counts['escalated']} escalated")
