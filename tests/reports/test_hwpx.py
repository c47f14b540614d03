"""The review report and the brief as Hangul documents (HWPX), read back with python-hwpx as
Hangul would open them."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date

import pytest
from hwpx import HwpxDocument
from hwpx.tools.exporter import export_text
from hwpx.tools.package_validator import validate_editor_open_safety, validate_package
from hwpx.tools.validator import validate_document
from lxml import etree  # type: ignore[import-untyped]  # no stubs; python-hwpx brings lxml
from sqlmodel import Session, func, select

from tracker.config import Settings
from tracker.domain import Language
from tracker.models import Agreement, Commitment, MeetingCreate, StatusUpdateCreate
from tracker.reports import generate
from tracker.reports.hwpx import write_hwpx
from tracker.reports.outline import (
    Commitment as CommitmentBlock,
)
from tracker.reports.outline import (
    Contents,
    Fields,
    Heading,
    PageBreak,
    Paragraph,
    ReportDocument,
    Style,
    Table,
    brief_outline,
    review_outline,
)
from tracker.services.commitments import list_commitments
from tracker.services.lookup import find_commitment, find_mechanism
from tracker.services.meetings import add_meeting
from tracker.services.policy import FollowUpPolicy
from tracker.services.status_updates import record_status_update

TODAY = date(2026, 11, 26)
SCRIPT = '<script>alert(1)</script> & "x"'
HP = "{http://www.hancom.co.kr/hwpml/2011/paragraph}"


@dataclass
class Written:
    document: ReportDocument
    data: bytes

    @property
    def text(self) -> str:
        return export_text(self.data)

    def part(self, name: str) -> bytes:
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
            return archive.read(name)


def update(session: Session, ref: str, status: str, note: str) -> None:
    record_status_update(
        find_commitment(f"kr-ca-2025:{ref}", session=session),
        StatusUpdateCreate(status=status, narrative=note, as_of=date(2026, 11, 2)),
        session=session,
        policy=FollowUpPolicy(),
        author="정진우",
        today=TODAY,
    )


@pytest.fixture
def updated(session: Session, seed: Agreement) -> Session:
    update(session, "7.1", "achieved", "협의체 출범")
    update(session, "9.1", "stalled", SCRIPT)
    session.commit()
    return session


def review(session: Session, settings: Settings, language: Language = Language.KO) -> Written:
    prepared = generate.prepare_review(
        "kr-ca-2025", session=session, settings=settings, language=language, today=TODAY
    )
    document = review_outline(prepared.view)  # type: ignore[arg-type]
    return Written(document, write_hwpx(document))


def headlines(text: str) -> list[str]:
    """The first line of each commitment block: "7.1 · 달성 · 미평가 ..."."""
    return [line for line in text.splitlines() if re.match(r"\d+(\.\d+)* · ", line)]


def test_every_tracked_commitment_is_there_with_its_status_and_owner_in_document_order(
    updated: Session, settings: Settings
) -> None:
    text = review(updated, settings).text
    tracked = list_commitments(session=updated, agreement="kr-ca-2025", tracked=True)
    assert len(tracked) == 36
    lines = headlines(text)
    assert [line.split(" · ")[0] for line in lines] == [c.ref for c in tracked]
    blocks = re.split(r"(?m)^(?=\d+(?:\.\d+)* · )", text)[1:]
    for commitment, line, block in zip(tracked, lines, blocks, strict=True):
        assert line.split(" · ")[1] == commitment.status_label, commitment.ref
        assert commitment.owner and commitment.owner in block, commitment.ref
    assert lines[[c.ref for c in tracked].index("9.1")].startswith("9.1 · 정체")


def test_the_count_tables_hold_the_database_counts(updated: Session, settings: Settings) -> None:
    written = review(updated, settings)
    by_status = dict(
        updated.exec(
            select(Commitment.status, func.count())
            .where(Commitment.tracked)
            .group_by(Commitment.status)
        ).all()
    )
    rows = [line.split("\t") for line in written.text.splitlines()]
    header = rows.index(["진행 상황", "우리 측", "비율", "상대국 측", "비율"])
    ours = {row[0]: row[1] for row in rows[header + 1 : header + 10]}
    assert ours["점검 전"] == str(by_status[None])
    assert ours["달성"] == str(by_status["achieved"]) == "1"
    assert ours["정체"] == str(by_status["stalled"]) == "1"
    assert ours["계"] == str(sum(by_status.values())) == "36"
    scores = rows.index(["평가", "건수", "비율"])
    assert rows[scores + 5] == ["계", "36", "100%"]


def test_the_package_is_what_hangul_expects(updated: Session, settings: Settings) -> None:
    data = review(updated, settings).data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/hwp+zip"
        names = archive.namelist()
        for required in (
            "META-INF/container.xml",
            "Contents/content.hpf",
            "Contents/header.xml",
            "Contents/section0.xml",
        ):
            assert required in names
        for name in names:
            if name.endswith((".xml", ".hpf", ".rdf")):
                part = archive.read(name)
                etree.fromstring(part)  # well-formed, or this raises
                assert b"linesegarray" not in part, name
    package = validate_package(data)
    assert package.ok, package.errors
    document = validate_document(data)
    assert document.ok, document.errors
    assert validate_editor_open_safety(data).ok


def test_headings_are_hangul_outline_styles_in_order(updated: Session, settings: Settings) -> None:
    written = review(updated, settings)
    opened = HwpxDocument.open(written.data)
    styles = {key: style.name for key, style in opened.styles.items()}
    outline = [
        (styles[str(p.style_id_ref)], p.text)
        for p in opened.paragraphs
        if (styles[str(p.style_id_ref)] or "").startswith("개요")
    ]
    assert outline == [(f"개요 {h.level}", h.text) for h in written.document.headings()]
    assert outline[0] == ("개요 1", "요약")
    # the outline numbers are left empty: the headings carry their own ("제5항")
    labelled = export_text(written.data, list_labels=True, include_tables=False).splitlines()
    assert "요약" in labelled and "제5항 (이행과제 2건)" in labelled


def test_the_body_is_set_in_hangul_fonts_with_nanum_to_stand_in(
    updated: Session, settings: Settings
) -> None:
    header = etree.fromstring(review(updated, settings).part("Contents/header.xml"))
    hangul = header.find(".//{*}fontface[@lang='HANGUL']")
    assert hangul is not None
    fonts = {font.get("face"): font.find("{*}substFont").get("face") for font in hangul}
    assert fonts == {"함초롬돋움": "NanumGothic", "함초롬바탕": "NanumMyeongjo"}


def test_tables_repeat_their_header_row_and_flow_across_pages(
    updated: Session, settings: Settings
) -> None:
    section = etree.fromstring(review(updated, settings).part("Contents/section0.xml"))
    tables = section.findall(f".//{HP}tbl")
    with_header = [t for t in tables if t.get("repeatHeader") == "1"]
    assert len(with_header) >= 9  # the count tables, the attention list, the mechanisms
    for table in with_header:
        first_row = table.find(f"{HP}tr")
        assert first_row is not None
        assert {cell.get("header") for cell in first_row} == {"1"}
    assert all(t.find(f"{HP}pos").get("treatAsChar") == "0" for t in tables)


def test_markup_in_a_note_is_shown_as_typed(updated: Session, settings: Settings) -> None:
    written = review(updated, settings)
    assert SCRIPT in written.text
    section = written.part("Contents/section0.xml")
    assert b"<script>" not in section and b"&lt;script&gt;alert(1)" in section


def test_each_page_has_its_number_and_the_classification_when_there_is_one(
    updated: Session, settings: Settings
) -> None:
    plain = review(updated, settings)
    marked = dataclasses.replace(plain.document, classification="대외비")
    for document, marking in ((plain.document, False), (marked, True)):
        data = write_hwpx(document)
        properties = HwpxDocument.open(data).sections[0].properties
        header, footer = properties.get_header(), properties.get_footer()
        assert header is not None and footer is not None
        assert header.apply_page_type == footer.apply_page_type == "BOTH"
        assert document.running_title in header.text
        assert ("대외비" in header.text) is marking and ("대외비" in footer.text) is marking
        page = footer.element.find(f".//{HP}autoNum")
        assert page is not None and page.get("numType") == "PAGE"


def test_the_english_review_speaks_english(updated: Session, settings: Settings) -> None:
    written = review(updated, settings, Language.EN)
    text = written.text
    assert "Contents" in text and "Summary" in text and "목차" not in text
    lines = headlines(text)
    assert len(lines) == 36
    assert any(line.startswith("9.1 · Stalled") for line in lines)
    assert validate_package(written.data).ok


def test_the_brief_lists_what_needs_attention_for_the_meeting(
    updated: Session, settings: Settings
) -> None:
    dialogue = find_mechanism("외교·국방 정책 대화", session=updated)
    assert dialogue.id is not None
    add_meeting(
        dialogue,
        MeetingCreate(mechanism_id=dialogue.id, held_on=date(2027, 3, 4), place="오타와"),
        session=updated,
        actor="test",
        today=TODAY,
    )
    updated.commit()
    prepared = generate.prepare_brief(
        str(dialogue.id), "2027-03-04", session=updated, settings=settings, today=TODAY
    )
    data = write_hwpx(brief_outline(prepared.view))  # type: ignore[arg-type]
    text = export_text(data)
    assert "오타와" in text and "2027-03-04" in text
    assert [line.split(" · ")[:2] for line in headlines(text)] == [["9.1", "정체"]]
    assert SCRIPT in text
    assert validate_package(data).ok and validate_document(data).ok


def test_values_that_xml_cannot_hold_lose_only_the_characters_it_cannot() -> None:
    document = ReportDocument(
        language="ko",
        title="제목\x00",
        running_title="머리\x1b글",
        classification="",
        author="작성\x07자",
        created=TODAY,
        blocks=(
            Paragraph("앞\x0c뒤\t끝\r\n둘째 줄", Style.BODY),
            Contents(((1, "요약"),)),
            PageBreak(),
            Heading(1, "요약"),
            Table(("항목", "수"), (("가\x01", "1"),), footer=("계", "1"), numeric=frozenset({1})),
            Fields((("라벨", "첫째\n둘째"),)),
            CommitmentBlock("1.1", "1.1 · 점검 전", "합의문\uffff", Fields((("담당", "-"),))),
        ),
    )
    data = write_hwpx(document)
    assert validate_package(data).ok and validate_document(data).ok
    lines = export_text(data).splitlines()
    assert lines[:2] == ["앞뒤 끝", "둘째 줄"]
    assert "가\t1" in lines and "라벨\t첫째" in "\n".join(lines) and "합의문" in lines
    assert write_hwpx(document) == data  # the same outline gives the same bytes
