"""`shanhai backup` / `shanhai restore`: an encrypted archive of the database and its keys, restored into an
empty database table for table; a wrong passphrase, a short one, a damaged file or a database with data change
nothing.

The dumps are taken by other connections (SQLite's backup API, pg_dump), which see committed rows only: these
tests run in transactional mode, their data restored afterwards from the serialized test database."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import uuid
from collections.abc import Iterator
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend

from shanhai.core import backup
from shanhai.core.backup import BackupError, KeyMaterial
from shanhai.maternal.models import Woman
from tests.maternal.factories import make_pregnancy, make_woman

PASSPHRASE = "twelve words are better"
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def postgresql_client() -> None:
    if connections["default"].vendor == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("the PostgreSQL client (pg_dump, pg_restore) is not installed")


@pytest.fixture
def records(world: Any, mch_worker: Any) -> Woman:
    """The world, a clerk, and two women (encrypted personal data) with a pregnancy each, audited."""
    woman = make_woman(residence=world.qitai, registered_at=world.qitai_mch, name="王秀兰", actor=mch_worker)
    make_pregnancy(registered_at=world.qitai_mch, lmp=date(2024, 1, 10), woman=woman, actor=mch_worker)
    make_pregnancy(registered_at=world.qitai_mch, lmp=date(2024, 2, 3), residence=world.qitai, actor=mch_worker)
    return woman


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase"
    path.write_text(PASSPHRASE + "\n")
    return path


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[BaseDatabaseWrapper]:
    """A second database, outside the configured ones: a new SQLite file without a table (a scratch PostgreSQL
    database named for this test on PostgreSQL)."""
    default = connections["default"]
    scratch = f"shanhai_backup_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    if default.vendor == "postgresql":
        with default.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{scratch}"')
    name = scratch if default.vendor == "postgresql" else str(tmp_path / "restored.sqlite3")
    connection = load_backend(default.settings_dict["ENGINE"]).DatabaseWrapper(
        {**default.settings_dict, "NAME": name}, "restored"
    )
    try:
        yield connection
    finally:
        connection.close()
        if default.vendor == "postgresql":
            with default.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def tables(connection: BaseDatabaseWrapper) -> dict[str, tuple[int, str]]:
    """Every table of a database: its row count and a hash of its rows (in any order)."""
    result = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(row) for row in cursor.fetchall())
            result[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return result


def decrypted_name(connection: BaseDatabaseWrapper, woman: Woman) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM maternal_woman WHERE public_id = %s", [woman.public_id.hex])
        (ciphertext,) = cursor.fetchone()
    return Woman._meta.get_field("name").from_db_value(ciphertext, None, connection)


def run(command: str, **options: Any) -> str:
    output = StringIO()
    call_command(command, stdout=output, stderr=StringIO(), **options)
    return output.getvalue()


@transactional
def test_a_backup_restores_into_an_empty_database_table_for_table(
    records: Woman, tmp_path: Path, empty_database: BaseDatabaseWrapper
) -> None:
    archive = tmp_path / "shanhai.backup"
    before = tables(connections["default"])
    backup.create_backup(archive, PASSPHRASE)
    assert tables(empty_database) == {}

    restored = backup.restore_backup(archive, PASSPHRASE, connection=empty_database)

    assert restored.mismatches == {}
    assert restored.keys == "the configured keys are the backup's"
    assert tables(empty_database) == before
    assert before["maternal_woman"][0] == 2
    assert decrypted_name(empty_database, records) == "王秀兰"


@transactional
def test_the_commands_back_up_and_restore_the_configured_database(
    records: Woman, tmp_path: Path, passphrase_file: Path
) -> None:
    default = connections["default"]
    archive = tmp_path / "shanhai.backup"
    before = tables(default)
    total = sum(count for count, _hash in before.values())

    summary = run("backup", output=archive, passphrase_file=str(passphrase_file))

    assert summary == (
        f"backed up the {default.vendor} database ({len(before)} tables, {total} rows) with its keys to {archive} "
        f"({archive.stat().st_size} bytes, encrypted)\n"
    )
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert "王秀兰".encode() not in archive.read_bytes()
    call_command("flush", interactive=False, verbosity=0)
    assert backup.database_has_data() is False

    summary = run("restore", input=archive, passphrase_file=str(passphrase_file))

    assert summary.startswith(f"restored the {default.vendor} database of ")
    assert summary.endswith(
        f"({len(before)} tables, {total} rows): every table's row count matches the backup; "
        "keys: the configured keys are the backup's\n"
    )
    assert tables(default) == before
    assert Woman.objects.get(public_id=records.public_id).name == "王秀兰"


@transactional
def test_the_archive_carries_the_keys_and_a_manifest(records: Woman, tmp_path: Path) -> None:
    archive = tmp_path / "shanhai.backup"
    manifest = backup.create_backup(archive, PASSPHRASE)
    (tmp_path / "out").mkdir()

    read, keys, dump = backup.read_backup(archive, PASSPHRASE, tmp_path / "out")

    assert read == manifest
    assert keys == KeyMaterial(settings.SECRET_KEY, [], ["shanhai-personal-data-v1"])
    assert dump.name == {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[manifest.vendor]
    assert manifest.vendor == connections["default"].vendor
    assert manifest.row_counts == backup.row_counts()
    assert manifest.row_counts["maternal_pregnancy"] == 2
    assert manifest.migrations["maternal"][0] == "0001_initial"
    assert manifest.migrations["core"][:2] == ["0001_initial", "0002_load_reference_data"]


@transactional
def test_a_wrong_passphrase_restores_nothing(
    records: Woman, tmp_path: Path, passphrase_file: Path, empty_database: BaseDatabaseWrapper
) -> None:
    archive = tmp_path / "shanhai.backup"
    backup.create_backup(archive, PASSPHRASE)
    call_command("flush", interactive=False, verbosity=0)
    emptied = tables(connections["default"])
    wrong = tmp_path / "wrong"
    wrong.write_text("twelve words are worse\n")

    with pytest.raises(CommandError) as error:
        run("restore", input=archive, passphrase_file=str(wrong))
    with pytest.raises(BackupError):
        backup.restore_backup(archive, "twelve words are worse", connection=empty_database)

    assert str(error.value) == "Wrong passphrase (or the backup is damaged): nothing was restored."
    assert tables(connections["default"]) == emptied
    assert tables(empty_database) == {}


@transactional
def test_a_database_with_data_is_replaced_only_with_force(
    records: Woman, tmp_path: Path, passphrase_file: Path
) -> None:
    archive = tmp_path / "shanhai.backup"
    backup.create_backup(archive, PASSPHRASE)
    before = tables(connections["default"])
    records.__class__.objects.filter(pk=records.pk).update(residence=records.registered_at)
    changed = tables(connections["default"])

    with pytest.raises(CommandError) as error:
        run("restore", input=archive, passphrase_file=str(passphrase_file))

    assert str(error.value) == "The database already holds data: nothing was restored (use --force to replace it)."
    assert tables(connections["default"]) == changed
    run("restore", input=archive, passphrase_file=str(passphrase_file), force=True)
    assert tables(connections["default"]) == before


@pytest.mark.parametrize(
    ("passphrase", "message"),
    [
        ("", "The passphrase is empty."),
        ("   ", "The passphrase is empty."),
        ("eleven char", "The passphrase is too short: use at least 12 characters."),
    ],
)
def test_an_empty_or_short_passphrase_is_refused_before_anything_is_written(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, passphrase: str, message: str
) -> None:
    monkeypatch.setenv("SHANHAI_BACKUP_PASSPHRASE", passphrase)
    with pytest.raises(CommandError) as error:
        run("backup", output=tmp_path / "shanhai.backup")
    assert str(error.value) == message
    assert list(tmp_path.iterdir()) == []


def test_without_a_passphrase_the_command_says_how_to_give_one(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SHANHAI_BACKUP_PASSPHRASE", raising=False)
    with pytest.raises(CommandError) as error:
        run("backup", output=tmp_path / "shanhai.backup")
    assert str(error.value) == (
        "Give a passphrase: --passphrase-file FILE or the environment variable SHANHAI_BACKUP_PASSPHRASE."
    )
    assert list(tmp_path.iterdir()) == []


def frames(content: bytes) -> tuple[bytes, list[bytes]]:
    """An archive's header and its length-prefixed encrypted chunks."""
    header_end = content.index(b"\n", len(backup.MAGIC)) + 1
    header, position, chunks = content[:header_end], header_end, []
    while position < len(content):
        size = int.from_bytes(content[position : position + 4], "big")
        chunks.append(content[position : position + 4 + size])
        position += 4 + size
    return header, chunks


@transactional
def test_a_damaged_truncated_or_reordered_archive_is_refused(
    records: Woman, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup, "CHUNK_BYTES", 4 * 1024)
    archive = tmp_path / "shanhai.backup"
    backup.create_backup(archive, PASSPHRASE)
    content = archive.read_bytes()
    header, chunks = frames(content)
    assert len(chunks) > 3
    flipped = bytearray(content)
    flipped[len(header) + len(chunks[0]) + 100] ^= 1
    cases = {
        "cut in a chunk": (content[: len(content) // 2], "The backup is truncated."),
        "cut after a chunk": (header + chunks[0] + chunks[1], "The backup is truncated."),
        "reordered": (
            header + chunks[1] + chunks[0] + b"".join(chunks[2:]),
            "The backup is damaged (its parts are out of order).",
        ),
        "a bit flipped": (bytes(flipped), "The backup is damaged."),
        "extended": (content + b"\0", "The backup is damaged (data after its end)."),
        "not a backup": (b"PK" + content[2:], "This file is not a Shanhai backup."),
    }
    (tmp_path / "out").mkdir()
    for name, (damaged, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(damaged)
        with pytest.raises(BackupError) as error:
            backup.read_backup(path, PASSPHRASE, tmp_path / "out")
        assert (name, str(error.value)) == (name, message)


def test_keys_not_configured_are_written_where_the_settings_read_them(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings.VAR_DIR = tmp_path
    (tmp_path / "secret_key").write_text("generated-on-this-machine")
    keys = KeyMaterial("the-backups-secret-key", [], list(settings.SALT_KEY))

    outcome, written = backup.install_keys(keys)

    assert (
        outcome
        == f"the backup's SECRET_KEY was written to {tmp_path / 'secret_key'}: restart the server and the worker"
    )
    assert written == [tmp_path / "secret_key"]
    assert (tmp_path / "secret_key").read_text() == "the-backups-secret-key"
    assert (tmp_path / "secret_key.before-restore").read_text() == "generated-on-this-machine"
    assert {stat.S_IMODE(path.stat().st_mode) for path in tmp_path.iterdir()} == {0o600}


def test_configured_keys_are_left_alone_and_the_backups_written_beside_them(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECRET_KEY", settings.SECRET_KEY)
    settings.VAR_DIR = tmp_path
    keys = KeyMaterial("the-backups-secret-key", ["an-older-key"], ["salt-2025", "salt-2024"])

    outcome, written = backup.install_keys(keys)

    env_file = tmp_path / "restored-keys.env"
    assert outcome == (
        f"set SECRET_KEY, SECRET_KEY_FALLBACKS, SHANHAI_SALT_KEY in the environment from {env_file}, "
        "then delete that file"
    )
    assert written == [env_file]
    assert env_file.read_text() == (
        "SECRET_KEY=the-backups-secret-key\nSECRET_KEY_FALLBACKS=an-older-key\nSHANHAI_SALT_KEY=salt-2025,salt-2024\n"
    )
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert sorted(path.name for path in tmp_path.iterdir()) == ["restored-keys.env"]
