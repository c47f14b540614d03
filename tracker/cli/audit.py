"""`tracker audit`: read the audit log (sign-ins, changes, status updates, reports)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict
from itertools import islice
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli.base import (
    JsonOption,
    TrackerTyper,
    local_time,
    parse_day,
    policy_of,
    reading,
    stream_json,
    stream_table,
)
from tracker.cli.speech import tell
from tracker.domain import Language
from tracker.msgids import N_
from tracker.text import shorten

if TYPE_CHECKING:
    from tracker.services.audit import AuditEntry
    from tracker.services.policy import FollowUpPolicy

ENTITIES = ("account", "agreement", "commitment", "meeting", "officer", "report")
HEADERS = [
    N_("cli.column.when"),
    N_("cli.column.who"),
    N_("cli.column.what"),
    N_("cli.column.action"),
    N_("cli.column.detail"),
]
TABLE_BLOCK = 500


def audit(
    ctx: typer.Context,
    actor: Annotated[str | None, typer.Option(help=N_("cli.audit.actor"))] = None,
    entity: Annotated[str | None, typer.Option(help=N_("cli.audit.entity"))] = None,
    since: Annotated[str | None, typer.Option(help=N_("cli.audit.since"))] = None,
    until: Annotated[str | None, typer.Option(help=N_("cli.audit.until"))] = None,
    limit: Annotated[int | None, typer.Option(help=N_("cli.audit.limit"), min=1)] = None,
    as_json: JsonOption = False,
) -> None:
    from tracker.services.audit import AuditFilter, audit_entries

    if entity is not None and entity not in ENTITIES:
        raise typer.BadParameter(
            tell("cli.audit.unknown_entity", choices=", ".join(ENTITIES)), param_hint="--entity"
        )
    where = AuditFilter(
        actor=actor,
        entity=entity,
        since=parse_day(since, option="--since"),
        until=parse_day(until, option="--until"),
    )
    policy = policy_of(ctx)
    with reading(ctx) as session:
        entries = islice(
            audit_entries(session=session, where=where, timezone=policy.timezone), limit
        )
        if as_json:
            stream_json(_json_items(entries))
        else:
            stream_table(
                HEADERS,
                _table_rows(entries, policy),
                empty=tell("cli.audit.none"),
                block=TABLE_BLOCK,
            )


def _json_items(entries: Iterable[AuditEntry]) -> Iterator[dict[str, Any]]:
    return (asdict(entry) | {"at": entry.at.isoformat()} for entry in entries)


def _table_rows(entries: Iterable[AuditEntry], policy: FollowUpPolicy) -> Iterator[list[str]]:
    """Each entry as the audit page words it, in the terminal's language."""
    from tracker.services.history import action_word, describe_change
    from tracker.words import knows, terminal_language

    language = terminal_language()

    def status_word(code: str, language: str) -> str:
        return policy.label(code, Language(language))

    def subject(entry: AuditEntry) -> str:
        # "account jwjung": the kind is a word, the name after it is data.
        kind = f"audit_{entry.entity}"
        if entry.subject.startswith(f"{entry.entity} ") and knows(language, kind):
            return tell(kind) + entry.subject[len(entry.entity) :]
        return entry.subject

    for e in entries:
        said = describe_change(
            e.entity, e.action, e.detail, language=language, status_word=status_word
        )
        yield [
            local_time(e.at, policy.timezone),
            e.actor,
            subject(e),
            action_word(e.action, language),
            shorten(" — ".join(part for part in (said, e.reason) if part), 60),
        ]


def register(app: TrackerTyper) -> None:
    app.command("audit", help=N_("cli.audit"))(audit)
