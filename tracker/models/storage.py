"""File bytes kept in the database (storage backend `database`): one row per file, its bytes in
numbered chunks, so every server reads what another wrote and a download never loads a whole
file. Keys are the paths the evidence and report rows already hold."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.models._types import UTCDateTime, utcnow


class StoredFile(SQLModel, table=True):
    """One file of a namespace ("evidence", "reports"), unique by its key there. Written with
    its chunks in one transaction: a reader sees all of it or none."""

    __tablename__ = "stored_file"
    __table_args__ = (UniqueConstraint("namespace", "key", name="uq_stored_file_key"),)

    id: int | None = Field(default=None, primary_key=True)
    namespace: str = Field(max_length=20)
    key: str = Field(max_length=500)
    sha256: str = Field(max_length=64)
    size_bytes: int = Field(sa_type=BigInteger)
    chunk_count: int
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class StoredChunk(SQLModel, table=True):
    """The `seq`-th piece (from 0) of a file, `storage.chunk_bytes` long but the last."""

    __tablename__ = "stored_chunk"

    file_id: int = Field(foreign_key="stored_file.id", primary_key=True, ondelete="CASCADE")
    seq: int = Field(primary_key=True)
    data: bytes = Field(sa_type=LargeBinary)
