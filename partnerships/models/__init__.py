"""The domain model, one module per concept; import everything from here."""

from partnerships.models.accounts import ApiToken, DormancyAlert, ReminderLog, UserProfile
from partnerships.models.actions import Action, ActionSide, ActionStatus, Priority
from partnerships.models.base import DatePrecision
from partnerships.models.documents import Document, DocumentKind, DocumentSignatory
from partnerships.models.indicators import (
    Indicator,
    IndicatorKind,
    IndicatorResult,
    PartnershipIndicator,
)
from partnerships.models.meetings import Meeting, MeetingKind, MeetingStatus
from partnerships.models.organizations import (
    Contact,
    ContactPosition,
    MessagingApp,
    Organization,
    OrganizationKind,
    OrganizationRelation,
    RelationKind,
    Sector,
)
from partnerships.models.partnerships import (
    AbandonReason,
    Currency,
    ExchangeRate,
    Partnership,
    PartnershipKind,
    PartnershipParty,
    PartyRole,
    Stage,
    StageChange,
    Status,
    StatusChange,
)

__all__ = [
    "AbandonReason",
    "Action",
    "ActionSide",
    "ActionStatus",
    "ApiToken",
    "Contact",
    "ContactPosition",
    "Currency",
    "DatePrecision",
    "Document",
    "DocumentKind",
    "DocumentSignatory",
    "DormancyAlert",
    "ExchangeRate",
    "Indicator",
    "IndicatorKind",
    "IndicatorResult",
    "Meeting",
    "MeetingKind",
    "MeetingStatus",
    "MessagingApp",
    "Organization",
    "OrganizationKind",
    "OrganizationRelation",
    "Partnership",
    "PartnershipIndicator",
    "PartnershipKind",
    "PartnershipParty",
    "PartyRole",
    "Priority",
    "RelationKind",
    "ReminderLog",
    "Sector",
    "Stage",
    "StageChange",
    "Status",
    "StatusChange",
    "UserProfile",
]
