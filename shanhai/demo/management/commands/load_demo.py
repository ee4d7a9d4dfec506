"""``shanhai load_demo``: the five seed scenarios as demo data (see shanhai/demo/README.md)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shanhai.demo.loader import DEFAULT_SEED, demo_is_loaded, load_demo


class Command(BaseCommand):
    help = "Load the demo organisations, partnerships, staff and logins (password shanhai-demo)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help="Random seed for the staff records; the same seed gives the same records.",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the demo is already loaded (the admin user exists)."
        )

    def handle(self, *args: Any, seed: int, if_empty: bool, **options: Any) -> None:
        if demo_is_loaded():
            if if_empty:
                self.stdout.write(_("The demo is already loaded; nothing to do."))
                return
            raise CommandError(_("The demo is already loaded (the user “admin” exists). Use a fresh database."))
        summary = load_demo(seed=seed, progress=lambda step: self.stdout.write(f"… {step}"))
        self.stdout.write(
            _(
                "Demo loaded (seed %(seed)s): %(units)s organisation units, %(programmes)s programmes, "
                "%(partnerships)s partnerships, %(people)s people, %(records)s assistance records, %(users)s users."
            )
            % {
                "seed": seed,
                "units": summary.units,
                "programmes": summary.programmes,
                "partnerships": summary.partnerships,
                "people": summary.people,
                "users": summary.users,
                "records": summary.records,
            }
        )
