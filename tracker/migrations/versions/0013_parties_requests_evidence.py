"""parties, obstacles, requests for cooperation and evidence levels (issue 17): a status update
says whose progress it records (home side, the default, or counterpart), what blocks it and what
its evidence is; a commitment repeats the counterpart's latest status; requests for cooperation
get their table. Existing updates keep their meaning: each is the home side's, and one with
evidence is `found`, one without `reported`.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 03:52:29

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cooperation_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("status_update_id", sa.Integer(), nullable=True),
        sa.Column("from_division_id", sa.Integer(), nullable=True),
        sa.Column("to_division_id", sa.Integer(), nullable=True),
        sa.Column("to_body", sa.String(length=200), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("asked_by", sa.String(length=200), nullable=False),
        sa.Column("answered_by", sa.String(length=200), nullable=False),
        sa.Column("closed_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
            name=op.f("fk_cooperation_request_commitment_id_commitment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["from_division_id"],
            ["division.id"],
            name=op.f("fk_cooperation_request_from_division_id_division"),
        ),
        sa.ForeignKeyConstraint(
            ["status_update_id"],
            ["status_update.id"],
            name=op.f("fk_cooperation_request_status_update_id_status_update"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["to_division_id"],
            ["division.id"],
            name=op.f("fk_cooperation_request_to_division_id_division"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cooperation_request")),
    )
    with op.batch_alter_table("cooperation_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cooperation_request_commitment_id"), ["commitment_id"], unique=False
        )
        batch_op.create_index(
            "ix_cooperation_request_state_created", ["state", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_cooperation_request_to_state",
            ["to_division_id", "state", "created_at"],
            unique=False,
        )

    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("counterpart_status", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("counterpart_status_as_of", sa.Date(), nullable=True))

    # Existing rows get the meaning they always had; the defaults go once they are filled.
    with op.batch_alter_table("status_update", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("party", sa.String(length=30), nullable=False, server_default="home")
        )
        batch_op.add_column(sa.Column("obstacles", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column(
                "evidence_level", sa.String(length=30), nullable=False, server_default="reported"
            )
        )
    op.execute(
        "UPDATE status_update SET evidence_level = 'found' WHERE EXISTS "
        "(SELECT 1 FROM evidence WHERE evidence.status_update_id = status_update.id)"
    )
    with op.batch_alter_table("status_update", schema=None) as batch_op:
        batch_op.alter_column("party", server_default=None)
        batch_op.alter_column("obstacles", server_default=None)
        batch_op.alter_column("evidence_level", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("status_update", schema=None) as batch_op:
        batch_op.drop_column("evidence_level")
        batch_op.drop_column("obstacles")
        batch_op.drop_column("party")

    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.drop_column("counterpart_status_as_of")
        batch_op.drop_column("counterpart_status")

    with op.batch_alter_table("cooperation_request", schema=None) as batch_op:
        batch_op.drop_index("ix_cooperation_request_to_state")
        batch_op.drop_index("ix_cooperation_request_state_created")
        batch_op.drop_index(batch_op.f("ix_cooperation_request_commitment_id"))

    op.drop_table("cooperation_request")
