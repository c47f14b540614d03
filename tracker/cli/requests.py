"""`tracker requests`: requests for cooperation (부처간 협조사항) listed by addressee, asker,
agreement and state, answered by the addressee and closed by the asker. They are made with a
status update (`tracker status set ... --request TO:WHAT[:YYYY-MM-DD]`); `parse_request` and
`request_to` read that option here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from tracker.cli.base import (
    ByOption,
    JsonOption,
    TrackerTyper,
    actor_name,
    policy_of,
    reading,
    stream_json,
    stream_table,
    writing,
)
from tracker.cli.speech import show, tell
from tracker.domain import RequestState
from tracker.msgids import N_
from tracker.text import shorten

if TYPE_CHECKING:
    from sqlmodel import Session

    from tracker.models import Division, RequestCreate

requests_app = TrackerTyper(help=N_("cli.requests"))

IdArgument = Annotated[int, typer.Argument(help=N_("cli.requests.id"))]
StateChoice = Literal["open", "answered", "closed", "all"]


@dataclass(frozen=True)
class TypedRequest:
    """`--request TO:WHAT[:YYYY-MM-DD]` as typed: the addressee is looked up in the session."""

    to: str
    what: str
    due_on: date | None


_DUE = re.compile(r"^(?P<what>.*):\s*(?P<due>\d{4}-\d{2}-\d{2})\s*$", re.DOTALL)


def parse_request(value: str) -> TypedRequest:
    """TO:WHAT, with a due date after a last colon; a one-line usage error otherwise."""
    to, colon, rest = value.partition(":")
    what, due = rest, None
    if match := _DUE.match(rest):
        what = match["what"]
        try:
            due = date.fromisoformat(match["due"])
        except ValueError:
            raise typer.BadParameter(
                tell("cli.not_a_day", value=match["due"]), param_hint="--request"
            ) from None
    if not colon or not to.strip() or not what.strip():
        raise typer.BadParameter(
            tell("cli.status.set.bad_request", value=value), param_hint="--request"
        )
    return TypedRequest(to=to.strip(), what=what.strip(), due_on=due)


def request_to(typed: TypedRequest, *, session: Session) -> RequestCreate:
    """The request for a division of the tracker (by name or id) or, when no division has that
    name, for another body (a ministry) by name."""
    from tracker.errors import NotFound
    from tracker.models import RequestCreate
    from tracker.services.owners import find_division

    if typed.to.isdigit():  # an id: the service refuses one that names no division
        return RequestCreate(to_division_id=int(typed.to), what=typed.what, due_on=typed.due_on)
    try:
        division = find_division(typed.to, session=session)
    except NotFound:
        return RequestCreate(to_body=typed.to, what=typed.what, due_on=typed.due_on)
    return RequestCreate(to_division_id=division.id, what=typed.what, due_on=typed.due_on)


def _division(reference: str, *, session: Session) -> Division:
    """A division by id or name; an unknown one is refused with the names there are."""
    from tracker.models import Division
    from tracker.services.owners import find_division

    if reference.strip().isdigit():
        found = session.get(Division, int(reference))
        if found is not None:
            return found
    return find_division(reference, session=session)


def requests_list(
    ctx: typer.Context,
    to: Annotated[str | None, typer.Option("--to", help=N_("cli.requests.list.to"))] = None,
    asked_by: Annotated[
        str | None, typer.Option("--from", help=N_("cli.requests.list.from"))
    ] = None,
    agreement: Annotated[
        str | None, typer.Option("--agreement", "-a", help=N_("cli.only_agreement"))
    ] = None,
    state: Annotated[
        StateChoice, typer.Option("--state", help=N_("cli.requests.list.state"))
    ] = "open",
    limit: Annotated[
        int | None, typer.Option("--limit", help=N_("cli.requests.list.limit"), min=1)
    ] = None,
    as_json: JsonOption = False,
) -> None:
    from tracker.errors import NotFound
    from tracker.services.lookup import find_agreement
    from tracker.services.requests import RequestFilter, iter_requests

    policy = policy_of(ctx)
    today = policy.today()
    with reading(ctx) as session:
        addressee, body = None, None
        if to is not None:
            try:
                addressee = _division(to, session=session).id
            except NotFound:  # not a division of the tracker: another body, by its name
                body = to
        where = RequestFilter(
            to_division_id=addressee,
            to_body=body,
            from_division_id=_division(asked_by, session=session).id if asked_by else None,
            agreement_id=find_agreement(agreement, session=session).id if agreement else None,
            state=None if state == "all" else RequestState(state),
        )
        # Streamed a batch at a time: complete, however many match, in flat memory.
        found = islice(iter_requests(where, session=session, today=today), limit)
        if as_json:
            stream_json(found)
            return
        states = {s: tell(f"request_state.{s.value}") for s in RequestState}
        stream_table(
            [
                N_("cli.column.id"),
                N_("cli.column.commitment"),
                N_("cli.column.from"),
                N_("cli.column.to"),
                N_("cli.column.what"),
                N_("cli.column.due"),
                N_("cli.column.state"),
                N_("cli.column.age"),
            ],
            (
                (
                    r.id,
                    r.commitment,
                    r.from_division or "-",
                    r.to,
                    shorten(r.what, 40),
                    r.due_on,
                    states[r.state],
                    tell("cli.requests.age", count=r.age_days),
                )
                for r in found
            ),
            empty=tell("cli.requests.list.none"),
        )


def requests_answer(
    ctx: typer.Context,
    request_id: IdArgument,
    answer: Annotated[str, typer.Option("--answer", help=N_("cli.requests.answer.answer"))],
    by: ByOption = None,
) -> None:
    from tracker.services.requests import answer_request, find_request

    with writing(ctx) as session:
        request = find_request(request_id, session=session)
        answer_request(request, answer, session=session, actor=actor_name(by))
    show("cli.requests.answer.done", id=request_id)


def requests_close(
    ctx: typer.Context,
    request_id: IdArgument,
    reason: Annotated[str, typer.Option("--reason", help=N_("cli.reason"))] = "",
    by: ByOption = None,
) -> None:
    from tracker.services.requests import close_request, find_request

    with writing(ctx) as session:
        request = find_request(request_id, session=session)
        close_request(request, session=session, actor=actor_name(by), reason=reason)
    show("cli.requests.close.done", id=request_id)


def register(app: TrackerTyper) -> None:
    requests_app.command("list", help=N_("cli.requests.list"))(requests_list)
    requests_app.command("answer", help=N_("cli.requests.answer"))(requests_answer)
    requests_app.command("close", help=N_("cli.requests.close"))(requests_close)
    app.add_typer(requests_app, name="requests")
