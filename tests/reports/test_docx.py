"""The review report and the brief as Word documents: opened back with python-docx as Word would
read them (styles, headings, tables, fonts, properties), and converted by LibreOffice to see that
the text a reader gets is all there, in a Korean font."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph
from sqlmodel import Session, col, select

from tests.reports.conftest import pdf_fonts, pdf_text
from tracker.config import Settings
from tracker.domain import Language
from tracker.models import Agreement, Commitment, MeetingCreate, Officer, StatusUpdateCreate
from tracker.reports import generate
from tracker.reports.docx import FONT, write_docx
from tracker.reports.outline import Commitment as CommitmentBlock
from tracker.reports.outline import (
    Fields,
    Heading,
    Paragraph,
    ReportDocument,
    Style,
    Table,
    brief_outline,
    review_outline,
)
from tracker.services.lookup import find_commitment, find_mechanism
from tracker.services.meetings import add_meeting
from tracker.services.policy import FollowUpPolicy
from tracker.services.status_updates import record_status_update

TODAY = date(2026, 11, 26)
NOTE = '<script>alert(1)</script> & "x"'


@pytest.fixture
def noted(session: Session, seed: Agreement) -> Session:
    """The seed with 7.1 stalled, its narrative holding markup."""
    record_status_update(
        find_commitment("kr-ca-2025:7.1", session=session),
        StatusUpdateCreate(status="stalled", narrative=NOTE, as_of=date(2026, 11, 1)),
        session=session,
        policy=FollowUpPolicy(),
        author="정진우",
        today=TODAY,
    )
    session.commit()
    return session


def review(
    session: Session, settings: Settings, language: Language = Language.KO
) -> ReportDocument:
    prepared = generate.prepare_review(
        "kr-ca-2025", session=session, settings=settings, language=language, today=TODAY
    )
    return review_outline(prepared.view)  # type: ignore[arg-type]


def opened(document: ReportDocument) -> Document:
    return docx.Document(io.BytesIO(write_docx(document)))


def content(word: Document) -> list[WordParagraph | WordTable]:
    return list(word.iter_inner_content())


def commitments(word: Document) -> list[tuple[str, dict[str, str]]]:
    """Each commitment's headline and its fields (label: value), in document order."""
    found = []
    items = content(word)
    for i, item in enumerate(items):
        if isinstance(item, WordParagraph) and item.style == word.styles["Commitment"]:
            table = next(t for t in items[i + 1 :] if isinstance(t, WordTable))
            fields = {r.cells[0].text: r.cells[1].text for r in table.rows}
            found.append((item.text, fields))
    return found


def database_statuses(session: Session, agreement: Agreement) -> list[tuple[str, str, str]]:
    """(ref, status label, owner's name) of every tracked commitment."""
    policy = FollowUpPolicy()
    rows = session.exec(
        select(Commitment.ref, Commitment.status, Officer.name)
        .join(Officer, col(Officer.id) == Commitment.owner_id, isouter=True)
        .where(Commitment.agreement_id == agreement.id, col(Commitment.tracked))
    ).all()
    return [(ref, policy.label(status, Language.KO), owner or "") for ref, status, owner in rows]


def test_every_tracked_commitment_is_there_in_order_with_its_status_and_owner(
    noted: Session, seed: Agreement, settings: Settings
) -> None:
    document = review(noted, settings)
    found = commitments(opened(document))
    refs = [headline.split(" · ")[0] for headline, _ in found]
    assert refs == [b.ref for b in document.blocks if isinstance(b, CommitmentBlock)]
    expected = {ref: (status, owner) for ref, status, owner in database_statuses(noted, seed)}
    assert sorted(refs) == sorted(expected) and len(refs) == 36
    assert refs.index("7.1") < refs.index("7.2") < refs.index("24.1")
    for (headline, fields), ref in zip(found, refs, strict=True):
        status, owner = expected[ref]
        assert headline.split(" · ")[1] == status
        ours = fields["진행 상황"].split("\n")[0].removeprefix("우리 측: ")
        assert ours.startswith(status)
        assert owner and fields["담당"].startswith(owner)
    stalled = dict(found)[next(h for h, _ in found if h.startswith("7.1 "))]
    assert stalled["최근 경과"] == NOTE  # markup as typed, not as markup


def test_the_count_tables_say_what_the_database_holds(
    noted: Session, seed: Agreement, settings: Settings
) -> None:
    word = opened(review(noted, settings))
    by_status = next(t for t in word.tables if t.rows[0].cells[0].text == "진행 상황")
    counted = {
        row.cells[0].text: int(row.cells[1].text)
        for row in by_status.rows[1:-1]
        if row.cells[1].text != "-" and int(row.cells[1].text)
    }
    in_database = Counter(status for _, status, _ in database_statuses(noted, seed))
    assert counted == in_database == {"점검 전": 35, "정체": 1}
    totals = by_status.rows[-1].cells
    assert (totals[0].text, totals[1].text) == ("계", "36")
    by_score = next(t for t in word.tables if t.rows[0].cells[0].text == "평가")
    assert by_score.rows[-1].cells[1].text == "36"
    numbers = by_status.rows[1].cells[1].paragraphs[0]
    assert numbers.alignment is not None and numbers.alignment.name == "RIGHT"
    assert by_status.rows[1].cells[0].paragraphs[0].alignment is None


def test_parts_sections_and_clauses_are_word_headings_and_the_contents_a_field(
    noted: Session, settings: Settings
) -> None:
    document = review(noted, settings)
    word = opened(document)
    headings = [
        (int(p.style.name[-1]), p.text)
        for p in word.paragraphs
        if p.style is not None and p.style.name.startswith("Heading")
    ]
    assert headings == [(h.level, h.text) for h in document.headings()]
    assert [text for level, text in headings if level == 1] == [
        "요약",
        "조치 필요 사항",
        "협의체 현황",
        "조항별 이행 현황",
        "부록: 합의문 전문",
    ]
    assert {level for level, _ in headings} == {1, 2, 3}
    # Word lists a heading in the navigation pane by its style's outline level.
    for level in (1, 2, 3):
        outline = word.styles[f"Heading {level}"].element.find(f".//{qn('w:outlineLvl')}")
        assert outline is not None and outline.get(qn("w:val")) == str(level - 1)

    annex = next(
        p
        for p in word.paragraphs
        if p.style == word.styles["Heading 1"] and p.text == "부록: 합의문 전문"
    )
    assert annex.paragraph_format.page_break_before
    body = word.element.body.xml
    assert 'TOC \\o "1-2"' in body
    toc = [
        p.text for p in word.paragraphs if p.style is not None and p.style.name.startswith("toc")
    ]
    assert toc[:4] == ["요약", "조치 필요 사항", "협의체 현황", "조항별 이행 현황"]
    assert toc[-1] == "부록: 합의문 전문"
    assert word.paragraphs[toc_index(word) - 1].text == "목차"


def toc_index(word: Document) -> int:
    return next(
        i for i, p in enumerate(word.paragraphs) if p.style is not None and p.style.name == "toc 1"
    )


def test_tables_repeat_their_header_row_and_fields_tables_have_none(
    noted: Session, settings: Settings
) -> None:
    document = review(noted, settings)
    word = opened(document)
    marked = [t for t in word.tables if repeats_header(t)]
    tables = [b for b in document.blocks if isinstance(b, Table)]
    assert [tuple(c.text for c in t.rows[0].cells) for t in marked] == [t.header for t in tables]
    fields = sum(isinstance(b, Fields | CommitmentBlock) for b in document.blocks)
    assert len(word.tables) == len(tables) + fields
    for table in marked:
        assert all(len(row._tr.findall(f".//{qn('w:tblHeader')}")) == 0 for row in table.rows[1:])
    # A commitment's fields keep with its headline and one another: one block on one page.
    fields_table = next(t for t in word.tables if not repeats_header(t))
    kept = [row.cells[0].paragraphs[0].paragraph_format.keep_with_next for row in fields_table.rows]
    assert kept == [True] * (len(kept) - 1) + [None]


def repeats_header(table: WordTable) -> bool:
    return table.rows[0]._tr.find(f".//{qn('w:tblHeader')}") is not None


def test_hangul_has_its_east_asian_font_on_every_style_and_run(
    noted: Session, settings: Settings
) -> None:
    word = opened(review(noted, settings))
    styles = word.styles.element
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert defaults is not None
    fonts = defaults.find(qn("w:rFonts"))
    lang = defaults.find(qn("w:lang"))
    assert fonts is not None and fonts.get(qn("w:eastAsia")) == FONT == "맑은 고딕"
    assert lang is not None and lang.get(qn("w:eastAsia")) == "ko-KR"
    assert lang.get(qn("w:val")) == "ko-KR"
    for style in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Title", "Quote"):
        element = word.styles[style].element
        for fonts in element.iter(qn("w:rFonts")):
            # a theme reference would win over the named font: there must be none
            assert fonts.get(qn("w:eastAsiaTheme")) is None
            assert fonts.get(qn("w:eastAsia")) == FONT
    every_run = list(word.element.body.iter(qn("w:r")))
    text_runs = [r for r in every_run if r.find(qn("w:t")) is not None]
    assert len(text_runs) > 500
    for run in text_runs:
        fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts is not None and fonts.get(qn("w:eastAsia")) == FONT
    font_table = zipfile.ZipFile(io.BytesIO(write_docx(review(noted, settings))))
    assert "Malgun Gothic" in font_table.read("word/fontTable.xml").decode()


def test_the_page_is_a4_numbered_and_the_file_says_what_it_is(
    noted: Session, settings: Settings
) -> None:
    document = review(noted, settings)
    word = opened(document)
    section = word.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert section.left_margin is not None and round(section.left_margin.mm) == 20
    assert "PAGE" in section.footer._element.xml
    assert document.running_title in section.header.paragraphs[-1].text
    assert "대외비" not in section.header._element.xml + section.footer._element.xml
    properties = word.core_properties
    assert (
        properties.title
        == document.title
        == "한-캐나다 안보·국방 협력 파트너십 수립 이행 점검 보고서"
    )
    assert properties.author == document.author and properties.author
    assert properties.created is not None and properties.created.date() == document.created
    assert properties.language == "ko-KR"
    assert "python-docx" not in properties.comments + properties.last_modified_by


def test_the_classification_is_marked_in_header_and_footer(
    noted: Session, settings: Settings
) -> None:
    document = replace(review(noted, settings), classification="대외비")
    section = opened(document).sections[0]
    assert section.header.paragraphs[0].text == "대외비"
    assert section.footer.paragraphs[-1].text == "대외비"
    assert section.header.paragraphs[0].runs[0].bold


def test_the_same_report_gives_the_same_bytes(noted: Session, settings: Settings) -> None:
    document = review(noted, settings)
    first, second = write_docx(document), write_docx(document)
    assert first == second
    names = zipfile.ZipFile(io.BytesIO(first)).namelist()
    assert names[0] == "[Content_Types].xml" and "docProps/thumbnail.jpeg" not in names
    assert write_docx(replace(document, title="다른 제목")) != first


def test_the_english_review_speaks_english(noted: Session, settings: Settings) -> None:
    document = review(noted, settings, Language.EN)
    word = opened(document)
    parts = [p.text for p in word.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert parts == [h.text for h in document.headings(1)] and parts[0] == "Summary"
    refs = [headline.split(" · ")[0] for headline, _ in commitments(word)]
    assert len(refs) == 36
    assert word.core_properties.language == "en-GB"
    assert NOTE in [p.text for t in word.tables for r in t.rows for p in [r.cells[1]]]
    assert word.paragraphs[toc_index(word) - 1].text == "Contents"


def test_the_brief_is_written_too(noted: Session, settings: Settings) -> None:
    dialogue = find_mechanism("외교·국방 정책 대화", session=noted)
    assert dialogue.id is not None
    meeting = MeetingCreate(mechanism_id=dialogue.id, held_on=date(2027, 3, 4), place="오타와")
    add_meeting(dialogue, meeting, session=noted, actor="test", today=TODAY)
    noted.commit()
    prepared = generate.prepare_brief(
        "외교·국방 정책 대화", "2027-03-04", session=noted, settings=settings, today=TODAY
    )
    document = brief_outline(prepared.view)  # type: ignore[arg-type]
    word = opened(document)
    parts = [p.text for p in word.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert parts == [h.text for h in document.headings(1)] and len(parts) == 3
    found = commitments(word)
    assert [h.split(" · ")[:2] for h, _ in found] == [["7.1", "정체"]]
    assert found[0][1]["최근 경과"] == NOTE
    agreements = next(
        t for t in word.tables if len(t.columns) > 2 and t.rows[0].cells[0].text == "합의"
    )
    assert agreements.rows[1].cells[2].text == "36"
    assert "오타와" in "\n".join(c.text for t in word.tables for r in t.rows for c in r.cells)


def test_characters_xml_cannot_hold_are_dropped_and_line_breaks_make_paragraphs() -> None:
    document = ReportDocument(
        language="ko",
        title="제목\x00",
        running_title="머리말",
        classification="",
        author="작성자",
        created=date(2026, 11, 26),
        blocks=(
            Heading(1, "부분"),
            Paragraph("첫 줄\x0b\x01\n둘째 줄 <b>&amp;</b>", Style.NOTE),
            Fields((("경과", "가\n나\x1f"),)),
            Table(("항목", "수"), (("가", "1"),), footer=("계", "1"), numeric=frozenset({1})),
            Table(("항목", "수"), (("나", "2"),)),
        ),
    )
    word = opened(document)
    notes = [p.text for p in word.paragraphs if p.style is not None and p.style.name == "Note"]
    assert notes == ["첫 줄", "둘째 줄 <b>&amp;</b>"]
    assert [p.text for p in word.tables[0].rows[0].cells[1].paragraphs] == ["가", "나"]
    assert word.core_properties.title == "제목"
    # Two tables in a row stay two tables: a small paragraph keeps them apart.
    kinds = [type(item).__name__ for item in content(word)]
    assert kinds[-3:] == ["Table", "Paragraph", "Table"]


# --- LibreOffice: the file opens, and the text a reader gets is whole -------------------------

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed: `make sysdeps` installs it (group office)",
)


def to_pdf(documents: dict[str, ReportDocument], folder: Path) -> dict[str, Path]:
    """Each document written and converted by LibreOffice in one run, with its own profile (a
    shared one is locked by whichever run holds it)."""
    files = []
    for name, document in documents.items():
        path = folder / f"{name}.docx"
        path.write_bytes(write_docx(document))
        files.append(str(path))
    profile = (folder / "profile").as_uri()
    subprocess.run(
        [
            *("soffice", f"-env:UserInstallation={profile}", "--headless"),
            *("--convert-to", "pdf", "--outdir", str(folder / "pdf"), *files),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return {name: folder / "pdf" / f"{name}.pdf" for name in documents}


def squeezed(text: str) -> str:
    """Without white space: a line may wrap anywhere in a table cell."""
    return "".join(text.split())


@needs_soffice
@pytest.mark.slow  # LibreOffice converts two documents: seconds
def test_libreoffice_reads_every_reference_and_the_korean_text_intact(
    noted: Session, seed: Agreement, settings: Settings, tmp_path: Path
) -> None:
    korean = replace(review(noted, settings), classification="대외비")
    english = review(noted, settings, Language.EN)
    pdfs = to_pdf({"ko": korean, "en": english}, tmp_path)
    text = pdf_text(pdfs["ko"])
    refs = [b.ref for b in korean.blocks if isinstance(b, CommitmentBlock)]
    assert len(refs) == 36
    for ref in refs:
        assert re.search(rf"^{re.escape(ref)} · ", text, re.M), ref
    agreement = seed.title
    commitment = find_commitment("kr-ca-2025:8.1", session=noted).text
    assert squeezed(agreement) in squeezed(text)
    assert squeezed(commitment) in squeezed(text)
    assert NOTE in text
    assert text.count("대외비") >= 2 * text.count("\f")  # header and footer of every page
    fonts = pdf_fonts(pdfs["ko"])
    assert fonts and all(font.startswith("Nanum") for font in fonts), fonts

    text = pdf_text(pdfs["en"])
    for ref in refs:
        assert re.search(rf"^{re.escape(ref)} · ", text, re.M), ref
    assert "Summary" in text and NOTE in text
