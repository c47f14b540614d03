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
    return [
        MechanismPublic.model_validate(m, update={"aliases": aliases[m.id or 0]})
        for m in mechanisms
    ]
