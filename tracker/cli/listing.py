"""Listing commands: agreements, commitments, mechanisms. Every one takes --json."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.base import (
    JsonOption,
    TrackerTyper,
    Worded,
    policy_of,
    print_json,
    print_table,
    reading,
    stream_json,
    stream_table,
)
from tracker.cli.speech import show, tell
from tracker.domain import Grouping, Strength
from tracker.msgids import N_
from tracker.text import shorten

if TYPE_CHECKING:
    from tracker.services.policy import FollowUpPolicy
    from tracker.services.rollups import RollupRow

agreements_app = TrackerTyper(help=N_("cli.agreements"))
commitments_app = TrackerTyper(help=N_("cli.commitments"))
mechanisms_app = TrackerTyper(help=N_("cli.mechanisms"))

AgreementOption = Annotated[
    str | None, typer.Option("--agreement", "-a", help=N_("cli.agreement_ref"))
]
OnlyAgreementOption = Annotated[
    str | None, typer.Option("--agreement", "-a", help=N_("cli.only_agreement"))
]

# The heading of the column a summary groups by.
GROUP_COLUMNS = {
    Grouping.AGREEMENT: N_("cli.column.agreement"),
    Grouping.SECTION: N_("cli.column.section"),
    Grouping.MECHANISM: N_("cli.column.mechanism"),
    Grouping.OWNER: N_("cli.column.owner"),
    Grouping.DIVISION: N_("cli.column.division"),
}


def agreements_list(
    ctx: typer.Context,
    country: Annotated[str | None, typer.Option(help=N_("cli.agreements.list.country"))] = None,
    field: Annotated[str | None, typer.Option(help=N_("cli.agreements.list.field"))] = None,
    year: Annotated[
        int | None, typer.Option(help=N_("cli.agreements.list.year"), min=1900, max=2200)
    ] = None,
    search: Annotated[str | None, typer.Option(help=N_("cli.agreements.list.search"))] = None,
    as_json: JsonOption = False,
) -> None:
    from tracker.services.agreements import list_agreements

    with reading(ctx) as session:
        agreements = list_agreements(
            session=session, country=country, field=field, year=year, search=search
        )
    if as_json:
        print_json(agreements)
        return
    print_table(
        [
            N_("cli.column.key"),
            N_("cli.column.signed"),
            N_("cli.column.title"),
            N_("cli.column.countries"),
            N_("cli.column.clauses"),
            N_("cli.column.tracked"),
        ],
        [
            (a.key, a.signed_on, a.title, a.countries, a.clause_count, a.tracked_count)
            for a in agreements
        ],
        empty=tell("cli.agreements.list.no_match")
        if any((country, field, year, search))
        else tell("cli.agreements.list.none"),
    )


def commitments_list(
    ctx: typer.Context,
    agreement: AgreementOption = None,
    mechanism: Annotated[str | None, typer.Option(help=N_("cli.mechanism_ref"))] = None,
    owner: Annotated[str | None, typer.Option(help=N_("cli.commitments.list.owner"))] = None,
    division: Annotated[str | None, typer.Option(help=N_("cli.commitments.list.division"))] = None,
    status: Annotated[str | None, typer.Option(help=N_("cli.commitments.list.status"))] = None,
    stale: Annotated[bool, typer.Option("--stale", help=N_("cli.commitments.list.stale"))] = False,
    due: Annotated[bool, typer.Option("--due", help=N_("cli.commitments.list.due"))] = False,
    unowned: Annotated[
        bool, typer.Option("--unowned", help=N_("cli.commitments.list.unowned"))
    ] = False,
    tracked: Annotated[
        bool | None,
        typer.Option("--tracked/--untracked", help=N_("cli.commitments.list.tracked")),
    ] = None,
    strength: Annotated[
        Strength | None, typer.Option(help=N_("cli.commitments.list.strength"))
    ] = None,
    as_json: JsonOption = False,
) -> None:
    from tracker.domain import Language
    from tracker.services.commitments import CommitmentFilter, attention_wanted, iter_commitments
    from tracker.words import terminal_language

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
    policy = policy_of(ctx)
    language = Language(terminal_language())
    not_tracked = tell("imp_tracked_no")
    strengths = {s: tell(f"imp_strength_{s.value}") for s in Strength}
    flag_words: dict[str, str] = {}

    def said_flags(codes: list[str]) -> str:
        for code in codes:
            if code not in flag_words:
                flag_words[code] = tell(f"attention.{code}")
        return ", ".join(flag_words[code] for code in codes)

    # Streamed a batch at a time: complete, however many match, in flat memory.
    with reading(ctx) as session:
        commitments = iter_commitments(session=session, policy=policy, where=where)
        if as_json:
            stream_json(commitments)
            return
        stream_table(
            [
                N_("cli.column.agreement"),
                N_("cli.column.ref"),
                N_("cli.column.version"),
                N_("cli.column.status"),
                N_("cli.column.owner"),
                N_("cli.column.attention"),
                N_("cli.column.text"),
            ],
            (
                (
                    c.agreement_key,
                    c.ref,
                    c.version,
                    policy.label(c.status, language)
                    if c.tracked
                    else f"{not_tracked} ({strengths[c.strength]})",
                    c.owner,
                    said_flags(c.attention),
                    shorten(c.text, 50),
                )
                for c in commitments
            ),
            empty=tell("cli.commitments.list.none"),
        )


def summary(
    ctx: typer.Context,
    by: Annotated[Grouping, typer.Option(help=N_("cli.summary.by"))] = Grouping.AGREEMENT,
    agreement: OnlyAgreementOption = None,
    as_json: JsonOption = False,
) -> None:
    from tracker.domain import Language
    from tracker.services.rollups import rollup
    from tracker.words import terminal_language

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
                    # The counterpart's statuses where recorded; "" counts the others.
                    "by_counterpart": dict(row.by_counterpart),
                    "assessed": row.assessed,
                    "mean_score": row.mean_score,
                    "attention": dict(row.attention),
                }
                for row in rows
            ]
        )
        return
    language = Language(terminal_language())
    # The statuses are configured, not catalogued: their labels head the columns as they are.
    statuses = [Worded(s.label(language)) for s in policy.statuses]
    print_table(
        [
            GROUP_COLUMNS[by],
            N_("cli.column.tracked"),
            *statuses,
            N_("cli.column.assessed"),
            N_("cli.column.mean"),
        ],
        [
            (
                # The rollup's last row counts every group.
                tell("cli.summary.total") if number == len(rows) - 1 else row.group,
                row.total,
                *(row.by_status.get(s.key, 0) for s in policy.statuses),
                row.assessed,
                "-" if row.mean_score is None else f"{row.mean_score:+.2f}",
            )
            for number, row in enumerate(rows)
        ],
        empty=tell("cli.summary.none"),
    )
    if rows:
        _counterpart_summary(rows, by, statuses, policy)


def _counterpart_summary(
    rows: list[RollupRow], by: Grouping, statuses: list[Worded], policy: FollowUpPolicy
) -> None:
    """The same groups counted by the counterpart's status, under the home side's table: a
    block when anyone recorded one, else a line saying none was."""
    typer.echo()
    if not any(key for key, count in rows[-1].by_counterpart.items() if count):
        show("cli.summary.counterpart_none")
        return
    show("cli.summary.counterpart")
    print_table(
        [GROUP_COLUMNS[by], N_("cli.column.tracked"), *statuses, N_("cli.column.not_recorded")],
        [
            (
                tell("cli.summary.total") if number == len(rows) - 1 else row.group,
                row.total,
                *(row.by_counterpart.get(s.key, 0) for s in policy.statuses),
                row.by_counterpart.get("", 0),
            )
            for number, row in enumerate(rows)
        ],
        empty=tell("cli.summary.none"),
    )


def mechanisms_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    from tracker.services.mechanisms import list_mechanisms

    with reading(ctx) as session:
        mechanisms = list_mechanisms(session=session)
    if as_json:
        print_json(mechanisms)
        return
    names = {m.id: m.name for m in mechanisms}
    print_table(
        [
            N_("cli.column.id"),
            N_("cli.column.name"),
            N_("cli.column.kind"),
            N_("cli.column.cadence"),
            N_("cli.column.planned"),
            N_("cli.column.reports_to"),
        ],
        [
            (
                m.id,
                m.name,
                tell(f"kind.{m.kind.value}"),
                tell(f"cadence.{m.cadence.value}"),
                m.planned,
                names.get(m.reports_to_id or 0),
            )
            for m in mechanisms
        ],
        empty=tell("cli.mechanisms.list.none"),
    )


def register(app: TrackerTyper) -> None:
    agreements_app.command("list", help=N_("cli.agreements.list"))(agreements_list)
    commitments_app.command("list", help=N_("cli.commitments.list"))(commitments_list)
    mechanisms_app.command("list", help=N_("cli.mechanisms.list"))(mechanisms_list)
    app.command("summary", help=N_("cli.summary"))(summary)
    app.add_typer(agreements_app, name="agreements")
    app.add_typer(commitments_app, name="commitments")
    app.add_typer(mechanisms_app, name="mechanisms")
