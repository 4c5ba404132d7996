"""Load the demo data set (see partnerships/demo_data.py and docs/demo-data.md).

Idempotent: every record is looked up by its natural key first, so running the
command twice changes nothing. Everything goes through ``lifecycle.py`` as if
people had entered it (organizations, meetings with their links and follow-up
actions, partnerships with their parties, stage moves at their historical
dates, status changes, action completions, documents), so that stage history,
stored activity and history rows are those of real use. Dates given as numbers
in ``demo_data`` count from ``timezone.localdate()``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from partnerships import demo_data, lifecycle, uploads
from partnerships.models import (
    AbandonReason,
    Action,
    ActionStatus,
    Contact,
    Document,
    ExchangeRate,
    Indicator,
    Meeting,
    Organization,
    OrganizationRelation,
    Partnership,
    PartnershipIndicator,
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
            self.admin = self.users["admin"]
            self._exchange_rates()
            self.sectors = {sector.slug: sector for sector in Sector.objects.all()}
            self.orgs = self._organizations()
            self._relations()
            self.contacts = self._contacts()
            self.meetings = self._meetings(demo_data.MEETINGS)
            self.partnerships = self._partnerships()
            self.meetings |= self._meetings(demo_data.ILLUSTRATIVE_MEETINGS)
            self._actions()
            self._documents()
            self._indicators()
        added = Partnership.all_objects.count() - created_before
        if added:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded ({added} partnerships)."))
        else:
            self.stdout.write("Demo data already loaded; nothing changed.")
        self.stdout.write("Demo sign-ins (username / password, role):")
        for username, _first, _last, _email, role, password in demo_data.USERS:
            self.stdout.write(f"  {username:<8} / {password:<18} {role.lower()}")

    def _day(self, value: datetime.date | int | None) -> datetime.date | None:
        """A date of ``demo_data``: as given, or a number of days from today."""
        if isinstance(value, int):
            return self.today + datetime.timedelta(days=value)
        return value

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
        for spec in demo_data.ORGANIZATIONS:
            existing = Organization.objects.filter(
                name=spec["name"], country=spec["country"]
            ).first()
            orgs[spec["key"]] = existing or lifecycle.create_organization(
                Organization(
                    name=spec["name"],
                    local_name=spec["local_name"],
                    romanization=spec["romanization"],
                    aliases=spec["aliases"],
                    kind=spec["kind"],
                    country=spec["country"],
                    locality=spec["locality"],
                    parent=orgs[spec["parent"]] if spec["parent"] else None,
                    notes=spec["notes"],
                    source_reference=spec["source"],
                    is_illustrative=spec["illustrative"],
                ),
                by=self.admin,
                sectors=[self.sectors[slug] for slug in spec["sectors"]],
                confirm_distinct=spec["duplicate_of"] is not None,
            )
        return orgs

    def _relations(self) -> None:
        for source, kind, target, since, note, reference in demo_data.RELATIONS:
            OrganizationRelation.objects.get_or_create(
                source=self.orgs[source],
                kind=kind,
                target=self.orgs[target],
                defaults={"since": since, "note": note, "source_reference": reference},
            )

    def _contacts(self) -> dict[str, Contact]:
        contacts = {}
        for spec in demo_data.CONTACTS:
            positions = spec.get("positions", [])
            # The title shown is the first position's; the others are kept in the notes.
            _org, title, _on, reference = positions[0] if positions else ("", "", None, "")
            notes = [spec.get("notes", "")]
            if len(positions) > 1:
                notes.append(
                    "Titles as published: "
                    + "; ".join(f"« {t} » ({on:%d/%m/%Y})" for _o, t, on, _s in positions)
                    + "."
                )
            contact = Contact.objects.filter(
                name=spec["name"], organization=self.orgs[spec["organization"]]
            ).first()
            if contact is None:
                contact = Contact(
                    name=spec["name"],
                    organization=self.orgs[spec["organization"]],
                    title=title,
                    phone=spec.get("phone", ""),
                    notes="\n".join(line for line in notes if line),
                    source_reference=reference,
                    is_illustrative=spec.get("illustrative", False),
                )
                # Its current post since an unknown day: the sources give the
                # title someone held on a date, not when they took the post.
                lifecycle.create_contact(contact, by=self.admin)
            contacts[spec["key"]] = contact
        return contacts

    # Meetings and partnerships -------------------------------------------------------

    def _meetings(self, specs: list[dict]) -> dict[str, Meeting]:
        meetings: dict[str, Meeting] = {}
        for spec in specs:
            existing = Meeting.all_objects.filter(title=spec["title"]).first()
            if existing is not None:
                meetings[spec["key"]] = existing
                continue
            parent = spec["parent"]
            meeting = Meeting(
                kind=spec["kind"],
                status=spec["status"],
                title=spec["title"],
                start_date=self._day(spec["start"]),
                end_date=self._day(spec["end"]),
                date_precision=spec["precision"],
                locality=spec["locality"],
                country=spec["country"],
                parent=(meetings.get(parent) or self.meetings[parent]) if parent else None,
                summary=spec["summary"],
                outcomes=spec["outcomes"],
                source_reference=spec["source"],
                is_illustrative=spec["illustrative"],
                logged_by=self.users[spec["logged_by"]],
            )
            meetings[spec["key"]] = lifecycle.log_meeting(
                meeting,
                by=self.users[spec["logged_by"]],
                organizations=[self.orgs[k] for k in spec["organizations"]],
                contacts=[self.contacts[k] for k in spec["contacts"]],
                attendees=[self.users[u] for u in spec["attendees"]],
                partnerships=[self.partnerships[k] for k in spec["discussed"]],
                actions=[self._follow_up(action, spec) for action in spec["actions"]],
            )
        return meetings

    def _follow_up(self, action: dict, meeting: dict) -> Action:
        """An illustrative follow-up action logged with its (illustrative) meeting."""
        return Action(
            title=action["title"],
            partnership=self.partnerships[meeting["discussed"][0]],
            lead_organization=self.orgs[action["lead"]],
            owner=self.users[action["owner"]],
            priority=action["priority"],
            due_date=self._day(action["due"]),
            details=demo_data.PLACEHOLDER,
            is_illustrative=True,
        )

    def _partnerships(self) -> dict[str, Partnership]:
        partnerships = {}
        discussed: dict[str, list[Partnership]] = {}
        for spec in demo_data.PARTNERSHIPS:
            existing = Partnership.all_objects.filter(title=spec["title"]).first()
            if existing is not None:
                partnerships[spec["key"]] = existing
                continue
            partnership = self._create_partnership(spec)
            partnerships[spec["key"]] = partnership
            for meeting_key in spec["discussed"]:
                discussed.setdefault(meeting_key, []).append(partnership)
        # Each meeting is then edited once to list what it discussed, as someone
        # linking the partnerships to the meetings they came up at would.
        for meeting_key, added in discussed.items():
            meeting = self.meetings[meeting_key]
            lifecycle.update_meeting(
                meeting,
                by=meeting.logged_by,
                expected_version=meeting.version,
                partnerships=[*meeting.partnerships.all(), *added],
            )
        return partnerships

    def _create_partnership(self, spec: dict) -> Partnership:
        (first_stage, first_date, first_note, *first_precision), *moves = spec["stages"]
        amount, currency, value_note = spec["value"] or (None, "EUR", "")
        owner = self.users[spec["owner"]]
        partnership = Partnership(
            title=spec["title"],
            summary=spec["summary"],
            kind=spec["kind"],
            stage=first_stage,
            owner=owner,
            value_amount=Decimal(amount) if amount else None,
            value_currency=currency,
            value_note=value_note,
            signed_on=spec["signed_on"],
            date_precision=spec["precision"],
            start_date=self._day(spec["start"]),
            end_date=self._day(spec["end"]),
            renewal_notice_days=spec["notice_days"],
            renews_tacitly=spec["tacit"],
            origin_meeting=self.meetings[spec["origin"]] if spec["origin"] else None,
            source_reference=spec["source"],
            is_illustrative=spec["illustrative"],
        )
        lifecycle.create_partnership(
            partnership,
            by=owner,
            stage_since=self._day(first_date),
            stage_note=first_note,
            stage_precision=first_precision[0] if first_precision else "day",
            team=[self.users[u] for u in spec["team"]],
            sectors=[self.sectors[slug] for slug in spec["sectors"]],
            parties=[
                lifecycle.Party(organization=self.orgs[org_key], role=role)
                for org_key, role in spec["parties"]
            ],
        )
        for stage, date, note, *precision in moves:
            lifecycle.move_stage(
                partnership,
                to=stage,
                by=owner,
                note=note,
                effective_date=self._day(date),
                date_precision=precision[0] if precision else "day",
                expected_version=partnership.version,
            )
        if spec["status"]:
            status, note, reason = spec["status"]
            lifecycle.change_status(
                partnership,
                to=status,
                by=owner,
                note=note,
                reason=AbandonReason.objects.get(name=reason) if reason else None,
                expected_version=partnership.version,
            )
        return partnership

    # Actions and documents ---------------------------------------------------------

    def _actions(self) -> None:
        for spec in demo_data.ACTIONS:
            partnership = self.partnerships[spec["partnership"]]
            if Action.all_objects.filter(title=spec["title"], partnership=partnership).exists():
                continue
            owner = self.users[spec["owner"]]
            action = lifecycle.create_action(
                Action(
                    title=spec["title"],
                    details=spec["details"],
                    partnership=partnership,
                    meeting=self.meetings[spec["meeting"]] if spec["meeting"] else None,
                    lead_organization=self.orgs[spec["lead"]] if spec["lead"] else None,
                    owner=owner,
                    side=spec["side"],
                    priority=spec["priority"],
                    status=(
                        ActionStatus.IN_PROGRESS
                        if spec["status"] == "in_progress"
                        else ActionStatus.OPEN
                    ),
                    due_date=self._day(spec["due"]),
                    source_reference=spec["source"],
                    is_illustrative=spec["illustrative"],
                ),
                by=owner,
            )
            if spec["status"] == "done":
                lifecycle.complete_action(
                    action,
                    by=owner,
                    outcome=spec["outcome"],
                    completed_on=spec["completed_on"],
                    expected_version=action.version,
                )

    def _documents(self) -> None:
        for spec in demo_data.DOCUMENTS:
            partnership = self.partnerships[spec["partnership"]]
            if Document.all_objects.filter(partnership=partnership, title=spec["title"]).exists():
                continue
            upload = SimpleUploadedFile(
                spec["file_name"], spec["text"].encode(), content_type="text/plain"
            )
            checked = uploads.check_document_file(upload)
            upload.seek(0)
            lifecycle.add_document(
                Document(
                    partnership=partnership,
                    meeting=self.meetings[spec["meeting"]],
                    kind=spec["kind"],
                    title=spec["title"],
                    file=upload,
                ),
                by=self.users[spec["uploaded_by"]],
                checked_file=checked,
            )

    def _indicators(self) -> None:
        indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
        for spec in demo_data.INDICATOR_LINES:
            partnership = self.partnerships[spec["partnership"]]
            indicator = indicators[spec["indicator"]]
            if PartnershipIndicator.all_objects.filter(
                partnership=partnership, indicator=indicator, label=spec["label"]
            ).exists():
                continue
            lifecycle.save_indicator_line(
                PartnershipIndicator(
                    partnership=partnership,
                    indicator=indicator,
                    label=spec["label"],
                    target=Decimal(spec["target"]),
                    target_year=spec.get("target_year"),
                    notes=spec["notes"],
                    source_reference=spec["source"],
                ),
                results=[
                    lifecycle.YearResult(year=year, value=Decimal(value), source=source)
                    for year, value, source in spec["results"]
                ],
                by=partnership.owner,
            )
