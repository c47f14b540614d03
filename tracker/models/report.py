"""The report registry: every generated PDF, with what it covers and a snapshot of the state it
showed, so the next report can say what changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.domain import Language, ReportFormat, ReportKind
from tracker.models._types import EnumText, UTCDateTime, utcnow


class ReportBase(SQLModel):
    kind: ReportKind = Field(sa_type=EnumText(ReportKind))
    language: Language = Field(default=Language.KO, sa_type=EnumText(Language))
    # One generation may be written in several formats: each is a row of the same version.
    format: ReportFormat = Field(default=ReportFormat.PDF, sa_type=EnumText(ReportFormat))
    # What the report is about: review reports name an agreement and a cycle; briefs a meeting.
    agreement_id: int | None = Field(
        default=None, foreign_key="agreement.id", index=True, ondelete="CASCADE"
    )
    cycle_id: int | None = Field(default=None, foreign_key="review_cycle.id", ondelete="SET NULL")
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", ondelete="SET NULL")
    mechanism_id: int | None = Field(default=None, foreign_key="mechanism.id", ondelete="SET NULL")


class Report(ReportBase, table=True):
    # `subject` spells out what the report covers ("kr-ca-2025/cycle-1"); each generation for
    # the same subject, kind and language is a new version, and earlier files are kept.
    __table_args__ = (
        UniqueConstraint(
            "kind", "subject", "language", "version", "format", name="uq_report_version"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(max_length=300, index=True)
    version: int = 1
    path: str = Field(max_length=500)  # relative to the reports folder
    sha256: str = Field(max_length=64)
    size_bytes: int
    pages: int | None = None  # None for HWPX and DOCX: the word processor paginates them
    generated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True)
    )
    generated_by: str = Field(max_length=200)
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ReportPublic(ReportBase):
    id: int
    subject: str
    version: int
    path: str
    sha256: str
    size_bytes: int
    pages: int | None
    generated_at: datetime
    generated_by: str
