"""API tokens: how a program calls the JSON API as one officer's account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from tracker.domain import TokenScope
from tracker.models._types import EnumText, UTCDateTime, utcnow


class ApiTokenBase(SQLModel):
    name: str = Field(max_length=100)  # what the owner calls it: "reporting script"
    scope: TokenScope = Field(default=TokenScope.API, sa_type=EnumText(TokenScope))


class ApiToken(ApiTokenBase, table=True):
    """A bearer token for `/api`, or a calendar subscription's token. The plaintext is shown
    once when issued; only its SHA-256 is stored, so a copy of the database calls nothing.
    Revoked, never deleted."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    # Written at most once a minute, so calling the API is not a write per request.
    last_used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class ApiTokenCreate(ApiTokenBase):
    pass


class ApiTokenPublic(ApiTokenBase):
    """A token as its owner sees it listed: never its hash."""

    id: int
    account_id: int
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
