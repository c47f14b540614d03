"""The quality report: where an officer should look before saving an import."""

from __future__ import annotations

from pathlib import Path

from tracker.domain import Language, Strength
from tracker.importer import (
    ParsedAgreement,
    ParsedClause,
    ParsedCommitment,
    parse_agreement,
)
from tracker.importer.mechanism_catalog import MechanismCatalog
from tracker.importer.quality import Finding, assess_import

FIXTURES = Path(__file__).parents[1] / "fixtures"
SEED = FIXTURES / "corpus" / "00_kr-ca_security-defence-partnership_2025-10-30_portal.txt"
PRESS_RELEASE = FIXTURES / "import_texts" / "quality_kr-ca_dg-2plus2-press-release_ko.txt"
CATALOG = MechanismCatalog.load_default()

# The opening of the 2024 Canada–ROK 2+2 joint statement as a news site serves it: one line.
ONE_LINE_STATEMENT = (
    "We, the ministers of foreign affairs and ministers of national defence of Canada and the "
    "Republic of Korea met on November 1, 2024, in Ottawa. We condemn in the strongest possible "
    "terms North Korea's deepening military cooperation with Russia. We are gravely concerned "
    "that North Korean soldiers have been deployed to Russia. We are closely monitoring what "
    "Russia provides North Korea in return. We call on North Korea and Russia to immediately "
    "cease these activities. Recognizing that the security of the Indo-Pacific and "
    "Euro-Atlantic regions are interconnected, we commit to actively pursuing further measures "
    "together with the international community.\n"
)


def parse(text: str) -> ParsedAgreement:
    return parse_agreement(text, catalog=CATALOG)


def codes(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.code, f.where) for f in findings]


def test_the_seed_is_only_unsure_about_two_sentences_of_mixed_strength() -> None:
    findings = assess_import(parse(SEED.read_text(encoding="utf-8")))
    assert codes(findings) == [
        ("quality.mixed_unsplit", "11.1"),  # 모색하면서, … 협력할 것이다
        ("quality.mixed_unsplit", "21.1"),  # 다룰 것이며, … 추진할 것이다
    ]
    assert findings[0].describe("en") == (
        "commitment 11.1: holds parts of different strength (best effort, firm) but was kept whole"
    )
    assert findings[0].describe("ko").startswith("이행과제 11.1: 강도가 다른 부분(노력, 확약)")


def test_a_text_that_lost_its_line_breaks_is_one_long_clause_to_look_at() -> None:
    findings = assess_import(parse(ONE_LINE_STATEMENT))
    (long_clause,) = [f for f in findings if f.code == "quality.long_clause"]
    assert long_clause.where == "1" and long_clause.fields["sentences"] == 6
    assert long_clause.describe("en").startswith("clause 1: one long paragraph of 6 sentences (")
    assert "줄바꿈이 사라졌을 수 있으니" in long_clause.describe("ko")


def test_long_paragraphs_of_a_statement_with_many_clauses_are_not_suspect() -> None:
    statement = FIXTURES / "corpus" / "02_us-jp-kr_spirit-of-camp-david_2023.txt"
    findings = assess_import(parse(statement.read_text(encoding="utf-8")))
    assert "quality.long_clause" not in {f.code for f in findings}


def test_a_number_that_became_a_commitment_is_named_with_its_ref() -> None:
    text = "선언한다. 1. 남과 북은 협력하기로 하였다. 2."
    clause = ParsedClause("1", 1, None, text, 0, len(text))
    commitments = (
        ParsedCommitment("1.1", "1", None, "선언한다.", 0, 5, "both", Strength.DESCRIPTIVE, False),
        ParsedCommitment(
            "1.2", "1", None, "1. 남과 북은 협력하기로 하였다.", 6, 25, "both", Strength.FIRM, True
        ),
        ParsedCommitment("1.3", "1", None, "2.", 26, 28, "both", Strength.DESCRIPTIVE, False),
    )
    parsed = ParsedAgreement(text, "", Language.KO, "", None, (), (clause,), commitments, (), None)
    numbers = [f for f in assess_import(parsed) if f.code == "quality.number_commitment"]
    assert [(f.where, f.fields["number"]) for f in numbers] == [("1.2", "1."), ("1.3", "2.")]
    assert numbers[1].describe("en") == (
        "commitment 1.3: its text is, or starts with, a bare number (2.): a number may have "
        "become a commitment"
    )


def test_a_split_sentence_is_reported_with_its_parts_and_what_is_tracked() -> None:
    findings = assess_import(parse(PRESS_RELEASE.read_text(encoding="utf-8")))
    (split,) = [f for f in findings if f.code == "quality.mixed_split"]
    assert split.where == "1.2"
    assert split.describe("en") == (
        "commitment 1.2: a sentence whose parts differ in strength was split into 1.2, 1.2b; "
        "tracked: 1.2b"
    )
    assert split.as_json("ko")["fields"] == {"refs": ["1.2", "1.2b"], "tracked": ["1.2b"]}
    # every mechanism the press release names was recognised
    assert "quality.unknown_mechanism" not in {f.code for f in findings}


def test_a_clause_that_reads_like_an_undertaking_but_tracks_nothing() -> None:
    text = (
        "1. We note that the ministers will meet every year in Seoul.\n"
        "2. The Parties shall exchange information.\n"
    )
    findings = assess_import(parse(text))
    assert codes(findings) == [("quality.untracked_undertaking", "1")]
    assert findings[0].fields["words"] == "will meet"


def test_treaty_mechanics_are_not_undertakings_left_out() -> None:
    text = (
        "1. The Parties shall exchange information.\n"
        "2. The present Agreement shall enter into force on signature.\n"
    )
    assert assess_import(parse(text)) == []


def test_a_mechanism_like_name_nobody_recognised() -> None:
    text = (
        "1. 양국은 한-영 해양안보 파트너십 회의를 통해 협력할 것이다.\n"
        "2. 양국은 유관 워킹그룹과 주요 협의체에서 협력할 것이다.\n"  # bodies described, not named
        "3. 양국은 G7 정상회의 계기 정상회담에서 합의한 사항을 이행할 것이다.\n"  # an occasion
    )
    findings = assess_import(parse(text))
    assert [(f.code, f.where, f.fields["phrase"]) for f in findings] == [
        ("quality.unknown_mechanism", "1.1", "해양안보 파트너십 회의")
    ]
