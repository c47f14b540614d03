"""Reading mechanisms."""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import Session, col, select

from tracker.models import Mechanism, MechanismAlias, MechanismPublic


def list_mechanisms(*, session: Session) -> list[MechanismPublic]:
    mechanisms = session.exec(select(Mechanism).order_by(col(Mechanism.id))).all()
    aliases: defaultdict[int, list[str]] = defaultdict(list)
    for alias in session.exec(select(MechanismAlias).order_by(col(MechanismAlias.id))).all():
        aliases[alias.mechanism_id].append(alias.alias)
    # The canonical name is stored as an alias too (for lookups); show only the other names.
    return [
        MechanismPublic.model_validate(
            m, update={"aliases": [a for a in aliases[m.id or 0] if a != m.name]}
        )
        for m in mechanisms
    ]
