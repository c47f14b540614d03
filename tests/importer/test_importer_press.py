"""Datelines, bylines, contact lines and signature blocks: set aside, never part of a clause or a
commitment, and the source of the agreement's date and place when it has no portal record."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from tracker.db import read_session, write_session
from tracker.importer import ParsedAgreement, parse_agreement
from tracker.importer.decode import decode_source
from tracker.importer.mechanism_catalog import MechanismCatalog
from tracker.importer.press import read_date, read_press
from tracker.models import Agreement
from tracker.services.import_sources import sample_source
from tracker.services.imports import import_agreement

TEXTS = Path(__file__).parents[1] / "fixtures" / "import_texts"
CATALOG = MechanismCatalog.load_default()
NO_CATALOG = MechanismCatalog([])


def parse_file(name: str) -> ParsedAgreement:
    path = TEXTS / f"{name}.txt"
    return parse_agreement(decode_source(path.read_bytes(), name=path.name), catalog=CATALOG)


# --- the real texts -----------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["", "_oneline"])
def test_the_news_articles_byline_is_not_in_the_first_commitment(variant: str) -> None:
    parsed = parse_file("news-kr-ca-dg-2plus2_2025-10-02" + variant)
    first = parsed.commitments[0]
    assert first.text.startswith("한국과 캐나다가 포괄적 전략 동반자 관계를 바탕으로")
    assert not any("기자" in c.text or "뉴스1" in c.text for c in parsed.commitments)
    assert [(a.kind, a.text) for a in parsed.asides] == [("byline", "(서울=뉴스1) 정윤영 기자 =")]
    # the headline (and its deck) above the byline is the title, not a clause
    assert parsed.document_title.startswith("한-캐나다, 첫 외교·국방 2+2 국장급 회의 개최")
    assert [c.number for c in parsed.clauses] == ["1"]
    # a byline's city is the reporter's desk, not where anything was agreed
    assert parsed.record is None


@pytest.mark.parametrize("variant", ["", "_oneline"])
def test_the_joint_statements_dateline_gives_the_date_and_place(variant: str) -> None:
    parsed = parse_file("statement-ca-kr-2plus2_2024-11-01_partial" + variant)
    assert parsed.commitments[0].text.startswith("We, the ministers of foreign affairs")
    assert not any("Global Affairs Canada" in c.text for c in parsed.clauses)
    assert parsed.record is not None
    assert (parsed.record.signed_on, parsed.record.place, parsed.record.origin) == (
        date(2024, 11, 1),
        "Ottawa, Ontario",
        "dateline",
    )
    dated = next(w for w in parsed.warnings if w.message_id == "warning.layout.date_from_dateline")
    assert "2024-11-01" in dated.describe("en") and "Ottawa, Ontario" in dated.describe("ko")


@pytest.mark.parametrize("variant", ["", "_oneline", "_oneline-title-run-in"])
def test_the_declarations_signature_date_is_its_signing_date(variant: str) -> None:
    parsed = parse_file("declaration-kr-kp-june-15_2000-06-15" + variant)
    assert parsed.record is not None
    assert parsed.record.signed_on == date(2000, 6, 15)
    assert (parsed.record.origin, parsed.record.title) == ("signature", "남북공동선언")
    assert [(a.kind, a.text) for a in parsed.asides] == [("signature", "2000년 6월 15일")]
    assert not any("2000년 6월 15일" in c.text for c in parsed.clauses)


def test_the_portal_record_keeps_its_own_date_and_place() -> None:
    parsed = parse_agreement(sample_source(), catalog=CATALOG)
    assert parsed.record is not None
    assert (parsed.record.signed_on, parsed.record.place, parsed.record.origin) == (
        date(2025, 10, 30),
        "대한민국 경주",
        "portal",
    )
    assert parsed.asides == ()


def test_the_dateline_date_reaches_the_imported_agreement(engine: Engine) -> None:
    parsed = parse_file("statement-ca-kr-2plus2_2024-11-01_partial")
    with write_session(engine) as session:
        import_agreement(parsed, session=session, source_name="ca-kr-2plus2-2024.txt")
    with read_session(engine) as session:
        agreement = session.exec(select(Agreement)).one()
        assert (agreement.signed_on, agreement.place) == (date(2024, 11, 1), "Ottawa, Ontario")


# --- press formats ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "kind", "signed_on", "place"),
    [
        ("OTTAWA, Nov. 1, 2024 /CNW/ - ", "dateline", date(2024, 11, 1), "OTTAWA"),
        ("SEOUL, Oct. 2 (Yonhap) -- ", "dateline", None, "SEOUL"),  # no year: no date
        ("WASHINGTON (AP) — ", "dateline", None, "WASHINGTON"),
        (
            "1 November 2024 – Seoul – Ministry of Foreign Affairs\n",
            "dateline",
            date(2024, 11, 1),
            "Seoul",
        ),
        ("[서울=뉴시스]홍길동 기자 = ", "byline", None, ""),
        ("【서울=뉴시스】김철수 박영희 기자 = ", "byline", None, ""),
        ("[이데일리 김관용 기자] ", "byline", None, ""),
        ("2025. 10. 2.(목)\n", "dateline", date(2025, 10, 2), ""),
    ],
)
def test_datelines_and_bylines_before_the_first_sentence(
    head: str, kind: str, signed_on: date | None, place: str
) -> None:
    text = head + "We, the ministers, will meet again in Seoul next year to review progress."
    press = read_press(text, 0)
    assert [a.kind for a in press.asides] == [kind]
    assert text[press.asides[0].end :].strip().startswith("We, the ministers")
    assert (press.signed_on, press.place) == (signed_on, place)


def test_a_wire_dateline_is_left_out_of_the_first_commitment() -> None:
    parsed = parse_agreement(
        "OTTAWA, Nov. 1, 2024 /CNW/ - We, the ministers, will meet again in Seoul next year. "
        "We will also launch a cyber dialogue.",
        catalog=NO_CATALOG,
    )
    assert parsed.commitments[0].text == "We, the ministers, will meet again in Seoul next year."
    assert parsed.record is not None and parsed.record.signed_on == date(2024, 11, 1)


def test_a_signature_block_with_place_names_and_titles() -> None:
    text = (
        "1. 양측은 공급망 협력을 강화하기로 하였다.\n\n2. 양측은 정례 협의를 개최하기로 하였다.\n\n"
        "평양\n2000년 6월 15일\n\n대한민국 대통령 김대중\n"
        "조선민주주의인민공화국 국방위원장 김정일\n"
    )
    parsed = parse_agreement(text, catalog=NO_CATALOG)
    assert [c.number for c in parsed.clauses] == ["1", "2"]
    assert parsed.clauses[-1].text == "양측은 정례 협의를 개최하기로 하였다."
    assert [a.text for a in parsed.asides] == [
        "평양",
        "2000년 6월 15일",
        "대한민국 대통령 김대중",
        "조선민주주의인민공화국 국방위원장 김정일",
    ]
    assert parsed.record is not None
    assert (parsed.record.signed_on, parsed.record.place) == (date(2000, 6, 15), "평양")


def test_a_signature_run_onto_the_last_sentence() -> None:
    text = (
        "1. 양측은 공급망 협력을 강화하기로 하였다. 2. 양측은 정례 협의를 개최하기로 하였다. "
        "2000년 6월 15일 서울에서 대한민국 외교부장관 홍길동"
    )
    parsed = parse_agreement(text, catalog=NO_CATALOG)
    assert parsed.clauses[-1].text == "양측은 정례 협의를 개최하기로 하였다."
    assert parsed.record is not None and parsed.record.signed_on == date(2000, 6, 15)


def test_reporter_and_copyright_lines_at_the_end_are_contact_lines() -> None:
    text = (
        "[서울=뉴시스]홍길동 기자 = 양국은 차기 회의를 서울에서 개최하기로 했다.\n"
        "양국은 또한 공급망 협력을 강화하기로 했다.\n"
        "홍길동 기자 hong@newsis.com\n"
        "ⓒ 뉴시스, 무단 전재 및 재배포 금지\n"
    )
    parsed = parse_agreement(text, catalog=NO_CATALOG)
    assert [a.kind for a in parsed.asides] == ["byline", "contact", "contact"]
    assert parsed.commitments[-1].text == "양국은 또한 공급망 협력을 강화하기로 했다."
    assert parsed.record is None  # nothing dates it


def test_a_contact_block_after_a_heading_is_set_aside_whole() -> None:
    text = (
        "We will meet annually.\n\nFor further information\nMedia Relations Office\n"
        "Global Affairs Canada\n343-995-1874\nmedia@international.gc.ca\n"
    )
    press = read_press(text, 0)
    assert [a.kind for a in press.asides] == ["contact"]
    assert press.asides[0].text.startswith("For further information")


def test_a_last_short_line_without_a_date_or_contact_is_not_set_aside() -> None:
    assert read_press("1. 양측은 협력하기로 하였다.\n\n부속서\n", 0).asides == ()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2000년 6월 15일", date(2000, 6, 15)),
        ("2000. 6. 15.", date(2000, 6, 15)),
        ("Nov. 1, 2024", date(2024, 11, 1)),
        ("September 30, 2025", date(2025, 9, 30)),
        ("the 15th day of June 2000", date(2000, 6, 15)),
        ("2000년 2월 30일", None),  # no such day
        ("제1차 회의", None),
    ],
)
def test_dates_as_they_are_written(value: str, expected: date | None) -> None:
    assert read_date(value) == expected


CLAUSES_EN = (
    "1. The Parties will hold an annual dialogue.\n\n"
    "2. The Parties will review this arrangement every two years.\n\n"
)
CLAUSES_KO = (
    "1. 양측은 매년 대화를 개최하기로 하였다.\n\n2. 양측은 이 약정을 2년마다 검토할 것이다.\n\n"
)


@pytest.mark.parametrize(
    ("closing", "signed_on", "place"),
    [
        ("DONE at Seoul on 12 May 2023", date(2023, 5, 12), "Seoul"),
        (
            "DONE at Seoul on 12 May 2023, in duplicate, in the English and Korean languages, "
            "both texts being equally authentic.",
            date(2023, 5, 12),
            "Seoul",
        ),
        (
            "Done at Washington, D.C., this 26th day of April, 2023",
            date(2023, 4, 26),
            "Washington, D.C.",
        ),
        ("Done in duplicate at Ottawa, on 1 November 2024.", date(2024, 11, 1), "Ottawa"),
    ],
)
def test_an_english_closing_formula_is_the_signing_date_and_place(
    closing: str, signed_on: date, place: str
) -> None:
    parsed = parse_agreement(
        CLAUSES_EN + closing + "\n\nFor the Government of the Republic of Korea\n\n"
        "For the Government of the United States of America\n",
        catalog=NO_CATALOG,
    )
    assert parsed.record is not None
    assert (parsed.record.signed_on, parsed.record.place) == (signed_on, place)
    assert parsed.record.origin == "signature"
    assert [a.text for a in parsed.asides] == [
        closing,
        "For the Government of the Republic of Korea",
        "For the Government of the United States of America",
    ]
    assert [c.number for c in parsed.clauses] == ["1", "2"]
    assert not any("Seoul" in c.text or "Government" in c.text for c in parsed.commitments)


@pytest.mark.parametrize(
    "closing",
    [
        "2023년 5월 12일 서울에서",
        "2023년 5월 12일 서울에서 한국어와 영어로 각 2부씩 작성되었다.",
        "서울에서 2023년 5월 12일 서명되었다.",
    ],
)
def test_a_korean_closing_line_is_the_signing_date_and_place(closing: str) -> None:
    parsed = parse_agreement(
        CLAUSES_KO + closing + "\n\n대한민국 외교부 장관 박진\n", catalog=NO_CATALOG
    )
    assert parsed.record is not None
    assert (parsed.record.signed_on, parsed.record.place) == (date(2023, 5, 12), "서울")
    assert parsed.clauses[-1].text == "양측은 이 약정을 2년마다 검토할 것이다."
    assert [a.text for a in parsed.asides] == [closing, "대한민국 외교부 장관 박진"]


def test_a_closing_formula_does_not_replace_a_portal_record() -> None:
    seed = Path(__file__).parents[2] / "tracker/samples/kr-ca-security-defence-partnership-2025.txt"
    text = seed.read_text(encoding="utf-8") + "\n\nDONE at Seoul on 12 May 2023\n"
    parsed = parse_agreement(text, catalog=NO_CATALOG)
    assert parsed.record is not None and parsed.record.origin == "portal"
    assert (parsed.record.signed_on, parsed.record.place) == (date(2025, 10, 30), "대한민국 경주")
