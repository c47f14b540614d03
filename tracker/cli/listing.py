"""Listing commands: agreements, commitments, mechanisms. Every one takes --json."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.base import (
    JsonOption,
    TrackerTyper,
    policy_of,
    print_json,
    print_table,
    reading,
    stream_json,
    stream_table,
)
from tracker.domain import Grouping, Strength
from tracker.text import shorten

agreements_app = TrackerTyper(help="Imported agreements.")
commitments_app = TrackerTyper(help="Commitments and their follow-up.")
mechanisms_app = TrackerTyper(help="Follow-up mechanisms: 2+2 meetings, dialogues, committees...")


def agreements_list(
    ctx: typer.Context,
    country: Annotated[str | None, typer.Option(help="Only agreements with this country.")] = None,
    field: Annotated[str | None, typer.Option(help="Only this field (분야), e.g. 방산.")] = None,
    year: Annotated[
        int | None, typer.Option(help="Only agreements signed this year.", min=1900, max=2200)
    ] = None,
    search: Annotated[str | None, typer.Option(help="Words in the title.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List agreements, newest first, with clause and commitment counts.

    \b
    Example:
      tracker agreements list --country 캐나다 --year 2025
      tracker agreements list --json
    """
    from tracker.services.agreements import list_agreements

    with reading(ctx) as session:
        agreements = list_agreements(
            session=session, country=country, field=field, year=year, search=search
        )
    if as_json:
        print_json(agreements)
        return
    print_table(
        ["key", "signed", "title", "countries", "clauses", "tracked"],
        [
            (a.key, a.signed_on, a.title, a.countries, a.clause_count, a.tracked_count)
            for a in agreements
        ],
        empty="no agreements match"
        if any((country, field, year, search))
        else "no agreements (import one with `tracker import PATH`, or try `tracker demo`)",
    )


def commitments_list(
    ctx: typer.Context,
    agreement: Annotated[
        str | None, typer.Option("--agreement", "-a", help="Agreement key or id.")
    ] = None,
    mechanism: Annotated[str | None, typer.Option(help="Mechanism name, alias or id.")] = None,
    owner: Annotated[str | None, typer.Option(help="Owner: officer id, e-mail or name.")] = None,
    division: Annotated[str | None, typer.Option(help="Owning division, e.g. 북미2과.")] = None,
    status: Annotated[
        str | None, typer.Option(help="Progress status key or label, e.g. stalled or 정체.")
    ] = None,
    stale: Annotated[
        bool, typer.Option("--stale", help="Only stale ones (no recent update).")
    ] = False,
    due: Annotated[
        bool, typer.Option("--due", help="Only those whose reviewing meeting is near.")
    ] = False,
    unowned: Annotated[
        bool, typer.Option("--unowned", help="Only those without an owner.")
    ] = False,
    tracked: Annotated[
        bool | None,
        typer.Option("--tracked/--untracked", help="Only tracked, or only untracked, ones."),
    ] = None,
    strength: Annotated[Strength | None, typer.Option(help="Only this strength.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List commitments in document order, with status, owner and attention flags.

    \b
    Example:
      tracker commitments list -a kr-ca-2025 --tracked
      tracker commitments list --owner 정진우 --stale
      tracker commitments list --status 정체 --due --json
    """
    from tracker.services.commitments import CommitmentFilter, attention_wanted, iter_commitments

    flags = attention_wanted(stale=stale, due=due, unowned=unowned)
    where = CommitmentFilter(
        agreement=agreement,
        mechanism=mechanism,
        owner=owner,
        division=division,
        status=status,
        tracked=tracked,
        strength=strength,
        attention=flags,
    )
    # Streamed a batch at a time: complete, however many match, in flat memory.
    with reading(ctx) as session:
        commitments = iter_commitments(session=session, policy=policy_of(ctx), where=where)
        if as_json:
            stream_json(commitments)
            return
        stream_table(
            ["agreement", "ref", "v", "status", "owner", "attention", "text"],
            (
                (
                    c.agreement_key,
                    c.ref,
                    c.version,
                    c.status_label if c.tracked else f"untracked ({c.strength.value})",
                    c.owner,
                    ",".join(c.attention),
                    shorten(c.text, 50),
                )
                for c in commitments
            ),
            empty="no commitments match",
        )


def summary(
    ctx: typer.Context,
    by: Annotated[Grouping, typer.Option(help="Group by this.")] = Grouping.AGREEMENT,
    agreement: Annotated[
        str | None, typer.Option("--agreement", "-a", help="Only this agreement.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Count tracked commitments by progress status, with the mean assessment of the open cycle.

    \b
    Example:
      tracker summary --by section -a kr-ca-2025
      tracker summary --by owner --json
    """
    from tracker.services.rollups import rollup

    policy = policy_of(ctx)
    with reading(ctx) as session:
        rows = rollup(session=session, policy=policy, by=by, agreement=agreement)
    if as_json:
        print_json(
            [
                {
                    "group": row.group,
                    "total": row.total,
                    "by_status": row.by_status,
                    "assessed": row.assessed,
                    "mean_score": row.mean_score,
                    "attention": dict(row.attention),
                }
                for row in rows
            ]
        )
        return
    print_table(
        [
            by.value,
            "tracked",
            *(s.label(policy.language) for s in policy.statuses),
            "assessed",
            "mean",
        ],
        [
            (
                row.group,
                row.total,
                *(row.by_status.get(s.key, 0) for s in policy.statuses),
                row.assessed,
                "-" if row.mean_score is None else f"{row.mean_score:+.2f}",
            )
            for row in rows
        ],
        empty="no tracked commitments",
    )


def mechanisms_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List follow-up mechanisms with their kind, cadence and reporting line.

    \b
    Example:
      tracker mechanisms list
      tracker mechanisms list --json
    """
    from tracker.services.mechanisms import list_mechanisms

    with reading(ctx) as session:
        mechanisms = list_mechanisms(session=session)
    if as_json:
        print_json(mechanisms)
        return
    names = {m.id: m.name for m in mechanisms}
    print_table(
        ["id", "name", "kind", "cadence", "planned", "reports to"],
        [
            (
                m.id,
                m.name,
                m.kind.value,
                m.cadence.value,
                m.planned,
                names.get(m.reports_to_id or 0),
            )
            for m in mechanisms
        ],
        empty="no mechanisms yet",
    )


def register(app: TrackerTyper) -> None:
    agreements_app.command("list")(agreements_list)
    commitments_app.command("list")(commitments_list)
    mechanisms_app.command("list")(mechanisms_list)
    app.command("summary")(summary)
    app.add_typer(agreements_app, name="agreements")
    app.add_typer(commitments_app, name="commitments")
    app.add_typer(mechanisms_app, name="mechanisms")
