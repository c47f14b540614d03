"""Corrections after import: split, merge, adjust, (un)track, (un)link, merge mechanisms."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.base import ByOption, actor_name, writing
from tracker.cli.listing import commitments_app, mechanisms_app
from tracker.cli.speech import show, tell
from tracker.msgids import N_
from tracker.text import shorten

if TYPE_CHECKING:
    from tracker.models import Commitment

AgreementOption = Annotated[
    str, typer.Option("--agreement", "-a", help=N_("cli.agreement_ref"), show_default=False)
]
RefArgument = Annotated[str, typer.Argument(help=N_("cli.commitments.ref"))]
ReasonOption = Annotated[str, typer.Option(help=N_("cli.reason"))]


def _show(commitment: Commitment) -> None:
    state = tell("imp_tracked_yes") if commitment.tracked else tell("imp_tracked_no")
    show(
        "cli.commitments.corrected",
        ref=commitment.ref,
        state=state,
        text=shorten(commitment.text, 90),
    )


def split(
    ctx: typer.Context,
    ref: RefArgument,
    agreement: AgreementOption,
    at: Annotated[str, typer.Option(help=N_("cli.commitments.split.at"))],
    reason: ReasonOption = "",
    by: ByOption = None,
) -> None:
    from tracker.services import corrections

    with writing(ctx) as session:
        first = corrections.find_commitment(agreement, ref, session=session)
        second = corrections.split_commitment(
            first, at=at, session=session, actor=actor_name(by), reason=reason
        )
        _show(first)
        _show(second)


def merge(
    ctx: typer.Context,
    ref: RefArgument,
    other: Annotated[str, typer.Argument(help=N_("cli.commitments.merge.other"))],
    agreement: AgreementOption,
    reason: ReasonOption = "",
    by: ByOption = None,
) -> None:
    from tracker.services import corrections

    with writing(ctx) as session:
        first = corrections.find_commitment(agreement, ref, session=session)
        second = corrections.find_commitment(agreement, other, session=session)
        _show(
            corrections.merge_commitments(
                first, second, session=session, actor=actor_name(by), reason=reason
            )
        )


def adjust(
    ctx: typer.Context,
    ref: RefArgument,
    agreement: AgreementOption,
    start_at: Annotated[
        str | None, typer.Option(help=N_("cli.commitments.adjust.start_at"))
    ] = None,
    end_after: Annotated[
        str | None, typer.Option(help=N_("cli.commitments.adjust.end_after"))
    ] = None,
    reason: ReasonOption = "",
    by: ByOption = None,
) -> None:
    if start_at is None and end_after is None:
        raise typer.BadParameter(tell("cli.commitments.adjust.nothing"))
    from tracker.services import corrections

    with writing(ctx) as session:
        commitment = corrections.find_commitment(agreement, ref, session=session)
        corrections.move_boundaries(
            commitment,
            start_at=start_at,
            end_after=end_after,
            session=session,
            actor=actor_name(by),
            reason=reason,
        )
        _show(commitment)


def _tracking(tracked: bool) -> Callable[..., None]:
    def command(
        ctx: typer.Context,
        ref: RefArgument,
        agreement: AgreementOption,
        reason: ReasonOption = "",
        by: ByOption = None,
    ) -> None:
        from tracker.services import corrections

        with writing(ctx) as session:
            commitment = corrections.find_commitment(agreement, ref, session=session)
            corrections.set_tracked(
                commitment, tracked, session=session, actor=actor_name(by), reason=reason
            )
            _show(commitment)

    return command


def _linking(link: bool) -> Callable[..., None]:
    def command(
        ctx: typer.Context,
        ref: RefArgument,
        mechanism: Annotated[str, typer.Argument(help=N_("cli.mechanism_ref"))],
        agreement: AgreementOption,
        reason: ReasonOption = "",
        by: ByOption = None,
    ) -> None:
        from tracker.services import corrections

        action = corrections.link_mechanism if link else corrections.unlink_mechanism
        with writing(ctx) as session:
            commitment = corrections.find_commitment(agreement, ref, session=session)
            found = action(
                commitment, mechanism, session=session, actor=actor_name(by), reason=reason
            )
            # Arrows, not words: the same in every language.
            typer.echo(f"{commitment.ref} {'→' if link else '↛'} {found.name}")

    return command


def merge_mechanisms(
    ctx: typer.Context,
    keep: Annotated[str, typer.Argument(help=N_("cli.mechanisms.merge.keep"))],
    other: Annotated[str, typer.Argument(help=N_("cli.mechanisms.merge.other"))],
    reason: ReasonOption = "",
    by: ByOption = None,
) -> None:
    from tracker.services import corrections

    with writing(ctx) as session:
        kept = corrections.merge_mechanisms(
            keep, other, session=session, actor=actor_name(by), reason=reason
        )
        show("cli.mechanisms.merged", name=kept.name)


def register() -> None:
    commitments_app.command("split", help=N_("cli.commitments.split"))(split)
    commitments_app.command("merge", help=N_("cli.commitments.merge"))(merge)
    commitments_app.command("adjust", help=N_("cli.commitments.adjust"))(adjust)
    commitments_app.command("track", help=N_("cli.commitments.track"))(_tracking(True))
    commitments_app.command("untrack", help=N_("cli.commitments.untrack"))(_tracking(False))
    commitments_app.command("link", help=N_("cli.commitments.link"))(_linking(True))
    commitments_app.command("unlink", help=N_("cli.commitments.unlink"))(_linking(False))
    mechanisms_app.command("merge", help=N_("cli.mechanisms.merge"))(merge_mechanisms)
