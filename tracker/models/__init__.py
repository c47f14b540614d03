"""The data model. Importing this package registers every table on SQLModel.metadata."""

from tracker.models._types import UTCDateTime, utcnow
from tracker.models.agreement import (
    Agreement,
    AgreementCreate,
    AgreementPublic,
    AgreementUpdate,
    Clause,
    ClauseItem,
    Section,
)
from tracker.models.commitment import (
    ChangeRecord,
    Commitment,
    CommitmentCreate,
    CommitmentMechanism,
    CommitmentPublic,
    CommitmentUpdate,
)
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

__all__ = [
    "Agreement",
    "AgreementCreate",
    "AgreementPublic",
    "AgreementUpdate",
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
    "Section",
    "UTCDateTime",
    "utcnow",
]
