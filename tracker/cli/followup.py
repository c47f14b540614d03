"""What desk officers do every week: record status, read history, assess, reassign, hand over."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.base import (
    ByOption,
    JsonOption,
    TrackerTyper,
    actor_name,
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

RefArgument = Annotated[
    str, typer.Argument(help="Commitment: KEY:REF (kr-ca-2025:7.3), or REF with --agreement.")
]
AgreementOption = Annotated[
    str | None, typer.Option("--agreement", "-a", help="Agreement key or id.")
]
ReasonOption = Annotated[str, typer.Option(help="Why, for the history.")]
VersionOption = Annotated[
    int | None,
    typer.Option(
        "--expect-version",
        help="The version you read (shown by `commitments show`); refused (exit 3) if it moved.",
        min=1,
    ),
]

status_app = TrackerTyper(help="Progress status of commitments.")


def status_set(
    ctx: typer.Context,
    ref: RefArgument,
    new_status: Annotated[
        str,
        typer.Option("--status", "-s", help="Status key or label: in_progress, 진행 중, achieved…"),
    ],
    note: Annotated[str, typer.Option("--note", "-n", help="What happened (the narrative).")] = "",
    as_of: Annotated[
        str | None, typer.Option(help="Date the status holds from (YYYY-MM-DD; default today).")
    ] = None,
    evidence: Annotated[
        list[str] | None,
        typer.Option("--evidence", "-e", help="An http(s) link or a file; repeat for several."),
    ] = None,
    corrects: Annotated[
        int | None, typer.Option(help="Id of an earlier update this one corrects.")
    ] = None,
    agreement: AgreementOption = None,
    expect_version: VersionOption = None,
    by: ByOption = None,
) -> None:
    """Record a status update (append-only; a correction is a new update).

    \b
    Example:
      tracker status set kr-ca-2025:7.3 --status 진행중 --note "1차 협의 개최" \\
          --evidence https://www.mofa.go.kr/press/1234 --evidence minutes.pdf
      tracker status set 7.3 -a kr-ca-2025 -s achieved --as-of 2026-11-20 --expect-version 4
    """
    from tracker.models import StatusUpdateCreate
    from tracker.services import status_updates
    from tracker.services.lookup import find_commitment

    policy = policy_of(ctx)
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
        where = status_updates.describe(commitment, session=session)
        typer.echo(
            f"{where}: {policy.label(update.status)} as of {update.as_of} "
            f"(update {update.id}, version {commitment.version})"
        )
        if commitment.status_as_of and commitment.status_as_of > update.as_of:
            typer.echo(
                f"recorded in the history; the current status stays "
                f"{policy.label(commitment.status)} as of {commitment.status_as_of}"
            )


def show(
    ctx: typer.Context,
    ref: RefArgument,
    agreement: AgreementOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one commitment: text, owner, status, version, attention, assessment.

    \b
    Example:
      tracker commitments show kr-ca-2025:7.3
    """
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
    language = policy.language
    lines = [
        f"{public.agreement_key}:{public.ref}  (clause {public.clause}, version {public.version})",
        public.text,
        "",
        f"status:      {public.status_label}"
        + (f" (as of {public.status_as_of})" if public.status_as_of else ""),
        f"last update: {local_time(public.last_update_at, zone)}"
        + (f" by {latest.author}: {latest.narrative}" if latest and latest.narrative else ""),
        f"owner:       {public.owner or '-'} / {public.division or '-'}",
        f"lead agency: {public.lead_agency or '-'}"
        + (f" (with {public.supporting_agencies})" if public.supporting_agencies else ""),
        f"tracked:     {'yes' if public.tracked else 'no'} ({public.strength.value})",
        f"mechanisms:  {', '.join(public.mechanisms) or '-'}",
        "assessment:  "
        + (
            f"cycle {assessment.cycle_number}: "
            f"{assessments.score_label(assessment.score, language)}"
            + (f" ({assessment.rationale})" if assessment.rationale else "")
            if assessment
            else f"{assessments.score_label(None, language)} (current cycle)"
        ),
        f"attention:   {', '.join(public.attention) or '-'}",
    ]
    typer.echo("\n".join(lines))


def history(
    ctx: typer.Context,
    ref: RefArgument,
    agreement: AgreementOption = None,
    as_json: JsonOption = False,
) -> None:
    """Everything that happened to a commitment, oldest first.

    \b
    Example:
      tracker history kr-ca-2025:7.3
      tracker history 7.3 -a kr-ca-2025 --json
    """
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
    zone = runtime_of(ctx).settings.tz
    print_table(
        ["when", "who", "what", "detail"],
        [(local_time(e.at, zone), e.actor, e.action, e.summary) for e in entries],
        empty="no history yet: nothing has been recorded for this commitment",
    )


def assess(
    ctx: typer.Context,
    ref: RefArgument,
    score: Annotated[
        str, typer.Option(help="+1 (full), 0 (partial), -1 (none), or na (not assessed).")
    ],
    rationale: Annotated[str, typer.Option(help="Why this score (required with a score).")] = "",
    cycle: Annotated[str, typer.Option(help="current, previous, or a cycle number.")] = "current",
    agreement: AgreementOption = None,
    expect_version: VersionOption = None,
    by: ByOption = None,
) -> None:
    """Assess a tracked commitment for a review cycle.

    \b
    Example:
      tracker assess kr-ca-2025:7.3 --score +1 --rationale "공동연습 2회 실시"
      tracker assess kr-ca-2025:9.2 --cycle 1 --score 0 --rationale "협의 개시, 합의 미도출"
    """
    from tracker.services import assessments, cycles, status_updates
    from tracker.services.lookup import find_commitment

    policy = policy_of(ctx)
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
        )
        typer.echo(
            f"{status_updates.describe(commitment, session=session)}: cycle {chosen.number} "
            f"assessed {assessments.score_label(given, policy.language)} "
            f"(version {commitment.version})"
        )


def assign(
    ctx: typer.Context,
    ref: RefArgument,
    officer: Annotated[
        str | None, typer.Option(help="New owner: officer id, e-mail or name.")
    ] = None,
    division: Annotated[str | None, typer.Option(help="Division (default: the officer's).")] = None,
    lead_agency: Annotated[str | None, typer.Option(help="Lead agency, e.g. 국방부.")] = None,
    supporting: Annotated[
        str | None, typer.Option(help="Supporting agencies, comma-separated.")
    ] = None,
    agreement: AgreementOption = None,
    expect_version: VersionOption = None,
    reason: ReasonOption = "",
    by: ByOption = None,
) -> None:
    """Reassign one commitment: officer, division, lead and supporting agencies.

    \b
    Example:
      tracker assign kr-ca-2025:7.3 --officer 김하늘 --lead-agency 국방부 \\
          --supporting "방위사업청, 외교부" --reason "국방부 소관"
    """
    from tracker.services import owners, status_updates
    from tracker.services.lookup import find_commitment, find_officer

    if not any((officer, division, lead_agency, supporting is not None)):
        raise typer.BadParameter(
            "give at least one of --officer, --division, --lead-agency, --supporting"
        )
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
        typer.echo(
            f"{status_updates.describe(commitment, session=session)}: version {commitment.version}"
        )


def handover(
    ctx: typer.Context,
    giver: Annotated[str, typer.Argument(help="Officer handing over (id, e-mail or name).")],
    taker: Annotated[str, typer.Argument(help="Officer taking over (id, e-mail or name).")],
    agreement: Annotated[
        str | None, typer.Option("--agreement", "-a", help="Only this agreement.")
    ] = None,
    reason: ReasonOption = "",
    by: ByOption = None,
) -> None:
    """Hand over everything one officer owns to another (staff rotate every two years).

    \b
    Example:
      tracker handover 정진우 김하늘 --reason "2027년 정기 인사"
    """
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
    typer.echo(
        f"handed over {done.commitments} commitment(s) and {done.agreements} agreement(s) "
        f"from {giver} to {taker}"
    )


def register(app: TrackerTyper) -> None:
    status_app.command("set")(status_set)
    app.add_typer(status_app, name="status")
    commitments_app.command("show")(show)
    app.command("history")(history)
    app.command("assess")(assess)
    app.command("assign")(assign)
    app.command("handover")(handover)
