"""indexes for portfolio lists: document order, a mechanism's commitments, the stale range

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 11:20:00

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index(
        "ix_commitment_document_order",
        "commitment",
        ["agreement_id", "span_start", "id"],
        unique=False,
    )
    op.create_index(
        "ix_commitment_mechanism_mechanism",
        "commitment_mechanism",
        ["mechanism_id", "role"],
        unique=False,
    )
    op.create_index(
        op.f("ix_commitment_last_update_at"), "commitment", ["last_update_at"], unique=False
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_commitment_last_update_at"), table_name="commitment")
    op.drop_index("ix_commitment_mechanism_mechanism", table_name="commitment_mechanism")
    op.drop_index("ix_commitment_document_order", table_name="commitment")
