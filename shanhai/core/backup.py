"""Encrypted backups of the whole database, with the keys that decrypt its personal data.

An archive is a gzip-compressed tar stream of three members — ``manifest.json`` (when, which database, the migrations applied
per app, the rows per table), ``keys.json`` (SECRET_KEY, its fallbacks and the salts: the personal-data key is
derived from them, so a dump without them cannot be read) and the dump itself (``database.sqlite3``, a copy made
with SQLite's online backup API, or ``database.pgdump``, ``pg_dump --format=custom``) — encrypted as a whole with a
key derived from a passphrase (scrypt), in Fernet chunks that carry their position, so that a reordered or
truncated file is refused. Files are written readable by their owner only.
"""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from shanhai.core import clock
from shanhai.core.models import Department, HospitalGrade, ProfessionalTitle

FORMAT_VERSION = 1
MAGIC = b"shanhai-backup\n"
MIN_PASSPHRASE_LENGTH = 12
PASSPHRASE_ENVIRONMENT = "SHANHAI_BACKUP_PASSPHRASE"
#: scrypt's cost: 2**15 × 8 × 128 bytes = 32 MiB of memory and a fraction of a second per guess.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
CHUNK_BYTES = 4 * 1024 * 1024
#: Each chunk's plaintext starts with its index and whether it is the last one.
_CHUNK_HEAD = struct.Struct(">QB")
_FRAME_LENGTH = struct.Struct(">I")

MANIFEST, KEYS = "manifest.json", "keys.json"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
#: Tables that `migrate` alone fills: rows there do not make a database "have data".
_MIGRATION_TABLES = {"django_migrations", "django_content_type", "auth_permission", "sqlite_sequence"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator and holds no personal data."""


@dataclass(frozen=True)
class KeyMaterial:
    """What derives the personal-data key (django-fernet-encrypted-fields: PBKDF2 of each secret key × salt)."""

    secret_key: str
    secret_key_fallbacks: list[str]
    salt_key: list[str]

    @classmethod
    def configured(cls) -> KeyMaterial:
        salts = settings.SALT_KEY if isinstance(settings.SALT_KEY, list) else [settings.SALT_KEY]
        return cls(settings.SECRET_KEY, list(getattr(settings, "SECRET_KEY_FALLBACKS", [])), list(salts))


@dataclass(frozen=True)
class Manifest:
    created_at: str
    vendor: str
    migrations: dict[str, list[str]]
    row_counts: dict[str, int]
    format_version: int = FORMAT_VERSION

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    #: table → (rows in the manifest, rows restored), only where they differ
    mismatches: dict[str, tuple[int, int]]
    keys: str
    keys_written_to: list[Path] = field(default_factory=list)


# --- passphrase and encryption ---------------------------------------------------------------------------


def check_passphrase(passphrase: str) -> None:
    """A new archive's passphrase: not empty, at least MIN_PASSPHRASE_LENGTH characters."""
    if not passphrase.strip():
        raise BackupError("The passphrase is empty.")
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise BackupError(f"The passphrase is too short: use at least {MIN_PASSPHRASE_LENGTH} characters.")


def read_passphrase(passphrase_file: str | None) -> str:
    """From the file given (its trailing line break dropped), else from SHANHAI_BACKUP_PASSPHRASE."""
    if passphrase_file:
        try:
            return Path(passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as error:
            raise BackupError(f"Cannot read the passphrase file: {error.strerror}.") from error
    passphrase = os.environ.get(PASSPHRASE_ENVIRONMENT)
    if passphrase is None:
        raise BackupError(
            f"Give a passphrase: --passphrase-file FILE or the environment variable {PASSPHRASE_ENVIRONMENT}."
        )
    return passphrase


def _fernet(passphrase: str, salt: bytes, n: int, r: int, p: int) -> Fernet:
    key = Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


class _EncryptingWriter(io.RawIOBase):
    """A write-only stream that encrypts what it is given in numbered chunks after a header."""

    def __init__(self, target: IO[bytes], passphrase: str) -> None:
        salt = os.urandom(16)
        header = {"version": FORMAT_VERSION, "kdf": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P}
        header["salt"] = base64.b64encode(salt).decode()
        target.write(MAGIC + json.dumps(header).encode() + b"\n")
        self._target, self._fernet = target, _fernet(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        self._buffer, self._index = bytearray(), 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK_BYTES:
            self._emit(bytes(self._buffer[:CHUNK_BYTES]), last=False)
            del self._buffer[:CHUNK_BYTES]
        return len(data)

    def finish(self) -> None:
        self._emit(bytes(self._buffer), last=True)
        self._buffer.clear()

    def _emit(self, chunk: bytes, *, last: bool) -> None:
        token = self._fernet.encrypt(_CHUNK_HEAD.pack(self._index, last) + chunk)
        self._target.write(_FRAME_LENGTH.pack(len(token)) + token)
        self._index += 1


def _decrypted_chunks(source: IO[bytes], passphrase: str) -> Iterator[bytes]:
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("This file is not a Shanhai backup.")
    try:
        header = json.loads(source.readline())
        fernet = _fernet(passphrase, base64.b64decode(header["salt"]), header["n"], header["r"], header["p"])
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError("The backup's header is damaged.") from error
    if header.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"This backup has format version {header.get('version')}; this Shanhai reads {FORMAT_VERSION}."
        )
    index = 0
    while True:
        length = source.read(_FRAME_LENGTH.size)
        if len(length) < _FRAME_LENGTH.size:
            raise BackupError("The backup is truncated.")
        size = _FRAME_LENGTH.unpack(length)[0]
        token = source.read(size)
        if len(token) < size:
            raise BackupError("The backup is truncated.")
        try:
            plain = fernet.decrypt(token)
        except InvalidToken as error:
            if index == 0:
                raise BackupError("Wrong passphrase (or the backup is damaged): nothing was restored.") from error
            raise BackupError("The backup is damaged.") from error
        position, last = _CHUNK_HEAD.unpack_from(plain)
        if position != index:
            raise BackupError("The backup is damaged (its parts are out of order).")
        yield plain[_CHUNK_HEAD.size :]
        if last:
            if source.read(1):
                raise BackupError("The backup is damaged (data after its end).")
            return
        index += 1


class _DecryptingReader(io.RawIOBase):
    def __init__(self, source: IO[bytes], passphrase: str) -> None:
        self._chunks, self._buffer = _decrypted_chunks(source, passphrase), b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        while not self._buffer:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buffer = chunk
        count = min(len(target), len(self._buffer))
        target[:count], self._buffer = self._buffer[:count], self._buffer[count:]
        return count

    def drain(self) -> None:
        """Read to the end, so that a truncated or tampered tail is found before anything is restored."""
        for _chunk in self._chunks:
            pass


# --- reading the database ---------------------------------------------------------------------------------


def _quote(connection: BaseDatabaseWrapper, table: str) -> str:
    return connection.ops.quote_name(table)


def _counts(cursor: Any, quote: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - table names from the catalogue
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(cursor: Any) -> dict[str, list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, id")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def row_counts(connection: BaseDatabaseWrapper | None = None) -> dict[str, int]:
    """Rows in every table of the database (default: the default database), by table name."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        return _counts(cursor, lambda name: _quote(connection, name), tables)


def database_has_data(connection: BaseDatabaseWrapper | None = None) -> bool:
    """Whether any table holds rows other than what `migrate` alone puts there (migrations, content types,
    permissions, the code lists)."""
    reference = _MIGRATION_TABLES | {model._meta.db_table for model in (Department, HospitalGrade, ProfessionalTitle)}
    return any(count for table, count in row_counts(connection).items() if table not in reference)


def _sqlite_dump(connection: BaseDatabaseWrapper, into: Path) -> tuple[dict[str, list[str]], dict[str, int]]:
    connection.ensure_connection()
    target = sqlite3.connect(into)
    try:
        connection.connection.backup(target)
        cursor = target.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        tables = [name for (name,) in cursor.fetchall()]
        return _migrations(cursor), _counts(cursor, lambda name: _quote(connection, name), tables)
    finally:
        target.close()


def _postgres_environment(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """libpq's variables for pg_dump and pg_restore: the password never appears on a command line."""
    parameters = connection.settings_dict
    environment = dict(os.environ)
    for variable, key in (("PGDATABASE", "NAME"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if parameters.get(key):
            environment[variable] = str(parameters[key])
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT")):
        if parameters.get(key):
            environment[variable] = str(parameters[key])
    return environment


def _run(command: list[str], connection: BaseDatabaseWrapper) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not on PATH: install the PostgreSQL client of the server's version.")
    result = subprocess.run(command, env=_postgres_environment(connection), capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else f"exit status {result.returncode}"
        raise BackupError(f"{command[0]} failed: {detail}")


def _postgres_dump(connection: BaseDatabaseWrapper, into: Path) -> tuple[dict[str, list[str]], dict[str, int]]:
    """pg_dump in the snapshot the row counts are taken in, so that the manifest describes the dump exactly."""
    if connection.in_atomic_block:
        raise BackupError("A backup cannot run inside a transaction.")
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = connection.introspection.table_names(cursor)
            migrations = _migrations(cursor)
            counts = _counts(cursor, lambda name: _quote(connection, name), tables)
            _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={into}"], connection)
        finally:
            cursor.execute("COMMIT")
    return migrations, counts


# --- backup -------------------------------------------------------------------------------------------------


def _private_directory() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="shanhai-backup-")  # created 0700


def create_backup(output: Path, passphrase: str, *, connection: BaseDatabaseWrapper | None = None) -> Manifest:
    """Dump the database with the key material and a manifest into ``output``, encrypted by the passphrase."""
    check_passphrase(passphrase)
    connection = connection or connections[DEFAULT_DB_ALIAS]
    if connection.vendor not in DUMPS:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    with _private_directory() as work:
        dump = Path(work) / DUMPS[connection.vendor]
        dumper = _sqlite_dump if connection.vendor == "sqlite" else _postgres_dump
        migrations, counts = dumper(connection, dump)
        manifest = Manifest(clock.now().isoformat(), connection.vendor, migrations, counts)
        partial = output.with_name(f".{output.name}.partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as target:
                writer = _EncryptingWriter(target, passphrase)
                with tarfile.open(fileobj=writer, mode="w|gz") as archive:
                    _add(archive, MANIFEST, json.dumps(asdict(manifest), indent=1).encode())
                    _add(archive, KEYS, json.dumps(asdict(KeyMaterial.configured())).encode())
                    archive.add(dump, arcname=dump.name)
                writer.finish()
            os.chmod(partial, 0o600)  # an existing partial file keeps its mode through O_CREAT
            os.replace(partial, output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return manifest


def _add(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(content), 0o600
    archive.addfile(info, io.BytesIO(content))


# --- restore ------------------------------------------------------------------------------------------------


def read_backup(source: Path, passphrase: str, into: Path) -> tuple[Manifest, KeyMaterial, Path]:
    """Decrypt and check the whole archive, writing its dump into ``into``; raises BackupError before
    anything is written elsewhere."""
    members: dict[str, bytes] = {}
    dump: Path | None = None
    try:
        with source.open("rb") as encrypted:
            reader = _DecryptingReader(encrypted, passphrase)
            with tarfile.open(fileobj=reader, mode="r|gz") as archive:
                for member in archive:
                    content = archive.extractfile(member) if member.isfile() else None
                    if content is None:
                        raise BackupError("The backup holds an unexpected entry.")
                    if member.name in (MANIFEST, KEYS):
                        members[member.name] = content.read()
                    elif member.name in DUMPS.values():
                        dump = into / member.name
                        with dump.open("wb") as target:
                            shutil.copyfileobj(content, target)
                    else:
                        raise BackupError("The backup holds an unexpected entry.")
            reader.drain()
    except OSError as error:
        raise BackupError(f"Cannot read the backup: {error.strerror or error}.") from error
    except tarfile.TarError as error:
        raise BackupError("The backup is damaged.") from error
    if dump is None or set(members) != {MANIFEST, KEYS}:
        raise BackupError("The backup is incomplete.")
    try:
        manifest = Manifest(**json.loads(members[MANIFEST]))
        keys = KeyMaterial(**json.loads(members[KEYS]))
    except (ValueError, TypeError) as error:
        raise BackupError("The backup's manifest is damaged.") from error
    if dump.name != DUMPS.get(manifest.vendor):
        raise BackupError("The backup's dump does not match its manifest.")
    return manifest, keys, dump


def restore_backup(
    source: Path, passphrase: str, *, connection: BaseDatabaseWrapper | None = None, force: bool = False
) -> Restored:
    """Replace the database with the archive's; install its keys where the settings read them if they are not
    configured; compare the restored rows with the manifest."""
    if not passphrase:
        raise BackupError("The passphrase is empty.")
    connection = connection or connections[DEFAULT_DB_ALIAS]
    with _private_directory() as work:
        manifest, keys, dump = read_backup(source, passphrase, Path(work))
        if manifest.vendor != connection.vendor:
            raise BackupError(f"This is a backup of a {manifest.vendor} database; the target is {connection.vendor}.")
        if connection.in_atomic_block:
            raise BackupError("A restore cannot run inside a transaction.")
        if not force and database_has_data(connection):
            raise BackupError("The database already holds data: nothing was restored (use --force to replace it).")
        if connection.vendor == "sqlite":
            _sqlite_load(connection, dump)
        else:
            connection.close()
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
                  f"--dbname={connection.settings_dict['NAME']}", str(dump)], connection)  # fmt: skip
    restored = row_counts(connection)
    mismatches = {
        table: (count, restored.get(table, 0))
        for table, count in manifest.row_counts.items()
        if restored.get(table, 0) != count
    }
    outcome, written = install_keys(keys)
    return Restored(manifest, mismatches, outcome, written)


def _sqlite_load(connection: BaseDatabaseWrapper, dump: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    except sqlite3.Error as error:
        raise BackupError(
            f"SQLite could not load the dump: {error}. Stop the server and the worker, then retry."
        ) from error
    finally:
        source.close()
    connection.close()  # the next query reconnects to the restored database


def install_keys(keys: KeyMaterial) -> tuple[str, list[Path]]:
    """Put the archive's keys where the settings read them, where that is a file and no one configured it;
    otherwise leave the configuration alone and write the values the environment needs beside it (0600)."""
    configured = KeyMaterial.configured()
    if keys == configured:
        return "the configured keys are the backup's", []
    var_dir = Path(settings.VAR_DIR)
    written: list[Path] = []
    missing: dict[str, str] = {}
    if keys.secret_key != configured.secret_key:
        if os.environ.get("SECRET_KEY"):
            missing["SECRET_KEY"] = keys.secret_key
        else:
            key_file = var_dir / "secret_key"
            if key_file.exists():
                _write_private(var_dir / "secret_key.before-restore", key_file.read_text())
            _write_private(key_file, keys.secret_key)
            written.append(key_file)
    if keys.secret_key_fallbacks != configured.secret_key_fallbacks:
        missing["SECRET_KEY_FALLBACKS"] = ",".join(keys.secret_key_fallbacks)
    if keys.salt_key != configured.salt_key:
        missing["SHANHAI_SALT_KEY"] = ",".join(keys.salt_key)
    if missing:
        env_file = var_dir / "restored-keys.env"
        _write_private(env_file, "".join(f"{name}={value}\n" for name, value in missing.items()))
        written.append(env_file)
        return f"set {', '.join(missing)} in the environment from {env_file}, then delete that file", written
    return f"the backup's SECRET_KEY was written to {written[0]}: restart the server and the worker", written


def _write_private(path: Path, content: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as target:
        target.write(content)
    os.chmod(path, 0o600)
