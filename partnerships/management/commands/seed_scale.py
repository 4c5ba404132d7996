"""Synthetic data at scale, for benchmarks: ``seed_scale --partnerships N``.

About 5 meetings and 10 actions per partnership, with organizations, contacts,
parties and stage histories in proportion, spread over stages, statuses, owners,
sectors, countries and dates. About one partnership in four has gone quiet: its
last stage move, meeting and action lie 100 to 700 days back, so the stalled
report and the board's "days since last activity" have something to show.
Rows go in with bulk inserts (no history rows, no
per-row signals), so the derived columns (search text, renewal date) are filled
here from the same model methods that ``save()`` uses.
"""

from __future__ import annotations

import contextlib
import datetime
import random
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from partnerships import activity, text_search
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
BATCH = 2000
QUIET_SHARE = 0.25


@contextlib.contextmanager
def explicit_creation_times(model):
    """bulk_create() stamps ``auto_now_add`` fields with the current time; let
    the rows keep the creation time they were given instead."""
    field = model._meta.get_field("created_at")
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


class Command(BaseCommand):
    help = "Create synthetic data at scale (about 5 meetings and 10 actions per partnership)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnerships", type=int, default=1000, help="How many partnerships.")
        parser.add_argument("--owners", type=int, default=25, help="How many synthetic owners.")
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed (same data each time)."
        )

    def handle(self, *args, partnerships: int, owners: int, seed: int, **options) -> None:
        if partnerships < 1:
            self.stderr.write("--partnerships must be at least 1.")
            raise SystemExit(2)
        started = time.perf_counter()
        self.random = random.Random(seed)
        self.today = timezone.localdate()
        self.run_id = f"{seed}-{int(time.time())}"
        with transaction.atomic():
            users = self._owners(owners)
            sectors = list(Sector.objects.all())
            orgs = self._organizations(max(50, partnerships // 5))
            self._contacts(orgs, max(50, partnerships // 5))
            created = self._partnerships(partnerships, users, sectors, orgs)
            self._meetings(created, users, orgs)
            self._actions(created, users, orgs)
            # Bulk inserts skip the workflows: the stored activity is computed
            # once, set-based, in batches.
            activity.refresh_all(today=self.today)
        # Fresh statistics, so the query planner knows the new sizes (PostgreSQL's
        # autovacuum would get there later; SQLite never does on its own).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {partnerships} partnerships with their meetings and actions "
                f"in {elapsed:.1f} s."
            )
        )

    # Helpers -----------------------------------------------------------------------

    def _day_within(self, days_back: int, days_ahead: int = 0) -> datetime.date:
        return self.today + datetime.timedelta(days=self.random.randint(-days_back, days_ahead))

    def _owners(self, count: int) -> list[User]:
        staff = Group.objects.get(name="Staff")
        existing = {u.username: u for u in User.objects.filter(username__startswith="scale-owner-")}
        missing = [
            User(
                username=f"scale-owner-{i:03d}",
                first_name="Owner",
                last_name=f"{i:03d}",
                email=f"scale-owner-{i:03d}@example.org",
                password=make_password(None),  # unusable: these accounts never sign in
            )
            for i in range(count)
            if f"scale-owner-{i:03d}" not in existing
        ]
        created = User.objects.bulk_create(missing)
        staff.user_set.add(*created)
        return [*existing.values(), *created][:count] or list(User.objects.all()[:1])

    def _organizations(self, count: int) -> list[Organization]:
        kinds = OrganizationKind.values
        rows = []
        for i in range(count):
            country = self.random.choice(COUNTRIES)
            kind = self.random.choice(kinds)
            name = f"{self.random.choice(WORDS)} {kind.replace('_', ' ').title()} {self.run_id}-{i}"
            local = f"{self.random.choice(LOCAL_PREFIXES)}{i}号" if country == "CN" else ""
            org = Organization(
                name=name,
                local_name=local,
                kind=kind,
                country=country,
                locality=f"City {i % 97}",
            )
            org.name_key = text_search.name_key(org.name)
            org.search_text = org.build_search_text()
            rows.append(org)
        return Organization.objects.bulk_create(rows, batch_size=BATCH)

    def _contacts(self, orgs: list[Organization], count: int) -> None:
        rows = []
        for i in range(count):
            contact = Contact(
                organization=self.random.choice(orgs),
                name=f"Contact {self.run_id}-{i}",
                title=self.random.choice(["Director", "Deputy director", "Officer", "CEO"]),
            )
            contact.search_text = contact.build_search_text()
            rows.append(contact)
        Contact.objects.bulk_create(rows, batch_size=BATCH)

    # Partnerships --------------------------------------------------------------------

    def _partnerships(self, count, users, sectors, orgs) -> list[Partnership]:
        stages = Stage.values
        statuses = [Status.ACTIVE] * 7 + [Status.ON_HOLD, Status.CONCLUDED, Status.ABANDONED]
        reasons = list(AbandonReason.objects.all())
        rows, histories, actives = [], [], []
        for i in range(count):
            quiet = self.random.random() < QUIET_SHARE
            last_active = self._day_within(700, -100) if quiet else self.today
            final = self.random.choices(range(len(stages)), weights=[30, 20, 25, 20, 5])[0]
            start_rank = self.random.randint(0, final)
            path = sorted(
                {start_rank, *self.random.sample(range(start_rank, final + 1), k=1), final}
            )
            first_day = min(self._day_within(5 * 365, -60), last_active)
            dates, day = [], first_day
            for _ in path:
                dates.append(day)
                day = min(last_active, day + datetime.timedelta(days=self.random.randint(20, 300)))
            status = self.random.choice(statuses)
            currency = self.random.choice([Currency.EUR, Currency.EUR, Currency.CNY, Currency.USD])
            end = (
                self._day_within(60, 1500) if self.random.random() < 0.6 else None
            )  # a few already past, most in the future
            start = dates[-1] if end is None or dates[-1] <= end else None
            partnership = Partnership(
                title=f"{self.random.choice(WORDS)} cooperation {self.run_id}-{i}",
                kind=self.random.choice(PartnershipKind.values),
                stage=stages[path[-1]],
                stage_changed_on=dates[-1],
                status=status,
                abandon_reason=self.random.choice(reasons) if status == Status.ABANDONED else None,
                owner=self.random.choice(users),
                value_amount=Decimal(self.random.randint(1, 500) * 100_000)
                if self.random.random() < 0.7
                else None,
                value_currency=currency,
                start_date=start,
                end_date=end,
                renewal_notice_days=self.random.choice([None, 30, 90, 180]),
                renews_tacitly=self.random.random() < 0.3,
            )
            partnership.search_text = partnership.build_search_text()
            partnership.renewal_due_on = partnership.compute_renewal_due_on()
            rows.append(partnership)
            histories.append(list(zip([stages[r] for r in path], dates, strict=True)))
            actives.append(last_active)
        created = Partnership.objects.bulk_create(rows, batch_size=BATCH)
        # The last day anything happened to each partnership (today for most).
        self.last_active = {
            partnership.pk: day for partnership, day in zip(created, actives, strict=True)
        }
        self._stage_changes(created, histories)
        self._parties_and_sectors(created, orgs, sectors)
        return created

    def _stage_changes(self, partnerships, histories) -> None:
        rows = []
        for partnership, history in zip(partnerships, histories, strict=True):
            previous = ""
            for stage, day in history:
                rows.append(
                    StageChange(
                        partnership=partnership,
                        from_stage=previous,
                        to_stage=stage,
                        effective_date=day,
                        changed_by_id=partnership.owner_id,
                    )
                )
                previous = stage
        StageChange.objects.bulk_create(rows, batch_size=BATCH)

    def _parties_and_sectors(self, partnerships, orgs, sectors) -> None:
        parties, sector_links = [], []
        SectorLink = Partnership.sectors.through
        for partnership in partnerships:
            for order, org in enumerate(self.random.sample(orgs, k=2)):
                role = PartyRole.SIGNATORY if order == 0 else self.random.choice(PartyRole.values)
                parties.append(
                    PartnershipParty(
                        partnership=partnership, organization=org, role=role, order=order
                    )
                )
            if sectors:
                for sector in self.random.sample(sectors, k=min(2, len(sectors))):
                    sector_links.append(SectorLink(partnership=partnership, sector=sector))
        PartnershipParty.objects.bulk_create(parties, batch_size=BATCH)
        SectorLink.objects.bulk_create(sector_links, batch_size=BATCH)

    # Meetings and actions --------------------------------------------------------------

    def _meetings(self, partnerships, users, orgs) -> None:
        rows, links = [], []
        for partnership in partnerships:
            last_active = self.last_active[partnership.pk]
            for j in range(5):
                if last_active < self.today:  # a quiet one: nothing since, nothing planned
                    start = last_active - datetime.timedelta(days=self.random.randint(0, 3 * 365))
                else:
                    start = self._day_within(3 * 365, 90)
                meeting = Meeting(
                    kind=self.random.choice(MeetingKind.values),
                    status=MeetingStatus.PLANNED if start > self.today else MeetingStatus.HELD,
                    title=f"Meeting {j + 1} on {partnership.title}",
                    start_date=start,
                    locality=f"City {j}",
                    country=self.random.choice(COUNTRIES),
                    logged_by=self.random.choice(users),
                )
                meeting.search_text = meeting.build_search_text()
                rows.append(meeting)
                links.append(partnership)
        created = Meeting.objects.bulk_create(rows, batch_size=BATCH)
        Discussed = Meeting.partnerships.through
        Attended = Meeting.organizations.through
        Discussed.objects.bulk_create(
            [Discussed(meeting=m, partnership=p) for m, p in zip(created, links, strict=True)],
            batch_size=BATCH,
        )
        Attended.objects.bulk_create(
            [Attended(meeting=m, organization=self.random.choice(orgs)) for m in created],
            batch_size=BATCH,
        )

    def _actions(self, partnerships, users, orgs) -> None:
        rows = []
        statuses = [ActionStatus.OPEN] * 4 + [
            ActionStatus.IN_PROGRESS,
            ActionStatus.DONE,
            ActionStatus.DONE,
            ActionStatus.CANCELLED,
        ]
        for partnership in partnerships:
            last_active = self.last_active[partnership.pk]
            for j in range(10):
                status = self.random.choice(statuses)
                due = self._day_within(365, 180)
                created_on = min(
                    last_active, due - datetime.timedelta(self.random.randint(14, 180))
                )
                closed = status in (ActionStatus.DONE, ActionStatus.CANCELLED)
                action = Action(
                    title=f"Follow-up {j + 1}: {partnership.title}",
                    owner=self.random.choice(users),
                    side=self.random.choice(ActionSide.values),
                    priority=self.random.choice(Priority.values),
                    status=status,
                    due_date=due,
                    partnership=partnership,
                    lead_organization=self.random.choice(orgs) if j == 0 else None,
                    completed_on=max(created_on, min(due, last_active)) if closed else None,
                    created_at=self._working_hours(created_on),
                )
                action.search_text = action.build_search_text()
                rows.append(action)
        with explicit_creation_times(Action):
            Action.objects.bulk_create(rows, batch_size=BATCH)

    def _working_hours(self, day: datetime.date) -> datetime.datetime:
        moment = datetime.time(self.random.randint(8, 18), self.random.randint(0, 59))
        return timezone.make_aware(datetime.datetime.combine(day, moment))
