"""Corrections after import: split, merge, adjust, (un)track, (un)link, merge mechanisms."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.base import actor_name, writing
from tracker.cli.listing import commitments_app, mechanisms_app
from tracker.text import shorten

if TYPE_CHECKING:
    from tracker.models import Commitment

AgreementOption = Annotated[
    str, typer.Option("--agreement", "-a", help="Agreement key or id.", show_default=False)
]
RefArgument = Annotated[str, typer.Argument(help="Commitment reference, e.g. 7.3.")]
ReasonOption = Annotated[str, typer.Option(help="Why, for the history.")]
ByOption = Annotated[
    str | None, typer.Option("--by", help="Who makes the correction (default: your user name).")
]


def _show(commitment: Commitment) -> None:
    state = "tracked" if commitment.tracked else "untracked"
    typer.echo(f"{commitment.ref} ({state}): {shorten(commitment.text, 90)}")


def split(
    ctx: typer.Context,
    ref: RefArgument,
    agreement: AgreementOption,
    at: Annotated[str, typer.Option(help="Words where the second commitment begins.")],
    reason: ReasonOption = "",
    by: ByOption = None,
) -> None:
    """Split a commitment in two where the given words begin.

    \b
    Example:
      tracker commitments split 9.2 -a kr-ca-2025 --at "공동 유지 분야에서"
    """
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
    other: Annotated[str, typer.Argument(help="The neighbouring commitment to fold in.")],
    agreement: AgreementOption,
    reason: ReasonOption = "",
    by: ByOption = None,
) -> None:
    """Merge two neighbouring commitments of one clause into one.

    \b
    Example:
      tracker commitments merge 13.1 13.2 -a kr-ca-2025 --reason "one undertaking"
    """
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
        str | None, typer.Option(help="Words where the commitment should begin.")
    ] = None,
    end_after: Annotated[
        str | None, typer.Option(help="Words after which the commitment should end.")
    ] = None,
    reason: ReasonOption = "",
    by: ByOption = None,
) -> None:
    """Move a commitment's start or end within its clause.

    \b
    Example:
      tracker commitments adjust 26.1 -a kr-ca-2025 \\
        --start-at "파트너십의 내용은"
    """
    if start_at is None and end_after is None:
        raise typer.BadParameter("give --start-at, --end-after or both")
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

    verb = "track" if tracked else "untrack"
    command.__doc__ = (
        f"{'Track' if tracked else 'Stop tracking'} a commitment (it stays in the list).\n\n"
        f'\b\nExample:\n  tracker commitments {verb} 25.1 -a kr-ca-2025 --reason "..."\n'
    )
    return command


def _linking(link: bool) -> Callable[..., None]:
    def command(
        ctx: typer.Context,
        ref: RefArgument,
        mechanism: Annotated[str, typer.Argument(help="Mechanism name, alias or id.")],
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
            typer.echo(f"{commitment.ref} {'→' if link else '↛'} {found.name}")

    verb = "link" if link else "unlink"
    command.__doc__ = (
        f"{'Link a commitment to' if link else 'Unlink a commitment from'} a mechanism.\n\n"
        f"\b\nExample:\n  tracker commitments {verb} 16.1 2+2 -a kr-ca-2025\n"
    )
    return command


def merge_mechanisms(
    ctx: typer.Context,
    keep: Annotated[str, typer.Argument(help="The mechanism to keep.")],
    other: Annotated[str, typer.Argument(help="The mechanism to fold into it.")],
    reason: ReasonOption = "",
    by: ByOption = None,
) -> None:
    """Merge two mechanisms that are one: names, links and meetings move to the first.

    \b
    Example:
      tracker mechanisms merge "외교·국방장관 2+2 회의" "외교·국방 장관회의"
    """
    from tracker.services import corrections

    with writing(ctx) as session:
        kept = corrections.merge_mechanisms(
            keep, other, session=session, actor=actor_name(by), reason=reason
        )
        typer.echo(f"merged into {kept.name}")


def register() -> None:
    commitments_app.command("split")(split)
    commitments_app.command("merge")(merge)
    commitments_app.command("adjust")(adjust)
    commitments_app.command("track")(_tracking(True))
    commitments_app.command("untrack")(_tracking(False))
    commitments_app.command("link")(_linking(True))
    commitments_app.command("unlink")(_linking(False))
    mechanisms_app.command("merge")(merge_mechanisms)
