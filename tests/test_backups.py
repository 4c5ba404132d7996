"""Backups that restore: ``manage.py backup`` taken while someone writes, then
``manage.py restore`` into an empty database: integrity passes, the counts
and files match the manifest, and no acknowledged row is missing (the copy
is the database at one instant: every row acknowledged before the backup
started is there, and the rows that are there are a gap-free prefix of the
acknowledged ones). On PostgreSQL (CI's second run) the same test goes
through pg_dump and pg_restore, in scratch databases of the test server."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

WRITER = """
import os, sys, django
django.setup()
from django.contrib.auth import get_user_model
from partnerships.models import Sector
get_user_model().objects.get_or_create(username="writer")
acks, stop = open(sys.argv[1], "a"), sys.argv[2]
for i in range(100_000):
    if os.path.exists(stop):
        break
    sector = Sector.objects.create(name=f"Writer sector {i}", slug=f"writer-{i}")
    acks.write(f"{sector.pk}\\n")  # acknowledged: committed
    acks.flush()
    if i == 30:
        print("ready", flush=True)
print("done", flush=True)
"""


class ScratchDatabase:
    """A database beside the test database, on the same server, and the
    environment that points manage.py at it."""

    def __init__(self, tmp_path: Path, label: str) -> None:
        self.vendor = connection.vendor
        self.label = label
        db = settings.DATABASES["default"]
        if self.vendor == "sqlite":
            self.path = tmp_path / f"{label}.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            self.name = f"crm_scratch_{label}_{uuid.uuid4().hex[:8]}"
            auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
            self.url = f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{self.name}"
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{self.name}"')
        self.media = tmp_path / f"{label}-media"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL")},
            "DATABASE_URL": self.url,
            "DJANGO_MEDIA_ROOT": str(self.media),
            "DJANGO_DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "crm.settings",
        }

    def fill_from_test_database(self) -> None:
        """Migrated, with the test's rows: SQLite copies the test database
        (in memory) through the backup API; PostgreSQL migrates."""
        if self.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(self.path)
            connection.connection.backup(target)
            target.close()
        else:
            self.manage("migrate", "--noinput", "-v0")

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    def query(self, sql: str) -> list[tuple]:
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path) as db:
                return db.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.url) as db:
            return db.execute(sql).fetchall()

    def drop(self) -> None:
        if self.vendor != "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def scratch(tmp_path, django_db_blocker):
    made = []

    def make(label: str) -> ScratchDatabase:
        with django_db_blocker.unblock():
            database = ScratchDatabase(tmp_path, label)
        made.append(database)
        return database

    yield make
    with django_db_blocker.unblock():
        for database in made:
            database.drop()


def writer_ids(database: ScratchDatabase) -> list[int]:
    rows = database.query("SELECT id FROM partnerships_sector WHERE slug LIKE 'writer-%'")
    return sorted(row[0] for row in rows)


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_people_write_restores_complete_and_consistent(
    scratch, tmp_path, owner
):
    from tests import factories

    document = factories.DocumentFactory()
    source = scratch("source")
    source.fill_from_test_database()
    if source.vendor == "sqlite":
        # The copy holds the test's document row; its file goes with it.
        (source.media / "documents").mkdir(parents=True)
        document.file.open("rb")
        (source.media / document.file.name).write_bytes(document.file.read())
    acks, stop = tmp_path / "acks.txt", tmp_path / "stop"
    writer = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", WRITER, str(acks), str(stop)],
        cwd=ROOT,
        env=source.env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "ready"
        acknowledged_before = [int(line) for line in acks.read_text().split()]

        made = source.manage("backup", "--output-dir", str(tmp_path / "backups"))
    finally:
        stop.touch()
        writer.wait(timeout=60)
    acknowledged = [int(line) for line in acks.read_text().split()]
    archive = next((tmp_path / "backups").glob("crm-*.tar.gz"))

    target = scratch("target")
    restored = target.manage("restore", str(archive))

    assert "Backup written" in made.stdout
    assert "integrity ok" in restored.stdout
    assert len(acknowledged) > len(acknowledged_before)  # writes went on around the backup
    in_restore = writer_ids(target)
    assert set(acknowledged_before) <= set(in_restore)
    assert in_restore == acknowledged[: len(in_restore)]  # a gap-free prefix
    with tarfile.open(archive) as opened:
        manifest = json.loads(opened.extractfile("manifest.json").read())
    assert manifest["counts"]["partnerships_sector"] == len(
        target.query("SELECT id FROM partnerships_sector")
    )
    if source.vendor == "sqlite":
        assert [entry["name"] for entry in manifest["media"]] == [document.file.name]
        assert (target.media / document.file.name).read_bytes() == (
            source.media / document.file.name
        ).read_bytes()

    # The source has data: restoring over it is refused and changes nothing.
    before = source.query("SELECT COUNT(*) FROM partnerships_sector")
    refused = source.manage("restore", str(archive), check=False)
    assert refused.returncode != 0
    assert "already holds data" in refused.stderr
    assert source.query("SELECT COUNT(*) FROM partnerships_sector") == before

    # A damaged archive fails its check (a count that does not match).
    manifest["counts"]["partnerships_sector"] += 1
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as original, tarfile.open(tampered, "w:gz") as copy:
        for member in original.getmembers():
            if member.name == "manifest.json":
                data = json.dumps(manifest).encode()
                member.size = len(data)
                copy.addfile(member, io.BytesIO(data))
            else:
                copy.addfile(member, original.extractfile(member))
    checked = target.manage("restore", str(tampered), "--force", check=False)
    assert checked.returncode != 0
    assert "partnerships_sector" in checked.stderr and "the backup had" in checked.stderr
