"""The seed: the portal page of the Korea–Canada security and defence partnership (2025-10-30).

What a desk officer sees after importing it: the record exactly as the portal prints it, the
document's 26 clauses under its seven sections, the commitments worth tracking, and the
mechanisms that follow them up, with the review chain DG-level dialogue → biennial 2+2.
"""

from __future__ import annotations

import hashlib
import timeit
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from tracker.domain import Cadence, Language, MechanismKind, Strength
from tracker.importer import ParsedAgreement, ParsedCommitment, ParsedMechanism, parse_agreement
from tracker.importer.decode import decode_source
from tracker.importer.mechanism_catalog import MechanismCatalog

SEED = (
    Path(__file__).parents[1]
    / "fixtures"
    / "corpus"
    / ("00_kr-ca_security-defence-partnership_2025-10-30_portal.txt")
)
TWO_PLUS_TWO = "외교·국방장관 2+2 회의"
DG_DIALOGUE = "국장급 외교·국방 정책 대화"


@pytest.fixture(scope="module")
def seed() -> ParsedAgreement:
    text = decode_source(SEED.read_bytes(), name=SEED.name)
    return parse_agreement(text, catalog=MechanismCatalog.load_default())


def commitment(seed: ParsedAgreement, ref: str) -> ParsedCommitment:
    return next(c for c in seed.commitments if c.ref == ref)


def by_clause(seed: ParsedAgreement, number: str) -> list[ParsedCommitment]:
    return [c for c in seed.commitments if c.clause == number]


# --- the record -------------------------------------------------------------------------------


def test_the_record_fields_come_out_exactly_as_the_portal_prints_them(
    seed: ParsedAgreement,
) -> None:
    record = seed.record
    assert record is not None
    assert record.title == "한-캐나다 안보·국방 협력 파트너십 수립"
    assert record.domestic_body == "외교부"
    assert record.foreign_body == "국방부"
    assert record.countries == ("캐나다",)  # printed twice, one per table column
    assert record.field == "방산·항공우주"
    assert record.signed_on == date(2025, 10, 30)
    assert record.place == "대한민국 경주"
    assert (record.officer_rank, record.officer_name) == ("외무서기관", "정진우")
    assert (record.officer_ministry, record.officer_division) == ("외교부", "북미2과")


def test_the_summary_is_the_paragraph_above_the_document(seed: ParsedAgreement) -> None:
    assert seed.record is not None
    summary = seed.record.summary
    assert summary.startswith("한국과 캐나다는 10.30.(목) 경주에서")
    assert summary.endswith("정례적으로 점검해 나가기로 하였다.")
    assert "로그인" not in summary and "❚" not in summary


def test_the_document_has_its_own_title_and_is_korean(seed: ParsedAgreement) -> None:
    assert seed.document_title == "대한민국-캐나다 안보·국방 협력 파트너십"
    assert seed.language is Language.KO
    assert seed.warnings == ()


def test_the_source_is_kept_verbatim_with_its_hash(seed: ParsedAgreement) -> None:
    assert seed.source_text == SEED.read_text(encoding="utf-8")
    assert seed.source_hash == hashlib.sha256(seed.source_text.encode("utf-8")).hexdigest()


def test_the_shipped_sample_is_a_byte_copy_of_the_seed() -> None:
    shipped = resources.files("tracker").joinpath(
        "samples/kr-ca-security-defence-partnership-2025.txt"
    )
    assert shipped.read_bytes() == SEED.read_bytes()


# --- sections and clauses ---------------------------------------------------------------------


def test_seven_sections_hold_the_26_clauses_under_one_parent(seed: ParsedAgreement) -> None:
    titles = {s.index: s.title for s in seed.sections}
    outline = [
        (s.title, titles[s.parent] if s.parent is not None else None, s.level)
        for s in seed.sections
    ]
    assert outline == [
        ("전문", None, 1),  # printed letter-spaced: "전 문"
        ("일반 프레임워크", None, 1),
        ("협력 분야", None, 1),
        ("군 협력 및 상호운용성", "협력 분야", 2),
        ("방위산업 및 혁신", "협력 분야", 2),
        ("사이버, 우주, 하이브리드 위협", "협력 분야", 2),
        ("파트너국 대상 역량 개발", "협력 분야", 2),
        ("후속조치", None, 1),
    ]
    numbers_by_section: dict[str, list[int]] = {}
    for clause in seed.clauses:
        assert clause.section is not None
        numbers_by_section.setdefault(titles[clause.section], []).append(int(clause.number))
    assert numbers_by_section == {
        "전문": [1, 2, 3, 4],
        "일반 프레임워크": [5, 6],
        "군 협력 및 상호운용성": [7],
        "방위산업 및 혁신": list(range(8, 16)),
        "사이버, 우주, 하이브리드 위협": list(range(16, 22)),
        "파트너국 대상 역량 개발": [22, 23],
        "후속조치": [24, 25, 26],
    }  # "협력 분야" holds no clause itself: only its subsections do
    assert [c.number for c in seed.clauses] == [str(n) for n in range(1, 27)]
    assert [c.position for c in seed.clauses] == list(range(1, 27))


def test_clause_text_is_the_paragraph_without_its_number(seed: ParsedAgreement) -> None:
    first = seed.clauses[0]
    assert first.text.startswith("대한민국(한국)과 캐나다는 한반도 평화")
    assert seed.source_text[first.start : first.end] == first.text
    last = seed.clauses[-1]
    assert last.text == "이 안보·국방 협력 파트너십의 내용은 적절히 검토될 것이다."
    assert "보도자료" not in last.text  # the page's trailing links are noise


def test_clause_5_lists_six_mechanisms_and_clause_7_eight_areas(seed: ParsedAgreement) -> None:
    clause5 = next(c for c in seed.clauses if c.number == "5")
    assert [i.text for i in clause5.items] == [
        "<외교·국방장관 2+2 회의>",
        "<국장급 외교·국방 정책 대화>",
        "<한-캐나다 방산군수 공동위원회>",
        "<한-캐나다 국방 연구개발 공동위원회>",
        "정기적 실무급 회의(해군·육군·공군·우주 분야)",
        "한국 방위사업청 - 캐나다 상업공사 간 MOU",
    ]
    assert {i.marker for i in clause5.items} == {"ㅇ"}
    clause7 = next(c for c in seed.clauses if c.number == "7")
    assert [i.position for i in clause7.items] == list(range(1, 9))
    assert clause7.items[0].text == "합동 작전, 연습 및 훈련 참여 확대"
    assert clause7.text.endswith(clause7.items[-1].text)
    for item in (*clause5.items, *clause7.items):
        assert seed.source_text[item.start : item.end] == item.text


# --- commitments ------------------------------------------------------------------------------


def test_the_preamble_recognises_and_undertakes_nothing_except_in_clause_3(
    seed: ParsedAgreement,
) -> None:
    for number in ("1", "2", "4"):
        assert by_clause(seed, number), number  # the sentences are listed …
        assert not any(c.tracked for c in by_clause(seed, number)), number  # … untracked
    assert [c.strength for c in by_clause(seed, "2")] == [Strength.DECLARATORY] * 3
    clause3 = by_clause(seed, "3")
    assert [(c.ref, c.strength, c.tracked) for c in clause3] == [
        ("3.1", Strength.DESCRIPTIVE, False),  # "강화하고 있다": a description
        ("3.2", Strength.FIRM, True),  # "협력을 강화할 것이다"
    ]


def test_clause_7_gives_its_lead_in_and_one_commitment_per_item(seed: ParsedAgreement) -> None:
    clause7 = next(c for c in seed.clauses if c.number == "7")
    commitments = by_clause(seed, "7")
    assert [c.ref for c in commitments] == ["7.0", *(f"7.{n}" for n in range(1, 9))]
    lead = commitments[0]
    assert lead.item is None and lead.text.endswith("협력을 확대하기 위해 노력할 것이다.")
    for item, c in zip(clause7.items, commitments[1:], strict=True):
        assert (c.item, c.text, c.start, c.end) == (item.position, item.text, item.start, item.end)
    # "노력할 것이다" is a best effort, and the verbless items inherit it and its actors
    assert {c.strength for c in commitments} == {Strength.BEST_EFFORT}
    assert {c.actors for c in commitments} == {"both"}
    assert all(c.tracked for c in commitments)


@pytest.mark.parametrize(
    ("ref", "strength"),
    [
        ("1.1", Strength.DECLARATORY),  # 재확인한다
        ("5.1", Strength.FIRM),  # 시행하기로 했으며 … 마련할 것이다
        ("6.2", Strength.FIRM),  # 초청하기로 하였다
        ("8.1", Strength.FIRM),  # 활용할 것이다
        ("9.1", Strength.FIRM),  # 약속한다
        ("9.2", Strength.FIRM),  # … 모색할 기회를 제공하기로 약속한다: the last verb decides
        ("10.1", Strength.BEST_EFFORT),  # 노력을 할 것이다
        ("15.1", Strength.BEST_EFFORT),  # 모색할 것이다
        ("16.2", Strength.DESCRIPTIVE),  # 포함된다
        ("21.1", Strength.BEST_EFFORT),  # … 방안도 추진할 것이다
        ("23.2", Strength.DESCRIPTIVE),  # 완화하는 것이다: not a future
        ("24.1", Strength.FIRM),  # 보고된다
        ("25.1", Strength.PERMISSIVE),  # 신설할 수 있다
        ("26.1", Strength.FIRM),  # 적절히 검토될 것이다
    ],
)
def test_strength_is_read_from_the_main_predicate(
    seed: ParsedAgreement, ref: str, strength: Strength
) -> None:
    found = commitment(seed, ref)
    assert found.strength is strength
    assert found.tracked is strength.is_undertaking


def test_clauses_25_and_26_permit_and_review(seed: ParsedAgreement) -> None:
    assert [c.tracked for c in by_clause(seed, "25")] == [False]
    assert [c.tracked for c in by_clause(seed, "26")] == [True]


def test_every_clause_after_the_preamble_but_25_gives_a_tracked_commitment(
    seed: ParsedAgreement,
) -> None:
    tracked = {c.clause for c in seed.commitments if c.tracked}
    assert tracked == {str(n) for n in range(3, 27)} - {"4", "25"}


def test_both_parties_act_throughout(seed: ParsedAgreement) -> None:
    # "직면하여,한국과 캐나다는": the missing space does not hide the joint subject
    assert {c.actors for c in seed.commitments} == {"both"}


def test_refs_are_unique_and_every_commitment_is_a_verbatim_span(seed: ParsedAgreement) -> None:
    refs = [c.ref for c in seed.commitments]
    assert len(refs) == len(set(refs))
    for c in seed.commitments:
        assert seed.source_text[c.start : c.end] == c.text
        assert c.text and c.text == c.text.strip()


# --- mechanisms -------------------------------------------------------------------------------


def mechanisms(seed: ParsedAgreement) -> dict[str, ParsedMechanism]:
    return {m.name: m for m in seed.mechanisms}


def test_the_six_framework_mechanisms_of_clause_5(seed: ParsedAgreement) -> None:
    found = mechanisms(seed)
    expected = {
        TWO_PLUS_TWO: MechanismKind.MINISTERIAL_MEETING,
        DG_DIALOGUE: MechanismKind.DIALOGUE,
        "한-캐나다 방산군수 공동위원회": MechanismKind.COMMITTEE,
        "한-캐나다 국방 연구개발 공동위원회": MechanismKind.COMMITTEE,
        "정기적 실무급 회의(해군·육군·공군·우주 분야)": MechanismKind.WORKING_GROUP,
        "한국 방위사업청 - 캐나다 상업공사 간 MOU": MechanismKind.AGREEMENT,
    }
    for name, kind in expected.items():
        assert found[name].kind is kind, name
        assert found[name].planned is False, name
    assert [m.name for m in seed.mechanisms][:6] == list(expected)


def test_clause_5_items_are_mechanisms_that_its_lead_in_names(seed: ParsedAgreement) -> None:
    clause5 = by_clause(seed, "5")
    assert [c.ref for c in clause5] == ["5.1", "5.2"]  # the items are not commitments
    assert commitment(seed, "5.2").mechanisms[:2] == (TWO_PLUS_TWO, DG_DIALOGUE)
    assert len(commitment(seed, "5.2").mechanisms) == 6


def test_the_2_plus_2_is_one_biennial_mechanism_under_all_its_names(
    seed: ParsedAgreement,
) -> None:
    ministerial = [m for m in seed.mechanisms if m.kind is MechanismKind.MINISTERIAL_MEETING]
    assert [m.name for m in ministerial] == [TWO_PLUS_TWO]
    two_plus_two = ministerial[0]
    assert two_plus_two.cadence is Cadence.BIENNIAL  # clause 24: 격년으로 개최되는
    assert "외교·국방 장관회의" in two_plus_two.aliases  # clause 24
    assert "외교·국방(2+2) 장관회의" in two_plus_two.aliases  # the summary
    assert two_plus_two.name_en.startswith("Foreign and Defence Ministers")
    assert two_plus_two.reports_to is None


def test_the_dg_dialogue_reviews_regularly_and_reports_to_the_2_plus_2(
    seed: ParsedAgreement,
) -> None:
    dialogue = mechanisms(seed)[DG_DIALOGUE]
    assert dialogue.cadence is Cadence.REGULAR
    assert dialogue.reports_to == TWO_PLUS_TWO
    assert {"외교·국방 정책 대화", "한-캐나다 외교·국방 정책 대화"} <= set(dialogue.aliases)
    assert seed.review_mechanism == DG_DIALOGUE
    assert len([m for m in seed.mechanisms if "정책 대화" in m.name]) == 1
    assert commitment(seed, "21.1").mechanisms[0] == DG_DIALOGUE
    assert commitment(seed, "24.1").mechanisms == (DG_DIALOGUE, TWO_PLUS_TWO)


def test_cadences_and_plans_come_from_the_words_around_a_name(seed: ParsedAgreement) -> None:
    found = mechanisms(seed)
    committee = found["한-캐나다 방산군수 공동위원회"]
    assert committee.cadence is Cadence.ANNUAL  # 연례 개최되는
    working = found["정기적 실무급 회의(해군·육군·공군·우주 분야)"]
    assert working.cadence is Cadence.REGULAR
    forum = found["방산 협력 포럼"]  # clause 12: 새로운 … 포럼을 신설
    assert (forum.kind, forum.planned) == (MechanismKind.FORUM, True)
    fairs = found["방산 전시회(ADEX, CANSEC 등)"]  # clause 13: 연례적으로 참여
    assert (fairs.kind, fairs.cadence) == (MechanismKind.EXHIBITION, Cadence.ANNUAL)
    cyber = found["한-캐나다 사이버 정책협의회"]  # 향후 개최 예정인
    assert (cyber.kind, cyber.planned) == (MechanismKind.DIALOGUE, True)
    space = found["우주 안보 대화"]  # 설치하는 방안도 추진
    assert (space.kind, space.planned) == (MechanismKind.DIALOGUE, True)


def test_instruments_in_corner_brackets_are_mechanisms_only_when_they_are_mous(
    seed: ParsedAgreement,
) -> None:
    found = mechanisms(seed)
    for name in (
        "한-캐나다 방산군수협력 MOU",
        "국방연구개발협력 MOU",
        "특수작전부대 협력에 대한 MOU",
    ):
        assert found[name].kind is MechanismKind.AGREEMENT, name
    assert found["특수작전부대 협력에 대한 MOU"].planned is True  # 추진
    assert found["국방연구개발협력 MOU"].planned is False  # 체결한
    assert not [n for n in found if "유엔해양법협약" in n]  # a convention is not a mechanism


def test_quoted_names_count_only_when_they_name_a_body(seed: ParsedAgreement) -> None:
    found = mechanisms(seed)
    assert "서울안보대화" in found and "핼리팩스 국제안보 포럼" in found
    assert "인도-태평양 정보기관장 회의" in found  # ‘…회의(IPICC)’
    assert "IPICC" in found["인도-태평양 정보기관장 회의"].aliases
    assert "인도-태평양 산업 회복력 파트너십" in found  # a partnership with an acronym
    names = " ".join(found)
    assert "포괄적 전략적 동반자 관계" not in names  # a relationship, not a body
    assert "안보·국방 협력 파트너십" not in names  # the agreement itself


def test_commitments_link_to_the_mechanisms_their_text_names(seed: ParsedAgreement) -> None:
    assert commitment(seed, "8.1").mechanisms == (
        "한-캐나다 방산군수협력 MOU",
        "한-캐나다 방산군수 공동위원회",
    )
    assert commitment(seed, "6.2").mechanisms == ("서울안보대화", "핼리팩스 국제안보 포럼")
    assert commitment(seed, "12.2").mechanisms == ("방산 협력 포럼",)  # "이 포럼은"
    assert commitment(seed, "7.6").mechanisms == ("인도-태평양 정보기관장 회의",)
    assert commitment(seed, "7.1").mechanisms == ()
    names = {m.name for m in seed.mechanisms}
    assert all(set(c.mechanisms) <= names for c in seed.commitments)


def test_without_a_catalog_the_text_alone_gives_the_same_review_chain() -> None:
    text = SEED.read_text(encoding="utf-8")
    bare = parse_agreement(text, catalog=MechanismCatalog([]))
    dialogue = next(m for m in bare.mechanisms if m.name == DG_DIALOGUE)
    assert dialogue.reports_to == TWO_PLUS_TWO
    assert bare.review_mechanism == DG_DIALOGUE
    assert len([m for m in bare.mechanisms if m.kind is MechanismKind.MINISTERIAL_MEETING]) == 1


def test_the_default_catalog_is_used_when_none_is_given() -> None:
    text = SEED.read_text(encoding="utf-8")
    assert parse_agreement(text) == parse_agreement(text, catalog=MechanismCatalog.load_default())


def test_parsing_the_seed_is_fast() -> None:
    """Well under 20 ms on a developer machine; the bound here leaves room for a busy CI."""
    text = SEED.read_text(encoding="utf-8")
    catalog = MechanismCatalog.load_default()
    best = min(timeit.repeat(lambda: parse_agreement(text, catalog=catalog), number=1, repeat=7))
    assert best < 0.1
