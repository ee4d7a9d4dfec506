"""`shanhai refresh_mch`: after a change of ``SHANHAI_MCH_RULES``, re-derive the pregnancies' and
children's stored fields with the current rules and rebuild the facts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shanhai.maternal.services import derived_fields_refresh


class Command(BaseCommand):
    help = (
        "Re-derive every pregnancy's and child's stored fields (flags, colours, visit counts …) with the "
        "current MCH rules (settings.SHANHAI_MCH_RULES), then rebuild the fact table; in one transaction."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = derived_fields_refresh()
        self.stdout.write(
            f"re-derived {done.pregnancies_changed} of {done.pregnancies} pregnancies and "
            f"{done.children_changed} of {done.children} children; rebuilt {done.fact_rows} fact rows"
        )
