"""Divisions and the officers who work in them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.domain import DigestFrequency, Language, Role
from tracker.models._types import EnumText, UTCDateTime, utcnow


class DivisionBase(SQLModel):
    name: str = Field(max_length=200)
    ministry: str = Field(default="", max_length=200)
    name_en: str = Field(default="", max_length=200)


class Division(DivisionBase, table=True):
    __table_args__ = (UniqueConstraint("ministry", "name", name="uq_division_ministry_name"),)

    id: int | None = Field(default=None, primary_key=True)


class DivisionCreate(DivisionBase):
    pass


class DivisionPublic(DivisionBase):
    id: int


class OfficerBase(SQLModel):
    name: str = Field(max_length=200)
    rank: str = Field(default="", max_length=100)
    email: str | None = Field(default=None, max_length=320, unique=True)
    division_id: int | None = Field(default=None, foreign_key="division.id", index=True)
    role: Role = Field(default=Role.OFFICER, sa_type=EnumText(Role))
    language: Language = Field(default=Language.KO, sa_type=EnumText(Language))
    digest_frequency: DigestFrequency = Field(
        default=DigestFrequency.WEEKLY, sa_type=EnumText(DigestFrequency)
    )
    active: bool = True


class Officer(OfficerBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class OfficerCreate(OfficerBase):
    pass


class OfficerUpdate(SQLModel):
    name: str | None = None
    rank: str | None = None
    email: str | None = None
    division_id: int | None = None
    role: Role | None = None
    language: Language | None = None
    digest_frequency: DigestFrequency | None = None
    active: bool | None = None


class OfficerPublic(OfficerBase):
    id: int
    division: str = ""
