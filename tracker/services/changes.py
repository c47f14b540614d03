"""The append-only change record: who changed what, when, and why."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from tracker.models import ChangeRecord


def record_change(
    session: Session,
    entity: str,
    entity_id: int,
    action: str,
    actor: str,
    detail: dict[str, Any],
    reason: str = "",
) -> None:
    session.add(
        ChangeRecord(
            actor=actor,
            entity=entity,
            entity_id=entity_id,
            action=action,
            detail=detail,
            reason=reason,
        )
    )
