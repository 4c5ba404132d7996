"""What the API reads and writes. Field names follow the models (SPEC section 4).

Reads carry the names a client needs next to the ids (``owner`` and
``owner_name``; a partnership's ``parties`` with their organizations' names and
countries); writes take ids. Serializers only validate, with the models' own
rules (``clean()`` and database constraints, checked before saving) and the
workflows of ``lifecycle.py``; who may write is decided by the views through
``permissions.py``.

Versioned records (partnerships, meetings, actions) carry ``version``: every
update must send the version it was read at, and an update from a stale copy is
refused (409) by the model's conditional save.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partnerships import lifecycle, uploads
from partnerships.api.errors import field_errors
from partnerships.api.fields import (
    CountryCodeField,
    IdField,
    LiveIdField,
    PersonNameField,
    StrictBooleanField,
    StrictCharField,
    StrictEmailField,
    StrictIntegerField,
    StrictSlugField,
    StrictURLField,
    TimeOfDayField,
)
from partnerships.models import (
    AbandonReason,
    Action,
    ActionStatus,
    Contact,
    ContactPosition,
    DatePrecision,
    Document,
    DocumentKind,
    DormancyAlert,
    Indicator,
    IndicatorResult,
    Meeting,
    Organization,
    OrganizationRelation,
    Partnership,
    PartnershipIndicator,
    PartyRole,
    Priority,
    Sector,
    Stage,
    StageChange,
    Status,
)
from partnerships.models.base import live

User = get_user_model()
MAX_VERSION = 2**31 - 1


def active_users() -> QuerySet:
    return User.objects.filter(is_active=True)


# Shared behaviour ----------------------------------------------------------------------

_STRICT_FIELDS = {
    serializers.CharField: StrictCharField,
    serializers.EmailField: StrictEmailField,
    serializers.URLField: StrictURLField,
    serializers.SlugField: StrictSlugField,
    serializers.IntegerField: StrictIntegerField,
    serializers.BooleanField: StrictBooleanField,
}


class StrictModelSerializer(serializers.ModelSerializer):
    """Model fields become fields that take only their own JSON type."""

    serializer_field_mapping = {
        model_field: _STRICT_FIELDS.get(field, field)
        for model_field, field in serializers.ModelSerializer.serializer_field_mapping.items()
    }
    serializer_related_field = IdField


class ModelRulesSerializer(StrictModelSerializer):
    """Runs the model's own checks (``clean()`` and its database constraints) on
    the record as it would be saved, so a broken rule is a 400 on the field
    rather than a database error."""

    # Fields whose constraints are judged by the workflow when it saves,
    # rather than here.
    constraints_checked_on_save: frozenset[str] = frozenset()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        candidate = self._candidate(attrs)
        try:
            candidate.clean()
            candidate.validate_constraints(exclude=self.constraints_checked_on_save)
        except DjangoValidationError as error:
            raise serializers.ValidationError(field_errors(error)) from None
        self.check_candidate(candidate)
        return attrs

    def check_candidate(self, candidate: Model) -> None:
        """Further checks of the record as it would be saved (none by default)."""

    def _candidate(self, attrs: dict[str, Any]) -> Model:
        model = self.Meta.model
        concrete = model._meta.concrete_fields
        if self.instance is None:
            candidate = model()
        else:
            candidate = model(**{f.attname: getattr(self.instance, f.attname) for f in concrete})
            candidate._state.adding = False
            candidate._state.db = self.instance._state.db
        names = {f.name for f in concrete}
        for name, value in attrs.items():
            if name in names:
                setattr(candidate, name, value)
        return candidate


class VersionedSerializer(ModelRulesSerializer):
    """Updates must carry the ``version`` they were read at."""

    version = StrictIntegerField(
        min_value=1,
        max_value=MAX_VERSION,
        help_text=gettext_lazy(
            "The version this record was read at; required on every update. An update "
            "from an older version is refused with a 409."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError(
                {
                    "version": [
                        _(
                            "Send the version of the record you are changing (its "
                            "“version” field), so that nobody else's change is overwritten."
                        )
                    ]
                }
            )
        return super().validate(attrs)

    def update(self, instance: Model, validated_data: dict[str, Any]) -> Model:
        # The model's save is a conditional UPDATE on this version: a copy read
        # before someone else's save raises StaleObjectError (a 409).
        instance.version = validated_data.pop("version")
        return super().update(instance, validated_data)


def refuse_changes_through_update(
    serializer: serializers.Serializer, messages: dict[str, str]
) -> None:
    """Fields that change only through their own endpoint: sending the current
    value is harmless (a client may send back what it read), a different one is
    refused with where to go instead."""
    instance = serializer.instance
    data = serializer.initial_data
    if instance is None or not hasattr(data, "get"):
        return
    errors = {
        name: [message]
        for name, message in messages.items()
        if name in data and data.get(name) != getattr(instance, name)
    }
    if errors:
        raise serializers.ValidationError(errors)


# Reference data and people ------------------------------------------------------------


class UserSerializer(StrictModelSerializer):
    full_name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "is_active"]
        read_only_fields = fields

    def get_full_name(self, user: Any) -> str:
        return user.get_full_name()


class SectorSerializer(StrictModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "name", "name_fr", "slug", "order"]
        read_only_fields = fields


class AbandonReasonSerializer(StrictModelSerializer):
    class Meta:
        model = AbandonReason
        fields = ["id", "name", "name_fr", "is_active", "order"]
        read_only_fields = fields


# Organizations and contacts -------------------------------------------------------------


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField(source="name", help_text="The field's name in the API.")
    label = serializers.CharField(help_text="The field's name as the pages show it.")
    old = serializers.CharField(help_text="The value before, as the pages show it (— if empty).")
    new = serializers.CharField(help_text="The value after, as the pages show it (— if empty).")


class HistoryEntrySerializer(serializers.Serializer):
    """One change of a record: when, by whom, and each field's old and new value."""

    at = serializers.DateTimeField()
    by = serializers.IntegerField(source="by.pk", allow_null=True, default=None)
    by_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    reason = serializers.CharField()
    changes = FieldChangeSerializer(many=True)


class OrganizationRelationSerializer(ModelRulesSerializer):
    """A typed, dated link between two organizations, read "source <kind> target"."""

    source = IdField(queryset=Organization.objects.all())
    source_name = serializers.CharField(source="source.name", read_only=True)
    target = IdField(queryset=Organization.objects.all())
    target_name = serializers.CharField(source="target.name", read_only=True)

    class Meta:
        model = OrganizationRelation
        fields = [
            "id",
            "source",
            "source_name",
            "kind",
            "target",
            "target_name",
            "since",
            "until",
            "note",
            "created_at",
            "updated_at",
        ]


class OrganizationSerializer(ModelRulesSerializer):
    country = CountryCodeField(help_text=gettext_lazy("ISO 3166 alpha-2 code, e.g. CN."))
    parent = IdField(queryset=Organization.objects.all(), required=False, allow_null=True)
    parent_name = serializers.CharField(source="parent.name", read_only=True, allow_null=True)
    sectors = IdField(many=True, queryset=Sector.objects.all(), required=False)
    sector_names = serializers.SlugRelatedField(
        source="sectors", slug_field="name", many=True, read_only=True
    )
    confirm_distinct = StrictBooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text=gettext_lazy(
            "Create or rename even though an organization with a very similar name "
            "exists in the same country."
        ),
    )

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "local_name",
            "romanization",
            "aliases",
            "kind",
            "country",
            "locality",
            "parent",
            "parent_name",
            "website",
            "sectors",
            "sector_names",
            "notes",
            "confirm_distinct",
            "created_at",
            "updated_at",
        ]

    # A name is first held to the near-duplicate rule (a name that differs
    # only by case is "very similar: confirm"), then to the unique constraint.
    constraints_checked_on_save = frozenset({"name"})

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        self._confirm_distinct = attrs.pop("confirm_distinct", False)
        return super().validate(attrs)

    def create(self, validated_data: dict[str, Any]) -> Organization:
        sectors = validated_data.pop("sectors", ())
        return lifecycle.create_organization(
            Organization(**validated_data),
            by=self.context["request"].user,
            sectors=sectors,
            confirm_distinct=self._confirm_distinct,
        )

    def update(self, instance: Organization, validated_data: dict[str, Any]) -> Organization:
        sectors = validated_data.pop("sectors", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return lifecycle.update_organization(
            instance,
            by=self.context["request"].user,
            sectors=sectors,
            confirm_distinct=self._confirm_distinct,
        )


class ContactPositionSerializer(StrictModelSerializer):
    """A post a contact held or holds (read only: posts change through the
    contact's ``post_since`` or ``POST /api/contacts/{id}/new-post/``)."""

    organization_name = serializers.CharField(source="organization.name", read_only=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = ContactPosition
        fields = [
            "id",
            "contact",
            "organization",
            "organization_name",
            "title",
            "start_date",
            "date_precision",
            "end_date",
            "is_current",
            "notes",
        ]
        read_only_fields = fields


class ContactSerializer(ModelRulesSerializer):
    organization = IdField(queryset=Organization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    positions = ContactPositionSerializer(
        many=True,
        read_only=True,
        help_text=gettext_lazy("The posts held, the current one first."),
    )
    post_since = serializers.DateField(
        write_only=True,
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "At creation: since when the person holds this organization and title. On an "
            "update that changes them: since when the new post is held (the current post "
            "then ends the day before and stays in ``positions``); without it, the change "
            "corrects the current post."
        ),
    )

    class Meta:
        model = Contact
        fields = [
            "id",
            "organization",
            "organization_name",
            "name",
            "local_name",
            "title",
            "positions",
            "post_since",
            "email",
            "phone",
            "messaging_app",
            "messaging_handle",
            "languages",
            "notes",
            "is_active",
            "created_at",
            "updated_at",
        ]

    def _candidate(self, attrs: dict[str, Any]) -> Model:
        return super()._candidate({k: v for k, v in attrs.items() if k != "post_since"})

    def create(self, validated_data: dict[str, Any]) -> Contact:
        since = validated_data.pop("post_since", None)
        return lifecycle.create_contact(
            Contact(**validated_data), by=self.context["request"].user, since=since
        )

    def update(self, instance: Contact, validated_data: dict[str, Any]) -> Contact:
        since = validated_data.pop("post_since", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return lifecycle.update_contact(
            instance, by=self.context["request"].user, new_post_since=since
        )


class PositionChangeSerializer(serializers.Serializer):
    organization = IdField(queryset=Organization.objects.all())
    title = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    since = serializers.DateField(
        help_text=gettext_lazy(
            "The first day of the new post; the current one ends the day before."
        )
    )
    date_precision = serializers.ChoiceField(
        choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    notes = StrictCharField(required=False, allow_blank=True, default="")


class PartySerializer(serializers.Serializer):
    organization = IdField(queryset=Organization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    organization_country = CountryCodeField(source="organization.country", read_only=True)
    role = serializers.ChoiceField(choices=PartyRole.choices, default=PartyRole.PARTNER)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # In a PATCH, DRF treats nested rows as partial too; a party is always whole.
        if "organization" not in attrs:
            raise serializers.ValidationError(
                {"organization": [_("This field is required.")]}, code="required"
            )
        return {"role": PartyRole.PARTNER, **attrs}


PARTNERSHIP_LIFECYCLE_FIELDS = {
    "stage": gettext_lazy(
        "The stage changes only through POST /api/partnerships/<id>/move/, which "
        "records the move in the history."
    ),
    "status": gettext_lazy(
        "The status changes only through POST /api/partnerships/<id>/status/, which "
        "records the change in the history."
    ),
}


class PartnershipSerializer(VersionedSerializer):
    owner = IdField(
        queryset=active_users(),
        required=False,
        help_text=gettext_lazy(
            "User id. Defaults to you at creation; changing it later (reassigning) is for managers."
        ),
    )
    owner_name = PersonNameField(source="owner")
    team = IdField(many=True, queryset=active_users(), required=False)
    sectors = IdField(many=True, queryset=Sector.objects.all(), required=False)
    sector_names = serializers.SlugRelatedField(
        source="sectors", slug_field="name", many=True, read_only=True
    )
    parties = PartySerializer(
        many=True,
        required=False,
        max_length=100,
        help_text=gettext_lazy(
            "The organizations taking part, with their role. On an update, the list "
            "replaces the current parties."
        ),
    )
    origin_meeting = LiveIdField(queryset=Meeting.objects.all(), required=False, allow_null=True)
    abandon_reason_name = serializers.CharField(
        source="abandon_reason.name", read_only=True, allow_null=True
    )
    created_by_name = PersonNameField(source="created_by", allow_null=True)
    framework = LiveIdField(
        queryset=Partnership.objects.all(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("The framework agreement this contract implements, if any."),
    )
    predecessor = LiveIdField(
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("The agreement this one renews (see the ``renew`` action)."),
    )
    successor = serializers.SerializerMethodField(
        help_text=gettext_lazy("The agreement this one was renewed into, if any.")
    )

    class Meta:
        model = Partnership
        fields = [
            "id",
            "title",
            "summary",
            "kind",
            "stage",
            "stage_changed_on",
            "status",
            "status_note",
            "abandon_reason",
            "abandon_reason_name",
            "owner",
            "owner_name",
            "team",
            "parties",
            "sectors",
            "sector_names",
            "value_amount",
            "value_currency",
            "value_note",
            "signed_on",
            "start_date",
            "end_date",
            "renewal_notice_days",
            "renewal_due_on",
            "renews_tacitly",
            "origin_meeting",
            "framework",
            "predecessor",
            "successor",
            "source_url",
            "source_reference",
            "version",
            "created_by",
            "created_by_name",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "stage",
            "stage_changed_on",
            "status",
            "status_note",
            "abandon_reason",
            "renewal_due_on",
            "created_by",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"renewal_notice_days": {"max_value": 3650}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        refuse_changes_through_update(self, PARTNERSHIP_LIFECYCLE_FIELDS)
        if self.instance is None or "start_date" in attrs or "end_date" in attrs:
            start = attrs.get("start_date", getattr(self.instance, "start_date", None))
            end = attrs.get("end_date", getattr(self.instance, "end_date", None))
            if start and end and end < start:
                raise serializers.ValidationError(
                    {"end_date": [_("The end date cannot be before the start date.")]}
                )
        return super().validate(attrs)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_successor(self, partnership: Partnership) -> int | None:
        # Read through select_related("successor") in the API's queryset.
        try:
            successor = live(partnership.successor)
        except Partnership.successor.RelatedObjectDoesNotExist:
            return None
        return successor.pk if successor is not None else None

    def check_candidate(self, candidate: Partnership) -> None:
        # The renewal date is the end date minus the notice: it must be a date.
        try:
            candidate.compute_renewal_due_on()
        except OverflowError:
            raise serializers.ValidationError(
                {"renewal_notice_days": [_("The notice period reaches before year 1.")]}
            ) from None

    def update(self, instance: Partnership, validated_data: dict[str, Any]) -> Partnership:
        relations = _pop_partnership_relations(validated_data)
        expected_version = validated_data.pop("version")
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return lifecycle.update_partnership(
            instance,
            by=self.context["request"].user,
            expected_version=expected_version,
            **relations,
        )


def _pop_partnership_relations(validated_data: dict[str, Any]) -> dict[str, Any]:
    """The team, sectors and parties sent (None for those not sent), as the
    workflow takes them."""
    parties = validated_data.pop("parties", None)
    return {
        "team": validated_data.pop("team", None),
        "sectors": validated_data.pop("sectors", None),
        "parties": None
        if parties is None
        else [lifecycle.Party(organization=p["organization"], role=p["role"]) for p in parties],
    }


class PartnershipCreateSerializer(PartnershipSerializer):
    """Creation: the starting stage and since when may be given; the first
    stage change is recorded by ``lifecycle.create_partnership``."""

    owner = IdField(
        queryset=active_users(),
        default=serializers.CurrentUserDefault(),
        help_text=gettext_lazy("User id; you by default."),
    )
    stage = serializers.ChoiceField(
        choices=Stage.choices,
        default=Stage.PROSPECT,
        help_text=gettext_lazy("The starting stage; afterwards it changes only by a move."),
    )
    stage_changed_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "Since when it is in its starting stage (today by default; not in the future)."
        ),
    )
    version = serializers.IntegerField(read_only=True)

    def create(self, validated_data: dict[str, Any]) -> Partnership:
        relations = {k: v or () for k, v in _pop_partnership_relations(validated_data).items()}
        stage_since = validated_data.pop("stage_changed_on", None)
        by = validated_data.pop("created_by")
        try:
            return lifecycle.create_partnership(
                Partnership(**validated_data), by=by, stage_since=stage_since, **relations
            )
        except lifecycle.InvalidTransition as error:
            if error.field == "stage_since":
                error.field = "stage_changed_on"
            raise


class StageChangeSerializer(StrictModelSerializer):
    from_stage = serializers.ChoiceField(
        choices=Stage.choices,
        allow_blank=True,
        read_only=True,
        help_text=gettext_lazy("Empty for the first change: the stage it started in."),
    )
    partnership_title = serializers.CharField(source="partnership.title", read_only=True)
    changed_by_name = PersonNameField(source="changed_by", allow_null=True)
    is_backward = serializers.BooleanField(read_only=True)

    class Meta:
        model = StageChange
        fields = [
            "id",
            "partnership",
            "partnership_title",
            "from_stage",
            "to_stage",
            "is_backward",
            "effective_date",
            "changed_by",
            "changed_by_name",
            "changed_at",
            "note",
            "document",
        ]
        read_only_fields = fields


# Meetings ------------------------------------------------------------------------------


TIMES = ("start_time", "end_time")


class MeetingSerializer(VersionedSerializer):
    start_time = TimeOfDayField(
        required=False, allow_null=True, help_text=gettext_lazy("Optional, for example 14:30.")
    )
    end_time = TimeOfDayField(required=False, allow_null=True)
    country = CountryCodeField(required=False, allow_blank=True)
    parent = LiveIdField(
        queryset=Meeting.objects.all(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("The forum or mission this side meeting took place at."),
    )
    parent_title = serializers.CharField(
        source="live_parent.title", read_only=True, allow_null=True
    )
    organizations = IdField(many=True, queryset=Organization.objects.all(), required=False)
    organization_names = serializers.SlugRelatedField(
        source="organizations", slug_field="name", many=True, read_only=True
    )
    contacts = IdField(many=True, queryset=Contact.objects.all(), required=False)
    attendees = IdField(many=True, queryset=active_users(), required=False)
    partnerships = IdField(many=True, queryset=Partnership.objects.all(), required=False)
    logged_by_name = PersonNameField(source="logged_by")

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "status",
            "title",
            "start_date",
            "start_time",
            "end_date",
            "end_time",
            "locality",
            "country",
            "parent",
            "parent_title",
            "organizations",
            "organization_names",
            "contacts",
            "attendees",
            "partnerships",
            "summary",
            "outcomes",
            "logged_by",
            "logged_by_name",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["logged_by", "created_at", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"end_date": [_("The end date cannot be before the start date.")]}
            )
        times = [attrs.get(name, getattr(self.instance, name, None)) for name in TIMES]
        if Meeting.times_out_of_order(start, end, *times):
            raise serializers.ValidationError(
                {"end_time": [_("The end time cannot be before the start time.")]}
            )
        return super().validate(attrs)

    def update(self, instance: Meeting, validated_data: dict[str, Any]) -> Meeting:
        links = {name: validated_data.pop(name, None) for name in lifecycle.MEETING_LINKS}
        expected_version = validated_data.pop("version")
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return lifecycle.update_meeting(
            instance, by=self.context["request"].user, expected_version=expected_version, **links
        )


class FollowUpActionSerializer(ModelRulesSerializer):
    """A follow-up action logged with its meeting."""

    owner = IdField(
        queryset=active_users(),
        default=serializers.CurrentUserDefault(),
        help_text=gettext_lazy("User id; you by default."),
    )
    partnership = IdField(
        queryset=Partnership.objects.all(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "Left out: the meeting's partnership, when the meeting discusses exactly one."
        ),
    )
    lead_organization = IdField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Action
        fields = [
            "title",
            "details",
            "owner",
            "side",
            "due_date",
            "priority",
            "partnership",
            "lead_organization",
        ]


class MeetingCreateSerializer(MeetingSerializer):
    version = serializers.IntegerField(read_only=True)
    actions = FollowUpActionSerializer(
        many=True,
        required=False,
        write_only=True,
        max_length=100,
        help_text=gettext_lazy(
            "Follow-up actions saved with the meeting (all or nothing); list them "
            "afterwards with GET /api/actions/?meeting=<id>."
        ),
    )

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "actions"]

    def create(self, validated_data: dict[str, Any]) -> Meeting:
        links = {name: validated_data.pop(name, ()) for name in lifecycle.MEETING_LINKS}
        actions = [Action(**data) for data in validated_data.pop("actions", [])]
        by = validated_data.pop("logged_by")
        return lifecycle.log_meeting(Meeting(**validated_data), by=by, actions=actions, **links)


# Actions -------------------------------------------------------------------------------

ACTION_WORKFLOW_FIELDS = {
    "status": gettext_lazy(
        "The status changes only through POST /api/actions/<id>/complete/, /cancel/ or /reopen/."
    ),
}


class ActionSerializer(VersionedSerializer):
    owner = IdField(
        queryset=active_users(),
        required=False,
        help_text=gettext_lazy("User id; you by default at creation."),
    )
    owner_name = PersonNameField(source="owner")
    is_overdue = serializers.SerializerMethodField()
    partnership = LiveIdField(queryset=Partnership.objects.all(), required=False, allow_null=True)
    partnership_title = serializers.CharField(
        source="live_partnership.title", read_only=True, allow_null=True
    )
    meeting = LiveIdField(queryset=Meeting.objects.all(), required=False, allow_null=True)
    meeting_title = serializers.CharField(
        source="live_meeting.title", read_only=True, allow_null=True
    )
    lead_organization = IdField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    lead_organization_name = serializers.CharField(
        source="lead_organization.name", read_only=True, allow_null=True
    )
    completed_by_name = PersonNameField(source="completed_by", allow_null=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "title",
            "details",
            "owner",
            "owner_name",
            "side",
            "due_date",
            "priority",
            "status",
            "is_overdue",
            "partnership",
            "partnership_title",
            "meeting",
            "meeting_title",
            "lead_organization",
            "lead_organization_name",
            "completed_on",
            "completed_by",
            "completed_by_name",
            "outcome",
            "version",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "completed_on",
            "completed_by",
            "outcome",
            "created_by",
            "created_at",
            "updated_at",
        ]

    def get_is_overdue(self, action: Action) -> bool:
        return action.is_overdue()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        refuse_changes_through_update(self, ACTION_WORKFLOW_FIELDS)
        return super().validate(attrs)

    def update(self, instance: Action, validated_data: dict[str, Any]) -> Action:
        expected_version = validated_data.pop("version")
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return lifecycle.update_action(
            instance, by=self.context["request"].user, expected_version=expected_version
        )


class ActionCreateSerializer(ActionSerializer):
    owner = IdField(
        queryset=active_users(),
        default=serializers.CurrentUserDefault(),
        help_text=gettext_lazy("User id; you by default."),
    )
    version = serializers.IntegerField(read_only=True)

    def create(self, validated_data: dict[str, Any]) -> Action:
        by = validated_data.pop("created_by")
        return lifecycle.create_action(Action(**validated_data), by=by)


# Documents -----------------------------------------------------------------------------


class SignatorySerializer(serializers.Serializer):
    contact = serializers.IntegerField(source="contact_id", read_only=True)
    contact_name = serializers.CharField(source="contact.name", read_only=True)
    title_at_signing = serializers.CharField(read_only=True)


class DocumentSerializer(StrictModelSerializer):
    partnership_title = serializers.CharField(source="partnership.title", read_only=True)
    meeting = LiveIdField(read_only=True, allow_null=True)
    meeting_title = serializers.CharField(
        source="live_meeting.title", read_only=True, allow_null=True
    )
    signatories = SignatorySerializer(source="signings", many=True, read_only=True)
    uploaded_by_name = PersonNameField(source="uploaded_by", allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "partnership",
            "partnership_title",
            "meeting",
            "meeting_title",
            "kind",
            "title",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "summary",
            "signed_on",
            "signed_place",
            "signatories",
            "uploaded_by",
            "uploaded_by_name",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, document: Document) -> str:
        path = reverse("documents:download", args=[document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class DocumentUploadSerializer(StrictModelSerializer):
    """A new document: the file is checked like on the pages (type by
    extension and content, size limit)."""

    partnership = IdField(queryset=Partnership.objects.all())
    meeting = IdField(queryset=Meeting.objects.all(), required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=DocumentKind.choices, default=DocumentKind.OTHER)
    file = serializers.FileField(
        max_length=200,
        help_text=gettext_lazy(
            "PDF, Office, OpenDocument, PNG, JPEG, plain text or Outlook message."
        ),
    )
    signatories = IdField(
        many=True,
        queryset=Contact.objects.all(),
        required=False,
        help_text=gettext_lazy(
            "Contact ids; the title each held on ``signed_on`` (their current one "
            "without it) is recorded as their title at signing."
        ),
    )

    class Meta:
        model = Document
        fields = [
            "partnership",
            "meeting",
            "kind",
            "title",
            "file",
            "summary",
            "signed_on",
            "signed_place",
            "signatories",
        ]

    def validate_file(self, upload: Any) -> Any:
        try:
            self._checked_file = uploads.check_document_file(upload)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return upload

    def create(self, validated_data: dict[str, Any]) -> Document:
        signatories = validated_data.pop("signatories", [])
        by = validated_data.pop("uploaded_by")
        return lifecycle.add_document(
            Document(**validated_data),
            by=by,
            checked_file=self._checked_file,
            signatories=signatories,
        )


# Lifecycle requests ----------------------------------------------------------------------


def _version_field() -> serializers.IntegerField:
    return StrictIntegerField(
        min_value=1,
        max_value=MAX_VERSION,
        error_messages={
            "required": gettext_lazy(
                "Send the version of the record you are changing (its “version” field), "
                "so that nobody else's change is overwritten."
            )
        },
        help_text=gettext_lazy(
            "The version of the record you read; required. The change is refused (409) "
            "if the record changed since."
        ),
    )


class StageMoveSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(
        choices=Stage.choices, help_text=gettext_lazy("The stage to move to.")
    )
    note = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("Why; required when moving back to an earlier stage."),
    )
    effective_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy(
            "When the move happened: today by default; not in the future, not before "
            "the previous move."
        ),
    )
    document = IdField(
        queryset=Document.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("A document of this partnership that records the move."),
    )
    version = _version_field()


class RenewSerializer(serializers.Serializer):
    start = serializers.DateField(help_text=gettext_lazy("The day the new agreement starts."))
    end = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("The day it ends or expires, if known."),
    )
    title = StrictCharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("The same title by default."),
    )
    note = StrictCharField(required=False, allow_blank=True, default="")
    version = _version_field()


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    reason = IdField(
        queryset=AbandonReason.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy(
            "Abandon reason id (see /api/abandon-reasons/); required when abandoning."
        ),
    )
    note = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("Required when abandoning."),
    )
    effective_date = serializers.DateField(required=False, allow_null=True, default=None)
    version = _version_field()


class ActionCompleteSerializer(serializers.Serializer):
    outcome = StrictCharField(required=False, allow_blank=True, default="")
    completed_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("Today by default; not in the future."),
    )
    version = _version_field()


class ActionCancelSerializer(serializers.Serializer):
    note = StrictCharField(required=False, allow_blank=True, default="")
    version = _version_field()


class VersionOnlySerializer(serializers.Serializer):
    version = _version_field()


__all__ = [
    "AbandonReasonSerializer",
    "ActionCancelSerializer",
    "ActionCompleteSerializer",
    "ActionCreateSerializer",
    "ActionSerializer",
    "ActionStatus",
    "ContactPositionSerializer",
    "ContactSerializer",
    "DocumentSerializer",
    "DocumentUploadSerializer",
    "MeetingCreateSerializer",
    "MeetingSerializer",
    "OrganizationSerializer",
    "PartnershipCreateSerializer",
    "PartnershipSerializer",
    "Priority",
    "SectorSerializer",
    "StageChangeSerializer",
    "StageMoveSerializer",
    "StatusChangeSerializer",
    "UserSerializer",
    "VersionOnlySerializer",
]


# Targets and yearly results ---------------------------------------------------------------


class IndicatorSerializer(StrictModelSerializer):
    label = serializers.CharField(read_only=True, help_text="The name in the request's language.")
    unit_label = serializers.CharField(
        read_only=True, help_text="The unit in the request's language."
    )

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "name",
            "name_fr",
            "label",
            "unit",
            "unit_fr",
            "unit_label",
            "kind",
            "order",
            "is_active",
        ]
        read_only_fields = fields


class IndicatorResultSerializer(StrictModelSerializer):
    """The actual figure of one year (one per year and line)."""

    class Meta:
        model = IndicatorResult
        fields = ["year", "value", "note", "source"]
        extra_kwargs = {
            "year": {"min_value": 1950, "max_value": 2100},
            "value": {"min_value": 0},
        }


class PartnershipIndicatorSerializer(StrictModelSerializer):
    """An indicator line of a partnership: its target and its yearly results.
    Sending ``results`` replaces them all (years left out are removed);
    leaving it out of a PATCH keeps them."""

    partnership = IdField(queryset=Partnership.objects.all())
    partnership_title = serializers.CharField(source="partnership.title", read_only=True)
    indicator = IdField(queryset=Indicator.objects.all())
    indicator_name = serializers.CharField(source="indicator.label", read_only=True)
    unit = serializers.CharField(source="indicator.unit_label", read_only=True)
    results = IndicatorResultSerializer(many=True, required=False)
    achieved = serializers.DecimalField(
        max_digits=20,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy(
            "The sum of the yearly results (the latest year's for a level); null without any."
        ),
    )
    progress_percent = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("Achieved as a share of the target, in whole percent."),
    )

    class Meta:
        model = PartnershipIndicator
        fields = [
            "id",
            "partnership",
            "partnership_title",
            "indicator",
            "indicator_name",
            "unit",
            "label",
            "target",
            "target_year",
            "notes",
            "source_reference",
            "results",
            "achieved",
            "progress_percent",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"target": {"min_value": 0}}
        # The unique scope is checked by the workflow, with the partnership.
        validators = []

    def validate_results(self, value: list[dict]) -> list[dict]:
        years = [row["year"] for row in value]
        repeated = sorted({year for year in years if years.count(year) > 1})
        if repeated:
            raise serializers.ValidationError(
                _("Two results for %(year)s: give one figure per year.") % {"year": repeated[0]}
            )
        return value

    def validate_partnership(self, value: Partnership) -> Partnership:
        if self.instance is not None and value.pk != self.instance.partnership_id:
            raise serializers.ValidationError(_("An indicator line stays with its partnership."))
        return value

    def _results(self, validated_data: dict) -> list[lifecycle.YearResult] | None:
        rows = validated_data.pop("results", None)
        if rows is None:
            return None
        return [
            lifecycle.YearResult(
                year=row["year"],
                value=row["value"],
                note=row.get("note", ""),
                source=row.get("source", ""),
            )
            for row in rows
        ]

    def create(self, validated_data: dict) -> PartnershipIndicator:
        results = self._results(validated_data)
        line = PartnershipIndicator(**validated_data)
        return lifecycle.save_indicator_line(
            line, results=results or [], by=self.context["request"].user
        )

    def update(self, instance: PartnershipIndicator, validated_data: dict) -> PartnershipIndicator:
        results = self._results(validated_data)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return lifecycle.save_indicator_line(
            instance, results=results, by=self.context["request"].user
        )


# Merging duplicates ----------------------------------------------------------------------

_SIDES = lifecycle.MergeSide.choices


def _keep_serializer(name: str, fields: tuple[str, ...], model: type[Model]):
    """A serializer of ``keep``: for each field a merge can choose, whose value
    stays ("survivor", the record of the URL, or "loser", the duplicate)."""
    declared = {
        field: serializers.ChoiceField(
            choices=_SIDES,
            required=False,
            help_text=gettext_lazy("Whose %(field)s to keep.")
            % {"field": model._meta.get_field(field).verbose_name},
        )
        for field in fields
    }

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        unknown = sorted(set(data) - set(fields)) if isinstance(data, dict) else []
        if unknown:
            raise serializers.ValidationError(
                _("These fields cannot be chosen in a merge: %(fields)s.")
                % {"fields": ", ".join(map(str, unknown))}
            )
        return serializers.Serializer.to_internal_value(self, data)

    return type(
        name, (serializers.Serializer,), {**declared, "to_internal_value": to_internal_value}
    )


OrganizationMergeKeepSerializer = _keep_serializer(
    "OrganizationMergeKeepSerializer", lifecycle.ORGANIZATION_MERGE_FIELDS, Organization
)
ContactMergeKeepSerializer = _keep_serializer(
    "ContactMergeKeepSerializer", lifecycle.CONTACT_MERGE_FIELDS, Contact
)


class OrganizationMergeSerializer(serializers.Serializer):
    duplicate = IdField(
        queryset=Organization.objects.all(),
        help_text=gettext_lazy(
            "The duplicate: merged into the organization of the URL, then deleted."
        ),
    )
    keep = OrganizationMergeKeepSerializer(
        required=False,
        default=dict,
        help_text=gettext_lazy(
            "Field by field, whose value to keep; a field not named keeps the survivor's "
            "value, or the duplicate's where the survivor has none."
        ),
    )


class ContactMergeSerializer(serializers.Serializer):
    duplicate = IdField(
        queryset=Contact.objects.all(),
        help_text=gettext_lazy("The duplicate: merged into the contact of the URL, then deleted."),
    )
    keep = ContactMergeKeepSerializer(
        required=False,
        default=dict,
        help_text=gettext_lazy(
            "Field by field, whose value to keep; a field not named keeps the survivor's "
            "value, or the duplicate's where the survivor has none."
        ),
    )


class DormancyAlertSerializer(StrictModelSerializer):
    """A signed partnership reported as dormant to its owner, once per quiet
    spell (read only: the daily digest records them)."""

    partnership_title = serializers.CharField(source="partnership.title", read_only=True)
    owner_name = PersonNameField(source="owner", allow_null=True)
    is_open = serializers.BooleanField(
        read_only=True,
        help_text=gettext_lazy(
            "Still quiet: nothing held or done since, and the partnership still signed and active."
        ),
    )

    class Meta:
        model = DormancyAlert
        fields = [
            "id",
            "partnership",
            "partnership_title",
            "owner",
            "owner_name",
            "quiet_since",
            "alerted_on",
            "is_open",
        ]
        read_only_fields = fields
