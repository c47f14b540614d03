"""The root command, built lazily: `tracker X` turns only X into a Click command.

Typer builds every command of a tree up front, reading each function's signature and type hints
(about 2 ms a command, 150 ms for the whole tree), which `tracker --version` would pay on every
run. Here the root keeps what the modules register and builds a subcommand the first time it is
looked up; the top-level help lists the commands from their help texts alone."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, MutableMapping
from typing import TYPE_CHECKING, Any

from typer.main import (
    get_command_from_info,
    get_command_name,
    get_group_from_info,
    solve_typer_info_defaults,
)
from typer.models import CommandInfo, TyperInfo

from tracker.cli.base import F, TrackerTyper
from tracker.cli.speech import SpokenCommand, SpokenGroup

if TYPE_CHECKING:
    from typer._click import Command, Context, HelpFormatter

Registration = CommandInfo | TyperInfo


class LazyTyper(TrackerTyper):
    """A TrackerTyper whose commands and groups become Click commands only when used.

    Registration is as usual (`@app.command()`, `app.add_typer(...)`); what Typer would build
    eagerly is kept aside here, in registration order: commands first, then groups, as Typer
    lists them."""

    def __init__(self, **kwargs: Any) -> None:
        self.commands_aside: dict[str, CommandInfo] = {}
        self.groups_aside: dict[str, TyperInfo] = {}
        source = self

        class RootGroup(LazyGroup):
            def __init__(self, **attrs: Any) -> None:
                super().__init__(**attrs)
                self.commands = LazyCommands(source)

        super().__init__(cls=RootGroup, **kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Callable[[F], F]:
        register = super().command(*args, **kwargs)

        def decorator(fn: F) -> F:
            register(fn)
            self._set_aside()
            return fn

        return decorator

    def add_typer(self, typer_instance: Any, **kwargs: Any) -> None:
        super().add_typer(typer_instance, **kwargs)
        self._set_aside()

    def _set_aside(self) -> None:
        for info in self.registered_commands:
            assert info.callback is not None
            self.commands_aside[info.name or get_command_name(info.callback.__name__)] = info
        for group in self.registered_groups:
            if not group.name:
                raise TypeError("a lazily built command group needs a name")
            self.groups_aside[group.name] = group
        self.registered_commands.clear()
        self.registered_groups.clear()

    def build(self, name: str) -> Command:
        """The Click command for `name`, built as Typer would have built it."""
        if name in self.commands_aside:
            return get_command_from_info(
                self.commands_aside[name],
                pretty_exceptions_short=self.pretty_exceptions_short,
                rich_markup_mode=self.rich_markup_mode,
            )
        return get_group_from_info(
            self.groups_aside[name],
            pretty_exceptions_short=self.pretty_exceptions_short,
            rich_markup_mode=self.rich_markup_mode,
            suggest_commands=self.suggest_commands,
        )

    def outline(self, name: str) -> Command:
        """A stand-in carrying only what a listing shows: name, help, hidden, deprecated."""
        if name in self.commands_aside:
            info = self.commands_aside[name]
            text = inspect.cleandoc(info.help) if info.help else inspect.getdoc(info.callback)
            return SpokenCommand(
                name=name,
                help=text,
                short_help=info.short_help,
                hidden=info.hidden,
                deprecated=info.deprecated,
            )
        solved = solve_typer_info_defaults(self.groups_aside[name])
        return SpokenCommand(
            name=name,
            help=solved.help,
            short_help=solved.short_help,
            hidden=solved.hidden,
            deprecated=solved.deprecated,
        )


class LazyCommands(MutableMapping[str, "Command"]):
    """A group's commands by name: every name is known, each command is built on first use."""

    def __init__(self, source: LazyTyper) -> None:
        self.source = source
        self.built: dict[str, Command] = {}

    def names(self) -> list[str]:
        extra = [name for name in self.built if not self._registered(name)]
        return [*self.source.commands_aside, *self.source.groups_aside, *extra]

    def _registered(self, name: str) -> bool:
        return name in self.source.commands_aside or name in self.source.groups_aside

    def __getitem__(self, name: str) -> Command:
        if name not in self.built:
            if not self._registered(name):
                raise KeyError(name)
            self.built[name] = self.source.build(name)
        return self.built[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self.built[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self.built and not self._registered(name):
            raise KeyError(name)
        self.built.pop(name, None)
        self.source.commands_aside.pop(name, None)
        self.source.groups_aside.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self.names())

    def __contains__(self, name: object) -> bool:
        return name in self.built or (isinstance(name, str) and self._registered(name))

    def outline(self, name: str) -> Command:
        return self.built[name] if name in self.built else self.source.outline(name)


class LazyGroup(SpokenGroup):
    commands: LazyCommands

    def list_commands(self, ctx: Context) -> list[str]:
        return self.commands.names()  # SpokenGroup's reads the commands, building each

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        # As Typer's groups list them, but from outlines: listing must not build every command.
        rows = [(name, self.commands.outline(name)) for name in self.list_commands(ctx)]
        shown = [(name, command) for name, command in rows if not command.hidden]
        if not shown:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in shown)
        with formatter.section("Commands"):
            formatter.write_dl(
                [(name, command.get_short_help_str(limit)) for name, command in shown]
            )
