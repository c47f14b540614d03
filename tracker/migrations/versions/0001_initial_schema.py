"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 06:59:45.149611

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "division",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("ministry", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_division")),
        sa.UniqueConstraint("ministry", "name", name="uq_division_ministry_name"),
    )
    op.create_table(
        "mechanism",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("counterpart", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("cadence", sa.String(length=30), nullable=False),
        sa.Column("planned", sa.Boolean(), nullable=False),
        sa.Column("reports_to_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reports_to_id"], ["mechanism.id"], name=op.f("fk_mechanism_reports_to_id_mechanism")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mechanism")),
        sa.UniqueConstraint("name", "counterpart", name=op.f("uq_mechanism_name_counterpart")),
    )
    with op.batch_alter_table("mechanism", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mechanism_reports_to_id"), ["reports_to_id"], unique=False
        )

    op.create_table(
        "mechanism_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mechanism_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=300), nullable=False),
        sa.Column("folded", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["mechanism_id"],
            ["mechanism.id"],
            name=op.f("fk_mechanism_alias_mechanism_id_mechanism"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mechanism_alias")),
        sa.UniqueConstraint(
            "mechanism_id", "folded", name=op.f("uq_mechanism_alias_mechanism_id_folded")
        ),
    )
    with op.batch_alter_table("mechanism_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mechanism_alias_folded"), ["folded"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_mechanism_alias_mechanism_id"), ["mechanism_id"], unique=False
        )

    op.create_table(
        "meeting",
        sa.Column("mechanism_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("planned", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["mechanism_id"],
            ["mechanism.id"],
            name=op.f("fk_meeting_mechanism_id_mechanism"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
        sa.UniqueConstraint("mechanism_id", "held_on", name="uq_meeting_mechanism_day"),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_mechanism_id"), ["mechanism_id"], unique=False)

    op.create_table(
        "officer",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("rank", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("division_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("language", sa.String(length=30), nullable=False),
        sa.Column("digest_frequency", sa.String(length=30), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_id"], ["division.id"], name=op.f("fk_officer_division_id_division")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_officer")),
        sa.UniqueConstraint("email", name=op.f("uq_officer_email")),
    )
    with op.batch_alter_table("officer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_officer_division_id"), ["division_id"], unique=False)

    op.create_table(
        "agreement",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("document_title", sa.Text(), nullable=False),
        sa.Column("domestic_body", sa.String(length=200), nullable=False),
        sa.Column("foreign_body", sa.String(length=200), nullable=False),
        sa.Column("countries", sa.String(length=300), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("officer_rank", sa.String(length=100), nullable=False),
        sa.Column("officer_name", sa.String(length=200), nullable=False),
        sa.Column("officer_ministry", sa.String(length=200), nullable=False),
        sa.Column("officer_division", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=30), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("desk_officer_id", sa.Integer(), nullable=True),
        sa.Column("review_mechanism_id", sa.Integer(), nullable=True),
        sa.Column("source_name", sa.String(length=500), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["desk_officer_id"], ["officer.id"], name=op.f("fk_agreement_desk_officer_id_officer")
        ),
        sa.ForeignKeyConstraint(
            ["review_mechanism_id"],
            ["mechanism.id"],
            name=op.f("fk_agreement_review_mechanism_id_mechanism"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement")),
        sa.UniqueConstraint("key", name=op.f("uq_agreement_key")),
        sa.UniqueConstraint("source_hash", name=op.f("uq_agreement_source_hash")),
    )
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_desk_officer_id"), ["desk_officer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_review_mechanism_id"), ["review_mechanism_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_agreement_signed_on"), ["signed_on"], unique=False)

    op.create_table(
        "change_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("entity", sa.String(length=50), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["officer.id"], name=op.f("fk_change_record_officer_id_officer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_record")),
    )
    with op.batch_alter_table("change_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_record_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_change_record_entity"), ["entity"], unique=False)
        batch_op.create_index(batch_op.f("ix_change_record_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_section_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["section.id"],
            name=op.f("fk_section_parent_id_section"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_section")),
    )
    with op.batch_alter_table("section", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_section_agreement_id"), ["agreement_id"], unique=False)

    op.create_table(
        "clause",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=50), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_clause_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["section.id"],
            name=op.f("fk_clause_section_id_section"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clause")),
        sa.UniqueConstraint("agreement_id", "number", name="uq_clause_number"),
    )
    with op.batch_alter_table("clause", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clause_agreement_id"), ["agreement_id"], unique=False)

    op.create_table(
        "clause_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clause_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("marker", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clause_id"],
            ["clause.id"],
            name=op.f("fk_clause_item_clause_id_clause"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clause_item")),
        sa.UniqueConstraint("clause_id", "position", name="uq_clause_item_position"),
    )
    with op.batch_alter_table("clause_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clause_item_clause_id"), ["clause_id"], unique=False)

    op.create_table(
        "commitment",
        sa.Column("ref", sa.String(length=50), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("actors", sa.String(length=200), nullable=False),
        sa.Column("strength", sa.String(length=30), nullable=False),
        sa.Column("tracked", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("clause_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_commitment_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["clause_id"],
            ["clause.id"],
            name=op.f("fk_commitment_clause_id_clause"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["clause_item.id"],
            name=op.f("fk_commitment_item_id_clause_item"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment")),
        sa.UniqueConstraint("agreement_id", "ref", name="uq_commitment_ref"),
    )
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commitment_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_commitment_clause_id"), ["clause_id"], unique=False)

    op.create_table(
        "commitment_mechanism",
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("mechanism_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
            name=op.f("fk_commitment_mechanism_commitment_id_commitment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mechanism_id"],
            ["mechanism.id"],
            name=op.f("fk_commitment_mechanism_mechanism_id_mechanism"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "commitment_id", "mechanism_id", "role", name=op.f("pk_commitment_mechanism")
        ),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("commitment_mechanism")
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitment_clause_id"))
        batch_op.drop_index(batch_op.f("ix_commitment_agreement_id"))

    op.drop_table("commitment")
    with op.batch_alter_table("clause_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clause_item_clause_id"))

    op.drop_table("clause_item")
    with op.batch_alter_table("clause", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clause_agreement_id"))

    op.drop_table("clause")
    with op.batch_alter_table("section", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_section_agreement_id"))

    op.drop_table("section")
    with op.batch_alter_table("change_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_record_entity_id"))
        batch_op.drop_index(batch_op.f("ix_change_record_entity"))
        batch_op.drop_index(batch_op.f("ix_change_record_at"))

    op.drop_table("change_record")
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_signed_on"))
        batch_op.drop_index(batch_op.f("ix_agreement_review_mechanism_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_desk_officer_id"))

    op.drop_table("agreement")
    with op.batch_alter_table("officer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_officer_division_id"))

    op.drop_table("officer")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_mechanism_id"))

    op.drop_table("meeting")
    with op.batch_alter_table("mechanism_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mechanism_alias_mechanism_id"))
        batch_op.drop_index(batch_op.f("ix_mechanism_alias_folded"))

    op.drop_table("mechanism_alias")
    with op.batch_alter_table("mechanism", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mechanism_reports_to_id"))

    op.drop_table("mechanism")
    op.drop_table("division")
