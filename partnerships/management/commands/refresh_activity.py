"""``refresh_activity``: the daily refresh of what time alone changes.

A meeting planned for a day that has now come counts as its partnerships'
last activity from that day on; no one edits anything that day, so this
command, run once a day from cron (any time after midnight), brings the stored
values up to date. It is idempotent: a second run finds nothing to do, and a
missed day is caught up by the next run. ``--all`` recomputes every
partnership (after restoring a backup, say).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from partnerships import activity


class Command(BaseCommand):
    help = "Bring the partnerships' stored last activity up to date (run daily from cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="Recompute every partnership, not only those due."
        )

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        if options["all"]:
            count = activity.refresh_all(today=today)
        else:
            count = activity.refresh_due(today=today)
        self.stdout.write(f"{count} partnership(s) refreshed.")
