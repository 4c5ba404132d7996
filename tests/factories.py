"""One factory-boy factory per model."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from partnerships import activity, lifecycle, models, valuation
from partnerships.permissions import MANAGER_GROUP, STAFF_GROUP
from tests import upload_samples


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("password")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """``UserFactory(role="Staff")`` puts the user in that group."""
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class StaffFactory(UserFactory):
    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=extracted or STAFF_GROUP))


class ManagerFactory(UserFactory):
    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=extracted or MANAGER_GROUP))


class AdminFactory(UserFactory):
    is_staff = True
    is_superuser = True


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Sector
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Sector {n}")
    slug = factory.Sequence(lambda n: f"sector-{n}")


class AbandonReasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AbandonReason
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Reason {n}")


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ExchangeRate

    currency = "CNY"
    rate_to_eur = "0.128000"
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """As the admin saves one: the partnerships in its currency are revalued."""
        return lifecycle.save_exchange_rate(model_class(*args, **kwargs), by=None)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    kind = models.OrganizationKind.COMPANY
    country = "CN"
    locality = "Zhangjiakou"


class OrganizationRelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.OrganizationRelation

    source = factory.SubFactory(OrganizationFactory)
    target = factory.SubFactory(OrganizationFactory)
    kind = models.RelationKind.SISTER_CITY


class ContactFactory(factory.django.DjangoModelFactory):
    """A contact with its current post, as ``lifecycle.create_contact`` makes it."""

    class Meta:
        model = models.Contact
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Faker("name")
    title = "Director"

    @factory.post_generation
    def position(contact, create, extracted, **kwargs):
        if create:
            models.ContactPosition.objects.create(
                contact=contact,
                organization_id=contact.organization_id,
                title=contact.title,
                start_date=extracted,
            )


class ContactPositionFactory(factory.django.DjangoModelFactory):
    """A past post (give ``contact``, and dates before its current post)."""

    class Meta:
        model = models.ContactPosition

    contact = factory.SubFactory(ContactFactory)
    organization = factory.SubFactory(OrganizationFactory)
    title = "Deputy director"


class PartnershipFactory(factory.django.DjangoModelFactory):
    """A partnership as the lifecycle creates it: with its first stage change."""

    class Meta:
        model = models.Partnership
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Partnership {n}")
    kind = models.PartnershipKind.INSTITUTIONAL
    stage = models.Stage.PROSPECT
    owner = factory.SubFactory(StaffFactory)
    stage_changed_on = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=30)
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        partnership = model_class(*args, **kwargs)
        partnership.last_activity_on = partnership.stage_changed_on
        partnership.last_engaged_on = partnership.stage_changed_on
        partnership.furthest_stage = partnership.stage
        partnership.entered_pipeline_on = partnership.stage_changed_on
        partnership.save()
        valuation.refresh([partnership.pk])
        partnership.refresh_from_db(fields=["value_eur"])
        models.StageChange.objects.create(
            partnership=partnership,
            from_stage="",
            to_stage=partnership.stage,
            effective_date=partnership.stage_changed_on,
            changed_by=partnership.owner,
        )
        return partnership

    @factory.post_generation
    def team(self, create, extracted, **kwargs):
        if create and extracted:
            self.team.set(extracted)


class PartnershipPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PartnershipParty

    partnership = factory.SubFactory(PartnershipFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = models.PartyRole.SIGNATORY


class StageChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StageChange

    partnership = factory.SubFactory(PartnershipFactory)
    from_stage = models.Stage.PROSPECT
    to_stage = models.Stage.LETTER_OF_INTENT
    effective_date = factory.LazyFunction(timezone.localdate)
    changed_by = factory.SelfAttribute("partnership.owner")


class StatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StatusChange

    partnership = factory.SubFactory(PartnershipFactory)
    from_status = models.Status.ACTIVE
    to_status = models.Status.ON_HOLD
    effective_date = factory.LazyFunction(timezone.localdate)
    changed_by = factory.SelfAttribute("partnership.owner")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Meeting

    title = factory.Sequence(lambda n: f"Meeting {n}")
    kind = models.MeetingKind.MEETING
    status = models.MeetingStatus.HELD
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    locality = "Chambéry"
    country = "FR"
    logged_by = factory.SubFactory(StaffFactory)


class ActionFactory(factory.django.DjangoModelFactory):
    """An action as ``lifecycle.create_action`` leaves it: its partnership's
    stored activity counts it."""

    class Meta:
        model = models.Action

    title = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.SubFactory(StaffFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    partnership = factory.SubFactory(PartnershipFactory, owner=factory.SelfAttribute("..owner"))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        action = super()._create(model_class, *args, **kwargs)
        activity.refresh([action.partnership_id])
        return action


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Document

    partnership = factory.SubFactory(PartnershipFactory)
    kind = models.DocumentKind.AGREEMENT
    title = factory.Sequence(lambda n: f"Document {n}")
    file = factory.LazyFunction(lambda: ContentFile(upload_samples.PDF, name="agreement.pdf"))
    original_name = "agreement.pdf"
    content_type = "application/pdf"
    size = 15
    sha256 = "0" * 64


class DocumentSignatoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DocumentSignatory

    document = factory.SubFactory(DocumentFactory)
    contact = factory.SubFactory(ContactFactory)
    title_at_signing = "Mayor"


class PartnershipIndicatorFactory(factory.django.DjangoModelFactory):
    """An indicator line (jobs created by default, seeded by the migration)."""

    class Meta:
        model = models.PartnershipIndicator

    partnership = factory.SubFactory(PartnershipFactory)
    indicator = factory.LazyFunction(lambda: models.Indicator.objects.get(code="jobs-created"))
    label = factory.Sequence(lambda n: f"scope {n}")
    target = Decimal("100")


class IndicatorResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.IndicatorResult

    line = factory.SubFactory(PartnershipIndicatorFactory)
    year = 2025
    value = Decimal("10")
