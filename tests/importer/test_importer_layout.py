"""Texts that lost their line breaks (copied from a news site onto one line) split as their
laid-out originals do: numbers are clauses, bullets and ordinal words are items, the title is
the title, and every span is still verbatim.

The fixtures in tests/fixtures/import_texts/ are real texts (the June 15 joint declaration of
2000, a News1 article, a Global Affairs Canada joint statement) and their one-line variants: the
lines below the `SOURCE:` line joined with a space (and, for the declaration, once more with its
title glued to the first sentence: "남북공동선언조국의 …").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.domain import Strength
from tracker.importer import ParsedAgreement, parse_agreement
from tracker.importer.decode import decode_source
from tracker.importer.layout import recover_layout
from tracker.importer.mechanism_catalog import MechanismCatalog

TEXTS = Path(__file__).parents[1] / "fixtures" / "import_texts"
FILES = sorted(TEXTS.glob("*.txt"))
CATALOG = MechanismCatalog.load_default()
NO_CATALOG = MechanismCatalog([])
DECLARATION = "declaration-kr-kp-june-15_2000-06-15"
SEED = Path(__file__).parents[2] / "tracker/samples/kr-ca-security-defence-partnership-2025.txt"


def parse_file(name: str) -> ParsedAgreement:
    path = TEXTS / f"{name}.txt"
    return parse_agreement(decode_source(path.read_bytes(), name=path.name), catalog=CATALOG)


def folded(text: str) -> str:
    return " ".join(text.split())


def clause_view(parsed: ParsedAgreement) -> list[tuple[str, str, list[str]]]:
    return [(c.number, folded(c.text), [folded(i.text) for i in c.items]) for c in parsed.clauses]


def commitment_view(parsed: ParsedAgreement) -> list[tuple[str, str, Strength, bool]]:
    return [(c.ref, folded(c.text), c.strength, c.tracked) for c in parsed.commitments]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_clause_item_and_commitment_is_a_verbatim_span(path: Path) -> None:
    parsed = parse_agreement(path.read_text(encoding="utf-8"), catalog=CATALOG)
    source = parsed.source_text
    for clause in parsed.clauses:
        assert source[clause.start : clause.end] == clause.text
        for item in clause.items:
            assert source[item.start : item.end] == item.text
    for c in parsed.commitments:
        assert source[c.start : c.end] == c.text and c.text == c.text.strip()
    for aside in parsed.asides:
        assert source[aside.start : aside.end] == aside.text


@pytest.mark.parametrize("variant", ["_oneline", "_oneline-title-run-in"])
def test_the_declaration_on_one_line_splits_as_its_laid_out_original(variant: str) -> None:
    original = parse_file(DECLARATION)
    one_line = parse_file(DECLARATION + variant)
    assert one_line.document_title == original.document_title == "남북공동선언"
    assert [c.number for c in one_line.clauses] == ["1", "2", "3", "4", "5"]
    assert clause_view(one_line) == clause_view(original)
    assert commitment_view(one_line) == commitment_view(original)
    # the numbers are clause numbers, not commitments of their own
    assert not any(c.text.rstrip(".").isdigit() for c in one_line.commitments)
    assert one_line.clauses[0].text.startswith("남과 북은 나라의 통일문제를")
    assert one_line.recovered_breaks  # and the officer is told so
    assert any(w.message_id == "warning.layout.breaks_recovered" for w in one_line.warnings)


def test_the_laid_out_declaration_recovers_nothing() -> None:
    parsed = parse_file(DECLARATION)
    assert parsed.recovered_breaks == ()
    assert not any(w.message_id == "warning.layout.breaks_recovered" for w in parsed.warnings)


@pytest.mark.parametrize(
    "name", ["news-kr-ca-dg-2plus2_2025-10-02", "statement-ca-kr-2plus2_2024-11-01_partial"]
)
def test_news_texts_on_one_line_keep_their_sentences(name: str) -> None:
    original, one_line = parse_file(name), parse_file(name + "_oneline")
    assert one_line.document_title == original.document_title
    assert [c for _, c, *_ in commitment_view(one_line)] == [
        c for _, c, *_ in commitment_view(original)
    ]
    assert one_line.record == original.record


def test_inline_numbers_with_ordinal_words_inside_a_clause() -> None:
    text = (
        "양측은 다음과 같이 합의하였다. 1. 양측은 다음 분야에서 협력하기로 하였다. 첫째, 양측은 "
        "공급망 협력을 강화한다. 둘째, 양측은 인적 교류를 확대한다. 2. 양측은 차기 회의를 서울에서 "
        "개최하기로 하였다. 3. 양측은 이 합의를 이행하기 위해 노력할 것이다."
    )
    parsed = parse_agreement(text, catalog=NO_CATALOG)
    assert [c.number for c in parsed.clauses] == ["1", "2", "3"]
    first = parsed.clauses[0]
    assert [(i.marker, i.text) for i in first.items] == [
        ("첫째", "양측은 공급망 협력을 강화한다."),
        ("둘째", "양측은 인적 교류를 확대한다."),
    ]
    assert [c.ref for c in parsed.commitments] == ["1.0", "1.1", "1.2", "2.1", "3.1"]
    assert parsed.commitments[-1].strength is Strength.BEST_EFFORT


def test_bullets_run_together_are_items() -> None:
    text = (
        "한-미 외교장관회담 결과 □ 양국 장관은 10월 2일 서울에서 회담을 갖고 "
        "다음과 같이 합의하였다. "
        "▲ 양측은 공급망 협력을 강화하기로 하였다. ▲ 양측은 차기 회의를 내년에 개최하기로 하였다. "
        "□ 또한 양측은 북한 문제에 대해 긴밀히 공조해 나가기로 하였다."
    )
    parsed = parse_agreement(text, catalog=NO_CATALOG)
    assert parsed.document_title == "한-미 외교장관회담 결과"
    markers = [i.marker for c in parsed.clauses for i in c.items]
    assert markers == ["□", "▲", "▲", "□"]
    assert all(c.item is not None for c in parsed.commitments)


def test_parenthesised_markers_after_a_colon_are_items_and_the_list_ends_with_its_sentence() -> (
    None
):
    text = (
        "The Parties will: (a) hold an annual dialogue; (b) exchange information; and (c) review "
        "this arrangement every two years. The Parties will also meet in 2025 to take stock of "
        "progress made under this arrangement and to plan the next steps of their cooperation."
    )
    parsed = parse_agreement(text, catalog=NO_CATALOG)
    assert [i.marker for i in parsed.clauses[0].items] == ["(a)", "(b)", "(c)"]
    assert parsed.clauses[0].items[-1].text == "review this arrangement every two years."
    assert parsed.clauses[1].text.startswith("The Parties will also meet in 2025")


def test_korean_close_paren_numbers_and_english_ordinals() -> None:
    korean = parse_agreement(
        "양측은 다음에 합의하였다: 1) 공동 연구를 추진한다 2) 인적 교류를 확대한다 3) 정례 협의를 "
        "개최한다. 양측은 이 합의의 이행 상황을 매년 점검하기로 하였다.",
        catalog=NO_CATALOG,
    )
    assert [i.marker for i in korean.clauses[0].items] == ["1)", "2)", "3)"]
    english = parse_agreement(
        "We agreed on three priorities. First, we will deepen defence cooperation. Second, we "
        "will strengthen supply chains. Third, we will hold a dialogue every year. We will review "
        "progress annually.",
        catalog=NO_CATALOG,
    )
    items = english.clauses[0].items
    assert [(i.marker, i.text) for i in items] == [
        ("First", "we will deepen defence cooperation."),
        ("Second", "we will strengthen supply chains."),
        ("Third", "we will hold a dialogue every year."),
    ]


def test_ordinal_words_at_line_starts_are_items_too() -> None:
    text = (
        "1. 양측은 다음 분야에서 협력하기로 하였다.\n첫째, 공급망 협력을 강화한다.\n"
        "둘째, 인적 교류를 확대한다.\n2. 양측은 차기 회의를 개최하기로 하였다.\n"
    )
    parsed = parse_agreement(text, catalog=NO_CATALOG)
    assert [i.marker for i in parsed.clauses[0].items] == ["첫째", "둘째"]
    assert parsed.recovered_breaks == ()


@pytest.mark.parametrize(
    "text",
    [
        # a percentage, an ordinal of a meeting, a dotted date, a mid-sentence list
        "양측은 예산을 2.5% 늘리기로 하였다. 제1차 회의는 2000. 6. 15. 서울에서 열렸다. 2. 이후",
        "양측은 ▲공급망 ▲에너지 ▲방산 등 분야에서 협력을 강화하기로 하였다. 양측은 또한 회의한다.",
        "The Parties agree to (a) expand trade and (b) deepen investment over the next years.",
        "양측은 첫째 회의를 열었다. 둘째 날에는 현장을 방문하였다.",  # no comma: not a list
        "1. 양측은 협력한다.\n2. 양측은 회의한다.\n",  # laid out already
    ],
)
def test_what_is_not_inline_structure_gives_no_break(text: str) -> None:
    layout = recover_layout(text, 0)
    assert layout.breaks == frozenset() and layout.items == {}


def test_a_title_run_into_the_body_is_cut_only_before_a_word_not_a_particle() -> None:
    body = "양측은 다음과 같이 합의하였다. " * 12
    glued = recover_layout("한-캐나다 외교장관 공동성명양국 장관은 회담을 가졌다. " + body, 0)
    assert glued.title == (0, len("한-캐나다 외교장관 공동성명"))
    inside = recover_layout("정상회담 공동성명에 따라 양국은 회담을 가졌다. " + body, 0)
    assert inside.title is None
    subject = recover_layout("양측은 공동선언 이행을 위해 회담을 가졌다. " + body, 0)
    assert subject.title is None
    short = recover_layout("남북공동선언조국의 평화적 통일을 염원한다.", 0)
    assert short.title is None  # not a one-line text: its first line is short


def test_the_seed_on_one_line_splits_as_the_seed() -> None:
    """The seed's document copied from the portal page onto one line (its record block kept):
    the same 26 clauses, items, sections, commitments and mechanisms as the laid-out seed."""
    seed = parse_agreement(decode_source(SEED.read_bytes(), name=SEED.name), catalog=CATALOG)
    one_line = parse_file("partnership-kr-ca-security-defence_2025-10-30_portal_oneline")
    assert [c.number for c in one_line.clauses] == [str(n) for n in range(1, 27)]
    assert clause_view(one_line) == clause_view(seed)
    assert [i.marker for c in one_line.clauses for i in c.items] == ["ㅇ"] * 14
    assert [(s.title, s.parent) for s in one_line.sections] == [
        (s.title, s.parent) for s in seed.sections
    ]
    assert [c.section for c in one_line.clauses] == [c.section for c in seed.clauses]
    assert one_line.document_title == seed.document_title
    assert commitment_view(one_line) == commitment_view(seed)
    assert [c.mechanisms for c in one_line.commitments] == [c.mechanisms for c in seed.commitments]
    assert [(m.name, m.kind, m.cadence) for m in one_line.mechanisms] == [
        (m.name, m.kind, m.cadence) for m in seed.mechanisms
    ]
    assert one_line.review_mechanism == seed.review_mechanism
    assert one_line.record == seed.record
    # the portal's link lines run onto the last clause are set aside, not part of it
    assert one_line.clauses[-1].text == "이 안보·국방 협력 파트너십의 내용은 적절히 검토될 것이다."
    assert "보도자료" in one_line.asides[-1].text


def test_the_last_item_before_a_heading_ends_where_its_sibling_items_end() -> None:
    text = (
        "1. 양측은 다음 분야에서 협력한다. ㅇ 공동 연구 확대 ㅇ 인적 교류 증진 ㅇ 정보 공유 확대 "
        "방산 협력 2. 양측은 방산 협력을 강화할 것이다. ㅇ 공동 생산 추진 ㅇ 수출 지원 "
        "3. 양측은 이 합의를 점검할 것이다."
    )
    parsed = parse_agreement(text, catalog=NO_CATALOG)
    assert [c.number for c in parsed.clauses] == ["1", "2", "3"]
    assert [i.text for i in parsed.clauses[0].items] == [
        "공동 연구 확대",
        "인적 교류 증진",
        "정보 공유 확대",
    ]
    assert [s.title for s in parsed.sections] == ["방산 협력"]
    # no other item ends in 추진 or 지원: the last item runs to the number, no heading is made
    assert [i.text for i in parsed.clauses[1].items] == ["공동 생산 추진", "수출 지원"]
    assert parsed.clauses[2].section == parsed.clauses[1].section


@pytest.mark.parametrize(
    "name",
    [
        "statement-ca-kr-2plus2_2024-11-01_partial",
        "statement-ca-kr-2plus2_2024-11-01_partial_oneline",
    ],
)
def test_a_heading_between_paragraphs_on_one_line_each_is_a_section(name: str) -> None:
    parsed = parse_file(name)
    assert [s.title for s in parsed.sections] == ["Partners for global stability"]
    assert [(c.number, c.section) for c in parsed.clauses] == [("1", None), ("2", 0)]
    assert parsed.clauses[0].text.endswith("Canada and the ROK are stronger together.")
    assert parsed.clauses[1].text.startswith("We condemn in the strongest possible terms")
    assert not any("global stability We" in c.text for c in parsed.commitments)


def test_a_wrapped_line_of_a_sentence_is_not_a_heading() -> None:
    long_sentence = "The Parties will hold an annual dialogue on defence cooperation, " * 4
    text = (
        f"{long_sentence.strip()[:-1]}.\n"
        "In the coming years they will also cooperate in the field of\n"
        "Cyber security and space.\n\n"
        "The Parties will review this arrangement every two years and report on it.\n"
    )
    parsed = parse_agreement(text, catalog=NO_CATALOG)
    assert parsed.sections == ()
    assert len(parsed.clauses) == 2
    assert parsed.clauses[0].text.endswith("in the field of\nCyber security and space.")
