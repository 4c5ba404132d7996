"""Forms: validation only. Rules live in the models and ``lifecycle.py``."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.forms import inlineformset_factory
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partnerships import lifecycle, text_search, uploads
from partnerships.models import (
    AbandonReason,
    Action,
    ApiToken,
    Contact,
    DatePrecision,
    Document,
    Indicator,
    Meeting,
    Organization,
    Partnership,
    PartnershipIndicator,
    PartnershipParty,
    Stage,
    Status,
)
from partnerships.models.base import SoftDeleteModel, is_deleted_row
from partnerships.widgets import SearchSelect, SearchSelectMultiple


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class VersionedModelFormMixin:
    """Carries the version the user started from, and refuses the save when the
    record changed in between (the model's conditional save catches the race
    that remains between this check and the write)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "version" in self.fields:
            self.fields["version"].widget = forms.HiddenInput()
            self.fields["version"].required = bool(self.instance.pk)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "version" in self.fields:
            submitted = cleaned.get("version")
            if submitted is not None and submitted != self.instance.version:
                raise forms.ValidationError(
                    gettext(
                        "Someone else changed this record while you were editing it. "
                        "Your changes were not saved: reload the page to see the latest "
                        "version, then make your changes again."
                    ),
                    code="stale",
                )
        return cleaned


class KeepsLinksToDeletedMixin:
    """A link to a deleted partnership or meeting (an action's meeting, a
    partnership's origin meeting, a side meeting's forum) shows empty in the
    form, whose choices are live records only; saving the form keeps the
    stored link, so that restoring the record brings the link back. Clearing
    a link to a live record works as usual."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._stored_links = {
            field.name: getattr(self.instance, field.attname)
            for field in self.instance._meta.concrete_fields
            if field.is_relation
            and field.name in self.fields
            and issubclass(field.related_model, SoftDeleteModel)
            and getattr(self.instance, field.attname) is not None
        }

    def _post_clean(self) -> None:
        super()._post_clean()
        for name, stored in self._stored_links.items():
            field = self.instance._meta.get_field(name)
            cleared = self.cleaned_data.get(name) is None and name not in self.errors
            if cleared and is_deleted_row(field.related_model, stored):
                setattr(self.instance, field.attname, stored)


class DocumentFileFormMixin:
    """Checks the uploaded file (type by extension and content, size);
    ``checked_file`` is what the check found, for the workflow to record."""

    checked_file: uploads.CheckedFile | None = None

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            self.checked_file = uploads.check_document_file(upload)
        return upload


def active_users():
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .order_by("first_name", "last_name", "username")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


class VersionForm(forms.Form):
    """A change to one record, made from the version the user started from (a
    hidden field the page fills in); the lifecycle refuses it if the record
    changed since."""

    version = forms.IntegerField(
        label=_("Version"),
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": _(
                "This form does not say which version of the record it was made from: "
                "reload the page and try again."
            ),
        },
    )

    def keep_input_after_conflict(self, *, version: int, message: str) -> None:
        """After a refusal because someone else changed the record: the form
        shows again what the user entered, now carries the record's current
        version (so submitting again is a choice made with the current state
        in view, not a second refusal), and says why nothing was saved."""
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = str(version)
        self.add_error(None, message)


class StageMoveForm(VersionForm):
    stage = forms.ChoiceField(label=_("New stage"), choices=Stage.choices)
    effective_date = forms.DateField(
        label=_("Effective date"),
        required=False,
        widget=DateInput(),
        help_text=_("When the move happened; today if left empty."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when moving back to an earlier stage."),
    )

    def clean_effective_date(self):
        return self.cleaned_data.get("effective_date") or timezone.localdate()


class StatusChangeForm(VersionForm):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    reason = forms.ModelChoiceField(
        label=_("Reason"),
        queryset=AbandonReason.objects.filter(is_active=True),
        required=False,
        help_text=_("Required when abandoning."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReassignForm(forms.Form):
    owner = UserChoiceField(label=_("New owner"), queryset=active_users())


class RenewForm(VersionForm):
    """Renew into a new agreement (``lifecycle.renew_into_successor``)."""

    title = forms.CharField(
        label=_("Title of the new agreement"),
        max_length=200,
        required=False,
        help_text=_("The same title if left empty."),
    )
    start = forms.DateField(label=_("New agreement starts on"), widget=DateInput())
    end = forms.DateField(label=_("New agreement ends on"), required=False, widget=DateInput())
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the renewal is based on, for example the signing of an amendment."),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", gettext("The end date cannot be before the start date."))
        return cleaned

    @staticmethod
    def initial_for(partnership: Partnership) -> dict:
        """What the form proposes: the day after the current agreement ends,
        for as long as it ran."""
        initial = {"title": partnership.title, "version": partnership.version}
        if partnership.end_date:
            start = partnership.end_date + datetime.timedelta(days=1)
            initial["start"] = start
            if partnership.start_date:
                initial["end"] = start + (partnership.end_date - partnership.start_date)
        return initial


class ActionCompleteForm(VersionForm):
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    completed_on = forms.DateField(
        label=_("Completed on"),
        required=False,
        widget=DateInput(),
        help_text=_("Today if left empty."),
    )

    def clean_completed_on(self):
        return self.cleaned_data.get("completed_on") or timezone.localdate()


# The admin's bulk actions change several records at once from a confirmation
# page that lists them: no one version to carry, each row is changed from the
# version it has when the action runs.


class BulkStageMoveForm(StageMoveForm):
    version = None


class BulkStatusChangeForm(StatusChangeForm):
    version = None


class BulkActionCompleteForm(ActionCompleteForm):
    version = None


class BulkRenewForm(forms.Form):
    """Renew several partnerships at once (the admin's action): each new
    agreement starts the day after its predecessor ends and runs as long,
    unless dates are given for all."""

    start = forms.DateField(
        label=_("New agreements start on"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: the day after each current agreement ends."),
    )
    end = forms.DateField(
        label=_("New agreements end on"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: after as long as each current agreement ran."),
    )

    def dates_for(
        self, partnership: Partnership
    ) -> tuple[datetime.date | None, datetime.date | None]:
        initial = RenewForm.initial_for(partnership)
        return (
            self.cleaned_data["start"] or initial.get("start"),
            self.cleaned_data["end"] or initial.get("end"),
        )


# Page forms -------------------------------------------------------------------------


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, org) -> str:
        return org.display_name


class OrganizationMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, org) -> str:
        return org.display_name


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


class DatesInOrderMixin:
    """``start_field`` must not come after ``end_field``; the error shows next to
    the end date."""

    start_field = "start_date"
    end_field = "end_date"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get(self.start_field), cleaned.get(self.end_field)
        if start and end and end < start:
            self.add_error(self.end_field, gettext("The end date cannot be before the start date."))
        return cleaned


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class MeetingForm(
    KeepsLinksToDeletedMixin, DatesInOrderMixin, VersionedModelFormMixin, forms.ModelForm
):
    parent = forms.ModelChoiceField(
        label=_("Part of"),
        queryset=Meeting.objects.all(),
        required=False,
        widget=SearchSelect("meetings"),
        help_text=_("The forum or mission this side meeting took place at."),
    )
    organizations = OrganizationMultipleChoiceField(
        label=_("Organizations"),
        queryset=Organization.objects.all(),
        required=False,
        widget=SearchSelectMultiple("organizations", create="organization"),
    )
    contacts = forms.ModelMultipleChoiceField(
        label=_("Contacts"),
        queryset=Contact.objects.all(),
        required=False,
        widget=SearchSelectMultiple("contacts", create="contact"),
    )
    attendees = UserMultipleChoiceField(
        label=_("Internal attendees"),
        queryset=active_users(),
        required=False,
        widget=SearchSelectMultiple("users"),
    )
    partnerships = forms.ModelMultipleChoiceField(
        label=_("Partnerships discussed"),
        queryset=Partnership.objects.all(),
        required=False,
        widget=SearchSelectMultiple("partnerships"),
    )

    class Meta:
        model = Meeting
        fields = [
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
            "organizations",
            "contacts",
            "attendees",
            "partnerships",
            "summary",
            "outcomes",
            "version",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "outcomes": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        cleaned = super().clean()
        if Meeting.times_out_of_order(
            cleaned.get("start_date"),
            cleaned.get("end_date"),
            cleaned.get("start_time"),
            cleaned.get("end_time"),
        ):
            self.add_error("end_time", gettext("The end time cannot be before the start time."))
        return cleaned


class ActionForm(KeepsLinksToDeletedMixin, VersionedModelFormMixin, forms.ModelForm):
    owner = UserChoiceField(label=_("Owner"), queryset=active_users())
    partnership = forms.ModelChoiceField(
        label=_("Partnership"),
        queryset=Partnership.objects.all(),
        required=False,
        widget=SearchSelect("partnerships"),
    )
    meeting = forms.ModelChoiceField(
        label=_("From meeting"),
        queryset=Meeting.objects.all(),
        required=False,
        widget=SearchSelect("meetings"),
    )
    lead_organization = OrganizationChoiceField(
        label=_("Lead organization"),
        queryset=Organization.objects.all(),
        required=False,
        widget=SearchSelect("organizations"),
    )

    class Meta:
        model = Action
        fields = [
            "title",
            "owner",
            "due_date",
            "priority",
            "side",
            "partnership",
            "meeting",
            "lead_organization",
            "details",
            "version",
        ]
        widgets = {"due_date": DateInput(), "details": forms.Textarea(attrs={"rows": 3})}


class MeetingActionForm(forms.ModelForm):
    """One follow-up action row inside the meeting form."""

    owner = UserChoiceField(label=_("Owner"), queryset=active_users())
    partnership = forms.ModelChoiceField(
        label=_("Partnership"),
        queryset=Partnership.objects.all(),
        required=False,
        # The picker offers the partnerships the meeting discusses first.
        widget=SearchSelect("partnerships", suggest_from="partnerships"),
        help_text=_("Left empty: the meeting’s partnership, when it discusses only one."),
    )

    class Meta:
        model = Action
        fields = ["title", "owner", "due_date", "priority", "side", "partnership"]
        widgets = {"due_date": DateInput()}


class BaseMeetingActionFormSet(forms.BaseInlineFormSet):
    """New rows start with the person logging the meeting as owner, and with
    the partnership the meeting is about when there is one; a row left as it
    started is ignored."""

    def __init__(self, *args, default_owner=None, default_partnership=None, **kwargs) -> None:
        self.default_owner = default_owner
        self.default_partnership = default_partnership
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is None or index >= self.initial_form_count():
            kwargs["initial"] = {
                "owner": self.default_owner,
                "partnership": self.default_partnership,
            }
        return kwargs

    def new_actions(self) -> list[Action]:
        """The rows the person filled in, as unsaved actions for the workflow
        (call after ``is_valid()``)."""
        return [
            form.instance
            for form in self.extra_forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]


MeetingActionFormSet = inlineformset_factory(
    Meeting,
    Action,
    form=MeetingActionForm,
    formset=BaseMeetingActionFormSet,
    fk_name="meeting",
    extra=1,
    can_delete=True,
)


class PartnershipForm(
    KeepsLinksToDeletedMixin, DatesInOrderMixin, VersionedModelFormMixin, forms.ModelForm
):
    """Create and edit a partnership. The stage is chosen only at creation
    (afterwards it moves through the stage form); the owner is chosen at
    creation and changed later by a manager's reassignment."""

    stage = forms.ChoiceField(label=_("Starting stage"), choices=Stage.choices)
    stage_since = forms.DateField(
        label=_("In this stage since"),
        required=False,
        widget=DateInput(),
        help_text=_("Today if left empty; earlier for a partnership recorded after the fact."),
    )
    owner = UserChoiceField(label=_("Owner"), queryset=active_users())
    team = UserMultipleChoiceField(
        label=_("Team members"),
        queryset=active_users(),
        required=False,
        widget=SearchSelectMultiple("users"),
    )
    origin_meeting = forms.ModelChoiceField(
        label=_("Originated at"),
        queryset=Meeting.objects.all(),
        required=False,
        widget=SearchSelect("meetings"),
    )
    framework = forms.ModelChoiceField(
        label=_("Framework agreement"),
        queryset=Partnership.objects.all(),
        required=False,
        widget=SearchSelect("partnerships"),
        help_text=_("The framework agreement this contract implements, if any."),
    )

    class Meta:
        model = Partnership
        fields = [
            "title",
            "kind",
            "stage",
            "stage_since",
            "owner",
            "team",
            "summary",
            "sectors",
            "value_amount",
            "value_currency",
            "value_note",
            "signed_on",
            "start_date",
            "end_date",
            "renewal_notice_days",
            "renews_tacitly",
            "origin_meeting",
            "framework",
            "source_url",
            "source_reference",
            "version",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            # Six kinds, one of them long: radios show them all and wrap on a
            # phone, where a select would cut "Coopération institutionnelle
            # ou jumelage".
            "kind": forms.RadioSelect(),
            "sectors": forms.CheckboxSelectMultiple(),
            "signed_on": DateInput(),
            "start_date": DateInput(),
            "end_date": DateInput(),
        }

    def __init__(self, *args, can_reassign: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["stage"]
            del self.fields["stage_since"]
            if not can_reassign:
                del self.fields["owner"]
        self.fields["value_amount"].widget.attrs.update({"min": "0.01", "step": "0.01"})
        # The model's check constraints, repeated on the fields so that the error
        # shows next to the field instead of at the top of the form.
        self.fields["value_amount"].validators.append(MinValueValidator(Decimal("0.01")))
        self.fields["renewal_notice_days"].validators.append(MaxValueValidator(3650))

    def clean_stage_since(self):
        day = self.cleaned_data.get("stage_since")
        if day and day > timezone.localdate():
            raise forms.ValidationError(gettext("This date cannot be in the future."))
        return day


class PartyForm(forms.ModelForm):
    organization = OrganizationChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.all(),
        widget=SearchSelect("organizations", create="organization"),
    )

    class Meta:
        model = PartnershipParty
        fields = ["organization", "role"]


class BasePartyFormSet(forms.BaseInlineFormSet):
    """The party rows of a partnership (on its page and in the admin)."""

    def parties(self) -> list[lifecycle.Party]:
        """The parties as the person left them (call after ``is_valid()``):
        in order (by the "order" column where the rows have one), removed rows
        left out, and so is a row naming a party that is not this
        partnership's (a forged id), as the formset's own save would."""
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data
            and not self._should_delete_form(form)
            and (form in self.extra_forms or form.instance.pk is not None)
        ]
        kept.sort(key=lambda data: data.get("order") or 0)
        return [
            lifecycle.Party(organization=data["organization"], role=data["role"]) for data in kept
        ]


PartyFormSet = inlineformset_factory(
    Partnership,
    PartnershipParty,
    form=PartyForm,
    formset=BasePartyFormSet,
    extra=2,
    can_delete=True,
)


class OrganizationForm(forms.ModelForm):
    parent = OrganizationChoiceField(
        label=_("Parent organization"),
        queryset=Organization.objects.all(),
        required=False,
        widget=SearchSelect("organizations"),
        help_text=_("For example, Zhangjiakou is in Hebei."),
    )
    confirm_distinct = forms.BooleanField(
        label=_("This is a different organization: create it anyway"),
        required=False,
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "local_name",
            "romanization",
            "aliases",
            "kind",
            "country",
            "locality",
            "parent",
            "website",
            "sectors",
            "notes",
        ]
        widgets = {
            "aliases": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "sectors": forms.CheckboxSelectMultiple(),
        }


class QuickOrganizationForm(forms.ModelForm):
    """The few fields needed to create an organization from inside another form."""

    class Meta:
        model = Organization
        fields = ["name", "local_name", "kind", "country"]


class ContactForm(forms.ModelForm):
    organization = OrganizationChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.all(),
        widget=SearchSelect("organizations"),
    )
    post_since = forms.DateField(
        label=_("In this post since"),
        required=False,
        widget=DateInput(),
        help_text=_("When the person took this organization and title, if known."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["post_since"].label = _("New post since")
            self.fields["post_since"].help_text = _(
                "If the organization or title changed because the person took a new post, "
                "since when: the current post goes to their career. Leave empty to correct "
                "a mistake."
            )

    def clean_post_since(self):
        day = self.cleaned_data.get("post_since")
        if day and day > timezone.localdate():
            raise forms.ValidationError(gettext("This date cannot be in the future."))
        return day

    class Meta:
        model = Contact
        fields = [
            "name",
            "local_name",
            "organization",
            "title",
            "email",
            "phone",
            "messaging_app",
            "messaging_handle",
            "languages",
            "notes",
            "is_active",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class PositionChangeForm(forms.Form):
    """A contact takes a new post (``lifecycle.change_position``)."""

    organization = OrganizationChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.all(),
        widget=SearchSelect("organizations"),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    since = forms.DateField(
        label=_("In this post since"),
        widget=DateInput(),
        help_text=_("The current post ends the day before."),
    )
    date_precision = forms.ChoiceField(
        label=_("Date precision"),
        choices=DatePrecision.choices,
        initial=DatePrecision.DAY,
        help_text=_("Only the month or the year may be known."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class QuickContactForm(forms.ModelForm):
    organization = OrganizationChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.all(),
        widget=SearchSelect("organizations"),
    )

    class Meta:
        model = Contact
        fields = ["name", "local_name", "organization", "title", "email"]


class DocumentForm(DocumentFileFormMixin, forms.ModelForm):
    meeting = forms.ModelChoiceField(
        label=_("Meeting"),
        queryset=Meeting.objects.all(),
        required=False,
        widget=SearchSelect("meetings"),
        help_text=_("The meeting it was presented or signed at, if any."),
    )
    signatories = forms.ModelMultipleChoiceField(
        label=_("Signatories"),
        queryset=Contact.objects.all(),
        required=False,
        widget=SearchSelectMultiple("contacts"),
        help_text=_(
            "The title each held on the day of signing (their current one if the day is "
            "not given) is recorded as their title at signing."
        ),
    )

    class Meta:
        model = Document
        fields = ["title", "kind", "file", "summary", "signed_on", "signed_place", "meeting"]
        widgets = {"signed_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "PDF, Office, OpenDocument, images or text; at most %(limit)s."
        ) % {"limit": filesizeformat(settings.DOCUMENT_MAX_BYTES)}
        self.fields["file"].widget.attrs["accept"] = ",".join(uploads.allowed_extensions())


class NameCheckForm(forms.Form):
    """The live near-duplicate check on the organization form."""

    name = forms.CharField(max_length=200)
    country = forms.CharField(max_length=2, required=False)

    def similar(self):
        if not self.is_valid() or not text_search.name_key(self.cleaned_data["name"]):
            return []
        return list(
            Organization.objects.near_duplicates_of(
                self.cleaned_data["name"], country=self.cleaned_data["country"] or None
            )[:5]
        )


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with "Remember me" when the site allows it
    (``SESSION_REMEMBER_ME_AGE``)."""

    remember = forms.BooleanField(
        label=_("Remember me on this device"),
        required=False,
        help_text=_("Stay signed in after closing the browser. Not on a shared computer."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if settings.SESSION_REMEMBER_ME_AGE <= 0:
            del self.fields["remember"]


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "expires_on"]
        labels = {"name": _("Token name")}
        help_texts = {"name": _("What it is for, e.g. “Nightly sync to the regional dashboard”.")}
        widgets = {"expires_on": DateInput()}


# Targets and yearly results ------------------------------------------------------------


class IndicatorLineForm(forms.ModelForm):
    """An indicator line of a partnership (its results come in ResultFormSet)."""

    class Meta:
        model = PartnershipIndicator
        fields = ["indicator", "label", "target", "target_year", "notes", "source_reference"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        offered = Indicator.objects.offered()
        if self.instance.pk:  # a line keeps its indicator, even one no longer offered
            offered = Indicator.objects.filter(Q(is_active=True) | Q(pk=self.instance.indicator_id))
        self.fields["indicator"].queryset = offered


class ResultForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1950, max_value=2100)
    value = forms.DecimalField(label=_("Actual"), min_value=0, max_digits=16, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    source = forms.CharField(label=_("Source"), max_length=300, required=False)


class BaseResultFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        years = [
            form.cleaned_data["year"]
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]
        repeated = sorted({year for year in years if years.count(year) > 1})
        if repeated:
            raise forms.ValidationError(
                gettext("Two results for %(year)s: give one figure per year.")
                % {"year": repeated[0]}
            )

    def results(self) -> list[lifecycle.YearResult]:
        """The results as the person left them (after ``is_valid()``)."""
        return [
            lifecycle.YearResult(
                year=data["year"],
                value=data["value"],
                note=data.get("note", ""),
                source=data.get("source", ""),
            )
            for form in self.forms
            if (data := form.cleaned_data) and not self._should_delete_form(form)
        ]


ResultFormSet = forms.formset_factory(
    ResultForm, formset=BaseResultFormSet, extra=3, can_delete=True, max_num=150
)


class MergeForm(forms.Form):
    """Which value a merge keeps, field by field: a radio for each field whose
    values differ, on the merge page and in the admin. ``rows`` is what the
    comparison table shows (every field, chosen or the same on both sides)."""

    def __init__(self, data=None, *, survivor, loser, fields, **kwargs) -> None:
        super().__init__(data, **kwargs)
        defaults = lifecycle.default_keep(survivor, loser, fields)
        self.rows: list[dict] = []
        for name in fields:
            model_field = survivor._meta.get_field(name)
            label = model_field.verbose_name
            mine, theirs = _shown(survivor, model_field), _shown(loser, model_field)
            if getattr(survivor, model_field.attname) == getattr(loser, model_field.attname):
                self.rows.append({"label": label, "same": mine})
                continue
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=[("survivor", mine), ("loser", theirs)],
                widget=forms.RadioSelect,
                initial=defaults[name],
                required=False,
            )
            self.rows.append({"label": label, "name": name})

    def keep(self) -> dict[str, str]:
        return {name: side for name in self.fields if (side := self.cleaned_data[name])}

    def bound_rows(self) -> list[dict]:
        """The rows with their radios (survivor's, loser's) for the template."""
        rows = []
        for row in self.rows:
            if "name" in row:
                field = self[row["name"]]
                survivor_choice, loser_choice = list(field)
                row = {**row, "field": field, "survivor": survivor_choice, "loser": loser_choice}
            rows.append(row)
        return rows


def _shown(obj, model_field) -> str:
    """A field's value as the merge page shows it."""
    value = getattr(obj, model_field.name)
    if value in (None, ""):
        return "—"
    if model_field.get_internal_type() == "BooleanField":
        return gettext("Yes") if value else gettext("No")
    if model_field.choices:
        return str(getattr(obj, f"get_{model_field.name}_display")())
    return str(value)
