"""The CLI speaks its reader's language: help, headings, usage errors and what commands print.

Rules:
- every help text in `tracker/cli/` (a command's `help=`, an option's or argument's `help=`, a
  group's `help=`) is a message id of the `cli` catalogue part, marked with `N_`; it becomes
  words only when a help page or a command listing is shown, in the terminal's language
  (`tracker.words.terminal_language`), so `tracker --version` and ordinary runs load no catalogue;
- what a command prints for people goes through `show(id, **fields)` (or `tell`, which returns
  the words); a table's column headings are message ids, said by `print_table`; `--json` stays
  data (codes, not words) for scripts;
- the words of the command-line framework itself ("Usage:", "Options", "[default: …]", "Error:",
  a missing argument, an unknown option or command) are said from the same catalogue: the
  formatter and the usage-error printer below map each of the framework's fixed phrases to an id.

Imports stay light (see `tracker/cli/base.py`): the catalogues are loaded inside the functions.
"""

from __future__ import annotations

import difflib
import functools
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import typer
from typer import _click
from typer.core import TyperCommand, TyperGroup

from tracker.msgids import N_

# The framework's fixed words, as it writes them, and the id that says each.
_HEADINGS = {
    "Arguments": N_("cli.heading.arguments"),
    "Options": N_("cli.heading.options"),
    "Commands": N_("cli.heading.commands"),
}
_EXTRAS = (
    ("[default: ", N_("cli.extra.default")),
    ("[required]", N_("cli.extra.required")),
)


def tell(message_id: str, /, **fields: Any) -> str:
    """A message of the catalogue in the terminal's language."""
    from tracker.words import say, terminal_language

    return say(terminal_language(), message_id, **fields)


def show(message_id: str, /, *, err: bool = False, **fields: Any) -> None:
    """Print a message of the catalogue in the terminal's language."""
    typer.echo(tell(message_id, **fields), err=err)


class SpokenFormatter(_click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix or tell("cli.usage") + " ")

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        with super().section(tell(_HEADINGS[name]) if name in _HEADINGS else name):
            yield

    def write_dl(self, rows: Sequence[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().write_dl([(term, _said_extras(text)) for term, text in rows], *args, **kwargs)


def _said_extras(text: str) -> str:
    for phrase, message_id in _EXTRAS:
        if phrase in text:
            text = text.replace(phrase, tell(message_id))
    return text


class SpokenContext(typer.Context):
    formatter_class = SpokenFormatter


class Spoken:
    """What a command or group does to be read in the terminal's language: its help texts are
    message ids until the first help page or listing asks for them."""

    context_class: type[_click.Context] = SpokenContext
    help: str | None
    short_help: str | None
    epilog: str | None
    params: list[_click.Parameter]
    _spoken = False

    def speak(self) -> None:
        if self._spoken:
            return
        self._spoken = True
        self.help = _said(self.help)
        self.short_help = _said(self.short_help)
        self.epilog = _said(self.epilog)
        for param in self.params:
            if getattr(param, "help", None):
                param.help = _said(param.help)  # type: ignore[attr-defined]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self.speak()
        option = self.get_help_option(ctx)  # type: ignore[attr-defined]
        if option is not None:  # said here, not when parsing: an ordinary run loads no words
            option.help = tell("cli.help_option")
        super().format_help(ctx, formatter)  # type: ignore[misc]

    def get_short_help_str(self, limit: int = 45) -> str:
        self.speak()
        return super().get_short_help_str(limit)  # type: ignore[misc,no-any-return]


def _said(text: str | None) -> str | None:
    return _kept_as_laid_out(tell(text)) if text else text


def _kept_as_laid_out(text: str) -> str:
    """A catalogue's help text prints as it is laid out: a paragraph with indented lines (an
    example's commands) is marked for Click not to rewrap it (`\b`), so translators never
    write the control character themselves."""
    paragraphs = text.split("\n\n")
    return "\n\n".join(
        "\b\n" + paragraph
        if any(line.startswith(" ") for line in paragraph.splitlines()[1:])
        else paragraph
        for paragraph in paragraphs
    )


class SpokenCommand(Spoken, TyperCommand):
    pass


class SpokenGroup(Spoken, TyperGroup):
    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            close = difflib.get_close_matches(name, self.list_commands(ctx))
            message = (
                tell(
                    "cli.error.no_such_command_close",
                    name=name,
                    close=", ".join(f"'{c}'" for c in close),
                )
                if close
                else tell("cli.error.no_such_command", name=name)
            )
            raise _click.exceptions.UsageError(message, ctx)
        return super().resolve_command(ctx, args)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """As Click's main, but a usage error is said in the terminal's language."""
        run = functools.partial(
            super().main,
            args,
            prog_name,
            complete_var,
            windows_expand_args=windows_expand_args,
            **extra,
        )
        if not standalone_mode:
            return run(standalone_mode=False)
        try:
            code = run(standalone_mode=False)
        except _click.exceptions.ClickException as error:
            show_usage_error(error)
            sys.exit(error.exit_code)
        except typer.Abort:
            show("cli.aborted", err=True)
            sys.exit(1)
        # Without standalone mode Click returns an Exit's code, or what the command returned
        # (our commands return nothing).
        sys.exit(code if isinstance(code, int) and not isinstance(code, bool) else 0)


def show_usage_error(error: _click.exceptions.ClickException) -> None:
    exceptions = _click.exceptions
    if isinstance(error, exceptions.NoArgsIsHelpError):
        error.show()  # the help page itself
        return
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        lines = [ctx.get_usage()]
        if ctx.command.get_help_option(ctx) is not None:
            lines.append(tell("cli.try_help", command=f"{ctx.command_path} --help"))
        typer.echo("\n".join(lines) + "\n", err=True)
    if isinstance(error, exceptions.MissingParameter) and error.param is not None:
        kind = "argument" if error.param.param_type_name == "argument" else "option"
        message = tell(f"cli.error.missing_{kind}", name=error.param.get_error_hint())
    elif isinstance(error, exceptions.NoSuchOption):
        message = tell("cli.error.no_such_option", name=error.option_name)
    elif isinstance(error, exceptions.BadOptionUsage):
        message = tell("cli.error.needs_value", name=error.option_name)
    elif isinstance(error, exceptions.BadParameter) and _choices(error.param):
        message = tell("cli.error.not_a_choice", name=_hint(error), choices=_choices(error.param))
    elif isinstance(error, exceptions.BadParameter) and (error.param_hint or error.param):
        message = tell("cli.error.bad_value", name=_hint(error), reason=error.message)
    elif isinstance(error, exceptions.BadParameter):
        message = error.message
    else:
        message = error.format_message()
    show("cli.error", err=True, message=message)


def _hint(error: _click.exceptions.BadParameter) -> str:
    hint = error.param_hint
    if isinstance(hint, list | tuple):
        return " / ".join(f"'{name}'" for name in hint)
    if hint:
        return f"'{hint}'"
    assert error.param is not None
    return error.param.get_error_hint()


def _choices(param: Any) -> str:
    """The values an option takes, when it takes one of a list (an enumeration's)."""
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or not descriptor.is_choice:
        return ""
    return ", ".join(str(getattr(choice, "value", choice)) for choice in descriptor.choices or ())
