"""How well a sentence speaks to a commitment: a sentence of words every commitment uses says
nothing about any of them, a sentence that repeats a commitment speaks to it fully, and the
commitments a sentence is about come first.

Most of these rank the seed's 36 tracked commitments (the Korea–Canada security and defence
partnership, parsed here without a database) as the intake reads them, through Kiwi.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.importer import parse_agreement
from tracker.intake.proposals import IntakeRules
from tracker.intake.ranking import Bm25Index, Match
from tracker.intake.terms import Analyzer, shared_analyzer

SEED = (
    Path(__file__).parents[1]
    / "fixtures"
    / "corpus"
    / "00_kr-ca_security-defence-partnership_2025-10-30_portal.txt"
)
THRESHOLD = IntakeRules().threshold


class Ranked:
    """The seed's tracked commitments, indexed; each search answered by commitment number."""

    def __init__(self, analyzer: Analyzer) -> None:
        parsed = parse_agreement(SEED.read_text(encoding="utf-8"))
        tracked = [c for c in parsed.commitments if c.tracked]
        self.refs = [c.ref for c in tracked]
        self.texts = {c.ref: c.text for c in tracked}
        self.analyzer = analyzer
        self.index = Bm25Index(analyzer.terms_of([c.text for c in tracked]))

    def search(self, sentence: str) -> list[tuple[str, Match]]:
        return [
            (self.refs[m.document], m) for m in self.index.search(self.analyzer.terms(sentence))
        ]


@pytest.fixture(scope="module")
def seed() -> Ranked:
    return Ranked(shared_analyzer())


@pytest.mark.parametrize(
    "sentence",
    [
        "양측은 협력을 강화하기로 했다.",
        "양국은 협력을 지속적으로 강화하고 확대해 나가기로 하였다.",
        "한국과 캐나다는 양국 관계를 더욱 발전시켜 나가기로 했다.",
    ],
)
def test_a_sentence_of_common_words_speaks_to_no_commitment(seed: Ranked, sentence: str) -> None:
    found = seed.search(sentence)
    assert found, "the words are shared, so commitments are touched"
    assert max(m.score for _, m in found) < THRESHOLD, found[:3]


def test_a_sentence_repeating_a_commitment_speaks_to_it_fully(seed: Ranked) -> None:
    for ref, text in seed.texts.items():
        (top, match), *rest = seed.search(text)
        assert top == ref, (ref, top)
        assert match.score == pytest.approx(1.0, abs=0.01), ref
        assert all(m.score < match.score for _, m in rest), ref


def test_the_commitment_a_report_speaks_to_comes_first_then_the_rest_by_score(
    seed: Ranked,
) -> None:
    found = seed.search(
        "외교부와 국방부는 3월 12일(목) 캐나다 오타와에서 제1차 한-캐나다 사이버 정책협의회를 "
        "개최하고, 사이버 위협 환경과 관련 정책 프레임워크에 대한 의견을 교환했다."
    )
    assert found[0][0] == "17.1"  # the cyber policy consultation's own commitment
    assert found[0][1].score >= THRESHOLD
    scores = [m.score for _, m in found]
    assert scores == sorted(scores, reverse=True)
    assert all(m.score < THRESHOLD for _, m in found[1:])
    # Its reasons: the words it shares with 17.1, rarest first, never a word pair.
    words = found[0][1].words
    assert {"사이버", "협의회", "프레임"} <= set(words)
    assert "협력" not in words  # 17.1 does not say it, though nearly every other does
    assert all(" " not in w for w in words)
    weights = [seed.index.idf(w) for w in words]
    assert weights == sorted(weights, reverse=True)


def test_a_report_of_one_item_of_a_long_commitment_still_finds_it(seed: Ranked) -> None:
    (top, match), *_ = seed.search(
        "또한 양측은 군사 분야에서의 인공지능 및 자율체계의 책임있는 이용에 관한 정보 공유를 "
        "확대하기로 하였다."
    )
    assert top == "18.1"
    assert match.score > 0.7


def test_an_english_sentence_shares_nothing_with_korean_commitments(seed: Ranked) -> None:
    assert seed.search("Cooperation on cyber policy will be strengthened.") == []


# --- the arithmetic, on terms given by hand ------------------------------------------------------


def documents() -> Bm25Index:
    return Bm25Index(
        [
            ("협력", "사이버", "협의회"),
            ("협력", "방산", "포럼"),
            ("협력", "우주", "안보"),
            ("협력", "인공", "지능"),
        ]
    )


def test_a_rare_word_shared_outweighs_a_word_every_document_has() -> None:
    (only,) = documents().search(("사이버",))
    everyone = documents().search(("협력",))
    assert only.document == 0
    assert len(everyone) == 4
    assert only.score > max(m.score for m in everyone)


def test_words_no_commitment_uses_dilute_the_sentence_share() -> None:
    index = documents()
    (plain,) = index.search(("사이버", "협의회"))
    (padded,) = index.search(("사이버", "협의회", "날씨", "여행", "음식"))
    # Both words are all the plain sentence says: only 협력, which it lacks, keeps it under 1.
    assert 0.95 < plain.score < 1.0
    # Three words of five are about something else: each weighs as the rarest word, so the
    # sentence share falls from 1 to 2/5 and the score by its square root.
    assert padded.score == pytest.approx(plain.score * (2 / 5) ** 0.5)


def test_ties_keep_the_documents_order_and_nothing_shared_finds_nothing() -> None:
    index = Bm25Index([("방산", "포럼"), ("방산", "포럼")])
    assert [m.document for m in index.search(("방산",))] == [0, 1]
    assert index.search(("우주",)) == []
    assert Bm25Index([]).search(("우주",)) == []
