"""Layouts other than the corpus's: articles, markdown headings, numbering that restarts."""

from __future__ import annotations

from tracker.domain import MechanismKind
from tracker.importer import parse_agreement
from tracker.importer.mechanism_catalog import MechanismCatalog

NO_CATALOG = MechanismCatalog([])


def test_korean_articles_with_circled_paragraphs() -> None:
    text = (
        "제1조(목적) 이 약정은 양 당사자 간 협력의 틀을 정한다.\n\n"
        "제2조(협력 분야)\n"
        "① 양 당사자는 다음 분야에서 협력한다.\n"
        "1) 과학기술\n"
        "2) 교육\n"
        "② 양 당사자는 「과학기술협력 양해각서」를 체결할 것이다.\n"
    )
    parsed = parse_agreement(text, catalog=NO_CATALOG)
    assert [c.number for c in parsed.clauses] == ["제1조", "제2조"]
    assert (
        parsed.clauses[0].text == "이 약정은 양 당사자 간 협력의 틀을 정한다."
    )  # "(목적)" is a title
    assert [(i.marker, i.text) for i in parsed.clauses[1].items] == [
        ("1)", "과학기술"),
        ("2)", "교육"),
    ]
    assert [c.ref for c in parsed.commitments] == ["1.1", "2.1.0", "2.1.1", "2.1.2", "2.2"]
    memorandum = parsed.mechanisms[0]
    assert (memorandum.name, memorandum.kind, memorandum.planned) == (
        "과학기술협력 양해각서",
        MechanismKind.AGREEMENT,
        True,  # 체결할 것이다
    )


def test_markdown_headings_are_sections_and_restarted_numbers_stay_unique() -> None:
    text = (
        "# Partnership\n\n"
        "## Part One\n\n"
        "1. The Parties will meet annually in a Joint Steering Committee.\n"
        "2. The Parties may invite observers.\n\n"
        "## Part Two\n\n"
        "### Details\n\n"
        "1. Each Party shall designate a contact point.\n"
    )
    parsed = parse_agreement(text, catalog=NO_CATALOG)
    assert parsed.document_title == "Partnership"
    assert [(s.title, s.parent, s.level) for s in parsed.sections] == [
        ("Part One", None, 1),
        ("Part Two", None, 1),
        ("Details", 1, 2),
    ]
    assert [(c.number, c.section) for c in parsed.clauses] == [("1", 0), ("2", 0), ("1-2", 2)]
    assert [c.ref for c in parsed.commitments] == ["1.1", "2.1", "1-2.1"]
    committee = parsed.mechanisms[0]
    assert (committee.name, committee.cadence.value) == ("Joint Steering Committee", "annual")


def test_plain_headings_nest_under_a_heading_that_is_directly_followed_by_another() -> None:
    text = (
        "협력 약정\n\n"
        "전 문\n\n"
        "1. 양국은 우호를 재확인한다.\n\n"
        "협력 분야\n\n"
        "과학\n\n"
        "2. 양국은 공동 연구를 할 것이다.\n\n"
        "교육\n\n"
        "3. 양국은 교류를 확대할 것이다.\n\n"
        "후속 조치\n\n"
        "4. 이 약정은 정기적으로 검토될 것이다.\n"
    )
    parsed = parse_agreement(text, catalog=NO_CATALOG)
    assert parsed.document_title == "협력 약정"
    assert [(s.title, s.parent, s.level) for s in parsed.sections] == [
        ("전문", None, 1),
        ("협력 분야", None, 1),
        ("과학", 1, 2),
        ("교육", 1, 2),
        ("후속 조치", None, 1),
    ]
    assert [c.section for c in parsed.clauses] == [0, 2, 3, 4]


def test_unnumbered_paragraphs_are_clauses_and_their_items_follow_them() -> None:
    text = (
        "The two sides will deepen cooperation. They welcome progress.\n\n"
        "**ENERGY**\n\n"
        "The two sides will cooperate on:\n\n"
        "- clean energy\n"
        "- nuclear safety\n\n"
        "They may hold a forum.\n"
    )
    parsed = parse_agreement(text, catalog=NO_CATALOG)
    assert [(c.number, c.section, len(c.items)) for c in parsed.clauses] == [
        ("1", None, 0),
        ("2", 0, 2),
        ("3", 0, 0),
    ]
    assert [s.title for s in parsed.sections] == ["ENERGY"]
    refs = {c.ref: c for c in parsed.commitments}
    assert list(refs) == ["1.1", "1.2", "2.0", "2.1", "2.2", "3.1"]
    assert refs["2.2"].text == "nuclear safety" and refs["2.2"].tracked  # inherits "will"


def test_text_before_the_first_numbered_clause_is_a_preamble_not_a_clause() -> None:
    text = (
        "The Government of A and the Government of B,\n"
        "Desiring to strengthen their ties,\n"
        "Have agreed as follows:\n\n"
        "Article 1\n\n"
        "The Parties shall cooperate.\n\n"
        "Article 2\n\n"
        "This Agreement shall enter into force on signature.\n\n"
        "IN WITNESS WHEREOF the undersigned have signed this Agreement.\n"
    )
    parsed = parse_agreement(text, catalog=NO_CATALOG)
    assert [c.number for c in parsed.clauses] == ["Article 1", "Article 2"]
    assert parsed.clauses[1].text == "This Agreement shall enter into force on signature."
    assert [c.ref for c in parsed.commitments] == ["1.1", "2.1"]
    assert parsed.warnings == ()
