"""Strength per part of a sentence: a condemnation beside an undertaking.

An officer reading the split sees the firm part tracked and the declaratory part kept, but
untracked; a sentence whose parts are alike stays one commitment, and no other ref moves.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.domain import Language, Strength
from tracker.importer import ParsedAgreement, ParsedCommitment, parse_agreement
from tracker.importer.mechanism_catalog import MechanismCatalog
from tracker.importer.split import sentence_parts, strength_of

NO_CATALOG = MechanismCatalog([])


def parse(text: str) -> ParsedAgreement:
    return parse_agreement(text, catalog=NO_CATALOG)


def shown(parsed: ParsedAgreement) -> list[tuple[str, str, bool]]:
    """What the review lists: ref, text, tracked."""
    return [(c.ref, c.text, c.tracked) for c in parsed.commitments]


def verbatim(parsed: ParsedAgreement) -> None:
    for c in parsed.commitments:
        assert parsed.source_text[c.start : c.end] == c.text, c.ref
        assert c.text == c.text.strip() and c.text, c.ref


# --- what a sentence says on its own ---------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "language"),
    [
        ("양국은 북한의 탄도미사일 발사를 강력히 규탄한다.", Language.KO),
        ("양국은 역내 긴장 고조에 깊은 우려를 표명하였다.", Language.KO),
        ("양국은 이번 사태를 개탄한다.", Language.KO),
        ("We condemn in the strongest possible terms the missile launches.", Language.EN),
        ("We are gravely concerned that soldiers have been deployed to Russia.", Language.EN),
        ("We deplore the attacks on civilians.", Language.EN),
        ("We remain deeply concerned about the situation.", Language.EN),
    ],
)
def test_condemnation_and_concern_are_declaratory(sentence: str, language: Language) -> None:
    assert strength_of(sentence, language) is Strength.DECLARATORY


# --- a sentence holding both ---------------------------------------------------------------------


def test_a_korean_condemnation_beside_an_undertaking_is_split_the_undertaking_tracked() -> None:
    parsed = parse(
        "1. 양국은 북한의 탄도미사일 발사를 강력히 규탄하고, 유엔 안보리 결의 이행을 위해 "
        "국제사회와 긴밀히 협력하기로 하였다.\n"
        "2. 양국은 정보를 교환할 것이다.\n"
    )
    verbatim(parsed)
    assert shown(parsed) == [
        ("1.1", "양국은 북한의 탄도미사일 발사를 강력히 규탄하고,", False),
        ("1.1b", "유엔 안보리 결의 이행을 위해 국제사회와 긴밀히 협력하기로 하였다.", True),
        ("2.1", "양국은 정보를 교환할 것이다.", True),
    ]
    first, second = parsed.commitments[:2]
    assert (first.strength, second.strength) == (Strength.DECLARATORY, Strength.FIRM)
    assert first.actors == second.actors == "both"  # the second part keeps the subject


def test_concern_expressed_with_a_light_verb_is_its_own_part() -> None:
    parsed = parse(
        "1. 양측은 역내 긴장 고조에 깊은 우려를 표하며, 대화 재개를 위해 노력해 나가기로 하였다.\n"
        "2. 양측은 협의할 것이다.\n"
    )
    assert [(c.ref, c.strength) for c in parsed.commitments][:2] == [
        ("1.1", Strength.DECLARATORY),
        ("1.1b", Strength.BEST_EFFORT),
    ]


def test_a_past_act_reported_beside_an_undertaking_is_not_tracked() -> None:
    # the closing paragraph of the June 15 declaration: an invitation made, a visit undertaken
    text = (
        "1. 남과 북은 당국 사이의 대화를 개최하기로 하였다.\n\n"
        "2. 김대중대통령은 김정일국방위원장이 서울을 방문하도록 정중히 초청하였으며 "
        "김정일국방위원장은 앞으로 적절한 시기에 서울을 방문하기로 하였다.\n"
    )
    parsed = parse(text)
    verbatim(parsed)
    assert shown(parsed)[1:] == [
        ("2.1", "김대중대통령은 김정일국방위원장이 서울을 방문하도록 정중히 초청하였으며", False),
        ("2.1b", "김정일국방위원장은 앞으로 적절한 시기에 서울을 방문하기로 하였다.", True),
    ]


def test_an_english_undertaking_and_a_reaffirmation_are_split_at_and() -> None:
    text = (
        "We also commit to strengthening cooperation to promote respect for human rights in the "
        "DPRK and reaffirm a shared commitment to the immediate resolution of the issues of "
        "abductees. We will meet again next year."
    )
    parsed = parse(text)
    verbatim(parsed)
    assert shown(parsed) == [
        (
            "1.1",
            "We also commit to strengthening cooperation to promote respect for human rights "
            "in the DPRK",
            True,
        ),
        (
            "1.1b",
            "reaffirm a shared commitment to the immediate resolution of the issues of abductees.",
            False,
        ),
        ("1.2", "We will meet again next year.", True),  # the next sentence keeps its ref
    ]
    assert parsed.commitments[1].strength is Strength.DECLARATORY


def test_an_english_condemnation_followed_by_will_is_split() -> None:
    parsed = parse(
        "We condemn the DPRK's ballistic missile launches, and we will work closely together "
        "to ensure full implementation of the resolutions."
    )
    assert [(c.ref, c.strength, c.tracked) for c in parsed.commitments] == [
        ("1.1", Strength.DECLARATORY, False),
        ("1.1b", Strength.FIRM, True),
    ]
    assert parsed.commitments[1].text.startswith("we will work closely together")


def test_a_split_item_keeps_its_item() -> None:
    text = (
        "1. 양국은 다음과 같이 합의하였다.\n"
        "ㅇ 양국은 사이버 공격을 규탄하고, 사이버 정책 협의를 정례화하기로 하였다.\n"
        "ㅇ 양국은 인적 교류를 확대할 것이다.\n"
        "2. 양국은 협의할 것이다.\n"
    )
    parsed = parse(text)
    verbatim(parsed)
    found = {c.ref: c for c in parsed.commitments}
    assert list(found) == ["1.0", "1.1", "1.1b", "1.2", "2.1"]
    assert (found["1.1"].item, found["1.1b"].item) == (1, 1)
    assert (found["1.1"].tracked, found["1.1b"].tracked) == (False, True)
    assert found["1.1"].text == "양국은 사이버 공격을 규탄하고,"


# --- sentences that stay whole -------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        # one act after another, both under "…하기로 했다"
        "양측은 인태 대화를 조속히 출범시키고, 성과사업들을 착실히 이행하기로 했다.",
        # a recognition is the premise of what follows ("Recognizing …, we will")
        "양국은 캐나다의 노력을 인식하며, 협력 방안을 모색할 것이다.",
        # both undertakings, of different strength: tracked as one
        "양국은 협력 기회를 모색하면서, 평가 분야에서 협력할 것이다.",
        # both untracked: an appreciation and a report of what was said
        "양측은 고위급 교류를 평가하면서, 외교장관 회담 등을 언급했다.",
        # "-고 있다" is one predicate
        "양국은 평화를 위해 노력하고 있으며 이를 지속할 것이다.",
    ],
)
def test_a_korean_sentence_whose_parts_are_alike_is_one_commitment(sentence: str) -> None:
    parsed = parse(f"1. {sentence}\n2. 양국은 협의할 것이다.\n")
    assert [c.ref for c in parsed.commitments] == ["1.1", "2.1"]
    assert parsed.commitments[0].text == sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "Furthermore, we reaffirm our commitment to denuclearization and urge the DPRK to "
        "abandon its programs.",
        "The present Agreement shall enter into force on signature and shall remain in force "
        "for a period of 5 years.",
        "Hyundai's plant in Georgia is under construction and will create 8,100 jobs.",
        "We will expand cooperation in science and technology and deepen exchanges.",
    ],
)
def test_an_english_sentence_whose_parts_are_alike_is_one_commitment(sentence: str) -> None:
    parsed = parse(f"{sentence} The Parties shall cooperate.")
    assert [c.text for c in parsed.commitments] == [sentence, "The Parties shall cooperate."]


def test_parts_know_which_strength_is_their_own() -> None:
    text = "양측은 테러 공격을 규탄하고, 피해국에 대한 지원을 확대하고, 공조를 강화하기로 하였다."
    parts = sentence_parts(text, 0, len(text), Language.KO)
    assert [(text[p.start : p.end], p.strength, p.own) for p in parts] == [
        ("양측은 테러 공격을 규탄하고,", Strength.DECLARATORY, True),
        ("피해국에 대한 지원을 확대하고,", Strength.FIRM, False),  # under "…하기로 하였다"
        ("공조를 강화하기로 하였다.", Strength.FIRM, True),
    ]
    parsed = parse(f"1. {text}\n2. 양측은 협의할 것이다.\n")
    assert [(c.ref, c.tracked) for c in parsed.commitments][:2] == [("1.1", False), ("1.1b", True)]
    assert parsed.commitments[1].text == "피해국에 대한 지원을 확대하고, 공조를 강화하기로 하였다."


def _commitment(parsed: ParsedAgreement, ref: str) -> ParsedCommitment:
    return next(c for c in parsed.commitments if c.ref == ref)


def test_the_2_plus_2_statement_condemns_without_undertaking_and_commits_at_the_end() -> None:
    # the opening of the 2024 Canada–ROK 2+2 joint statement, as Global Affairs Canada printed it
    text = (
        "We condemn in the strongest possible terms North Korea's deepening military "
        "cooperation with Russia. We are gravely concerned that large numbers of North Korean "
        "soldiers have been deployed to Russia. We call on North Korea and Russia to "
        "immediately cease these unlawful and destabilizing activities. Recognizing that the "
        "security of the Indo-Pacific and Euro-Atlantic regions are increasingly "
        "interconnected, we commit to actively pursuing further measures together with the "
        "international community."
    )
    parsed = parse(text)
    assert [(c.ref, c.strength) for c in parsed.commitments] == [
        ("1.1", Strength.DECLARATORY),
        ("1.2", Strength.DECLARATORY),
        ("1.3", Strength.DECLARATORY),
        ("1.4", Strength.BEST_EFFORT),  # committed to pursue
    ]
    assert [c.ref for c in parsed.commitments if c.tracked] == ["1.4"]
    assert _commitment(parsed, "1.4").text.startswith("Recognizing that")


def test_the_seed_keeps_its_split() -> None:
    # clause 23 recognises ("인식하며,") before it undertakes: a premise, not a second act
    seed = Path(__file__).parents[1] / "fixtures" / "corpus"
    path = next(seed.glob("00_*.txt"))
    parsed = parse_agreement(path.read_text(encoding="utf-8"))
    assert len(parsed.commitments) == 45
    assert not [c.ref for c in parsed.commitments if c.ref[-1].isalpha()]
    assert _commitment(parsed, "23.1").text.endswith("협력 방안을 모색할 것이다.")
