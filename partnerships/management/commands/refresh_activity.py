"""``refresh_activity``: the daily refresh of what time alone changes.

A meeting planned for a day that has now come counts as its partnerships'
last activity from that day on; no one edits anything that day, so this
command, run once a day from cron (any time after midnight), brings the stored
values up to date. Likewise an exchange rate dated in advance becomes the
current one on its day: the values in euros of its currency follow
(``valuation.revalue``, which writes only the rows whose value changes). It is
idempotent: a second run finds nothing to do, and a
missed day is caught up by the next run. ``--all`` recomputes every
partnership (after restoring a backup, say), its stored stage history too
(``stage_history.py``: which only the workflows change, never time).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from partnerships import activity, stage_history, valuation


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
            valuation.refresh_all(today=today)  # the same partnerships, all of them
            stage_history.refresh_all()
            revalued = 0
        else:
            count = activity.refresh_due(today=today)
            revalued = valuation.revalue(today=today)
        self.stdout.write(f"{count} partnership(s) refreshed.")
        if revalued:
            self.stdout.write(f"{revalued} value(s) in euros brought to today's rates.")
