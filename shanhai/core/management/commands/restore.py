"""`shanhai restore --input FILE`: put back a `shanhai backup` archive and check it row by row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from shanhai.core.backup import PASSPHRASE_ENVIRONMENT, BackupError, read_passphrase, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a `shanhai backup` archive into the configured database: decrypt it (a wrong passphrase changes "
        "nothing), refuse a database that holds data unless --force, load the dump (SQLite: online backup; "
        "PostgreSQL: pg_restore --clean --if-exists in one transaction), install the backup's keys where the "
        "settings read them if they are not configured (else write them beside the database and say where they "
        "go), and compare the rows per table with the backup's manifest. Stop the server and the worker first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, type=Path, help="the archive written by `shanhai backup`")
        parser.add_argument("--passphrase-file", help=f"a file holding the passphrase (else ${PASSPHRASE_ENVIRONMENT})")
        parser.add_argument("--force", action="store_true", help="replace a database that already holds data")
        parser.add_argument("--database", default="default", help="the database alias (default: default)")

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["input"]
        try:
            passphrase = read_passphrase(options["passphrase_file"])
            restored = restore_backup(
                source, passphrase, connection=connections[options["database"]], force=options["force"]
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = restored.manifest
        for table, (expected, found) in sorted(restored.mismatches.items()):
            self.stderr.write(f"{table}: {expected} rows in the backup, {found} restored")
        checked = (
            "every table's row count matches the backup"
            if not restored.mismatches
            else f"{len(restored.mismatches)} tables differ from the backup"
        )
        self.stdout.write(
            f"restored the {manifest.vendor} database of {manifest.created_at} ({len(manifest.row_counts)} tables, "
            f"{manifest.total_rows} rows): {checked}; keys: {restored.keys}"
        )
        if restored.mismatches:
            raise CommandError("The restored database does not match the backup's manifest.")
