"""An agreement as imported: its portal record, its sections, clauses and clause items."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.domain import Language
from tracker.models._types import EnumText, UTCDateTime, utcnow


class AgreementBase(SQLModel):
    key: str = Field(max_length=100, unique=True)
    title: str = Field(sa_type=Text)
    document_title: str = Field(default="", sa_type=Text)
    domestic_body: str = Field(default="", max_length=200)
    foreign_body: str = Field(default="", max_length=200)
    countries: str = Field(default="", max_length=300)
    field: str = Field(default="", max_length=200)
    signed_on: date | None = Field(default=None, index=True)
    place: str = Field(default="", max_length=200)
    summary: str = Field(default="", sa_type=Text)
    officer_rank: str = Field(default="", max_length=100)
    officer_name: str = Field(default="", max_length=200)
    officer_ministry: str = Field(default="", max_length=200)
    officer_division: str = Field(default="", max_length=200)
    language: Language = Field(default=Language.KO, sa_type=EnumText(Language))


class Agreement(AgreementBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    desk_officer_id: int | None = Field(default=None, foreign_key="officer.id", index=True)
    review_mechanism_id: int | None = Field(default=None, foreign_key="mechanism.id", index=True)
    source_name: str = Field(default="", max_length=500)
    source_text: str = Field(sa_type=Text)
    source_hash: str = Field(max_length=64, unique=True)
    imported_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class AgreementCreate(AgreementBase):
    source_name: str = ""
    source_text: str
    desk_officer_id: int | None = None


class AgreementUpdate(SQLModel):
    title: str | None = None
    domestic_body: str | None = None
    foreign_body: str | None = None
    countries: str | None = None
    field: str | None = None
    signed_on: date | None = None
    place: str | None = None
    desk_officer_id: int | None = None
    review_mechanism_id: int | None = None


class AgreementPublic(AgreementBase):
    id: int
    source_hash: str
    imported_at: datetime
    clause_count: int = 0
    commitment_count: int = 0
    tracked_count: int = 0


class Section(SQLModel, table=True):
    """A heading over clauses; subsections point at their parent."""

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True, ondelete="CASCADE")
    parent_id: int | None = Field(default=None, foreign_key="section.id", ondelete="CASCADE")
    position: int
    level: int = 1
    title: str = Field(sa_type=Text)


class Clause(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("agreement_id", "number", name="uq_clause_number"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True, ondelete="CASCADE")
    section_id: int | None = Field(default=None, foreign_key="section.id", ondelete="SET NULL")
    number: str = Field(max_length=50)
    position: int
    text: str = Field(sa_type=Text)
    span_start: int
    span_end: int


class ClauseItem(SQLModel, table=True):
    __tablename__ = "clause_item"
    __table_args__ = (UniqueConstraint("clause_id", "position", name="uq_clause_item_position"),)

    id: int | None = Field(default=None, primary_key=True)
    clause_id: int = Field(foreign_key="clause.id", index=True, ondelete="CASCADE")
    position: int
    marker: str = Field(default="", max_length=10)
    text: str = Field(sa_type=Text)
    span_start: int
    span_end: int
