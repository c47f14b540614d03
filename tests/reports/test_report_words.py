"""The reports' words: from the catalogues, in the report's language, Korean words whole."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session

from tracker.config import Settings
from tracker.domain import Attention, Cadence, Language, MechanismKind, Score
from tracker.models import Agreement
from tracker.reports import generate
from tracker.reports.templating import WORD_JOINER, make_environment
from tracker.words import LANGUAGES, knows

TODAY = date(2026, 11, 26)


def test_every_word_a_report_builds_from_data_is_in_both_catalogues() -> None:
    """tests/test_words.py finds the literal ids; these are built from a stored value."""
    ids = {f"kind.{kind}" for kind in MechanismKind} | {f"cadence.{c}" for c in Cadence}
    ids |= {f"attention.{flag}" for flag in Attention} | {"attention.not_assessed"}
    ids |= {f"score.{score.key}" for score in Score} | {"score.not_assessed"}
    missing = sorted((language, i) for language in LANGUAGES for i in ids if not knows(language, i))
    assert missing == []


@pytest.fixture
def words_page(tmp_path: Path) -> Path:
    (tmp_path / "page.html").write_text('{{ _("changes.note", date=when) }}', encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ko", "‘변경 사항’은 이전 보고서(&lt;i&gt;)와 비교한 내용입니다."),
        ("en", "“Changes” are since the previous report (&lt;i&gt;)."),
        (None, "‘변경 사항’은 이전 보고서(&lt;i&gt;)와 비교한 내용입니다."),  # Korean by default
    ],
    ids=["ko", "en", "unsaid"],
)
def test_a_catalogue_word_escapes_its_fields_and_keeps_korean_words_whole(
    words_page: Path, language: str | None, expected: str
) -> None:
    page = make_environment([words_page]).get_template("page.html")
    context = {"when": "<i>"} | ({"language": language} if language else {})
    html = page.render(**context)
    assert html.replace(WORD_JOINER, "") == expected
    # A line may break only between words: each Korean word's characters are joined.
    if language == "en":
        assert WORD_JOINER not in html
    else:
        assert "‘\u2060변\u2060경 사\u2060항\u2060’\u2060은" in html


def test_an_english_review_speaks_english_in_every_shared_piece(
    session: Session, seed: Agreement, settings: Settings
) -> None:
    """The cover, tables and commitment blocks come from macros: they follow the page's
    language too, not only the headings the page prints itself."""
    english = generate.prepare_review(
        "kr-ca-2025", session=session, settings=settings, language=Language.EN, today=TODAY
    ).html.replace(WORD_JOINER, "")
    korean = generate.prepare_review(
        "kr-ca-2025", session=session, settings=settings, language=Language.KO, today=TODAY
    ).html.replace(WORD_JOINER, "")
    pieces = {  # macro: (Korean, English)
        "cover": ("작성일", "Prepared by"),
        "count_table": ("건수", "Count"),
        "group_score_table": ("평균 점수", "Mean score"),
        "attention_table": ("아래 사유로 담당자의 확인이", "need an officer"),
        "commitment": ("최근 경과", "Latest progress"),
        "meeting_date": ("예정(추정)", "estimated"),
    }
    for macro, (ko, en) in pieces.items():
        assert ko in korean and en not in korean, macro
        assert en in english and ko not in english, macro
