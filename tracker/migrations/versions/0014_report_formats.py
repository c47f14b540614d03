"""report formats (issue 18): a report may be written as PDF, HWPX (Hangul) or DOCX (Word); each
format of one generation is a row of the same version, so the version's uniqueness takes the
format in. Pages are counted for PDFs only: a word processor paginates the others itself.
Existing rows are PDFs.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 10:20:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("format", sa.String(length=30), nullable=False, server_default="pdf")
        )
        batch_op.alter_column("pages", existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint("uq_report_version", type_="unique")
        batch_op.create_unique_constraint(
            "uq_report_version", ["kind", "subject", "language", "version", "format"]
        )
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.alter_column("format", server_default=None)


def downgrade() -> None:
    op.execute("DELETE FROM report WHERE format <> 'pdf'")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_constraint("uq_report_version", type_="unique")
        batch_op.create_unique_constraint(
            "uq_report_version", ["kind", "subject", "language", "version"]
        )
        batch_op.alter_column("pages", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("format")
