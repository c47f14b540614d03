"""file storage in the database (issue 20): with `storage.backend = "database"` evidence files
and reports are kept as rows, each file's bytes in numbered chunks, so every web server behind
a load balancer reads what another wrote. Unique per namespace and key; the keys are the paths
the evidence and report rows already hold, so those rows do not change. Empty until
`tracker storage migrate --to database` moves files in or the backend is switched.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 10:50:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stored_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("namespace", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("chunk_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_file")),
        sa.UniqueConstraint("namespace", "key", name="uq_stored_file_key"),
    )
    op.create_table(
        "stored_chunk",
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["stored_file.id"],
            name=op.f("fk_stored_chunk_file_id_stored_file"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("file_id", "seq", name=op.f("pk_stored_chunk")),
    )


def downgrade() -> None:
    op.drop_table("stored_chunk")
    op.drop_table("stored_file")
