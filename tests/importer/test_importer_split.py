"""The split rule on small texts: sentences, strength, actors, refs and items."""

from __future__ import annotations

import pytest

from tracker.domain import Language, Strength
from tracker.importer import ImportInputError, parse_agreement
from tracker.importer.mechanism_catalog import MechanismCatalog
from tracker.importer.split import actors_of, sentence_spans, strength_of

NO_CATALOG = MechanismCatalog([])


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text, 0, len(text))]


def test_sentences_end_at_full_stops_but_not_at_abbreviations() -> None:
    text = "The U.S. and the ROK will meet in Seoul. They will report by Dec. 1 to Mr. Lee. Done."
    assert sentences(text) == [
        "The U.S. and the ROK will meet in Seoul.",
        "They will report by Dec. 1 to Mr. Lee.",
        "Done.",
    ]


def test_run_together_treaty_sentences_are_split() -> None:
    text = "The Commission shall meet.The working-parties shall report to it."
    assert sentences(text) == [
        "The Commission shall meet.",
        "The working-parties shall report to it.",
    ]


def test_korean_sentences_split_after_the_final_ending() -> None:
    text = "양국은 협력을 강화할 것이다. 10.30.(목) 회의는 경주에서 열렸다. 또한 정보를 교환한다."
    assert sentences(text) == [
        "양국은 협력을 강화할 것이다.",
        "10.30.(목) 회의는 경주에서 열렸다.",
        "또한 정보를 교환한다.",
    ]


@pytest.mark.parametrize(
    ("sentence", "strength"),
    [
        ("양국은 협력을 강화할 것이다.", Strength.FIRM),
        ("양국은 협력을 확대하기 위해 노력할 것이다.", Strength.BEST_EFFORT),
        ("양국은 잠재적 협력 기회를 모색할 것이다.", Strength.BEST_EFFORT),
        ("양국은 대표단을 초청하기로 하였다.", Strength.FIRM),
        ("양국은 파트너십을 수립하고 시행하기로 했으며, 이는 틀을 마련할 것이다.", Strength.FIRM),
        ("양국은 혁신을 촉진하기로 약속한다.", Strength.FIRM),
        ("양국은 비핵화에 대한 의지를 재확인한다.", Strength.DECLARATORY),
        ("양국은 협력의 필요성을 인식한다.", Strength.DECLARATORY),
        ("양국은 새로운 협의체를 신설할 수 있다.", Strength.PERMISSIVE),
        ("양국은 호혜적 협력을 강화하고 있다.", Strength.DESCRIPTIVE),
        ("센터의 임무는 영향을 완화하는 것이다.", Strength.DESCRIPTIVE),
        ("이에는 경제 안보에 대한 논의도 포함된다.", Strength.DESCRIPTIVE),
        ("진전사항은 장관회의에 보고된다.", Strength.FIRM),
    ],
)
def test_korean_strength(sentence: str, strength: Strength) -> None:
    assert strength_of(sentence, Language.KO) is strength


@pytest.mark.parametrize(
    ("sentence", "strength"),
    [
        ("We will strengthen our economies.", Strength.FIRM),
        ("The Contracting Parties shall inform each other.", Strength.FIRM),
        ("The Parties agree to establish a Mixed Commission.", Strength.FIRM),
        ("We commit to expand our cooperation.", Strength.FIRM),
        ("The Leaders decided to meet at least annually.", Strength.FIRM),
        ("We seek to expand trilateral cooperation.", Strength.BEST_EFFORT),
        ("The Leaders committed to explore new resources.", Strength.BEST_EFFORT),
        ("The Parties shall endeavour to cooperate.", Strength.BEST_EFFORT),
        ("We reaffirm our commitment to the denuclearization of the DPRK.", Strength.DECLARATORY),
        ("The Parties recognize that cooperation may concern energy.", Strength.DECLARATORY),
        ("We welcome the dialogue planned in October.", Strength.DECLARATORY),
        ("Experts may be called upon to attend.", Strength.PERMISSIVE),
        ("The Government shall be entitled to terminate the Agreement.", Strength.PERMISSIVE),
        ("The present Agreement shall enter into force on 1 January.", Strength.DESCRIPTIVE),
        (
            "ROK companies have announced new investments, which will create jobs.",
            Strength.DESCRIPTIVE,
        ),
        ("Recognizing the threat, we will discuss ways to counter it.", Strength.FIRM),
        ("To this end we will improve our communication.", Strength.FIRM),
        ("The summit took place in August.", Strength.DESCRIPTIVE),
    ],
)
def test_english_strength(sentence: str, strength: Strength) -> None:
    assert strength_of(sentence, Language.EN) is strength


@pytest.mark.parametrize(
    ("sentence", "language", "actors"),
    [
        ("한국과 캐나다는 협력할 것이다.", Language.KO, "both"),
        ("대한민국(한국)과 캐나다는 재확인한다.", Language.KO, "both"),
        ("양국은 협력할 것이다.", Language.KO, "both"),
        ("캐나다는 전문가를 파견할 것이다.", Language.KO, "캐나다"),
        ("이 포럼은 계기가 될 것이다.", Language.KO, None),
        ("The Contracting Parties shall cooperate.", Language.EN, "both"),
        ("Each Contracting Party undertakes to facilitate exhibitions.", Language.EN, "each"),
        ("The United States and the ROK will meet.", Language.EN, "both"),
        ("We will meet.", Language.EN, "both"),
        ("The Leaders decided to meet.", Language.EN, "both"),
        ("The United States committed to deploy assets.", Language.EN, "United States"),
        ("The ROK Government will make $5.3 billion available.", Language.EN, "ROK"),
        ("President Biden of the United States welcomed President Yoon.", Language.EN, None),
    ],
)
def test_actors(sentence: str, language: Language, actors: str | None) -> None:
    assert actors_of(sentence, language) == actors


def test_a_clause_without_items_gives_one_commitment_per_sentence() -> None:
    text = (
        "1. 양국은 협력을 강화할 것이다. 또한 양국은 정보를 공유하기로 약속한다.\n"
        "2. 양국은 노력할 것이다.\n"
    )
    parsed = parse_agreement(text, catalog=NO_CATALOG)
    assert [(c.ref, c.clause, c.item) for c in parsed.commitments] == [
        ("1.1", "1", None),
        ("1.2", "1", None),
        ("2.1", "2", None),
    ]


def test_items_are_commitments_that_inherit_a_verbless_lead_in() -> None:
    text = (
        "(1) 양국은 다음 분야에서 협력하기 위해 노력할 것이다.\n"
        "  가. 미세먼지 공동 연구\n"
        "  나. 정보 교환\n"
        "(2) 일본은 전문가를 파견할 수 있다.\n"
    )
    parsed = parse_agreement(text, catalog=NO_CATALOG)
    assert [c.number for c in parsed.clauses] == ["1", "2"]
    assert [(i.marker, i.text) for i in parsed.clauses[0].items] == [
        ("가.", "미세먼지 공동 연구"),
        ("나.", "정보 교환"),
    ]
    found = {c.ref: c for c in parsed.commitments}
    assert list(found) == ["1.0", "1.1", "1.2", "2.1"]
    assert found["1.2"].text == "정보 교환" and found["1.2"].item == 2
    assert {found[r].strength for r in ("1.0", "1.1", "1.2")} == {Strength.BEST_EFFORT}
    assert (found["2.1"].strength, found["2.1"].actors, found["2.1"].tracked) == (
        Strength.PERMISSIVE,
        "일본",
        False,
    )


def test_a_lead_in_of_several_sentences_is_numbered_under_zero() -> None:
    text = (
        "1. 양국은 협력할 것이다. 양국은 다음을 추진할 것이다.\n"
        "ㅇ 공동 연구\n"
        "ㅇ 인적 교류\n"
        "2. 양국은 협의할 것이다.\n"
    )
    parsed = parse_agreement(text, catalog=NO_CATALOG)
    assert [c.ref for c in parsed.commitments] == ["1.0.1", "1.0.2", "1.1", "1.2", "2.1"]


def test_a_text_with_clauses_but_no_undertaking_gives_a_warning() -> None:
    parsed = parse_agreement(
        "1. 양국은 우호 관계를 재확인한다.\n2. 양국은 협력의 역사를 인식한다.\n"
    )
    assert len(parsed.clauses) == 2 and not any(c.tracked for c in parsed.commitments)
    (warning,) = parsed.warnings
    assert str(warning).startswith("2 clauses but no commitment to track")
    assert warning.describe("ko").startswith("조항 2개가 있지만 점검할 이행과제가 없습니다")


@pytest.mark.parametrize("text", ["hello world", "   \n\n  ", "제목만 있는 문서\n\n부제목\n"])
def test_a_text_without_clauses_is_refused(text: str) -> None:
    with pytest.raises(ImportInputError):
        parse_agreement(text)
