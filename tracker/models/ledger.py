"""The ledger of scheduled work: one row per unit of work, claimed before any side effect."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.models._types import UTCDateTime


class JobRun(SQLModel, table=True):
    """Unique per (kind, period, subject): a report for one meeting of one agreement, the stale
    check of one day. A claim holds a lease; a run that dies mid-way is taken up again when its
    lease runs out, and a finished one is never repeated."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("kind", "period", "subject", name="uq_job_run_unit"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=50)
    period: str = Field(max_length=100)
    subject: str = Field(max_length=200)
    due_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    claimed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    lease_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    claimed_by: str = Field(default="", max_length=200)
    attempts: int = 0
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), index=True))
    result: str = Field(default="", max_length=500)
    last_error: str = Field(default="", sa_type=Text)
