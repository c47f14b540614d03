"""Errors a user can act on: a stable code and named fields, worded by the catalogues.

A service raises `SomeRefusal("meeting.duplicate", mechanism=..., on=...)`; the words live in
the catalogues as `error.meeting.duplicate` (both languages), so the CLI, the web pages, the API
and mail each say it in their reader's language (`describe(language)`), and a page never parses
a sentence. The kind of error (its class) decides the CLI's exit code and the HTTP status.

`at(where)` names what the refusal is about (a commitment, a line of a file), and a refusal of
several problems carries them as `problems`, each described on its own line.

Every refusal the package raises is coded (`tests/test_errors.py` walks them), but the
catalogues' own, said before a catalogue can be read: a code that is not a catalogue id (a
sentence) is shown as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any, Self

CODE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")


class Grouped(int):
    """A size in bytes as a refusal's field: a number in the API's fields, written with
    thousands separators in a message (12,722), as the limits it is compared with are."""

    __slots__ = ()

    def __str__(self) -> str:
        return f"{self:,}"


class InLanguages(dict[str, str]):
    """A field given in each language by the data, not the catalogues (a configured status
    label): said in the reader's language, sent whole in the API's fields."""

    def in_language(self, language: str) -> str:
        return self.get(language) or next(iter(self.values()), "")


class Word(str):
    """A field that is itself a catalogue id (a role, a status): said in the reader's language,
    sent as the id in the API's fields."""

    __slots__ = ()


class TrackerError(Exception):
    """A problem with the user's input or environment, explained in one line."""

    exit_code = 1
    http_status = 400

    def __init__(self, code: str, /, **fields: Any) -> None:
        super().__init__(code)
        self.code = code
        self.fields = fields
        self.where: str | None = None
        self.problems: tuple[TrackerError, ...] = ()
        self.details: list[dict[str, Any]] = []  # data only the API shows (each field's problem)
        self.command: str | None = None  # a CLI command that helps; pages do not show it

    def at(self, where: str) -> Self:
        """This refusal, about `where` ("kr-ca-2025:7.3", "line 12")."""
        self.where = where
        return self

    def see(self, command: str) -> Self:
        """This refusal, pointing a terminal's reader at `command` ("tracker agreements list")."""
        self.command = command
        return self

    def with_problems(self, problems: Iterable[TrackerError]) -> Self:
        """This refusal, carrying every problem found (each is described on its own line)."""
        self.problems = tuple(problems)
        return self

    @property
    def coded(self) -> bool:
        """Whether the catalogues word this refusal (else it is a sentence, shown as written)."""
        return CODE.fullmatch(self.code) is not None

    def describe(self, language: str, *, terminal: bool = False) -> str:
        """The refusal in `language`: one line, then one indented line per problem; on a
        `terminal`, with the command that helps."""
        if self.coded:
            from tracker.words import say  # lazily: `tracker --version` loads no catalogue

            text = say(language, f"error.{self.code}", **shown_fields(self.fields, language))
        else:
            text = self.code
        if self.where:
            text = f"{self.where}: {text}"
        if terminal and self.command:
            from tracker.words import say

            text = say(language, "error.see", text=text, command=self.command)
        lines = [text, *(f"  {problem.describe(language)}" for problem in self.problems)]
        return "\n".join(lines)

    def as_json(self, language: str) -> dict[str, Any]:
        """The API's body: the code to act on, the message to show, the fields as data."""
        fields = {name: _as_data(value) for name, value in self.fields.items()}
        if self.where:
            fields["where"] = self.where
        if self.problems:
            fields["problems"] = [problem.as_json(language) for problem in self.problems]
        if self.details:
            fields["problems"] = self.details
        return {
            "code": self.code if self.coded else "refused",
            "message": " ".join(self.describe(language).split()),
            "fields": fields,
        }

    def __str__(self) -> str:
        return self.describe("en")


def form_status(exc: BaseException) -> int:
    """The HTTP status of a form refused with `exc`: 403 or 409 by the refusal's kind, else
    400, for what was typed is wrong (a clause that is not there is the input's fault, not a
    page that is missing)."""
    kept = isinstance(exc, Forbidden | Conflict)
    return exc.http_status if kept and isinstance(exc, TrackerError) else 400


def invalid_fields(problems: Iterable[Mapping[str, Any]]) -> TrackerError:
    """A model's validation errors (pydantic's `errors()`) as one refusal that names the
    fields and the kind of each problem, never the values sent or pydantic's English."""
    listed = [
        {"field": ".".join(str(part) for part in problem["loc"]), "problem": problem["type"]}
        for problem in problems
    ]
    refusal = TrackerError("request.invalid", fields=[each["field"] for each in listed])
    refusal.details = listed
    return refusal


def shown_fields(fields: dict[str, Any], language: str) -> dict[str, Any]:
    """Fields as a message prints them: words in `language`, dates ISO, lists joined, enums by
    value; a count stays a number, for the message to pick its plural form."""
    return {name: _shown(value, language) for name, value in fields.items()}


def _shown(value: Any, language: str) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, Word):
        from tracker.words import say

        return say(language, value)
    if isinstance(value, InLanguages):
        return value.in_language(language)
    if isinstance(value, list | tuple) and any(isinstance(v, InLanguages | Word) for v in value):
        return ", ".join(_shown(item, language) for item in value)
    data = _as_data(value)
    if isinstance(data, list):
        return ", ".join(str(item) for item in data)
    return str(data)


def _as_data(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, InLanguages):
        return dict(value)
    if isinstance(value, list | tuple | set | frozenset):
        items = [_as_data(item) for item in value]
        return sorted(items) if isinstance(value, set | frozenset) else items
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


class ConfigError(TrackerError):
    """config.toml or a TRACKER_ environment variable is wrong."""


class DatabaseUnavailable(TrackerError):
    """The configured database cannot be reached or opened."""


class NotFound(TrackerError):
    """A named agreement, commitment, mechanism or officer does not exist."""

    http_status = 404


class Forbidden(TrackerError):
    """The account's role, or the division, may not do this."""

    http_status = 403


class Conflict(TrackerError):
    """The thing changed since it was read: read it again and retry."""

    http_status = 409
