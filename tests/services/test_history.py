"""A change record is described from its facts, in the reader's language; the English sentence
older records carry as `summary` is never what a page shows."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

from tracker.services.history import action_id, action_word, describe_change
from tracker.words import knows

PACKAGE = Path(__file__).resolve().parents[2] / "tracker"


def test_an_assessment_says_the_cycle_and_both_scores_in_each_language() -> None:
    detail = {"summary": "cycle 2: not assessed → +1", "cycle": 2, "previous": None, "score": 1}
    assert describe_change("commitment", "assessment", detail, language="ko") == (
        "제2주기: 미평가 → +1 완전 이행"
    )
    assert describe_change("commitment", "assessment", detail, language="en") == (
        "cycle 2: Not assessed → +1 full"
    )


def test_an_import_says_its_file_and_counts_not_its_hash() -> None:
    detail = {"source_name": "kr-ca.txt", "source_hash": "ab12", "clauses": 26, "commitments": 45}
    assert describe_change("agreement", "imported", detail, language="ko") == (
        "kr-ca.txt: 조항 26개, 이행과제 45개"
    )
    assert action_word("imported", "ko") == "가져오기"


def test_an_account_s_role_change_names_both_roles_as_words() -> None:
    detail = {"from": "officer", "to": "admin"}
    assert describe_change("account", "role", detail, language="ko") == "담당자 → 관리자"
    assert action_word("api token issued", "ko") == "API 토큰 발급"


def test_a_stale_mark_and_a_cycle_roll_over_say_their_facts_without_the_old_sentence() -> None:
    stale = {"days": 90, "day": "2026-03-01"}
    assert describe_change("commitment", "stale", stale, language="ko") == (
        "90일 동안 진행 상황 갱신 없음 (2026-03-01 기준)"
    )
    cycle = {"summary": "cycle 1 closed on 2027-10-30; cycle 2 opened", "closed": 1, "opened": 2}
    assert describe_change("agreement", "cycle", cycle, language="en") == (
        "cycle 1 closed, cycle 2 opened"
    )


def test_a_meeting_record_says_its_day_and_whether_it_was_held() -> None:
    detail = {"summary": "2+2 held 2026-05-01", "held_on": "2026-05-01", "planned": False}
    assert describe_change("meeting", "added", detail, language="ko").startswith("2026-05-01 (")
    changed = {**detail, "changed": ["held_on", "place"]}
    assert "회의일, 장소" in describe_change("meeting", "updated", changed, language="ko")


def test_an_action_without_a_rule_lists_its_facts_with_field_names_in_the_language() -> None:
    detail = {"login": "jwjung", "sessions revoked": 2, "summary": "ignored"}
    assert describe_change("account", "something new", detail, language="ko") == (
        "아이디: jwjung; 종료한 세션: 2"
    )


def test_older_records_keep_their_facts_when_their_sentences_go() -> None:
    migration = importlib.import_module("tracker.migrations.versions.0011_history_facts")
    facts = migration.facts_from_summary
    assert facts("commitment", "stale", {"summary": "no status update for 90 days"}) == {"days": 90}
    assessed = {"summary": "cycle 1: +1 → 0; 1회만 실시", "cycle": 1, "score": 0}
    assert facts("commitment", "assessment", assessed) == {
        "cycle": 1,
        "score": 0,
        "rationale": "1회만 실시",
    }
    meeting = {"summary": "외교·국방장관 2+2 회의 held 2026-05-01 오타와", "held_on": "2026-05-01"}
    assert facts("meeting", "added", meeting) == {
        "held_on": "2026-05-01",
        "mechanism": "외교·국방장관 2+2 회의",
        "place": "오타와",
    }
    assert facts("agreement", "handover", {"summary": "정진우 → 김하늘"}) == {
        "giver": "정진우",
        "taker": "김하늘",
    }
    assert facts("agreement", "cycle", {"summary": "x", "closed": 1, "opened": 2}) == {
        "closed": 1,
        "opened": 2,
    }


def actions_written() -> Iterator[tuple[str, str]]:
    """(action, where) for every action the code writes or lists as a literal: the fourth
    argument of `record_change`, and `action=` wherever a record or an audit entry is made."""
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            values = [k.value for k in node.keywords if k.arg == "action"]
            if getattr(node.func, "id", getattr(node.func, "attr", "")) == "record_change":
                values += node.args[3:4]
            for value in values:
                # A literal, or either literal of `"a" if … else "b"`; an f-string's action is
                # built from data and checked where it is built.
                branches = [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]
                for each in branches:
                    if isinstance(each, ast.Constant) and isinstance(each.value, str):
                        yield each.value, f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"


def test_every_action_the_code_writes_has_a_name_in_both_languages() -> None:
    found = list(actions_written())
    assert len({action for action, _ in found}) >= 10  # the walk really looked
    unnamed = [
        f"{action} ({where})"
        for action, where in found
        if not (knows("ko", action_id(action)) and knows("en", action_id(action)))
    ]
    assert unnamed == []
