"""Documents attached to partnerships: letters of intent, agreements, minutes...

Files are stored outside any public folder and served only by a view that checks
permissions, always as downloads."""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partnerships.models.base import EveryRowManager, HiddenWithParentManager, LiveLink
from partnerships.models.organizations import Contact

if TYPE_CHECKING:
    from partnerships.uploads import CheckedFile


class DocumentKind(models.TextChoices):
    LETTER_OF_INTENT = "letter_of_intent", _("Letter of intent")
    AGREEMENT = "agreement", _("Agreement")
    CONTRACT = "contract", _("Contract")
    AMENDMENT = "amendment", _("Amendment")
    MINUTES = "minutes", _("Minutes")
    PRESS_RELEASE = "press_release", _("Press release")
    OTHER = "other", _("Other")


def document_upload_path(document: Document, filename: str) -> str:
    # A random name on disk: the original name is kept in the row, and nothing a
    # user typed ever becomes part of a path.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"documents/{uuid.uuid4().hex}{suffix}"


class DocumentQuerySet(models.QuerySet):
    def for_list(self) -> DocumentQuerySet:
        return self.select_related("uploaded_by", "meeting", "partnership")

    def with_signing(self) -> DocumentQuerySet:
        """What a document's row shows of its signing: the meeting it was
        signed at and the signatories with their title at signing, in a fixed
        number of queries whatever the number of documents."""
        return self.select_related("uploaded_by", "meeting").prefetch_related(
            models.Prefetch(
                "signings",
                queryset=DocumentSignatory.objects.select_related(
                    "contact", "contact__organization"
                ).order_by("pk"),
            )
        )


class DocumentManager(HiddenWithParentManager.from_queryset(DocumentQuerySet)):
    """A partnership's documents are hidden while it is deleted."""

    belongs_to = "partnership"


class SignatoryManager(HiddenWithParentManager):
    """Signatures of a deleted partnership's documents are hidden with them."""

    belongs_to = "document__partnership"


class Document(models.Model):
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    meeting = models.ForeignKey(
        "partnerships.Meeting",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        help_text=_("The meeting it was presented or signed at, if any."),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.OTHER
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_upload_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255, editable=False)
    content_type = models.CharField(_("content type"), max_length=100, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_("What it says or changes; for an amendment, what it amends."),
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_place = models.CharField(_("signed in"), max_length=120, blank=True)
    signatories = models.ManyToManyField(
        Contact,
        verbose_name=_("signatories"),
        through="DocumentSignatory",
        blank=True,
        related_name="signed_documents",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = DocumentManager()
    all_objects = EveryRowManager.from_queryset(DocumentQuerySet)()

    # The meeting it was signed at, as pages and the API show it: nothing
    # while that meeting is deleted (the stored id stays).
    live_meeting = LiveLink("meeting")

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="document_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["partnership", "-uploaded_at"], name="document_timeline")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:download", args=[self.pk])

    @property
    def signed_where(self) -> str:
        """Where it was signed, as its row says it: the place, the meeting, or both."""
        meeting = self.live_meeting
        parts = [self.signed_place] if self.signed_place else []
        if meeting is not None and meeting.title not in parts:
            parts.append(meeting.title)
        return " · ".join(parts)

    def describe_file(self, checked: CheckedFile) -> None:
        """Record what the upload check found out about the file."""
        self.original_name = checked.original_name
        self.content_type = checked.content_type
        self.size = checked.size
        self.sha256 = checked.sha256


class DocumentSignatory(models.Model):
    """A person who signed a document, with the title they signed under."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="signings"
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.PROTECT, related_name="signings"
    )
    title_at_signing = models.CharField(_("title at signing"), max_length=200, blank=True)

    objects = SignatoryManager()
    all_objects = EveryRowManager()

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "contact"],
                name="signatory_once_per_document",
                violation_error_message=_("This person is already a signatory of this document."),
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.contact} ({self.title_at_signing})"
            if self.title_at_signing
            else str(self.contact)
        )
