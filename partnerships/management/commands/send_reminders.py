"""``python manage.py send_reminders``: the daily digests and renewal actions.

Meant for cron, once a day (running it again the same day sends nothing twice):

    0 7 * * *  cd /srv/crm && .venv/bin/python manage.py send_reminders
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from partnerships.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "E-mail each owner one digest of their overdue actions, actions due this week and "
        "renewals coming due, and create the 'prepare the renewal' actions. "
        "Safe to run every day, and twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say who would get a digest; send nothing, create nothing.",
        )
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="Act as if today were this day (YYYY-MM-DD); today by default.",
        )

    def handle(self, *args, dry_run: bool, date: datetime.date | None, **options) -> None:
        today = date or timezone.localdate()
        run = send_reminders(today=today, dry_run=dry_run)
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(
            f"{today.isoformat()}: created {len(run.renewal_actions)} renewal action(s); "
            f"{verb.lower()} {len(run.sent)} digest(s); "
            f"{run.already_sent} already sent today."
        )
        for username in run.sent:
            self.stdout.write(f"  {verb} to {username}")
        if run.failed:
            raise CommandError(
                f"{len(run.failed)} digest(s) could not be sent: {', '.join(run.failed)}. "
                "Run the command again to retry them."
            )
