"""Refusals are codes with fields: every code a service can raise is worded in both catalogues,
with the fields the raise gives it; the reader's language picks the words."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tests.test_words import catalogue
from tracker.errors import CODE, Forbidden, NotFound, TrackerError, Word, invalid_fields
from tracker.words import terminal_language

PACKAGE = Path(__file__).resolve().parents[1] / "tracker"
FIELD = re.compile(r"%\((\w+)\)")


@dataclass(frozen=True)
class Raise:
    where: str
    code: str
    fields: frozenset[str] | None  # None: the raise passes **fields, not checked here


def refusal_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """TrackerError and every class that derives from it, by name, across the package."""
    bases: dict[str, set[str]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                # Merged by name: status.Conflict(errors.Conflict) must not hide errors.Conflict.
                bases.setdefault(node.name, set()).update(
                    b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases
                )
    found = {"TrackerError"}
    while True:
        more = {name for name, of in bases.items() if of & found} - found
        if not more:
            return found
        found |= more


def raises() -> Iterator[Raise]:
    trees = {path: ast.parse(path.read_text("utf-8")) for path in PACKAGE.rglob("*.py")}
    classes = refusal_classes(trees)
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else ""
            name = name or (node.func.attr if isinstance(node.func, ast.Attribute) else "")
            if name not in classes:
                continue
            first = node.args[0]
            where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                code = first.value
            elif isinstance(first, ast.JoinedStr):
                code = "<f-string>"
            else:
                continue  # a re-raise or a variable: the literal is checked where it is written
            named = [k.arg for k in node.keywords]
            fields = None if None in named else frozenset(k for k in named if k)
            yield Raise(where, code, fields)


def test_every_code_a_service_raises_is_worded_in_both_languages_with_its_fields() -> None:
    korean, english = catalogue("ko"), catalogue("en")
    coded = [r for r in raises() if CODE.fullmatch(r.code)]
    assert len(coded) > 10
    for r in coded:
        message_id = f"error.{r.code}"
        assert message_id in korean and message_id in english, f"{r.where}: {message_id}"
        if r.fields is not None:
            wanted = set(FIELD.findall(korean[message_id]))
            assert wanted <= r.fields, f"{r.where}: {message_id} wants {wanted}, given {r.fields}"


def test_no_refusal_is_a_sentence() -> None:
    assert [r.where for r in raises() if not CODE.fullmatch(r.code)] == []


def test_a_refusal_is_said_in_the_reader_s_language_with_its_fields_as_data() -> None:
    refusal = Forbidden(
        "role.may_not", role=Word("user_role_viewer"), permission=Word("permission.import")
    )
    assert refusal.describe("ko") == "현재 권한(열람자)으로는 합의문서를 가져올 수 없습니다."
    assert refusal.describe("en") == "your role (Viewer) may not import agreements"
    assert refusal.as_json("en") == {
        "code": "role.may_not",
        "message": "your role (Viewer) may not import agreements",
        "fields": {"role": "user_role_viewer", "permission": "permission.import"},
    }
    assert refusal.http_status == 403 and NotFound("x.y").http_status == 404


def test_what_a_refusal_is_about_and_the_command_that_helps_go_with_it() -> None:
    refusal = TrackerError("meeting.choose_mechanism").at("line 3").see("tracker meetings list")
    assert refusal.describe("en") == "line 3: choose the mechanism whose meeting this is"
    assert refusal.describe("en", terminal=True).endswith("(see `tracker meetings list`)")
    several = TrackerError("request.invalid", fields=["as_of", date(2026, 1, 2)]).with_problems(
        [TrackerError("form.stale")]
    )
    assert several.describe("en").splitlines() == [
        "the request is not valid: as_of, 2026-01-02",
        "  the form is out of date (CSRF); reload the page and try again",
    ]


def test_a_model_s_validation_errors_name_the_fields_never_pydantic_s_english() -> None:
    refusal = invalid_fields([{"loc": ("body", "as_of"), "type": "date_parsing", "msg": "Input"}])
    assert refusal.describe("ko") == "요청이 올바르지 않습니다: body.as_of"
    assert refusal.as_json("en")["fields"] == {
        "fields": ["body.as_of"],
        "problems": [{"field": "body.as_of", "problem": "date_parsing"}],
    }


def test_a_sentence_not_yet_coded_is_shown_as_written() -> None:
    legacy = TrackerError("no agreement 'x'")
    assert not legacy.coded and legacy.describe("ko") == "no agreement 'x'"
    assert legacy.as_json("ko")["code"] == "refused"


def test_the_terminal_speaks_the_locale_s_language_and_english_for_the_c_locale() -> None:
    assert terminal_language({"LANG": "ko_KR.UTF-8"}) == "ko"
    assert terminal_language({"LANG": "C.UTF-8"}) == "en"
    assert terminal_language({"TRACKER_LANGUAGE": "ko", "LANG": "en_US.UTF-8"}) == "ko"
    assert terminal_language({"LANGUAGE": "en:ko", "LANG": "ko_KR.UTF-8"}) == "en"
    assert terminal_language({}) == "en"
