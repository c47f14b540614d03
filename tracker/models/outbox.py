"""The outbox: every digest composed, once per officer and period, and what became of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.domain import OutboxState
from tracker.models._types import EnumText, UTCDateTime, utcnow


class OutboxMessage(SQLModel, table=True):
    """Composed in one transaction, unique per (officer, kind, period), so a period is never
    composed twice; the sender retries it with the same Message-ID until it is sent or fails
    for good."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        UniqueConstraint("officer_id", "kind", "period", name="uq_outbox_officer_period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    officer_id: int = Field(foreign_key="officer.id", index=True, ondelete="CASCADE")
    kind: str = Field(default="digest", max_length=30)
    period: str = Field(max_length=30)  # "2027-W03" for weekly, "2027-01-18" for daily
    message_id: str = Field(max_length=300, unique=True)
    to_address: str = Field(max_length=320)
    subject: str = Field(max_length=500)
    text_body: str = Field(sa_type=Text)
    html_body: str = Field(sa_type=Text)
    state: OutboxState = Field(
        default=OutboxState.QUEUED, sa_type=EnumText(OutboxState), index=True
    )
    attempts: int = 0
    next_attempt_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True)
    )
    sending_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_error: str = Field(default="", sa_type=Text)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
