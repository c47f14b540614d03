"""change records keep facts, not English sentences: each record's `summary` becomes the facts
it held that its detail did not (a stale mark's days, an assessment's rationale, a meeting's
mechanism and place, a handover's two officers), then goes

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 18:20:00

"""

import json
import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
STALE = re.compile(r"no status update for (\d+) days")


def facts_from_summary(entity: str, action: str, detail: dict[str, Any]) -> dict[str, Any]:
    """`detail` without its summary, with the facts only the summary held. Pure: written out
    here (not imported from the package) so the migration means the same forever."""
    facts = {key: value for key, value in detail.items() if key != "summary"}
    summary = str(detail.get("summary") or "")
    if action == "stale":
        found = STALE.search(summary)
        if found:
            facts.setdefault("days", int(found.group(1)))
    elif action == "assessment":
        _, _, rationale = summary.partition("; ")
        if rationale:
            facts.setdefault("rationale", rationale)
    elif entity == "meeting" and "held_on" in facts:
        state = "planned" if facts.get("planned") else "held"
        name, marker, place = summary.partition(f" {state} {facts['held_on']}")
        if marker:
            facts.setdefault("mechanism", name)
            if place.strip():
                facts.setdefault("place", place.strip())
    elif action == "handover":
        giver, arrow, taker = summary.partition(" → ")
        if arrow:
            facts.setdefault("giver", giver)
            facts.setdefault("taker", taker)
    return facts


def upgrade() -> None:
    """Rewrite every change record that carries a summary, in batches by id."""
    records = sa.table(
        "change_record",
        sa.column("id", sa.Integer),
        sa.column("entity", sa.String),
        sa.column("action", sa.String),
        sa.column("detail", sa.JSON),
    )
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(records.c.id, records.c.entity, records.c.action, records.c.detail)
            .where(records.c.id > last)
            .order_by(records.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            detail = row.detail if isinstance(row.detail, dict) else json.loads(row.detail or "{}")
            if "summary" in detail:
                connection.execute(
                    records.update()
                    .where(records.c.id == row.id)
                    .values(detail=facts_from_summary(row.entity, row.action, detail))
                )
        last = rows[-1].id


def downgrade() -> None:
    """The facts stay: an older version shows them as they are (it falls back to the detail
    when a record has no summary)."""
