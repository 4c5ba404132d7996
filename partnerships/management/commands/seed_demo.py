"""Load the demo data set (see partnerships/demo_data.py and docs/demo-data.md).

Idempotent: every record is looked up by its natural key first, so running the
command twice changes nothing. Stage histories go through ``lifecycle.py`` like
any other move, with their historical effective dates.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from partnerships import demo_data, lifecycle
from partnerships.models import (
    Action,
    ActionStatus,
    Contact,
    Document,
    ExchangeRate,
    Meeting,
    Organization,
    OrganizationRelation,
    Partnership,
    Sector,
)

User = get_user_model()


class Command(BaseCommand):
    help = "Load the demo data set (real cooperation programmes); safe to run twice."

    def handle(self, *args, **options) -> None:
        self.today = timezone.localdate()
        with transaction.atomic():
            created_before = Partnership.all_objects.count()
            self.users = self._users()
            self._exchange_rates()
            self.sectors = {sector.slug: sector for sector in Sector.objects.all()}
            self.orgs = self._organizations()
            self._relations()
            self.contacts = self._contacts()
            self.meetings = self._meetings()
            self.partnerships = self._partnerships()
            self._actions()
            self._documents()
        added = Partnership.all_objects.count() - created_before
        if added:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded ({added} partnerships)."))
        else:
            self.stdout.write("Demo data already loaded; nothing changed.")
        self.stdout.write("Demo sign-ins (username / password, role):")
        for username, _first, _last, _email, role, password in demo_data.USERS:
            self.stdout.write(f"  {username:<8} / {password:<18} {role.lower()}")

    # People and reference data ---------------------------------------------------------

    def _users(self) -> dict[str, User]:
        users = {}
        for username, first, last, email, role, password in demo_data.USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": email,
                    "is_staff": role == "admin",
                    "is_superuser": role == "admin",
                },
            )
            if created:
                user.set_password(password)
                user.save(update_fields=["password"])
                if role != "admin":
                    user.groups.add(Group.objects.get(name=role))
            users[username] = user
        return users

    def _exchange_rates(self) -> None:
        for currency, rate, valid_from in demo_data.EXCHANGE_RATES:
            if not ExchangeRate.objects.filter(currency=currency, valid_from=valid_from).exists():
                lifecycle.save_exchange_rate(
                    ExchangeRate(
                        currency=currency, valid_from=valid_from, rate_to_eur=Decimal(rate)
                    ),
                    by=None,
                )

    def _organizations(self) -> dict[str, Organization]:
        orgs: dict[str, Organization] = {}
        for (
            key,
            name,
            local_name,
            romanization,
            aliases,
            kind,
            country,
            locality,
            parent_key,
            website,
            sectors,
        ) in demo_data.ORGANIZATIONS:
            org, created = Organization.objects.get_or_create(
                name=name,
                country=country,
                defaults={
                    "local_name": local_name,
                    "romanization": romanization,
                    "aliases": aliases,
                    "kind": kind,
                    "locality": locality,
                    "parent": orgs.get(parent_key) if parent_key else None,
                    "website": website,
                },
            )
            if created and sectors:
                org.sectors.set([self.sectors[slug] for slug in sectors])
            orgs[key] = org
        return orgs

    def _relations(self) -> None:
        for source, kind, target, since, note in demo_data.RELATIONS:
            OrganizationRelation.objects.get_or_create(
                source=self.orgs[source],
                kind=kind,
                target=self.orgs[target],
                defaults={"since": since, "note": note},
            )

    def _contacts(self) -> dict[str, Contact]:
        contacts = {}
        for key, name, local_name, org, title, email, languages, app in demo_data.CONTACTS:
            contacts[key], _ = Contact.objects.get_or_create(
                name=name,
                organization=self.orgs[org],
                defaults={
                    "local_name": local_name,
                    "title": title,
                    "email": email,
                    "languages": languages,
                    "messaging_app": app,
                },
            )
        return contacts

    # Meetings and partnerships -------------------------------------------------------

    def _meetings(self) -> dict[str, Meeting]:
        meetings: dict[str, Meeting] = {}
        for (
            key,
            kind,
            status,
            title,
            start,
            end,
            locality,
            country,
            parent,
            orgs,
            contacts,
            attendees,
            logged_by,
            summary,
            outcomes,
        ) in demo_data.MEETINGS:
            meeting, created = Meeting.all_objects.get_or_create(
                title=title,
                start_date=start,
                defaults={
                    "kind": kind,
                    "status": status,
                    "end_date": end,
                    "locality": locality,
                    "country": country,
                    "parent": meetings.get(parent) if parent else None,
                    "summary": summary,
                    "outcomes": outcomes,
                    "logged_by": self.users[logged_by],
                },
            )
            if created:
                meeting.organizations.set([self.orgs[k] for k in orgs])
                meeting.contacts.set([self.contacts[k] for k in contacts])
                meeting.attendees.set([self.users[u] for u in attendees])
            meetings[key] = meeting
        return meetings

    def _partnership_specs(self) -> list[dict]:
        specs = list(demo_data.PARTNERSHIPS)
        forum = "forum_2018"
        for org_key, name in demo_data.HEBEI_COMPANY_CONTRACTS:
            specs.append(
                {
                    "key": f"hebei_{org_key}",
                    "title": f"{name} – Hebei partnership contract",
                    "kind": "commercial",
                    "stages": [
                        (
                            "contract",
                            datetime.date(2018, 11, 29),
                            "One of the 12 company contracts signed at the forum in Chambéry.",
                        )
                    ],
                    "parties": [(org_key, "signatory"), ("hebei", "partner")],
                    "sectors": None,  # the company's own sectors
                    "owner": "julien",
                    "team": [],
                    "value": None,
                    "signed_on": datetime.date(2018, 11, 29),
                    "start": datetime.date(2018, 11, 29),
                    "end": None,
                    "notice_days": None,
                    "tacit": False,
                    "origin": forum,
                    "discussed": [forum, "signing_2018"],
                    "source": "Press release of the Auvergne-Rhône-Alpes Region, 29 November 2018",
                    "summary": (
                        f"Partnership contract between {name} and a Hebei company, part of "
                        "the Auvergne-Rhône-Alpes–Hebei programme around the Beijing 2022 "
                        "Winter Games."
                    ),
                }
            )
        return specs

    def _partnerships(self) -> dict[str, Partnership]:
        partnerships = {}
        for spec in self._partnership_specs():
            existing = Partnership.all_objects.filter(title=spec["title"]).first()
            partnerships[spec["key"]] = existing or self._create_partnership(spec)
        return partnerships

    def _create_partnership(self, spec: dict) -> Partnership:
        (first_stage, first_date, _note), *moves = spec["stages"]
        amount, currency, value_note = spec["value"] or (None, "EUR", "")
        end = spec["end"]
        if isinstance(end, int):
            end = self.today + datetime.timedelta(days=end)
        partnership = Partnership(
            title=spec["title"],
            summary=spec["summary"],
            kind=spec["kind"],
            stage=first_stage,
            owner=self.users[spec["owner"]],
            value_amount=Decimal(amount) if amount else None,
            value_currency=currency,
            value_note=value_note,
            signed_on=spec["signed_on"],
            start_date=spec["start"],
            end_date=end,
            renewal_notice_days=spec["notice_days"],
            renews_tacitly=spec["tacit"],
            origin_meeting=self.meetings.get(spec["origin"]) if spec["origin"] else None,
            source_reference=spec["source"],
        )
        owner = self.users[spec["owner"]]
        if spec["sectors"] is None:
            sectors = self.orgs[spec["parties"][0][0]].sectors.all()
        else:
            sectors = [self.sectors[slug] for slug in spec["sectors"]]
        lifecycle.create_partnership(
            partnership,
            by=owner,
            stage_since=first_date,
            team=[self.users[u] for u in spec["team"]],
            sectors=sectors,
            parties=[
                lifecycle.Party(organization=self.orgs[org_key], role=role)
                for org_key, role in spec["parties"]
            ],
        )
        for stage, date, note in moves:
            lifecycle.move_stage(
                partnership,
                to=stage,
                by=owner,
                note=note,
                effective_date=date,
                expected_version=partnership.version,
            )
        for meeting_key in spec["discussed"]:
            meeting = self.meetings[meeting_key]
            lifecycle.update_meeting(
                meeting,
                by=owner,
                expected_version=meeting.version,
                partnerships=[*meeting.partnerships.all(), partnership],
            )
        return partnership

    # Actions and documents ---------------------------------------------------------

    def _actions(self) -> None:
        for (
            title,
            partnership_key,
            meeting_key,
            lead_key,
            owner,
            side,
            priority,
            status,
            due,
            completed_on,
            outcome,
        ) in demo_data.ACTIONS:
            partnership = self.partnerships[partnership_key]
            if Action.all_objects.filter(title=title, partnership=partnership).exists():
                continue
            if isinstance(due, int):
                due = self.today + datetime.timedelta(days=due)
            action = lifecycle.create_action(
                Action(
                    title=title,
                    partnership=partnership,
                    meeting=self.meetings.get(meeting_key) if meeting_key else None,
                    lead_organization=self.orgs[lead_key],
                    owner=self.users[owner],
                    side=side,
                    priority=priority,
                    status=(
                        ActionStatus.IN_PROGRESS if status == "in_progress" else ActionStatus.OPEN
                    ),
                    due_date=due,
                ),
                by=self.users[owner],
            )
            if status == "done":
                lifecycle.complete_action(
                    action,
                    by=self.users[owner],
                    outcome=outcome,
                    completed_on=completed_on,
                    expected_version=action.version,
                )

    def _documents(self) -> None:
        partnership = self.partnerships["ara_hebei"]
        title = "Press release: Auvergne-Rhône-Alpes and Hebei sign a cooperation agreement"
        if Document.all_objects.filter(partnership=partnership, title=title).exists():
            return
        text = (
            "Chambéry, 29 November 2018. On the day of the forum on Beijing 2022 Winter Games "
            "business, the Auvergne-Rhône-Alpes Region and Hebei Province signed a cooperation "
            "agreement, part of a ten-year strategic plan, and twelve company partnership "
            "contracts were signed (MND, CDA, Club Med, PVCP, Sanisphere, SNOOC, ESF Val Thorens, "
            "4footsolutions, Plasticval and others with Hebei companies).\n"
        ).encode()
        document = Document(
            partnership=partnership,
            meeting=self.meetings["signing_2018"],
            kind="press_release",
            title=title,
            original_name="press-release-2018-11-29.txt",
            content_type="text/plain",
            size=len(text),
            sha256=hashlib.sha256(text).hexdigest(),
            signed_on=datetime.date(2018, 11, 29),
            signed_place="Chambéry",
            uploaded_by=self.users["manager"],
        )
        document.file.save("press-release-2018-11-29.txt", ContentFile(text), save=False)
        document.save()
