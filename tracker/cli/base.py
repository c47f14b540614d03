"""What every command shares: the Typer subclass that turns user errors into one line, the
runtime on the context, and output helpers.

Every command module imports this one, and `tracker --version` imports every command module: keep
this module's imports light (the standard library and typer). Settings, the database, models and
services are imported inside the functions that use them."""

from __future__ import annotations

import functools
import getpass
import json
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from itertools import islice
from typing import TYPE_CHECKING, Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

import typer

from tracker.cli.speech import SpokenCommand, SpokenGroup, tell
from tracker.errors import TrackerError
from tracker.msgids import N_

if TYPE_CHECKING:
    from sqlmodel import Session

    from tracker.runtime import Runtime
    from tracker.services.policy import FollowUpPolicy

F = TypeVar("F", bound=Callable[..., Any])

# Options many commands share, spelled and explained once.
JsonOption = Annotated[bool, typer.Option("--json", help=N_("cli.option.json"))]
ByOption = Annotated[str | None, typer.Option("--by", help=N_("cli.option.by"))]


def _reporting_user_errors(fn: F) -> F:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            # Imported here, not at the top: `tracker --version` loads no catalogue.
            from tracker.words import CatalogueMissing, terminal_language

            if isinstance(exc, CatalogueMissing):  # without a catalogue, no words but these
                typer.echo(f"error: {exc}", err=True)
            elif isinstance(exc, TrackerError):
                message = exc.describe(terminal_language(), terminal=True)
                typer.echo(tell("cli.error", message=message), err=True)
            else:
                raise
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


class TrackerTyper(typer.Typer):
    """A Typer whose commands report TrackerError as `error: ...` on stderr and exit 1."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("no_args_is_help", True)
        kwargs.setdefault("rich_markup_mode", None)
        kwargs.setdefault("pretty_exceptions_enable", False)
        kwargs.setdefault("cls", SpokenGroup)
        super().__init__(**kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Callable[[F], F]:
        kwargs.setdefault("cls", SpokenCommand)
        register = super().command(*args, **kwargs)

        def decorator(fn: F) -> F:
            register(_reporting_user_errors(fn))
            return fn

        return decorator


class CliState:
    """Held on the Click context; settings are read only when a command needs them, so that
    `--help` works even with a broken config file."""

    def __init__(self, config_path: Any) -> None:
        self.config_path = config_path
        self._runtime: Runtime | None = None

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            from tracker.config import load_settings
            from tracker.runtime import Runtime

            self._runtime = Runtime(load_settings(self.config_path))
        return self._runtime


def runtime_of(ctx: typer.Context) -> Runtime:
    state = ctx.find_object(CliState)
    if state is None:  # a command invoked on its own, as in some tests
        state = CliState(None)
        ctx.obj = state
    return state.runtime


def policy_of(ctx: typer.Context) -> FollowUpPolicy:
    from tracker.services.policy import FollowUpPolicy

    return FollowUpPolicy.from_settings(runtime_of(ctx).settings)


def actor_name(by: str | None) -> str:
    """Who is acting, for the history: --by, else the login name."""
    return by or f"cli:{getpass.getuser()}"


def parse_day(value: str | None, *, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise typer.BadParameter(tell("cli.not_a_day", value=value), param_hint=option) from None


def local_time(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else "-"


@contextmanager
def reading(ctx: typer.Context) -> Iterator[Session]:
    from tracker.db import read_session

    with read_session(runtime_of(ctx).checked_engine()) as session:
        yield session


@contextmanager
def writing(ctx: typer.Context) -> Iterator[Session]:
    from tracker.db import write_session

    with write_session(runtime_of(ctx).checked_engine()) as session:
        yield session


def print_json(value: Any) -> None:
    typer.echo(json.dumps(_jsonable(value), ensure_ascii=False, indent=2))


def _jsonable(value: Any) -> Any:
    from pydantic import BaseModel  # already loaded by whatever made the value

    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    return value


def stream_json(items: Iterable[Any]) -> None:
    """A JSON array written an item at a time, as `print_json` would print the whole list:
    a portfolio-wide listing stays complete without being held in memory."""
    typer.echo("[", nl=False)
    for number, item in enumerate(items):
        text = json.dumps(_jsonable(item), ensure_ascii=False, indent=2).replace("\n", "\n  ")
        typer.echo(("," if number else "") + "\n  " + text, nl=False)
    typer.echo("\n]")


def stream_table(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, empty: str, block: int = 500
) -> None:
    """An aligned table under column headings given as message ids, printed in blocks of
    `block` rows under one header: each block is at
    least as wide as the header and the block before it."""
    headers = [_heading(h) for h in headers]
    widths = [display_width(h) for h in headers]
    cells = ([_cell(v) for v in row] for row in rows)
    first = True
    while chunk := list(islice(cells, block)):
        for row in chunk:
            widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]
        for row in [list(headers), *chunk] if first else chunk:
            padded = [c + " " * (w - display_width(c)) for c, w in zip(row, widths, strict=True)]
            typer.echo("  ".join(padded).rstrip())
        first = False
    if first:
        typer.echo(empty)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, empty: str) -> None:
    """A plain aligned table under column headings given as message ids; East Asian wide
    characters count as two columns."""
    if not rows:
        typer.echo(empty)
        return
    cells = [[_heading(h) for h in headers], *[[_cell(v) for v in row] for row in rows]]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(headers))]
    for row in cells:
        padded = [c + " " * (w - display_width(c)) for c, w in zip(row, widths, strict=True)]
        typer.echo("  ".join(padded).rstrip())


class Worded(str):
    """A column heading that is already words, not a message id (a configured status label)."""


def _heading(heading: str) -> str:
    return heading if isinstance(heading, Worded) else tell(heading)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return tell("cli.yes") if value else tell("cli.no")
    return str(value)


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
