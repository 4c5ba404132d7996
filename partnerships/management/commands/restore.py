"""``python manage.py restore ARCHIVE``: put a backup back and check it
(partnerships/backups.py). Stop the app servers first; run ``migrate``
after restoring a backup made by an older version."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from partnerships import backups


class Command(BaseCommand):
    help = (
        "Restore a backup archive: the database and the uploaded documents, then check "
        "integrity, every table's row count and every file. Refuses a database that "
        "already holds data unless --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="A crm-*.tar.gz written by 'backup'.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds data.",
        )
        parser.add_argument(
            "--check-only",
            action="store_true",
            help="Restore nothing: check the current database and files against the archive.",
        )

    def handle(self, *args, archive: Path, force: bool, check_only: bool, **options) -> None:
        try:
            if check_only:
                report = backups.check_restored(backups.read_manifest(archive))
            else:
                report = backups.restore(archive_path=archive, force=force, say=self.stdout.write)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored and checked: integrity ok, {report.tables} tables "
                f"({report.rows} rows) and {report.files} files as in the backup."
            )
        )
