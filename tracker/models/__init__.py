"""The data model. Importing this package registers every table on SQLModel.metadata."""

from tracker.models._types import UTCDateTime, utcnow
from tracker.models.account import Account, SignInAttempt, WebSession
from tracker.models.agreement import (
    Agreement,
    AgreementCreate,
    AgreementPublic,
    AgreementUpdate,
    Clause,
    ClauseItem,
    Section,
)
from tracker.models.api_token import ApiToken, ApiTokenCreate, ApiTokenPublic
from tracker.models.commitment import (
    ChangeRecord,
    Commitment,
    CommitmentCreate,
    CommitmentMechanism,
    CommitmentPublic,
    CommitmentUpdate,
)
from tracker.models.followup import (
    Assessment,
    AssessmentPublic,
    Evidence,
    EvidencePublic,
    ReviewCycle,
    ReviewCyclePublic,
    StatusUpdate,
    StatusUpdateCreate,
    StatusUpdatePublic,
)
from tracker.models.ledger import JobRun
from tracker.models.mechanism import (
    Mechanism,
    MechanismAlias,
    MechanismCreate,
    MechanismPublic,
    MechanismUpdate,
    Meeting,
    MeetingCreate,
    MeetingPublic,
    MeetingUpdate,
)
from tracker.models.organization import (
    Division,
    DivisionCreate,
    DivisionPublic,
    Officer,
    OfficerCreate,
    OfficerPublic,
    OfficerUpdate,
)
from tracker.models.outbox import OutboxMessage
from tracker.models.report import Report, ReportPublic
from tracker.models.revision import CalendarRevision

__all__ = [
    "Account",
    "Agreement",
    "AgreementCreate",
    "AgreementPublic",
    "AgreementUpdate",
    "ApiToken",
    "ApiTokenCreate",
    "ApiTokenPublic",
    "Assessment",
    "AssessmentPublic",
    "CalendarRevision",
    "ChangeRecord",
    "Clause",
    "ClauseItem",
    "Commitment",
    "CommitmentCreate",
    "CommitmentMechanism",
    "CommitmentPublic",
    "CommitmentUpdate",
    "Division",
    "DivisionCreate",
    "DivisionPublic",
    "Evidence",
    "EvidencePublic",
    "JobRun",
    "Mechanism",
    "MechanismAlias",
    "MechanismCreate",
    "MechanismPublic",
    "MechanismUpdate",
    "Meeting",
    "MeetingCreate",
    "MeetingPublic",
    "MeetingUpdate",
    "Officer",
    "OfficerCreate",
    "OfficerPublic",
    "OfficerUpdate",
    "OutboxMessage",
    "Report",
    "ReportPublic",
    "ReviewCycle",
    "ReviewCyclePublic",
    "Section",
    "SignInAttempt",
    "StatusUpdate",
    "StatusUpdateCreate",
    "StatusUpdatePublic",
    "UTCDateTime",
    "WebSession",
    "utcnow",
]
