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
from tracker.domain import EvidenceLevel, Language, Party
from tracker.msgids import N_
from tracker.text import shorten

if TYPE_CHECKING:
    from sqlmodel import Session

    from tracker.models import Commitment, CommitmentPublic, StatusUpdate
    from tracker.services.policy import FollowUpPolicy
    from tracker.services.requests import RequestPage
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
    party: Annotated[Party, typer.Option(help=N_("cli.status.set.party"))] = Party.HOME,
    obstacles: Annotated[
        str, typer.Option("--obstacles", help=N_("cli.status.set.obstacles"))
    ] = "",
    evidence_level: Annotated[
        EvidenceLevel | None,
        typer.Option("--evidence-level", help=N_("cli.status.set.evidence_level")),
    ] = None,
    requests: Annotated[
        list[str] | None, typer.Option("--request", "-r", help=N_("cli.status.set.request"))
    ] = None,
    agreement: AgreementOption = None,
    expect_version: VersionOption = None,
    by: ByOption = None,
) -> None:
    from tracker.cli.requests import parse_request, request_to
    from tracker.models import StatusUpdateCreate
    from tracker.services import status_updates
    from tracker.services.lookup import find_commitment
    from tracker.services.requests import requests_of_update

    policy = policy_of(ctx)
    language = _language()
    typed = [parse_request(value) for value in requests or []]
    with writing(ctx) as session:
        commitment = find_commitment(ref, agreement=agreement, session=session)
        update = status_updates.record_status_update(
            commitment,
            StatusUpdateCreate(
                status=new_status,
                narrative=note,
                as_of=parse_day(as_of, option="--as-of") or policy.today(),
                party=party,
                obstacles=obstacles,
                evidence=evidence or [],
                evidence_level=evidence_level,
                requests=[request_to(request, session=session) for request in typed],
                corrects_id=corrects,
                expected_version=expect_version,
            ),
            session=session,
            policy=policy,
            author=actor_name(by),
        )
        said = _status_set_said(
            commitment, update, session=session, policy=policy, language=language
        )
        assert update.id is not None
        made = requests_of_update(update.id, session=session, today=policy.today())
        said += [
            tell(
                "cli.status.set.requested",
                id=request.id,
                to=request.to,
                what=request.what,
                due=request.due_on or "-",
            )
            for request in made
        ]
    typer.echo("\n".join(said))


def _status_set_said(
    commitment: Commitment,
    update: StatusUpdate,
    *,
    session: Session,
    policy: FollowUpPolicy,
    language: Language,
) -> list[str]:
    """What `status set` says it recorded, and, when a later update of the same party stays
    current, which one."""
    from tracker.services import status_updates

    counterpart = update.party is Party.COUNTERPART
    done = N_("cli.status.set.done_counterpart") if counterpart else N_("cli.status.set.done")
    said = [
        tell(
            done,
            commitment=status_updates.describe(commitment, session=session),
            status=policy.label(update.status, language),
            as_of=update.as_of,
            update=update.id,
            version=commitment.version,
        )
    ]
    current, current_as_of = (
        (commitment.counterpart_status, commitment.counterpart_status_as_of)
        if counterpart
        else (commitment.status, commitment.status_as_of)
    )
    if current_as_of and current_as_of > update.as_of:
        said.append(
            tell(
                "cli.status.set.not_current",
                status=policy.label(current, language),
                as_of=current_as_of,
            )
        )
    return said


def commitment_show(
    ctx: typer.Context,
    ref: RefArgument,
    agreement: AgreementOption = None,
    as_json: JsonOption = False,
) -> None:
    from tracker.services import assessments, status_updates
    from tracker.services.commitments import commitment_public
    from tracker.services.lookup import find_commitment
    from tracker.services.requests import requests_of_commitment

    policy = policy_of(ctx)
    with reading(ctx) as session:
        commitment = find_commitment(ref, agreement=agreement, session=session)
        public = commitment_public(commitment, session=session, policy=policy)
        latest = status_updates.latest_update(commitment, session=session)
        with_counterpart = status_updates.has_counterpart(commitment)
        theirs = (
            status_updates.latest_update(commitment, session=session, party=Party.COUNTERPART)
            if with_counterpart
            else None
        )
        assessment = assessments.current_assessment(commitment, session=session)
        requests = requests_of_commitment(
            public.id, session=session, today=policy.today(), limit=SHOWN_REQUESTS
        )
    if as_json:
        print_json(
            public.model_dump(mode="json")
            | {
                "has_counterpart": with_counterpart,
                "evidence_level": latest.evidence_level.value if latest else None,
                "obstacles": {
                    party.value: update.obstacles
                    for party, update in ((Party.HOME, latest), (Party.COUNTERPART, theirs))
                    if update is not None and update.obstacles
                },
                "requests": [request.model_dump(mode="json") for request in requests.items],
                "requests_total": requests.total,
                "assessment": assessment.model_dump(mode="json") if assessment else None,
            }
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
        *_party_fields(public, latest, theirs, with_counterpart, policy=policy, language=language),
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
    if requests.items:
        said_requests = _requests_said(requests, key=public.agreement_key)
        fields.append((N_("cli.commitments.show.requests"), said_requests))
    labels = [f"{tell(name)}:" for name, _value in fields]
    width = max(display_width(label) for label in labels) + 1
    heading = tell(
        "cli.commitments.show.heading",
        commitment=f"{public.agreement_key}:{public.ref}",
        clause=public.clause,
        version=public.version,
    )
    # A value of several lines (the requests) goes on under its first, aligned with it.
    lines = [heading, public.text, ""] + [
        label + " " * (width - display_width(label)) + value.replace("\n", "\n" + " " * width)
        for label, (_name, value) in zip(labels, fields, strict=True)
    ]
    typer.echo("\n".join(lines))


SHOWN_REQUESTS = 5  # a card names a few requests; `tracker requests list -a KEY` lists them all


def _party_fields(
    public: CommitmentPublic,
    ours: StatusUpdate | None,
    theirs: StatusUpdate | None,
    with_counterpart: bool,
    *,
    policy: FollowUpPolicy,
    language: Language,
) -> list[tuple[str, str]]:
    """The card's lines about each party: the counterpart's status (when the commitment is both
    parties'), the standing update's evidence level, and what blocks either side."""
    fields: list[tuple[str, str]] = []
    if with_counterpart:
        if public.counterpart_status:
            said = tell(
                "history.status",
                status=policy.label(public.counterpart_status, language),
                as_of=public.counterpart_status_as_of,
            )
        else:
            said = tell("cli.commitments.show.counterpart_none")
        fields.append((N_("cli.commitments.show.counterpart"), said))
    if ours is not None:
        fields.append(
            (
                N_("cli.commitments.show.evidence_level"),
                tell(f"evidence_level.{ours.evidence_level.value}"),
            )
        )
    blocked = [
        (party, update.obstacles)
        for party, update in ((Party.HOME, ours), (Party.COUNTERPART, theirs))
        if update is not None and update.obstacles
    ]
    if blocked:
        said = "\n".join(
            f"{tell(f'party.{party.value}')}: {text}" if with_counterpart else text
            for party, text in blocked
        )
        fields.append((N_("cli.commitments.show.obstacles"), said))
    return fields


def _requests_said(page: RequestPage, *, key: str) -> str:
    """Each request on a line: number, addressee, what, state and age; then how many more."""
    lines = [
        tell(
            "cli.commitments.show.request",
            id=request.id,
            to=request.to,
            what=shorten(request.what, 60),
            state=tell(f"request_state.{request.state.value}"),
            age=tell("cli.requests.age", count=request.age_days),
        )
        for request in page.items
    ]
    if page.total > len(page.items):
        more = page.total - len(page.items)
        lines.append(tell("cli.commitments.show.more_requests", count=more, key=key))
    return "\n".join(lines)


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
    said = describe_change(
        "commitment", entry.action, detail, language=language, status_word=status_word
    )
    parts = [said]
    if entry.action in ("status", "correction"):
        # Whose progress, and what it rests on, before the status: "[Counterpart · Reported
        # without evidence] In progress (as of ...)".
        party = tell(f"party.{detail.get('party') or Party.HOME.value}")
        level = tell(f"evidence_level.{detail.get('evidence_level') or 'reported'}")
        parts = [tell("cli.history.update", party=party, level=level, update=said)]
        evidence = detail.get("evidence")
        if evidence:
            items = ", ".join(str(e.get("url") or e.get("file_name")) for e in evidence)
            parts.append(tell("cli.history.evidence", items=items))
        if detail.get("obstacles"):
            parts.append(tell("cli.history.obstacles", obstacles=detail["obstacles"]))
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
        try:
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
        except assessments.NeedsConfirmation as refusal:
            raise refusal.see(_confirmed_command(ref, score, rationale, cycle, agreement)) from None
        show(
            "cli.assess.done",
            commitment=status_updates.describe(commitment, session=session),
            cycle=chosen.number,
            score=assessments.score_label(given, _language()),
            version=commitment.version,
        )


def _confirmed_command(
    ref: str, score: str, rationale: str, cycle: str, agreement: str | None
) -> str:
    """The same `assess` again, confirmed without evidence: what the refusal asks for."""
    import shlex

    words = ["tracker", "assess", ref, "--score", score]
    if rationale:
        words += ["--rationale", rationale]
    if cycle != "current":
        words += ["--cycle", cycle]
    if agreement:
        words += ["-a", agreement]
    return shlex.join([*words, "--without-evidence"])


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
    status_app.command("set", help=N_("cli.status.set"), epilog=N_("cli.status.set.epilog"))(
        status_set
    )
    app.add_typer(status_app, name="status")
    commitments_app.command("show", help=N_("cli.commitments.show"))(commitment_show)
    app.command("history", help=N_("cli.history"))(history)
    app.command("assess", help=N_("cli.assess"))(assess)
    app.command("assign", help=N_("cli.assign"))(assign)
    app.command("handover", help=N_("cli.handover"))(handover)
