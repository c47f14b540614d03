"""Mechanisms that follow commitments up, their aliases, and their meetings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.domain import Cadence, MechanismKind
from tracker.models._types import EnumText, UTCDateTime, utcnow


class MechanismBase(SQLModel):
    name: str = Field(max_length=300)
    # Whose mechanism it is: the counterpart countries of the agreements that name it. Korea
    # holds a "2+2" with several partners; each is its own mechanism.
    counterpart: str = Field(default="", max_length=300)
    name_en: str = Field(default="", max_length=300)
    kind: MechanismKind = Field(default=MechanismKind.OTHER, sa_type=EnumText(MechanismKind))
    cadence: Cadence = Field(default=Cadence.UNKNOWN, sa_type=EnumText(Cadence))
    planned: bool = False
    reports_to_id: int | None = Field(default=None, foreign_key="mechanism.id", index=True)


class Mechanism(MechanismBase, table=True):
    __table_args__ = (UniqueConstraint("name", "counterpart"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class MechanismCreate(MechanismBase):
    aliases: list[str] = []


class MechanismUpdate(SQLModel):
    name: str | None = None
    name_en: str | None = None
    kind: MechanismKind | None = None
    cadence: Cadence | None = None
    planned: bool | None = None
    reports_to_id: int | None = None


class MechanismPublic(MechanismBase):
    id: int
    aliases: list[str] = []


class MechanismAlias(SQLModel, table=True):
    """Another name of a mechanism as written in some text; `folded` is what lookups compare."""

    __tablename__ = "mechanism_alias"
    __table_args__ = (UniqueConstraint("mechanism_id", "folded"),)

    id: int | None = Field(default=None, primary_key=True)
    mechanism_id: int = Field(foreign_key="mechanism.id", index=True, ondelete="CASCADE")
    alias: str = Field(max_length=300)
    folded: str = Field(max_length=300, index=True)


class MeetingBase(SQLModel):
    mechanism_id: int = Field(foreign_key="mechanism.id", index=True, ondelete="CASCADE")
    held_on: date
    title: str = Field(default="", max_length=300)
    place: str = Field(default="", max_length=200)
    planned: bool = True
    note: str = ""


class Meeting(MeetingBase, table=True):
    __table_args__ = (UniqueConstraint("mechanism_id", "held_on", name="uq_meeting_mechanism_day"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class MeetingCreate(MeetingBase):
    pass


class MeetingUpdate(SQLModel):
    held_on: date | None = None
    title: str | None = None
    place: str | None = None
    planned: bool | None = None
    note: str | None = None


class MeetingPublic(MeetingBase):
    id: int
