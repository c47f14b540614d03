"""Which field of a form a refusal is about, and its words beside that field.

A refused form comes back with what was typed (`values`) and, for each field a refusal names,
its message in the page's language (`field_errors`), so the page can put it next to the field.
The field is found from data, never from the sentence: a refusal's own `field` (the web layer's
refusals carry one) or `column` (a value too long for the database), else the form's table of
refusal codes (a service's code says what it is about: `account.login_taken` is the login),
else a model's field (pydantic's `loc`), renamed to the form's name for it where they differ
(a status update's `narrative` is the form's `note`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from tracker.errors import TrackerError
from tracker.words import knows, say


@dataclass(frozen=True)
class FormFields:
    """One form's map from refusals to its fields."""

    codes: Mapping[str, str] = field(default_factory=dict)  # code, or a family "evidence."
    renamed: Mapping[str, str] = field(default_factory=dict)  # model field → form field

    def errors(self, exc: BaseException, language: str) -> dict[str, str]:
        """Field → what is wrong with it, in `language`; the first refusal of a field wins."""
        found: dict[str, str] = {}
        for name, message in self._located(exc, language):
            found.setdefault(name, message)
        return found

    def field_of(self, refusal: TrackerError) -> str | None:
        named = refusal.fields.get("field")
        if isinstance(named, str) and named:
            return self.renamed.get(named, named)
        column = refusal.fields.get("column")  # a value too long for its column: table.name
        if isinstance(column, str) and column:
            name = column.rsplit(".", 1)[-1]
            return self.renamed.get(name, name)
        if refusal.code in self.codes:
            return self.codes[refusal.code]
        family = refusal.code.rsplit(".", 1)[0] + "."
        return self.codes.get(family)

    def _located(self, exc: BaseException, language: str) -> Iterator[tuple[str, str]]:
        if isinstance(exc, ValidationError):
            yield from self._problems(exc.errors(), language)
        elif isinstance(exc, TrackerError):
            if exc.code == "request.invalid" and exc.details:
                yield from self._problems(exc.details, language)
            for problem in exc.problems:
                yield from self._located(problem, language)
            name = self.field_of(exc)
            if name is not None and not exc.problems:
                # The refusal's own words, without the `where` a page already shows.
                yield name, TrackerError(exc.code, **exc.fields).describe(language)

    def _problems(
        self, problems: Iterable[Mapping[str, Any]], language: str
    ) -> Iterator[tuple[str, str]]:
        for problem in problems:
            name = _model_field(problem)
            if name:
                yield self.renamed.get(name, name), problem_words(problem, language)


def problem_words(problem: Mapping[str, Any], language: str) -> str:
    """What pydantic found wrong with one field, in `language` (never its English): a refusal
    raised inside a validator speaks for itself; a kind the catalogue words (missing, too long)
    says so with its limit; any other kind is "not valid"."""
    context = problem.get("ctx") or {}
    inner = context.get("error")
    if isinstance(inner, TrackerError):
        return inner.describe(language)
    kind = str(problem.get("type") or problem.get("problem") or "")
    message_id = f"field_problem.{kind}"
    if kind and knows(language, message_id):
        limits = {k: v for k, v in context.items() if k in ("max_length", "min_length")}
        return say(language, message_id, **limits)
    return say(language, "field_problem.invalid")


def _model_field(problem: Mapping[str, Any]) -> str:
    """The field a problem is about: the last name in its `loc` (FastAPI puts "body" first;
    a list's index comes after its name), or the `field` that `invalid_fields` wrote."""
    if "field" in problem:
        parts = [part for part in str(problem["field"]).split(".") if not part.isdigit()]
    else:
        parts = [str(part) for part in problem.get("loc", ()) if isinstance(part, str)]
    return parts[-1] if parts else ""
