"""`shanhai backup --output FILE`: the whole database with the keys of its personal data, encrypted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from shanhai.core.backup import PASSPHRASE_ENVIRONMENT, BackupError, create_backup, read_passphrase


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite: online backup; PostgreSQL: pg_dump), the keys that decrypt its personal "
        "data and a manifest into one file encrypted with a passphrase, readable by its owner only. The "
        f"passphrase comes from --passphrase-file or {PASSPHRASE_ENVIRONMENT}; without it the file is useless, "
        "and with it the file opens every woman's record: keep it apart from the backups."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, type=Path, help="the archive to write (mode 0600)")
        parser.add_argument("--passphrase-file", help=f"a file holding the passphrase (else ${PASSPHRASE_ENVIRONMENT})")
        parser.add_argument("--database", default="default", help="the database alias (default: default)")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        try:
            manifest = create_backup(
                output, read_passphrase(options["passphrase_file"]), connection=connections[options["database"]]
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"backed up the {manifest.vendor} database ({len(manifest.row_counts)} tables, {manifest.total_rows} "
            f"rows) with its keys to {output} ({output.stat().st_size} bytes, encrypted)"
        )
