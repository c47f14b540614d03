"""Every file of the corpus: the verbatim rule holds, and each text splits as a reader would.

The English files are a joint statement without numbers (02), two fact sheets with bold
headings and `-` items (03, 04) and a 1982 treaty with `### Article N` and `i)` items (05).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.domain import Cadence, Language, MechanismKind, Strength
from tracker.importer import ParsedAgreement, ParsedCommitment, parse_agreement
from tracker.importer.decode import decode_source
from tracker.importer.mechanism_catalog import MechanismCatalog

CORPUS = Path(__file__).parents[1] / "fixtures" / "corpus"
FILES = sorted(CORPUS.glob("*.txt"))
CATALOG = MechanismCatalog.load_default()


def parse(name: str) -> ParsedAgreement:
    path = next(p for p in FILES if p.name.startswith(name))
    return parse_agreement(decode_source(path.read_bytes(), name=path.name), catalog=CATALOG)


def ref(parsed: ParsedAgreement, wanted: str) -> ParsedCommitment:
    return next(c for c in parsed.commitments if c.ref == wanted)


def test_the_corpus_is_there() -> None:
    assert [p.name[:2] for p in FILES] == ["00", "02", "03", "04", "05"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name[:2])
def test_every_commitment_is_a_verbatim_stripped_span(path: Path) -> None:
    parsed = parse_agreement(decode_source(path.read_bytes(), name=path.name), catalog=CATALOG)
    source = parsed.source_text
    assert parsed.commitments
    for c in parsed.commitments:
        assert source[c.start : c.end] == c.text, c.ref
        assert c.text and c.text == c.text.strip(), c.ref
        assert c.tracked is c.strength.is_undertaking
    for clause in parsed.clauses:
        assert source[clause.start : clause.end] == clause.text, clause.number
        for item in clause.items:
            assert source[item.start : item.end] == item.text
            assert clause.start <= item.start and item.end <= clause.end


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name[:2])
def test_numbers_and_refs_are_unique_and_point_at_what_exists(path: Path) -> None:
    parsed = parse_agreement(path.read_text(encoding="utf-8"), catalog=CATALOG)
    numbers = [c.number for c in parsed.clauses]
    assert len(numbers) == len(set(numbers))
    refs = [c.ref for c in parsed.commitments]
    assert len(refs) == len(set(refs))
    items = {(c.number, i.position) for c in parsed.clauses for i in c.items}
    sections = {s.index for s in parsed.sections}
    names = {m.name for m in parsed.mechanisms}
    for c in parsed.commitments:
        assert c.clause in numbers
        assert c.item is None or (c.clause, c.item) in items
        assert set(c.mechanisms) <= names
    for clause in parsed.clauses:
        assert clause.section is None or clause.section in sections
    for m in parsed.mechanisms:
        assert m.reports_to is None or m.reports_to in names
    assert parsed.review_mechanism is None or parsed.review_mechanism in names


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name[:2])
def test_parsing_is_deterministic(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert parse_agreement(text, catalog=CATALOG) == parse_agreement(text, catalog=CATALOG)


# --- 02: the Spirit of Camp David (a joint statement without numbers) --------------------------


def test_a_statement_without_numbers_gets_one_clause_per_paragraph() -> None:
    parsed = parse("02")
    assert parsed.language is Language.EN
    assert parsed.record is None and parsed.sections == ()
    assert [c.number for c in parsed.clauses] == [str(n) for n in range(1, 15)]
    assert parsed.clauses[0].text.startswith("We, the leaders of Japan, the Republic of Korea")
    assert "SOURCE:" not in parsed.clauses[0].text  # the first line is provenance, not text
    # hard-wrapped lines are one paragraph: the first clause runs to "So too is …"
    assert parsed.clauses[0].text.endswith("So too is our trilateral relationship.")
    assert sum(c.tracked for c in parsed.commitments) >= 30


def test_the_statements_sentences_carry_their_own_strength() -> None:
    parsed = parse("02")
    assert ref(parsed, "2.1").strength is Strength.FIRM  # we commit to expand
    assert ref(parsed, "11.2").strength is Strength.BEST_EFFORT  # we seek to expand
    assert ref(parsed, "12.7").strength is Strength.BEST_EFFORT  # committed to explore
    assert ref(parsed, "5.1").strength is Strength.DECLARATORY  # we reaffirm
    assert ref(parsed, "8.1").actors == "United States"  # it alone reaffirms
    assert ref(parsed, "2.1").actors == "both"  # "we"


def test_the_statement_launches_an_annual_indo_pacific_dialogue() -> None:
    parsed = parse("02")
    dialogue = next(m for m in parsed.mechanisms if m.name == "Trilateral Indo-Pacific Dialogue")
    assert (dialogue.kind, dialogue.cadence, dialogue.planned) == (
        MechanismKind.DIALOGUE,
        Cadence.ANNUAL,
        True,
    )
    assert ref(parsed, "4.6").mechanisms == ("Trilateral Indo-Pacific Dialogue",)


# --- 03: the Camp David fact sheet -------------------------------------------------------------


def test_the_fact_sheets_bold_headings_are_sections_over_paragraphs_with_items() -> None:
    parsed = parse("03")
    assert [s.title for s in parsed.sections] == [
        "HIGH-LEVEL TRILATERAL CONSULTATIONS",
        "STRENGTHENING SECURITY COOPERATION",
        "BROADENING COOPERATION IN THE INDO-PACIFIC",
        "DEEPENING ECONOMIC AND TECHNOLOGY COOPERATION",
        "EXPANDING GLOBAL HEALTH AND PEOPLE-TO-PEOPLE COOPERATION",
    ]
    assert len(parsed.clauses) == 7
    consultations = parsed.clauses[2]
    assert consultations.section == 0
    assert [i.marker for i in consultations.items] == ["-"] * 4
    assert consultations.items[1].text.startswith("**Annual Leaders’ Meeting**: The Leaders")
    # the "<!-- -->" between two lists does not split the security clause
    assert len(parsed.clauses[3].items) == 5


def test_fact_sheet_items_are_commitments_with_the_strength_of_their_sentences() -> None:
    parsed = parse("03")
    leaders = ref(parsed, "3.2")
    assert leaders.item == 2 and leaders.strength is Strength.FIRM  # decided to meet
    assert leaders.mechanisms == ("Trilateral Leaders' Meeting",)
    assert ref(parsed, "3.0.3").strength is Strength.DECLARATORY  # the lead-in reaffirms
    assert sum(c.tracked for c in parsed.commitments) >= 20


def test_the_fact_sheet_sets_up_a_working_group_and_annual_meetings() -> None:
    parsed = parse("03")
    found = {m.name: m for m in parsed.mechanisms}
    group = found["Trilateral Working Group on DPRK Cyber Activities"]
    assert (group.kind, group.planned) == (MechanismKind.WORKING_GROUP, True)
    assert found["Trilateral Leaders' Meeting"].cadence is Cadence.ANNUAL
    indo_pacific = found["Trilateral Indo-Pacific Dialogue"]  # "initiate an annual …"
    assert (indo_pacific.cadence, indo_pacific.planned) == (Cadence.ANNUAL, True)
    assert "Pacific Islands Forum" not in " ".join(found)  # an organisation, not a mechanism


# --- 04: the state visit fact sheet ------------------------------------------------------------


def test_the_state_visit_fact_sheet_has_four_sections_and_nested_items() -> None:
    parsed = parse("04")
    assert len(parsed.sections) == 4
    assert len(parsed.clauses) == 5
    economic = parsed.clauses[2]
    assert len(economic.items) == 13  # eight items, five nested under the first
    assert economic.items[5].text == "Netflix is investing $2.5 billion in Korean content."


def test_named_bodies_with_acronyms_are_mechanisms_recognised_again_by_acronym() -> None:
    parsed = parse("04")
    found = {m.name: m for m in parsed.mechanisms}
    ncg = found["Nuclear Consultative Group"]
    assert ncg.aliases == ("NCG",) and ncg.kind is MechanismKind.WORKING_GROUP
    assert ref(parsed, "4.5").mechanisms == (
        "Civil Space Dialogue",
        "Space Security Dialogue",
        "Space Cooperation Working Group",
        "Cyber Cooperation Working Group",
    )
    technologies = found["Next Generation Critical and Emerging Technologies Dialogue"]
    assert (technologies.cadence, technologies.planned) == (Cadence.ANNUAL, True)
    assert ref(parsed, "2.3").strength is Strength.FIRM  # the United States committed
    assert ref(parsed, "3.9").actors == "ROK"  # the ROK Government will make available


# --- 05: the 1982 Netherlands–Korea treaty ----------------------------------------------------


def test_the_treaty_is_eight_articles() -> None:
    parsed = parse("05")
    assert [c.number for c in parsed.clauses] == [f"Article {n}" for n in range(1, 9)]
    assert parsed.document_title.startswith("Agreement on economic and technological cooperation")
    assert parsed.sections == ()  # the exchange of notes after the signatures holds no clause
    assert any("Nr. I" in str(w) for w in parsed.warnings)


def test_article_3_paragraph_1_has_four_items_and_paragraph_2_six() -> None:
    parsed = parse("05")
    article3 = parsed.clauses[2]
    assert [i.marker for i in article3.items] == [
        *("i)", "ii)", "iii)", "iv)"),
        *("i)", "ii)", "iii)", "iv)", "v)", "vi)"),
    ]
    first = [ref(parsed, f"3.1.{n}") for n in range(1, 5)]
    assert [c.item for c in first] == [1, 2, 3, 4]
    assert (
        first[0].text
        == "in the study, preparation and implementation of projects of common interest;"
    )
    assert first[3].text == "in the marketing of products."
    # verbless items take the lead-in's strength: "agree that … will be served" vs "may include"
    assert {c.strength for c in first} == {Strength.FIRM}
    assert ref(parsed, "3.2.0.2").strength is Strength.PERMISSIVE
    assert {ref(parsed, f"3.2.{n}").strength for n in range(1, 7)} == {Strength.PERMISSIVE}


def test_treaty_paragraphs_are_commitments_by_article_and_paragraph() -> None:
    parsed = parse("05")
    first = ref(parsed, "1.1")
    assert first.text.startswith("The Contracting Parties shall encourage and further")
    assert (first.clause, first.strength, first.actors) == ("Article 1", Strength.FIRM, "both")
    assert ref(parsed, "2.1").strength is Strength.DECLARATORY  # recognize
    assert ref(parsed, "5.1").actors == "each"  # Each Contracting Party undertakes
    assert ref(parsed, "8.1").strength is Strength.DESCRIPTIVE  # shall enter into force
    assert ref(parsed, "8.3").strength is Strength.PERMISSIVE  # shall be entitled to
    # Article 6 runs its sentences together ("Governments.Experts"): still one per sentence
    assert [c.ref for c in parsed.commitments if c.clause == "Article 6"] == [
        f"6.{n}" for n in range(1, 8)
    ]


def test_the_mixed_commission_is_planned_meets_on_request_and_reviews_the_agreement() -> None:
    parsed = parse("05")
    assert [m.name for m in parsed.mechanisms] == ["Mixed Commission"]
    commission = parsed.mechanisms[0]
    assert (commission.kind, commission.cadence, commission.planned) == (
        MechanismKind.COMMITTEE,
        Cadence.AD_HOC,  # shall meet at the request of either Contracting Party
        True,  # agree to establish
    )
    assert parsed.review_mechanism == "Mixed Commission"
    # "The Commission" later in Article 6 refers back to it
    assert ref(parsed, "6.7").mechanisms == ("Mixed Commission",)
