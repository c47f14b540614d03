"""an officer's and a division's commitments in document order (they replace the single-column
indexes, whose lookups the new ones answer as well)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 14:50:00

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index(
        "ix_commitment_owner_order",
        "commitment",
        ["owner_id", "agreement_id", "span_start", "id"],
        unique=False,
    )
    op.create_index(
        "ix_commitment_division_order",
        "commitment",
        ["division_id", "agreement_id", "span_start", "id"],
        unique=False,
    )
    op.drop_index(op.f("ix_commitment_owner_id"), table_name="commitment")
    op.drop_index(op.f("ix_commitment_division_id"), table_name="commitment")


def downgrade() -> None:
    """Downgrade schema."""
    op.create_index(op.f("ix_commitment_division_id"), "commitment", ["division_id"], unique=False)
    op.create_index(op.f("ix_commitment_owner_id"), "commitment", ["owner_id"], unique=False)
    op.drop_index("ix_commitment_division_order", table_name="commitment")
    op.drop_index("ix_commitment_owner_order", table_name="commitment")
