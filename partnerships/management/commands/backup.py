"""``python manage.py backup``: one archive with a consistent copy of the
database, the uploaded documents and a manifest of row counts
(partnerships/backups.py). Safe while people work. For cron, nightly:

    30 2 * * *  cd /srv/crm && .venv/bin/python manage.py backup --keep 14
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from partnerships import backups


class Command(BaseCommand):
    help = (
        "Write one archive (crm-YYYYMMDD-HHMMSS.tar.gz) holding a consistent copy of the "
        "database, the uploaded documents and a manifest of row counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=settings.BACKUP_DIR,
            help="Where to write the archive (default: CRM_BACKUP_DIR, or backups/ in the repo).",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=0,
            help="Then delete all but the KEEP newest archives in that folder (default: keep all).",
        )

    def handle(self, *args, output_dir: Path, keep: int, **options) -> None:
        try:
            archive = backups.backup(output_dir=output_dir, say=self.stdout.write)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backup written: {archive}"))
        for path in backups.prune(output_dir=output_dir, keep=keep):
            self.stdout.write(f"Deleted old backup {path.name}")
