"""Forms: validation only. Rules live in the models and ``lifecycle.py``."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partnerships import uploads
from partnerships.models import AbandonReason, Stage, Status


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


class DocumentFileFormMixin:
    """Checks the uploaded file (type by extension and content, size) and fills
    in what the row records about it."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            self._checked_file = uploads.check_document_file(upload)
        return upload

    def save(self, commit: bool = True):
        checked = getattr(self, "_checked_file", None)
        if checked is not None:
            self.instance.original_name = checked.original_name
            self.instance.content_type = checked.content_type
            self.instance.size = checked.size
            self.instance.sha256 = checked.sha256
        return super().save(commit=commit)


def active_users():
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .order_by("first_name", "last_name", "username")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


class StageMoveForm(forms.Form):
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


class StatusChangeForm(forms.Form):
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


class ActionCompleteForm(forms.Form):
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
