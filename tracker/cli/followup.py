"""What desk officers do every week: record status, read history, assess, reassign, hand over."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli.base import (
    ByOption,
    JsonOption,
    TrackerTyper,
    actor_name,
    display_width,
    local_time,
    parse_day,
    policy_of,
    print_json,
    print_table,
    reading,
    runtime_of,
    writing,
)
from tracker.cli.listing import commitments_app
from tracker.cli.speech import show, tell
from tracker.msgids import N_

if TYPE_CHECKING:
    from tracker.domain import Language
    from tracker.services.policy import FollowUpPolicy
    from tracker.services.status_updates import HistoryEntry

RefArgument = Annotated[str, typer.Argument(help=N_("cli.commitment_ref"))]
AgreementOption = Annotated[
    str | None, typer.Option("--agreement", "-a", help=N_("cli.agreement_ref"))
]
ReasonOption = Annotated[str, typer.Option(help=N_("cli.reason"))]
VersionOption = Annotated[
    int | None,
    typer.Option("--expect-version", help=N_("cli.expect_version"), min=1),
]

status_app = TrackerTyper(help=N_("cli.status"))


def _language() -> Language:
    from tracker.domain import Language
    from tracker.words import terminal_language

    return Language(terminal_language())


def status_set(
    ctx: typer.Context,
    ref: RefArgument,
    new_status: Annotated[str, typer.Option("--status", "-s", help=N_("cli.status.set.status"))],
    note: Annotated[str, typer.Option("--note", "-n", help=N_("cli.status.set.note"))] = "",
    as_of: Annotated[str | None, typer.Option(help=N_("cli.status.set.as_of"))] = None,
    evidence: Annotated[
        list[str] | None,
        typer.Option("--evidence", "-e", help=N_("cli.status.set.evidence")),
    ] = None,
    corrects: Annotated[int | None, typer.Option(help=N_("cli.status.set.corrects"))] = None,
    agreement: AgreementOption = None,
    expect_version: VersionOption = None,
    by: ByOption = None,
) -> None:
    from tracker.models import StatusUpdateCreate
    from tracker.services import status_updates
    from tracker.services.lookup import find_commitment

    policy = policy_of(ctx)
    language = _language()
    with writing(ctx) as session:
        commitment = find_commitment(ref, agreement=agreement, session=session)
        update = status_updates.record_status_update(
            commitment,
            StatusUpdateCreate(
                status=new_status,
                narrative=note,
                as_of=parse_day(as_of, option="--as-of") or policy.today(),
                evidence=evidence or [],
                corrects_id=corrects,
                expected_version=expect_version,
            ),
            session=session,
            policy=policy,
            author=actor_name(by),
        )
        show(
            "cli.status.set.done",
            commitment=status_updates.describe(commitment, session=session),
            status=policy.label(update.status, language),
            as_of=update.as_of,
            update=update.id,
            version=commitment.version,
        )
        if commitment.status_as_of and commitment.status_as_of > update.as_of:
            show(
                "cli.status.set.not_current",
                status=policy.label(commitment.status, language),
                as_of=commitment.status_as_of,
            )


def commitment_show(
    ctx: typer.Context,
    ref: RefArgument,
    agreement: AgreementOption = None,
    as_json: JsonOption = False,
) -> None:
    from tracker.services import assessments, status_updates
    from tracker.services.commitments import commitment_public
    from tracker.services.lookup import find_commitment

    policy = policy_of(ctx)
    with reading(ctx) as session:
        commitment = find_commitment(ref, agreement=agreement, session=session)
        public = commitment_public(commitment, session=session, policy=policy)
        latest = status_updates.latest_update(commitment, session=session)
        assessment = assessments.current_assessment(commitment, session=session)
    if as_json:
        print_json(
            public.model_dump(mode="json")
            | {"assessment": assessment.model_dump(mode="json") if assessment else None}
        )
        return
    zone = runtime_of(ctx).settings.tz
    language = _language()
    status = policy.label(public.status, language)
    if public.status_as_of:
        status = tell("history.status", status=status, as_of=public.status_as_of)
    last_update = local_time(public.last_update_at, zone)
    if latest and latest.narrative:
        last_update = tell(
            "cli.commitments.show.last_update_by",
            when=last_update,
            author=latest.author,
            note=latest.narrative,
        )
    lead = public.lead_agency or "-"
    if public.supporting_agencies:
        lead = tell(
            "cli.commitments.show.with_supporting",
            lead=lead,
            supporting=public.supporting_agencies,
        )
    if assessment:
        said = tell(
            "cli.commitments.show.assessment",
            cycle=assessment.cycle_number,
            score=assessments.score_label(assessment.score, language),
        )
        if assessment.rationale:
            said += f" ({assessment.rationale})"
    else:
        said = tell(
            "cli.commitments.show.not_assessed",
            score=assessments.score_label(None, language),
        )
    tracked = tell("cli.yes") if public.tracked else tell("cli.no")
    fields = [
        (N_("cli.commitments.show.status"), status),
        (N_("cli.commitments.show.last_update"), last_update),
        (
            N_("cli.commitments.show.owner"),
            f"{public.owner or '-'} / {public.division or '-'}",
        ),
        (N_("cli.commitments.show.lead_agency"), lead),
        (
            N_("cli.commitments.show.tracked"),
            f"{tracked} ({tell(f'imp_strength_{public.strength.value}')})",
        ),
        (N_("cli.commitments.show.mechanisms"), ", ".join(public.mechanisms) or "-"),
        (N_("cli.commitments.show.assessment_label"), said),
        (
            N_("cli.commitments.show.attention"),
            ", ".join(tell(f"attention.{flag}") for flag in public.attention) or "-",
        ),
    ]
    labels = [f"{tell(name)}:" for name, _value in fields]
    width = max(display_width(label) for label in labels) + 1
    heading = tell(
        "cli.commitments.show.heading",
        commitment=f"{public.agreement_key}:{public.ref}",
        clause=public.clause,
        version=public.version,
    )
    lines = [heading, public.text, ""] + [
        label + " " * (width - display_width(label)) + value
        for label, (_name, value) in zip(labels, fields, strict=True)
    ]
    typer.echo("\n".join(lines))


def history(
    ctx: typer.Context,
    ref: RefArgument,
    agreement: AgreementOption = None,
    as_json: JsonOption = False,
) -> None:
    from tracker.services import status_updates
    from tracker.services.lookup import find_commitment

    policy = policy_of(ctx)
    with reading(ctx) as session:
        commitment = find_commitment(ref, agreement=agreement, session=session)
        entries = status_updates.history(commitment, session=session, policy=policy)
    if as_json:
        print_json(
            [
                {"at": e.at.isoformat(), "actor": e.actor, "action": e.action}
                | {"summary": e.summary, "detail": e.detail}
                for e in entries
            ]
        )
        return
    from tracker.services.history import action_word

    zone = runtime_of(ctx).settings.tz
    language = _language()
    print_table(
        [
            N_("cli.column.when"),
            N_("cli.column.who"),
            N_("cli.column.what"),
            N_("cli.column.detail"),
        ],
        [
            (
                local_time(e.at, zone),
                e.actor,
                action_word(e.action, language),
                _history_detail(e, policy, language),
            )
            for e in entries
        ],
        empty=tell("cli.history.none"),
    )


def _history_detail(entry: HistoryEntry, policy: FollowUpPolicy, language: Language) -> str:
    """The entry's facts in the terminal's language, as the commitment's page words them,
    with the evidence and the reason a page shows beside them."""
    from tracker.domain import Language
    from tracker.services.history import describe_change

    def status_word(code: str, language: str) -> str:
        return policy.label(code, Language(language))

    detail: dict[str, Any] = entry.detail
    parts = [
        describe_change(
            "commitment", entry.action, detail, language=language, status_word=status_word
        )
    ]
    evidence = detail.get("evidence") if entry.action in ("status", "correction") else None
    if evidence:
        items = ", ".join(str(e.get("url") or e.get("file_name")) for e in evidence)
        parts.append(tell("cli.history.evidence", items=items))
    if detail.get("reason"):
        parts.append(str(detail["reason"]))
    return "; ".join(part for part in parts if part)


def assess(
    ctx: typer.Context,
    ref: RefArgument,
    score: Annotated[str, typer.Option(help=N_("cli.assess.score"))],
    rationale: Annotated[str, typer.Option(help=N_("cli.assess.rationale"))] = "",
    cycle: Annotated[str, typer.Option(help=N_("cli.assess.cycle"))] = "current",
    agreement: AgreementOption = None,
    expect_version: VersionOption = None,
    without_evidence: Annotated[
        bool, typer.Option("--without-evidence", help=N_("cli.assess.without_evidence"))
    ] = False,
    by: ByOption = None,
) -> None:
    from tracker.services import assessments, cycles, status_updates
    from tracker.services.lookup import find_commitment

    given = assessments.parse_score(score)
    with writing(ctx) as session:
        commitment = find_commitment(ref, agreement=agreement, session=session)
        chosen = cycles.cycle_of(commitment, cycle, session=session)
        assessments.assess(
            commitment,
            chosen,
            score=given,
            rationale=rationale,
            session=session,
            actor=actor_name(by),
            expected_version=expect_version,
            confirmed=without_evidence,
        )
        show(
            "cli.assess.done",
            commitment=status_updates.describe(commitment, session=session),
            cycle=chosen.number,
            score=assessments.score_label(given, _language()),
            version=commitment.version,
        )


def assign(
    ctx: typer.Context,
    ref: RefArgument,
    officer: Annotated[str | None, typer.Option(help=N_("cli.assign.officer"))] = None,
    division: Annotated[str | None, typer.Option(help=N_("cli.assign.division"))] = None,
    lead_agency: Annotated[str | None, typer.Option(help=N_("cli.assign.lead_agency"))] = None,
    supporting: Annotated[str | None, typer.Option(help=N_("cli.assign.supporting"))] = None,
    agreement: AgreementOption = None,
    expect_version: VersionOption = None,
    reason: ReasonOption = "",
    by: ByOption = None,
) -> None:
    from tracker.services import owners, status_updates
    from tracker.services.lookup import find_commitment, find_officer

    if not any((officer, division, lead_agency, supporting is not None)):
        raise typer.BadParameter(tell("cli.assign.nothing"))
    with writing(ctx) as session:
        commitment = find_commitment(ref, agreement=agreement, session=session)
        change = owners.OwnerChange(
            officer=find_officer(officer, session=session) if officer else None,
            division=owners.find_division(division, session=session) if division else None,
            lead_agency=lead_agency,
            supporting_agencies=supporting,
        )
        owners.assign_owner(
            commitment,
            change,
            session=session,
            actor=actor_name(by),
            reason=reason,
            expected_version=expect_version,
        )
        show(
            "cli.assign.done",
            commitment=status_updates.describe(commitment, session=session),
            version=commitment.version,
        )


def handover(
    ctx: typer.Context,
    giver: Annotated[str, typer.Argument(help=N_("cli.handover.giver"))],
    taker: Annotated[str, typer.Argument(help=N_("cli.handover.taker"))],
    agreement: Annotated[
        str | None, typer.Option("--agreement", "-a", help=N_("cli.only_agreement"))
    ] = None,
    reason: ReasonOption = "",
    by: ByOption = None,
) -> None:
    from tracker.services import owners
    from tracker.services.lookup import find_agreement, find_officer

    with writing(ctx) as session:
        done = owners.handover(
            find_officer(giver, session=session),
            find_officer(taker, session=session),
            session=session,
            actor=actor_name(by),
            reason=reason,
            agreement=find_agreement(agreement, session=session) if agreement else None,
        )
    show(
        "cli.handover.done",
        commitments=tell("cli.handover.commitments", count=done.commitments),
        agreements=tell("cli.handover.agreements", count=done.agreements),
        giver=giver,
        taker=taker,
    )


def register(app: TrackerTyper) -> None:
    status_app.command("set", help=N_("cli.status.set"))(status_set)
    app.add_typer(status_app, name="status")
    commitments_app.command("show", help=N_("cli.commitments.show"))(commitment_show)
    app.command("history", help=N_("cli.history"))(history)
    app.command("assess", help=N_("cli.assess"))(assess)
    app.command("assign", help=N_("cli.assign"))(assign)
    app.command("handover", help=N_("cli.handover"))(handover)
