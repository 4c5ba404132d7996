"""Backups that restore: one archive with a consistent copy of the database,
the uploaded documents and a manifest of row counts.

The archive (``crm-YYYYMMDD-HHMMSS.tar.gz``) holds:

- ``manifest.json``: when, from which database vendor, the row count of every
  table *in the copy* (not in the live database, which moved on), the applied
  migrations, and each uploaded file with its size and SHA-256;
- ``database/db.sqlite3`` (SQLite, through its online backup API: one read
  transaction, so the copy is the database at one instant while people keep
  writing) or ``database/crm.dump`` (PostgreSQL, ``pg_dump`` in custom format
  inside a REPEATABLE READ transaction whose snapshot the counts also read);
- ``media/...``: the uploaded documents, read through Django's storage API
  after the database copy, so every file the copy names is there.

Restoring refuses a database that already has data (unless forced), puts the
copy in place (SQLite's backup API into the database file, or
``pg_restore --clean``), puts the files back through the storage API, then
checks integrity (SQLite's ``integrity_check`` and ``foreign_key_check``)
and that every count and every file matches the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connection, connections, transaction
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_COPY = "database/db.sqlite3"
PG_DUMP = "database/crm.dump"
MEDIA_PREFIX = "media/"
# Rows whose count changes on their own (expired sessions, cache entries, throttle
# counters) are copied like the rest but not compared after a restore.
VOLATILE_TABLES = {"django_session", "crm_cache"}


class BackupError(Exception):
    """A backup or restore could not be made or checked; ``str()`` says why."""


@dataclass(frozen=True)
class RestoreReport:
    tables: int
    rows: int
    files: int


Say = Callable[[str], None]


def _quiet(_message: str) -> None:
    return None


# Backing up ----------------------------------------------------------------------


def backup(*, output_dir: Path, say: Say = _quiet) -> Path:
    """Write one archive into ``output_dir``; returns its path."""
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    archive_path = output_dir / f"crm-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory(prefix="crm-backup-") as work:
        work_dir = Path(work)
        vendor = connection.vendor
        if vendor == "sqlite":
            database_member = SQLITE_COPY
            counts = _copy_sqlite(work_dir / "db.sqlite3")
        elif vendor == "postgresql":
            database_member = PG_DUMP
            counts = _dump_postgresql(work_dir / "crm.dump")
        else:
            raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
        say(f"Database copied: {len(counts)} tables, {sum(counts.values())} rows.")
        files = list(_media_files(default_storage))
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": vendor, "member": database_member},
            "counts": counts,
            "migrations": _applied_migrations(),
            "media": [],
        }
        partial = archive_path.with_suffix(".partial")
        with tarfile.open(partial, "w:gz", compresslevel=3) as archive:
            archive.add(work_dir / PurePosixPath(database_member).name, arcname=database_member)
            for name in files:
                digest, size = _add_stored_file(archive, default_storage, name)
                manifest["media"].append({"name": name, "size": size, "sha256": digest})
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
        partial.rename(archive_path)
    say(f"Uploaded files: {len(files)}.")
    return archive_path


def prune(*, output_dir: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest archives in ``output_dir``."""
    archives = sorted(output_dir.glob("crm-*.tar.gz"))
    doomed = archives[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink()
    return doomed


def _copy_sqlite(target: Path) -> dict[str, int]:
    connection.ensure_connection()
    source = connection.connection
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1): a single read transaction, a copy of one instant;
        # in WAL mode writers carry on meanwhile.
        source.backup(copy, pages=-1)
        return _sqlite_counts(copy)
    finally:
        copy.close()


def _sqlite_counts(database: sqlite3.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in database.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    return {
        table: database.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
        for table in tables
    }


def _dump_postgresql(target: Path) -> dict[str, int]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _table_counts(cursor)
        _run(
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
            ]
        )
    return counts


def _table_counts(cursor) -> dict[str, int]:
    tables = sorted(connection.introspection.table_names(cursor))
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


def _applied_migrations() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [f"{app}.{name}" for app, name in cursor.fetchall()]


def _media_files(storage: Storage, directory: str = "") -> Iterator[str]:
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for sub in sorted(directories):
        yield from _media_files(storage, f"{directory}/{sub}" if directory else sub)


def _add_stored_file(archive: tarfile.TarFile, storage: Storage, name: str) -> tuple[str, int]:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
        size = handle.tell()
        handle.seek(0)
        info = tarfile.TarInfo(MEDIA_PREFIX + name)
        info.size = size
        info.mtime = int(timezone.now().timestamp())
        archive.addfile(info, handle)
    return digest.hexdigest(), size


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


# Restoring -----------------------------------------------------------------------


def read_manifest(archive_path: Path) -> dict:
    try:
        with tarfile.open(archive_path, "r:*") as archive:
            member = archive.extractfile(MANIFEST)
            manifest = json.loads(member.read()) if member else None
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(f"{archive_path} is not a readable backup archive ({error}).") from None
    if not manifest or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive_path} is not a backup archive of this application.")
    return manifest


def database_has_data() -> bool:
    """Whether the current database holds anything a restore would destroy:
    people or records (a freshly migrated database has neither)."""
    from django.contrib.auth import get_user_model

    from partnerships.models import Action, Contact, Document, Meeting, Organization, Partnership

    if "django_migrations" not in connection.introspection.table_names():
        return False
    models = [get_user_model(), Organization, Contact, Meeting, Action, Document]
    return Partnership.all_objects.exists() or any(m._base_manager.exists() for m in models)


def restore(*, archive_path: Path, force: bool, say: Say = _quiet) -> RestoreReport:
    manifest = read_manifest(archive_path)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"The backup is of a {vendor} database; this one is {connection.vendor}.")
    if not force and database_has_data():
        raise BackupError(
            "The database already holds data: restoring would replace it. "
            "Use --force to replace it anyway (take a backup of it first)."
        )
    with tempfile.TemporaryDirectory(prefix="crm-restore-") as work:
        work_dir = Path(work)
        with tarfile.open(archive_path, "r:*") as archive:
            database_file = work_dir / "database"
            _extract_member(archive, manifest["database"]["member"], database_file)
            if vendor == "sqlite":
                _restore_sqlite(database_file)
            else:
                _restore_postgresql(database_file)
            say("Database restored.")
            for entry in manifest["media"]:
                _restore_stored_file(archive, default_storage, entry)
        say(f"Uploaded files restored: {len(manifest['media'])}.")
    return check_restored(manifest)


def _extract_member(archive: tarfile.TarFile, name: str, target: Path) -> None:
    member = archive.extractfile(name)
    if member is None:
        raise BackupError(f"The archive has no {name}.")
    with target.open("wb") as out:
        shutil.copyfileobj(member, out)


def _restore_sqlite(copy_path: Path) -> None:
    connections.close_all()
    target = settings.DATABASES["default"]["NAME"]
    copy = sqlite3.connect(copy_path)
    live = sqlite3.connect(target, timeout=20)
    try:
        copy.backup(live, pages=-1)
    finally:
        live.close()
        copy.close()


def _restore_postgresql(dump_path: Path) -> None:
    connections.close_all()
    _run(
        [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={_pg_env()['PGDATABASE']}",
            str(dump_path),
        ]
    )


def _restore_stored_file(archive: tarfile.TarFile, storage: Storage, entry: dict) -> None:
    name = entry["name"]
    if PurePosixPath(name).is_absolute() or ".." in PurePosixPath(name).parts:
        raise BackupError(f"The archive names a file outside the uploads folder: {name}")
    member = archive.extractfile(MEDIA_PREFIX + name)
    if member is None:
        raise BackupError(f"The archive has no {MEDIA_PREFIX}{name}.")
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, File(member, name=PurePosixPath(name).name))
    if saved != name:
        raise BackupError(f"The file {name} was stored as {saved}.")


def check_restored(manifest: dict) -> RestoreReport:
    """Integrity, then every table's count and every file against the manifest."""
    connection.ensure_connection()
    problems: list[str] = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            result = [row[0] for row in cursor.fetchall()]
            if result != ["ok"]:
                problems.append(f"integrity check: {'; '.join(result[:5])}")
            cursor.execute("PRAGMA foreign_key_check")
            broken = cursor.fetchall()
            if broken:
                problems.append(f"{len(broken)} rows point to missing rows: {broken[:5]}")
        counts = _table_counts(cursor)
    for table, expected in manifest["counts"].items():
        if table in VOLATILE_TABLES:
            continue
        if counts.get(table) != expected:
            problems.append(f"{table}: {counts.get(table)} rows, the backup had {expected}")
    for entry in manifest["media"]:
        if not default_storage.exists(entry["name"]):
            problems.append(f"missing file {entry['name']}")
            continue
        with default_storage.open(entry["name"], "rb") as handle:
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
        if digest.hexdigest() != entry["sha256"]:
            problems.append(f"file {entry['name']} differs from the backup")
    if problems:
        raise BackupError(
            "The restored data does not match the backup:\n- " + "\n- ".join(problems)
        )
    return RestoreReport(
        tables=len(manifest["counts"]),
        rows=sum(manifest["counts"].values()),
        files=len(manifest["media"]),
    )


# PostgreSQL tools ----------------------------------------------------------------


def _pg_tool(name: str) -> str:
    """``pg_dump`` or ``pg_restore``: from CRM_PG_BIN_DIR, the PATH, or the
    newest Debian PostgreSQL install."""
    configured = os.environ.get("CRM_PG_BIN_DIR")
    if configured:
        return str(Path(configured) / name)
    found = shutil.which(name)
    if found:
        return found
    installed = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if installed:
        return str(installed[-1])
    raise BackupError(f"{name} was not found: install the PostgreSQL client or set CRM_PG_BIN_DIR.")


def _pg_env() -> dict[str, str]:
    """The connection, for libpq's environment (no password on a command line)."""
    db = settings.DATABASES["default"]
    env = {
        "PGDATABASE": db["NAME"],
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
    }
    return {key: value for key, value in env.items() if value}


def _run(command: list[str]) -> None:
    env = {**os.environ, **_pg_env()}
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")
