"""Follow-up records: status updates with their evidence, review cycles and assessments."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.domain import EvidenceKind, EvidenceLevel, Party, RequestState, UpdateSource
from tracker.models._types import EnumText, UTCDateTime, utcnow


class StatusUpdateBase(SQLModel):
    status: str = Field(max_length=50)
    narrative: str = Field(default="", sa_type=Text)
    as_of: date
    party: Party = Field(default=Party.HOME, sa_type=EnumText(Party))
    # What blocks the commitment (장애요인), as the officer puts it.
    obstacles: str = Field(default="", sa_type=Text)


class StatusUpdate(StatusUpdateBase, table=True):
    """Append-only: a correction is a new update whose `corrects_id` names the one it fixes."""

    __tablename__ = "status_update"

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int = Field(foreign_key="commitment.id", index=True, ondelete="CASCADE")
    author: str = Field(max_length=200)
    author_id: int | None = Field(default=None, foreign_key="officer.id")
    source: UpdateSource = Field(default=UpdateSource.CLI, sa_type=EnumText(UpdateSource))
    corrects_id: int | None = Field(default=None, foreign_key="status_update.id")
    evidence_level: EvidenceLevel = Field(
        default=EvidenceLevel.REPORTED, sa_type=EnumText(EvidenceLevel)
    )
    # The commitment's version once this update was applied: what a later edit must quote.
    commitment_version: int
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True)
    )


class RequestCreate(SQLModel):
    """A request for cooperation, made with a status update: to a division (by id) or to
    another body (a ministry, by name), what is needed, by when."""

    to_division_id: int | None = None
    to_body: str = Field(default="", max_length=200)
    what: str = Field(max_length=2000)
    due_on: date | None = None


class StatusUpdateCreate(StatusUpdateBase):
    evidence: list[str] = []
    # None: found when evidence is given, reported when not.
    evidence_level: EvidenceLevel | None = None
    requests: list[RequestCreate] = []
    corrects_id: int | None = None
    expected_version: int | None = None


class EvidencePublic(SQLModel):
    id: int
    kind: EvidenceKind
    url: str = ""
    file_name: str = ""
    stored_path: str = ""
    sha256: str = ""
    size_bytes: int | None = None


class StatusUpdatePublic(StatusUpdateBase):
    id: int
    commitment_id: int
    author: str
    source: UpdateSource
    evidence_level: EvidenceLevel = EvidenceLevel.REPORTED
    corrects_id: int | None
    commitment_version: int
    recorded_at: datetime
    evidence: list[EvidencePublic] = []


class Evidence(SQLModel, table=True):
    """A link, or a file kept under the evidence folder by its SHA-256."""

    id: int | None = Field(default=None, primary_key=True)
    status_update_id: int = Field(foreign_key="status_update.id", index=True, ondelete="CASCADE")
    kind: EvidenceKind = Field(sa_type=EnumText(EvidenceKind))
    url: str = Field(default="", max_length=2000)
    file_name: str = Field(default="", max_length=255)
    stored_path: str = Field(default="", max_length=500)
    sha256: str = Field(default="", max_length=64)
    size_bytes: int | None = None


class CooperationRequest(SQLModel, table=True):
    """What one division needs from another division or ministry for a commitment (부처간
    협조사항): asked with a status update, answered by the addressee, closed by the asker."""

    __tablename__ = "cooperation_request"
    __table_args__ = (
        # The addressee's open requests (dashboard, digest), and a report's open ones by age.
        Index("ix_cooperation_request_to_state", "to_division_id", "state", "created_at"),
        Index("ix_cooperation_request_state_created", "state", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int = Field(foreign_key="commitment.id", index=True, ondelete="CASCADE")
    status_update_id: int | None = Field(
        default=None, foreign_key="status_update.id", ondelete="SET NULL"
    )
    from_division_id: int | None = Field(default=None, foreign_key="division.id")
    to_division_id: int | None = Field(default=None, foreign_key="division.id")
    to_body: str = Field(default="", max_length=200)
    what: str = Field(sa_type=Text)
    due_on: date | None = None
    state: RequestState = Field(default=RequestState.OPEN, sa_type=EnumText(RequestState))
    answer: str = Field(default="", sa_type=Text)
    asked_by: str = Field(max_length=200)
    answered_by: str = Field(default="", max_length=200)
    closed_by: str = Field(default="", max_length=200)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    answered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class CooperationRequestPublic(SQLModel):
    id: int
    commitment_id: int
    commitment: str = ""  # KEY:REF
    from_division_id: int | None = None
    from_division: str = ""
    to_division_id: int | None = None
    to: str = ""  # the division's name, or the other body
    what: str
    due_on: date | None
    state: RequestState
    answer: str = ""
    asked_by: str
    created_at: datetime
    age_days: int = 0


class ReviewCycle(SQLModel, table=True):
    """The span between two meetings of an agreement's reviewing mechanism.

    The open cycle has no `ends_on`; its end is the next meeting of that mechanism (recorded,
    or projected from the cadence). A held meeting closes it and opens the next.
    """

    __tablename__ = "review_cycle"
    __table_args__ = (UniqueConstraint("agreement_id", "number", name="uq_review_cycle_number"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True, ondelete="CASCADE")
    number: int
    starts_on: date
    ends_on: date | None = None
    opened_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class ReviewCyclePublic(SQLModel):
    id: int
    agreement_id: int
    number: int
    starts_on: date
    ends_on: date | None
    # The expected end while open: the next meeting of the reviewing mechanism.
    closes_on: date | None = None
    closes_estimated: bool = False


class AssessmentBase(SQLModel):
    # +1 full, 0 partial, -1 none (tracker.domain.Score); None = not assessed.
    score: int | None = None
    rationale: str = Field(default="", sa_type=Text)


class Assessment(AssessmentBase, table=True):
    """One verdict per commitment per cycle; re-assessing rewrites it, and history keeps each."""

    __table_args__ = (
        UniqueConstraint("commitment_id", "cycle_id", name="uq_assessment_commitment_cycle"),
    )

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int = Field(foreign_key="commitment.id", index=True, ondelete="CASCADE")
    cycle_id: int = Field(foreign_key="review_cycle.id", index=True, ondelete="CASCADE")
    assessed_by: str = Field(max_length=200)
    assessed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class AssessmentPublic(AssessmentBase):
    commitment_id: int
    cycle_number: int
    assessed_by: str
    assessed_at: datetime
