"""Synthetic data at scale, for benchmarks: ``seed_scale --partnerships N``.

About 5 meetings and 10 actions per partnership, with organizations, contacts,
parties and stage histories in proportion, spread over stages, statuses, owners,
sectors, countries and dates. About one partnership in four has gone quiet: its
last stage move, meeting and action lie 100 to 700 days back, so the stalled
report and the board's "days since last activity" have something to show.

How it stays fast and linear (100,000 partnerships, 3.2 million rows, in under
two minutes on SQLite, with bounded memory; figures in docs/performance.md):

- Partnerships are made a batch at a time (``--batch-size``), each with its stage
  history, parties, sectors, meetings and actions, and the batch is written
  before the next one is made: memory stays flat whatever N.
- Rows are written as plain tuples, with ``executemany`` on SQLite and ``COPY``
  on PostgreSQL, never as model instances: ``bulk_create`` spent most of the
  time building, pre-saving and adapting a model object per row, and kept all of
  them in memory. The ids that other rows point to (organizations, partnerships,
  meetings) are handed out here, from the tables' current maximum, while the
  transaction holds the write lock; PostgreSQL's sequences are moved past them.
- Derived columns (search text, name keys, renewal dates) are computed with the
  functions the models' ``save()`` uses, and the stored stage history (each
  stay's end and length, the furthest stage: ``stage_history.py``) as the
  history is generated, the normalized partnership title once
  for its meetings and actions; the tests check every row against the model
  methods.
- One transaction. On SQLite the command's own connection gets a large page
  cache and no fsync while it runs (restored afterwards): with the default 2 MB
  cache, each insert into a random place of a large index (actions by owner and
  due date, by status and due date, by creation time...) read and wrote back
  pages that no longer fitted, so the time per row grew with the tables.
- Columns the command does not know get their model default (or NULL), and the
  values other engineers' stored columns need are filled at the end by one
  set-based call, :func:`recompute_stored_columns`.

No history rows and no signals, as with any bulk insert.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import random
import resource
import sys
import time
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from tqdm import tqdm

from partnerships import activity, text_search, valuation
from partnerships.models import (
    AbandonReason,
    Action,
    ActionSide,
    ActionStatus,
    Contact,
    Currency,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Organization,
    OrganizationKind,
    Partnership,
    PartnershipKind,
    PartnershipParty,
    PartyRole,
    Priority,
    Sector,
    Stage,
    StageChange,
    Status,
)

User = get_user_model()

COUNTRIES = ["CN", "CN", "CN", "FR", "FR", "DE", "IT", "JP", "KR", "US", "CA", "GB"]
WORDS = [
    "Alpine",
    "Digital",
    "Green",
    "Silk Road",
    "Olympic",
    "Nordic",
    "Smart",
    "Health",
    "Aviation",
    "Campus",
    "Innovation",
    "Tourism",
    "Energy",
    "Rail",
    "Micro",
    "Snow",
]
LOCAL_PREFIXES = ["张家口", "成都", "郑州", "上海", "北京", "河北", "四川", "深圳"]
QUIET_SHARE = 0.25
MEETINGS_PER_PARTNERSHIP = 5
ACTIONS_PER_PARTNERSHIP = 10
# Partnerships made and written together; with their meetings and actions that
# is about 34 rows each, so memory is bounded by this, not by --partnerships.
BATCH_SIZE = 2000
# SQLite page cache for the command's connection, in KiB. With SQLite's default
# (2 MB) a third of the time at 100,000 partnerships went into reading back and
# writing out index pages (system time 31 s of 112 s); 64 MB and 256 MB took the
# same CPU time (84 s), peaking at 173 MB and 401 MB: 128 MB, well inside the
# 500 MB the command may use.
SQLITE_CACHE_KIB = 128 * 1024


def recompute_stored_columns(partnerships: QuerySet[Partnership], *, today: datetime.date) -> None:
    """The partnerships' stored activity (last activity, next due date), which
    the workflows keep and seed_scale's direct writes do not: computed once at
    the end, set-based, by ranges of ids (``activity.refresh_all``)."""
    activity.refresh_all(today=today, partnerships=partnerships)
    valuation.refresh_all(today=today, partnerships=partnerships)


@contextlib.contextmanager
def bulk_load_settings(vendor: str) -> Iterator[None]:
    """On SQLite, for this connection and while the command runs: a large page
    cache (the indexes being filled stay in memory), no fsync (one transaction,
    written once at the end; a crash mid-way leaves the file as it was before,
    or a benchmark database to seed again).
    The previous values are put back afterwards. Nothing on other databases."""
    if vendor != "sqlite":
        yield
        return
    settings = {"cache_size": -SQLITE_CACHE_KIB}
    if not connection.in_atomic_block:  # SQLite refuses it inside a transaction
        settings["synchronous"] = 0  # OFF
    with connection.cursor() as cursor:
        previous = {}
        for name, value in settings.items():
            cursor.execute(f"PRAGMA {name}")
            previous[name] = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in previous.items():
                cursor.execute(f"PRAGMA {name} = {int(value)}")


class RowWriter:
    """Inserts rows of one model, given as tuples of the values of ``fields``
    as the database takes them (foreign keys as ids; dates and time stamps from
    :class:`_Days`, which adapts them as Django does), in the fastest way the
    database offers: COPY on PostgreSQL, a prepared INSERT run by
    ``executemany`` elsewhere.

    Every other concrete column gets the value a new model instance gets (its
    default, an empty string for text, NULL; ``auto_now`` stamps get ``now``): a column
    added later with a default or NULL needs no change here, and one that is
    required without a default stops the command with its name.
    """

    def __init__(self, model: type[models.Model], fields: Sequence[str], *, now: datetime.datetime):
        opts = model._meta
        given = [opts.get_field(name) for name in fields]
        others = [
            field for field in opts.concrete_fields if field not in given and not field.primary_key
        ]
        self.table = opts.db_table
        self.columns = [field.column for field in [*given, *others]]
        self.constants = tuple(self._constant(model, field, now) for field in others)
        self.vendor = connection.vendor
        # Table and column names come from the model, quoted; values are parameters.
        quote = connection.ops.quote_name
        table, columns = quote(self.table), ", ".join(quote(c) for c in self.columns)
        if self.vendor == "postgresql":
            self.sql = f"COPY {table} ({columns}) FROM STDIN"
        else:
            placeholders = ", ".join(["%s"] * len(self.columns))
            self.sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        self.rows_written = 0

    @staticmethod
    def _constant(model: type[models.Model], field: models.Field, now: datetime.datetime) -> Any:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = field.get_default()  # what a new model instance gets ("" for text)
        if value is None and not field.null:
            raise CommandError(
                f"seed_scale does not fill {model._meta.label}.{field.name}, which is "
                "required and has no default: give it a value in seed_scale."
            )
        return field.get_db_prep_save(value, connection)

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        constants = self.constants
        if constants:
            rows = [(*row, *constants) for row in rows]
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(self.sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, rows)
        self.rows_written += len(rows)


class Command(BaseCommand):
    help = "Create synthetic data at scale (about 5 meetings and 10 actions per partnership)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnerships", type=int, default=1000, help="How many partnerships.")
        parser.add_argument("--owners", type=int, default=25, help="How many synthetic owners.")
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed (same data each time)."
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="The day the data is made around (YYYY-MM-DD; default: today). "
            "Time stamps are then made on that day too.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Partnerships made and written at a time (default {BATCH_SIZE}).",
        )
        parser.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="Show a progress bar (default: when the error output is a terminal).",
        )

    def handle(
        self,
        *args,
        partnerships: int,
        owners: int,
        seed: int,
        today: datetime.date | None = None,
        batch_size: int = BATCH_SIZE,
        progress: bool | None = None,
        **options,
    ) -> None:
        if partnerships < 1:
            self.stderr.write("--partnerships must be at least 1.")
            raise SystemExit(2)
        if owners < 1 or batch_size < 1:
            self.stderr.write("--owners and --batch-size must be at least 1.")
            raise SystemExit(2)
        started = time.perf_counter()
        self.verbosity = int(options.get("verbosity", 1))
        self.random = random.Random(seed)
        if today is None:
            self.today = timezone.localdate()
            self.now = timezone.now()
        else:
            self.today = today
            self.now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(12)))
        self.days = _Days(self.today)
        self._phase_started = started
        vendor = connection.vendor
        with bulk_load_settings(vendor), transaction.atomic():
            self._lock_tables(vendor)
            self._prepare_writers()
            self.owner_ids = self._owners(owners)
            self.sector_ids = list(Sector.objects.order_by("pk").values_list("pk", flat=True))
            self.reason_ids = list(
                AbandonReason.objects.order_by("pk").values_list("pk", flat=True)
            )
            org_count = max(50, partnerships // 5)
            self.org_ids = self._organizations(org_count)
            self._contacts(org_count)
            self._phase("owners, organizations and contacts")
            self.next_partnership_id = self._next_id(Partnership)
            self.next_meeting_id = self._next_id(Meeting)
            first_partnership_id = self.next_partnership_id
            with self._progress_bar(partnerships, progress) as bar:
                for batch_start in range(0, partnerships, batch_size):
                    size = min(batch_size, partnerships - batch_start)
                    self._batch(size)
                    bar.update(size)
            self._phase("partnerships, meetings and actions")
            if vendor == "postgresql":
                self._move_sequences_past_the_new_ids()
                # The recompute's UPDATE joins the tables just filled: without
                # statistics PostgreSQL plans it for empty tables (37 minutes
                # at 100,000 partnerships instead of seconds). ANALYZE works
                # inside the transaction, on the rows it can see.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            recompute_stored_columns(
                Partnership.all_objects.filter(
                    pk__gte=first_partnership_id, pk__lt=self.next_partnership_id
                ),
                today=self.today,
            )
            self._phase("stored columns")
        self._phase("commit")
        # Fresh statistics, so the query planner knows the new sizes (PostgreSQL's
        # autovacuum would get there later; SQLite never does on its own).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self._phase("ANALYZE")
        elapsed = time.perf_counter() - started
        rows = sum(writer.rows_written for writer in self.writers.values())
        # The process's peak resident memory (Linux reports it in KiB).
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {partnerships} partnerships with their meetings and actions "
                f"({rows} rows) in {elapsed:.1f} s; peak memory {peak_mb} MB."
            )
        )

    # Plumbing ----------------------------------------------------------------------

    def _phase(self, name: str) -> None:
        now = time.perf_counter()
        if self.verbosity >= 2:
            self.stdout.write(f"  {name}: {now - self._phase_started:.1f} s")
        self._phase_started = now

    def _progress_bar(self, total: int, progress: bool | None) -> tqdm:
        # The bar writes carriage returns, so it goes to the raw stream, not
        # through the command's line-ending OutputWrapper.
        stream = getattr(self.stderr, "_out", sys.stderr)
        return tqdm(
            total=total,
            unit=" partnerships",
            file=stream,
            disable=(not progress) if progress is not None else None,
            mininterval=0.5,
            smoothing=0.1,
            dynamic_ncols=True,
        )

    def _lock_tables(self, vendor: str) -> None:
        """Ids are handed out here from the current maximum: no one else may
        insert into those tables until the command commits. On SQLite the
        project's IMMEDIATE transactions already hold the write lock."""
        if vendor != "postgresql":
            return
        tables = ", ".join(
            connection.ops.quote_name(model._meta.db_table)
            for model in (Organization, Partnership, Meeting)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")

    def _move_sequences_past_the_new_ids(self) -> None:
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(
                no_style(), [Organization, Partnership, Meeting]
            ):
                cursor.execute(sql)

    @staticmethod
    def _next_id(model: type[models.Model]) -> int:
        return (model._base_manager.aggregate(last=Max("pk"))["last"] or 0) + 1

    def _prepare_writers(self) -> None:
        now = self.now
        self.writers = {
            "organizations": RowWriter(
                Organization,
                [
                    "id",
                    "name",
                    "local_name",
                    "kind",
                    "country",
                    "locality",
                    "name_key",
                    "match_key",
                    "search_text",
                ],
                now=now,
            ),
            "contacts": RowWriter(
                Contact,
                ["organization", "name", "name_key", "title", "match_key", "search_text"],
                now=now,
            ),
            "partnerships": RowWriter(
                Partnership,
                [
                    "id",
                    "title",
                    "kind",
                    "stage",
                    "stage_changed_on",
                    "status",
                    "abandon_reason",
                    "owner",
                    "value_amount",
                    "value_currency",
                    "start_date",
                    "end_date",
                    "renewal_notice_days",
                    "renewal_due_on",
                    "renews_tacitly",
                    "search_text",
                    "furthest_stage",
                    "entered_pipeline_on",
                ],
                now=now,
            ),
            "stage_changes": RowWriter(
                StageChange,
                [
                    "partnership",
                    "from_stage",
                    "to_stage",
                    "effective_date",
                    "changed_by",
                    "left_on",
                    "stay_days",
                ],
                now=now,
            ),
            "parties": RowWriter(
                PartnershipParty, ["partnership", "organization", "role", "order"], now=now
            ),
            "sectors": RowWriter(Partnership.sectors.through, ["partnership", "sector"], now=now),
            "meetings": RowWriter(
                Meeting,
                [
                    "id",
                    "kind",
                    "status",
                    "title",
                    "start_date",
                    "locality",
                    "country",
                    "logged_by",
                    "search_text",
                ],
                now=now,
            ),
            "discussed": RowWriter(
                Meeting.partnerships.through, ["meeting", "partnership"], now=now
            ),
            "attended": RowWriter(
                Meeting.organizations.through, ["meeting", "organization"], now=now
            ),
            "actions": RowWriter(
                Action,
                [
                    "title",
                    "owner",
                    "side",
                    "priority",
                    "status",
                    "due_date",
                    "partnership",
                    "lead_organization",
                    "completed_on",
                    "created_at",
                    "search_text",
                ],
                now=now,
            ),
        }

    # Reference rows ------------------------------------------------------------------

    def _owners(self, count: int) -> list[int]:
        staff = Group.objects.get(name="Staff")
        names = [f"scale-owner-{i:03d}" for i in range(count)]
        existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        password = make_password(None)  # unusable: these accounts never sign in
        created = User.objects.bulk_create(
            [
                User(
                    username=name,
                    first_name="Owner",
                    last_name=name.rpartition("-")[2],
                    email=f"{name}@example.org",
                    password=password,
                )
                for name in names
                if name not in existing
            ]
        )
        staff.user_set.add(*created)
        return list(
            User.objects.filter(username__in=names).order_by("pk").values_list("pk", flat=True)
        )

    def _organizations(self, count: int) -> range:
        choice, rnd = self.random.choice, self.random
        kinds = OrganizationKind.values
        first = self._next_id(Organization)
        rows = []
        for org_id in range(first, first + count):
            country = choice(COUNTRIES)
            kind = choice(kinds)
            org = Organization(
                name=f"{choice(WORDS)} {kind.replace('_', ' ').title()} {org_id}",
                local_name=f"{choice(LOCAL_PREFIXES)}{org_id}号" if country == "CN" else "",
                kind=kind,
                country=country,
                locality=f"City {rnd.randrange(97)}",
            )
            rows.append(
                (
                    org_id,
                    org.name,
                    org.local_name,
                    kind,
                    country,
                    org.locality,
                    text_search.name_key(org.name),
                    org.build_match_key(),
                    org.build_search_text(),
                )
            )
        self.writers["organizations"].write(rows)
        return range(first, first + count)

    def _contacts(self, count: int) -> None:
        choice = self.random.choice
        titles = ["Director", "Deputy director", "Officer", "CEO"]
        first = self._next_id(Contact)
        rows = []
        for number in range(first, first + count):
            contact = Contact(name=f"Contact {number}", title=choice(titles))
            rows.append(
                (
                    choice(self.org_ids),
                    contact.name,
                    text_search.name_key(contact.name),
                    contact.title,
                    contact.build_match_key(),
                    contact.build_search_text(),
                )
            )
        self.writers["contacts"].write(rows)

    # One batch of partnerships, with everything that hangs off them --------------------

    def _batch(self, size: int) -> None:
        # Hot loop (about 34 rows per partnership): random numbers straight from
        # random(), days as whole numbers relative to today (turned into dates
        # once each, by self.days), no model instances.
        rand = self.random.random

        def pick(values: Sequence) -> Any:
            return values[int(rand() * len(values))]

        def between(low: int, high: int) -> int:
            return low + int(rand() * (high - low + 1))

        on, stamp, adapt = self.days.date, self.days.stamp, self.days.adapt
        stages = Stage.values
        stage_thresholds = [30, 50, 75, 95]  # cumulative weights 30, 20, 25, 20, 5 (of 100)
        statuses = [Status.ACTIVE] * 7 + [Status.ON_HOLD, Status.CONCLUDED]
        if self.reason_ids:  # an abandoned partnership needs a reason (a constraint)
            statuses.append(Status.ABANDONED)
        currencies = [Currency.EUR, Currency.EUR, Currency.CNY, Currency.USD]
        kinds, roles = PartnershipKind.values, PartyRole.values
        notices = [None, 30, 90, 180]
        owners, orgs, sectors = self.owner_ids, self.org_ids, self.sector_ids
        reasons = self.reason_ids
        meeting_kinds = MeetingKind.values
        action_statuses = [ActionStatus.OPEN] * 4 + [
            ActionStatus.IN_PROGRESS,
            ActionStatus.DONE,
            ActionStatus.DONE,
            ActionStatus.CANCELLED,
        ]
        closed_statuses = {ActionStatus.DONE, ActionStatus.CANCELLED}
        sides, priorities = ActionSide.values, Priority.values
        planned, held, signatory = MeetingStatus.PLANNED, MeetingStatus.HELD, PartyRole.SIGNATORY
        renewal_due_on = Partnership.compute_renewal_due_on
        normalize = text_search.normalize
        sectors_each = min(2, len(sectors))

        partnerships, stage_changes, parties, sector_links = [], [], [], []
        meetings, discussed, attended, actions = [], [], [], []
        for _ in range(size):
            pid = self.next_partnership_id
            self.next_partnership_id += 1
            quiet = rand() < QUIET_SHARE
            last_active = -between(100, 700) if quiet else 0  # days from today
            weight = rand() * 100
            final = sum(weight >= threshold for threshold in stage_thresholds)
            start_rank = between(0, final)
            path = sorted({start_rank, between(start_rank, final), final})
            moved_on = min(between(-5 * 365, -60), last_active)
            moves = []
            for rank in path:
                moves.append((stages[rank], moved_on))
                moved_on = min(last_active, moved_on + between(20, 300))
            stage, in_stage_since = moves[-1]
            status = pick(statuses)
            # A few end dates already past, most in the future.
            end = between(-60, 1500) if rand() < 0.6 else None
            start = in_stage_since if end is None or in_stage_since <= end else None
            title = f"{pick(WORDS)} cooperation {pid}"
            owner = pick(owners)
            notice = pick(notices)
            end_date = self.days.day(end)
            partnerships.append(
                (
                    pid,
                    title,
                    pick(kinds),
                    stage,
                    on(in_stage_since),
                    status,
                    pick(reasons) if status == Status.ABANDONED else None,
                    owner,
                    Decimal(between(1, 500) * 100_000) if rand() < 0.7 else None,
                    pick(currencies),
                    on(start),
                    on(end),
                    notice,
                    adapt(renewal_due_on(_Terms(end_date=end_date, renewal_notice_days=notice))),
                    rand() < 0.3,
                    text_search.build_search_text([title]),
                    stage,  # the moves only go forward: the last is the furthest
                    on(moves[0][1]),
                )
            )
            # Each stay ends on the next move's day (stage_history.py's values).
            previous = ""
            for (stage_moved_to, day), (_next, left) in zip(
                moves, [*moves[1:], (None, None)], strict=True
            ):
                stage_changes.append(
                    (
                        pid,
                        previous,
                        stage_moved_to,
                        on(day),
                        owner,
                        on(left),
                        None if left is None else left - day,
                    )
                )
                previous = stage_moved_to
            for order, org in enumerate(self.random.sample(orgs, k=2)):
                parties.append((pid, org, signatory if order == 0 else pick(roles), order))
            for sector in self.random.sample(sectors, k=sectors_each):
                sector_links.append((pid, sector))

            # "Meeting 3 on <title>" normalizes to "meeting 3 on " and the title's
            # own normalized text (the prefix is lower-case ASCII already); the
            # tests compare every row with the model methods.
            title_text = normalize(title)
            for j in range(1, MEETINGS_PER_PARTNERSHIP + 1):
                # A quiet one has nothing since it went quiet, nothing planned.
                start_day = last_active - between(0, 3 * 365) if quiet else between(-3 * 365, 90)
                mid = self.next_meeting_id
                self.next_meeting_id += 1
                meetings.append(
                    (
                        mid,
                        pick(meeting_kinds),
                        planned if start_day > 0 else held,
                        f"Meeting {j} on {title}",
                        on(start_day),
                        f"City {j - 1}",
                        pick(COUNTRIES),
                        pick(owners),
                        f"meeting {j} on {title_text}\ncity {j - 1}",
                    )
                )
                discussed.append((mid, pid))
                attended.append((mid, pick(orgs)))

            for j in range(1, ACTIONS_PER_PARTNERSHIP + 1):
                action_status = pick(action_statuses)
                due = between(-365, 180)
                created_on = min(last_active, due - between(14, 180))
                completed_on = (
                    max(created_on, min(due, last_active))
                    if action_status in closed_statuses
                    else None
                )
                actions.append(
                    (
                        f"Follow-up {j}: {title}",
                        pick(owners),
                        pick(sides),
                        pick(priorities),
                        action_status,
                        on(due),
                        pid,
                        pick(orgs) if j == 1 else None,
                        on(completed_on),
                        stamp(created_on, between(8 * 60, 18 * 60 + 59)),  # working hours
                        f"follow-up {j}: {title_text}",
                    )
                )

        writers = self.writers
        writers["partnerships"].write(partnerships)
        writers["stage_changes"].write(stage_changes)
        writers["parties"].write(parties)
        writers["sectors"].write(sector_links)
        writers["meetings"].write(meetings)
        writers["discussed"].write(discussed)
        writers["attended"].write(attended)
        writers["actions"].write(actions)


class _Days:
    """Days counted from ``today`` (0 is today, -1 yesterday), turned into the
    values the database stores for dates and time stamps (``connection.ops``
    adapts them, as the ORM does) once each, so the batch loop only adds and
    compares whole numbers."""

    def __init__(self, today: datetime.date) -> None:
        self.today = today
        self.tz = timezone.get_current_timezone()
        self._adapt_date = connection.ops.adapt_datefield_value
        self._adapt_stamp = connection.ops.adapt_datetimefield_value
        # Django keeps naive UTC text on SQLite: stamps are made in that form
        # directly rather than converted one by one.
        self._utc_text = connection.vendor == "sqlite" and connection.timezone == datetime.UTC
        self._days: dict[int, datetime.date] = {}
        self._values: dict[int, Any] = {}
        self._midnights: dict[int, datetime.datetime] = {}
        self._minutes = [datetime.timedelta(minutes=m) for m in range(24 * 60)]

    def day(self, offset: int | None) -> datetime.date | None:
        """The date itself."""
        if offset is None:
            return None
        day = self._days.get(offset)
        if day is None:
            day = self._days[offset] = self.today + datetime.timedelta(days=offset)
        return day

    def date(self, offset: int | None) -> Any:
        """The date as the database takes it."""
        if offset is None:
            return None
        value = self._values.get(offset)
        if value is None:
            value = self._values[offset] = self._adapt_date(self.day(offset))
        return value

    def adapt(self, day: datetime.date | None) -> Any:
        return None if day is None else self.date((day - self.today).days)

    def stamp(self, offset: int, minute_of_day: int) -> Any:
        """That day at that local time, as the database takes a time stamp. Uses
        the day's offset from UTC at noon: right for daytime (clocks change at
        night)."""
        midnight = self._midnights.get(offset)
        if midnight is None:
            day = self.day(offset)
            noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=self.tz)
            midnight = datetime.datetime.combine(day, datetime.time()) - noon.utcoffset()
            self._midnights[offset] = midnight  # naive, in UTC
        moment = midnight + self._minutes[minute_of_day]
        if self._utc_text:
            return str(moment)
        return self._adapt_stamp(moment.replace(tzinfo=datetime.UTC))


class _Terms:
    """What ``Partnership.compute_renewal_due_on`` reads, without building a
    model instance per row."""

    __slots__ = ("end_date", "renewal_notice_days")

    def __init__(self, *, end_date: datetime.date | None, renewal_notice_days: int | None):
        self.end_date = end_date
        self.renewal_notice_days = renewal_notice_days
