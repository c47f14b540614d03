"""Commitments, their links to mechanisms, and the append-only change record."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Column, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.domain import LinkRole, Strength
from tracker.models._types import EnumText, UTCDateTime, utcnow


class CommitmentBase(SQLModel):
    ref: str = Field(max_length=50)
    text: str = Field(sa_type=Text)
    actors: str = Field(default="both", max_length=200)
    strength: Strength = Field(default=Strength.FIRM, sa_type=EnumText(Strength))
    tracked: bool = True


# Optimistic locking: every UPDATE of a commitment checks and bumps this column, so a write
# based on a stale read fails instead of overwriting (SQLAlchemy's version_id_col).
_version_column = Column("version", Integer, nullable=False, server_default="1")


class Commitment(CommitmentBase, table=True):
    """One discrete undertaking; `text` is source_text[span_start:span_end] of its agreement.

    `status`, `status_as_of` and `last_update_at` repeat the latest status update, so lists and
    attention rules need no subquery; None means nobody has reported yet.
    """

    __table_args__ = (
        UniqueConstraint("agreement_id", "ref", name="uq_commitment_ref"),
        # Document order (lists page along it; see tracker.services.commitments).
        Index("ix_commitment_document_order", "agreement_id", "span_start", "id"),
        # An officer's and a division's lists in that order: a first page reads a page of rows
        # instead of sorting every commitment of the division.
        Index("ix_commitment_owner_order", "owner_id", "agreement_id", "span_start", "id"),
        Index("ix_commitment_division_order", "division_id", "agreement_id", "span_start", "id"),
    )
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": _version_column}

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True, ondelete="CASCADE")
    clause_id: int = Field(foreign_key="clause.id", index=True, ondelete="CASCADE")
    item_id: int | None = Field(default=None, foreign_key="clause_item.id", ondelete="SET NULL")
    span_start: int
    span_end: int
    owner_id: int | None = Field(default=None, foreign_key="officer.id")
    division_id: int | None = Field(default=None, foreign_key="division.id")
    lead_agency: str = Field(default="", max_length=200)
    supporting_agencies: str = Field(default="", max_length=500)
    status: str | None = Field(default=None, max_length=50, index=True)
    status_as_of: date | None = None
    # The counterpart's latest status (Party.COUNTERPART), when anyone has recorded one.
    counterpart_status: str | None = Field(default=None, max_length=50)
    counterpart_status_as_of: date | None = None
    # Indexed for the stale condition (tracker.services.attention), a range over this column.
    last_update_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), index=True)
    )
    version: int = Field(default=1, sa_column=_version_column)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class CommitmentCreate(CommitmentBase):
    agreement_id: int
    clause_id: int
    item_id: int | None = None
    span_start: int
    span_end: int


class CommitmentUpdate(SQLModel):
    actors: str | None = None
    strength: Strength | None = None
    tracked: bool | None = None


class CommitmentPublic(CommitmentBase):
    id: int
    agreement_id: int
    agreement_key: str = ""
    clause: str = ""
    mechanisms: list[str] = []
    version: int = 1
    owner_id: int | None = None
    owner: str = ""
    division_id: int | None = None
    division: str = ""
    lead_agency: str = ""
    supporting_agencies: str = ""
    status: str = ""
    status_label: str = ""
    status_as_of: date | None = None
    counterpart_status: str = ""
    counterpart_status_label: str = ""
    counterpart_status_as_of: date | None = None
    last_update_at: datetime | None = None
    attention: list[str] = []


class CommitmentMechanism(SQLModel, table=True):
    """A commitment names a mechanism, or the agreement's review chain assigns one to it."""

    __tablename__ = "commitment_mechanism"
    # The primary key serves "which mechanisms does this commitment name"; this index serves
    # the other way round: a mechanism's commitments (lists by mechanism, the "due" condition).
    __table_args__ = (Index("ix_commitment_mechanism_mechanism", "mechanism_id", "role"),)

    commitment_id: int = Field(foreign_key="commitment.id", primary_key=True, ondelete="CASCADE")
    mechanism_id: int = Field(foreign_key="mechanism.id", primary_key=True, ondelete="CASCADE")
    role: LinkRole = Field(default=LinkRole.NAMED, primary_key=True, sa_type=EnumText(LinkRole))


class ChangeRecord(SQLModel, table=True):
    """Append-only: who changed what, when, and why. Never updated, never deleted."""

    __tablename__ = "change_record"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True)
    )
    actor: str = Field(max_length=200)
    officer_id: int | None = Field(default=None, foreign_key="officer.id")
    entity: str = Field(max_length=50, index=True)
    entity_id: int = Field(index=True)
    action: str = Field(max_length=50)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    reason: str = ""
