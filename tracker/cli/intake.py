"""`tracker follow-up PATH`: what a later statement or press release reports, proposed; then
applied as the officer confirms it (`--apply` with `--meeting`, `--link`, `--cadence`)."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.base import (
    ByOption,
    TrackerTyper,
    actor_name,
    parse_day,
    policy_of,
    print_json,
    print_table,
    reading,
    runtime_of,
    writing,
)
from tracker.cli.speech import show, tell
from tracker.domain import Party
from tracker.msgids import N_

if TYPE_CHECKING:
    from tracker.services.intake import FollowUpChoices, FollowUpOutcome, FollowUpProposal
    from tracker.services.policy import FollowUpPolicy

STATES = {"held": N_("cal_state_held"), "planned": N_("cal_state_planned")}


def follow_up_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help=N_("cli.follow_up.path"))],
    agreement: Annotated[
        str | None, typer.Option("--agreement", "-a", help=N_("cli.agreement_ref"))
    ] = None,
    on: Annotated[str | None, typer.Option("--date", help=N_("cli.follow_up.date"))] = None,
    apply: Annotated[bool, typer.Option("--apply", help=N_("cli.follow_up.apply"))] = False,
    meetings: Annotated[
        list[str] | None, typer.Option("--meeting", help=N_("cli.follow_up.meeting"))
    ] = None,
    links: Annotated[
        list[str] | None, typer.Option("--link", help=N_("cli.follow_up.link_party"))
    ] = None,
    cadences: Annotated[
        list[int] | None, typer.Option("--cadence", help=N_("cli.follow_up.cadence"), min=1)
    ] = None,
    source_url: Annotated[
        str, typer.Option("--source-url", help=N_("cli.follow_up.source_url"))
    ] = "",
    dry_run: Annotated[bool, typer.Option("--dry-run", help=N_("cli.follow_up.dry_run"))] = False,
    as_json: Annotated[bool, typer.Option("--json", help=N_("cli.follow_up.json"))] = False,
    by: ByOption = None,
) -> None:
    from tracker.intake.terms import shared_analyzer
    from tracker.services.import_sources import read_source
    from tracker.services.intake import (
        apply_follow_up,
        intake_rules,
        proposal_as_json,
        propose_follow_up,
    )

    runtime = runtime_of(ctx)
    settings = runtime.settings
    policy = policy_of(ctx)
    given = parse_day(on, option="--date")
    choices = _choices(meetings or [], links or [], cadences or [], source_url)
    if not apply and (choices.meetings or choices.chosen_links() or choices.cadences):
        raise typer.BadParameter(tell("cli.follow_up.choices_need_apply"), param_hint="--apply")
    text = read_source(path, max_bytes=settings.imports.max_bytes)
    with reading(ctx) if not apply else writing(ctx) as session:
        proposal = propose_follow_up(
            text,
            session=session,
            analyzer=shared_analyzer(),
            rules=intake_rules(settings),
            agreement_key=agreement,
            given_date=given,
            source_name=path.name,
            max_agreements=settings.intake.max_agreements,
        )
        if not apply:
            if as_json:
                from tracker.words import terminal_language

                print_json(proposal_as_json(proposal, language=terminal_language(), policy=policy))
            else:
                print_proposal(proposal, policy, path=path, agreement=agreement)
            return
        if dry_run:  # evidence files go to a folder that goes away, as the rows do
            with tempfile.TemporaryDirectory(prefix="tracker-dry-run-") as scratch:
                checked = replace(policy, evidence_dir=Path(scratch))
                outcome = apply_follow_up(
                    proposal, choices, session=session, policy=checked, actor=actor_name(by)
                )
                session.rollback()
        else:
            outcome = apply_follow_up(
                proposal, choices, session=session, policy=policy, actor=actor_name(by)
            )
    if as_json:
        print_json(_outcome_json(outcome) | {"dry_run": dry_run})
        return
    print_outcome(outcome, dry_run=dry_run)
    if dry_run:
        show("cli.import.dry_run_done")


def _choices(
    meetings: list[str], links: list[str], cadences: list[int], source_url: str
) -> FollowUpChoices:
    from tracker.services.intake import FollowUpChoices

    chosen_meetings: dict[int, date | None] = {}
    for value in meetings:
        number, _, day = value.partition("=")
        if not number.strip().isdigit() or int(number) < 1:
            raise typer.BadParameter(
                tell("cli.follow_up.bad_meeting", value=value), param_hint="--meeting"
            )
        chosen_meetings[int(number)] = parse_day(day, option="--meeting") if day else None
    chosen_links: dict[Party, dict[str, str | None]] = {party: {} for party in Party}
    for value in links:
        # REF[=STATUS][@counterpart]: a reference or a status never holds '@'.
        link, at, party = value.partition("@")
        reference, _, status = link.partition("=")
        if not reference.strip():
            raise typer.BadParameter(
                tell("cli.follow_up.bad_link", value=value), param_hint="--link"
            )
        if at and party.strip() not in {p.value for p in Party}:
            raise typer.BadParameter(
                tell("cli.follow_up.bad_party", value=value, party=party.strip()),
                param_hint="--link",
            )
        whose = Party(party.strip()) if at else Party.HOME
        chosen_links[whose][reference.strip()] = status.strip() or None
    return FollowUpChoices(
        meetings=chosen_meetings,
        links=chosen_links[Party.HOME],
        cadences=frozenset(cadences),
        source_url=source_url.strip(),
        counterpart_links=chosen_links[Party.COUNTERPART],
    )


def print_proposal(
    proposal: FollowUpProposal, policy: FollowUpPolicy, *, path: Path, agreement: str | None
) -> None:
    from tracker.intake.counterparts import country
    from tracker.services.intake import suggested_status
    from tracker.words import terminal_language

    language = terminal_language()
    found = proposal.reading
    names = [getattr(country(code), language, country(code).en) for code in found.counterparts]
    show(
        "cli.follow_up.heading",
        file=path.name,
        date=found.date.iso() if found.date else "-",
        counterparts=", ".join(names) or "-",
        count=proposal.agreements,
    )
    typer.echo()
    show("cli.follow_up.meetings")
    print_table(
        [
            "cli.column.number",
            "cli.column.mechanism",
            "cli.column.state",
            "cli.column.date",
            "cli.column.place",
            "cli.column.ordinal",
        ],
        [
            [
                m.number,
                m.mechanism.label,
                tell(STATES[m.state.value]),
                _fuzzy(m.date),
                m.place or "-",
                m.ordinal,
            ]
            for m in found.meetings
        ],
        empty=tell("cli.follow_up.none"),
    )
    if found.cadences:
        typer.echo()
        show("cli.follow_up.cadences")
        for c in found.cadences:
            show(
                "cli.follow_up.cadence_line",
                number=c.number,
                mechanism=c.mechanism.label,
                current=tell(f"cadence.{c.mechanism.cadence.value}"),
                stated=tell(f"cadence.{c.cadence.value}"),
            )
    typer.echo()
    show("cli.follow_up.links")
    print_table(
        [
            "cli.column.commitment",
            "cli.column.score",
            "cli.column.suggested",
            "cli.column.reasons",
        ],
        [
            [
                link.commitment.label,
                f"{link.score:.2f}",
                _status_label(suggested_status(link, policy), policy, language),
                ", ".join([*link.words[:6], *link.mechanisms]),
            ]
            for link in found.links
        ],
        empty=tell("cli.follow_up.none"),
    )
    for warning in found.warnings:
        show("cli.import.warning", message=" ".join(warning.describe(language).split()))
    if found.meetings or found.links or found.cadences:
        typer.echo()
        show("cli.follow_up.to_apply", command=_apply_example(proposal, path, agreement))


def _fuzzy(value: object) -> str:
    from tracker.intake.dates import FuzzyDate, Precision

    if not isinstance(value, FuzzyDate):
        return tell("cli.follow_up.no_day")
    if value.precision is Precision.DAY:
        return value.iso()
    return tell(f"cli.follow_up.precision.{value.precision.value}", date=value.iso())


def _status_label(key: str | None, policy: FollowUpPolicy, language: str) -> str:
    if key is None:
        return "-"
    status = policy.status_of(key)
    return status.ko if language == "ko" else status.en


def _apply_example(proposal: FollowUpProposal, path: Path, agreement: str | None) -> str:
    from tracker.intake.dates import Precision

    parts = ["tracker follow-up", str(path)]
    if agreement:
        parts += ["-a", agreement]
    parts.append("--apply")
    for meeting in proposal.reading.meetings:
        exact = meeting.date is not None and meeting.date.precision is Precision.DAY
        parts.append(f"--meeting {meeting.number}" + ("" if exact else "=YYYY-MM-DD"))
    for link in proposal.reading.links:
        label = link.commitment.label
        parts.append(f"--link {label.rpartition(':')[2] if agreement else label}")
    if proposal.reading.date is None:
        parts.append("--date YYYY-MM-DD")
    return " ".join(parts)


def print_outcome(outcome: FollowUpOutcome, *, dry_run: bool = False) -> None:
    counts = (
        ("cli.follow_up.count.meetings", len(outcome.meetings_added) + len(outcome.meetings_held)),
        ("cli.follow_up.count.updates", len(outcome.updates_added)),
        ("cli.follow_up.count.cadences", len(outcome.cadences_changed)),
    )
    what = ", ".join(tell(message, count=count) for message, count in counts if count)
    heading = "cli.follow_up.would_record" if dry_run else "cli.follow_up.recorded"
    show(heading, what=what or tell("cli.follow_up.nothing_new"))
    if outcome.meetings_unchanged or outcome.updates_unchanged:
        show(
            "cli.follow_up.unchanged",
            count=len(outcome.meetings_unchanged) + len(outcome.updates_unchanged),
            items=", ".join(
                [f"#{i}" for i in outcome.meetings_unchanged] + outcome.updates_unchanged
            ),
        )


def _outcome_json(outcome: FollowUpOutcome) -> dict[str, object]:
    return {
        "meetings_added": outcome.meetings_added,
        "meetings_held": outcome.meetings_held,
        "meetings_unchanged": outcome.meetings_unchanged,
        "updates_added": outcome.updates_added,
        "updates_unchanged": outcome.updates_unchanged,
        "cadences_changed": outcome.cadences_changed,
    }


def register(app: TrackerTyper) -> None:
    app.command("follow-up", help=N_("cli.follow_up"), epilog=N_("cli.follow_up.parties"))(
        follow_up_command
    )
