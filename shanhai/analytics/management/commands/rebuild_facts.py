"""`shanhai rebuild_facts`: re-derive the fact table from the records (set-based SQL)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from shanhai.analytics.facts import rebuild


class Command(BaseCommand):
    help = "Re-derive every fact row from the records, in one transaction."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            rows = rebuild()
        self.stdout.write(f"rebuilt {rows} fact rows in {time.perf_counter() - started:.2f} s")
