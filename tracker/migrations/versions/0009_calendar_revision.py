"""the calendar's revision token, so a long-running process can keep the portfolio's review dates

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 14:10:00

"""

from collections.abc import Sequence
from uuid import uuid4

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    table = op.create_table(
        "calendar_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_revision")),
    )
    op.bulk_insert(table, [{"id": 1, "token": uuid4().hex}])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("calendar_revision")
