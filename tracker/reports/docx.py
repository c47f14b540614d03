"""The review report and the brief as a Word document (DOCX), written from their outline.

`write_docx(document)` gives the file's bytes; it reads no database and writes no file. The
document is one that a director can edit and cut into a briefing: every part is a real Word
style (Heading 1–3 for parts, sections and clauses, so the navigation pane and a table of
contents work; named paragraph styles for notes, quotes and commitments), tables repeat their
header row on every page, numbers sit right, and the page carries its number and the
classification marking.

Rules:
- Hangul is drawn in one East Asian font named on the document's defaults, on every style and
  on every run (`w:eastAsia`): Word otherwise draws it in whatever its theme says;
- the same outline gives the same bytes (the package's entries carry the report's date);
- text goes into text nodes only, so markup in a note reads as typed; characters XML cannot
  hold are dropped, and a line break in a value starts a new paragraph.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph as WordParagraph
from docx.text.run import Run

from tracker.reports import docx_ooxml as ox
from tracker.reports.outline import (
    Block,
    Commitment,
    Contents,
    Fields,
    Heading,
    PageBreak,
    Paragraph,
    ReportDocument,
    Style,
    Table,
    xml_text,
)
from tracker.words import say

# One East Asian font for body and headings: 맑은 고딕 (Malgun Gothic). A DOCX is opened in
# Word, and every Windows since Vista and Office for Mac ship this font (it is Korean Word's own
# default), so the document looks on the reader's desk as it was written. 함초롬바탕 is what
# Hangul users have, but Word users often do not, and a missing font is replaced by whatever
# Word picks. It fills the Latin slots too: one face for "7.3 · 진행 중". The font table gives
# its English name and the Hangul character set, so a machine without it still picks a Korean
# face (LibreOffice here picks Nanum Gothic).
FONT = "맑은 고딕"
FONT_ENGLISH_NAME = "Malgun Gothic"

LANGUAGE_TAGS = {"ko": "ko-KR", "en": "en-GB"}  # the English dates read "26 Nov 2026"

# A4 portrait; 20 mm margins leave 170 mm for text, as the PDF's page does.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN = Mm(20)
TEXT_WIDTH = Emu(PAGE_WIDTH - 2 * MARGIN)
FIELD_LABEL_WIDTH = Mm(32)  # a Fields table's label column: "담당 부서 / 담당자" fits

HEADER_FILL = "D9E2F3"  # header rows and field labels
FOOTER_FILL = "F2F2F2"  # totals
ACCENT = RGBColor(0x1F, 0x38, 0x64)
MUTED = RGBColor(0x59, 0x59, 0x59)
MARKING = RGBColor(0xC0, 0x00, 0x00)

_PARAGRAPH_STYLES = {
    Style.BODY: "Normal",
    Style.LEAD: "Lead",
    Style.NOTE: "Note",
    Style.QUOTE: "Quote",
    Style.ITEM: "Item",
    Style.EMPTY: "Empty",
    Style.COVER_KIND: "Cover Kind",
    Style.COVER_TITLE: "Title",
}


def write_docx(document: ReportDocument) -> bytes:
    """The report as a DOCX file's bytes."""
    word = docx.Document()
    language = LANGUAGE_TAGS.get(document.language, document.language)
    _set_up_styles(word, language)
    _set_up_page(word, document)
    _set_properties(word, document, language)
    body = _Body(word, document.language)
    for block in document.blocks:
        body.add(block)
    saved = io.BytesIO()
    word.save(saved)
    parts = {
        "word/fontTable.xml": ox.font_table(FONT, FONT_ENGLISH_NAME),
        "docProps/app.xml": ox.app_properties(),
    }
    return ox.repackage(saved.getvalue(), document.created, parts)


def _set_up_styles(word: Document, language: str) -> None:
    styles = word.styles
    root = styles.element
    defaults = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if defaults is not None:
        ox.set_language(defaults, language)
    # Every style of the template, the table styles too, names the font rather than a theme.
    for fonts in list(root.iter(qn("w:rFonts"))):
        ox.set_fonts(fonts.getparent(), FONT)
    ox.east_asian_theme_language(word.settings.element)
    ox.ask_to_update_fields(word.settings.element)

    normal = _paragraph_style(word, "Normal")
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.15
    for level, size, before in ((1, 16, 18), (2, 13, 12), (3, 11, 10)):
        heading = _paragraph_style(word, f"Heading {level}")
        heading.font.size = Pt(size)
        heading.font.color.rgb = ACCENT
        heading.paragraph_format.space_before = Pt(before)
        heading.paragraph_format.space_after = Pt(4)
    title = _paragraph_style(word, "Title")
    title.font.size = Pt(22)
    title.font.bold = True
    title.font.color.rgb = ACCENT
    title.paragraph_format.space_after = Pt(18)

    quote = _paragraph_style(word, "Quote")
    quote.font.italic = False  # slanted Hangul is a made-up shape
    quote.font.color.rgb = RGBColor(0x26, 0x26, 0x26)
    quote.paragraph_format.left_indent = Mm(4)
    quote.paragraph_format.keep_with_next = True
    quote.paragraph_format.space_after = Pt(3)
    ox.paragraph_border(quote.element.get_or_add_pPr(), "left", "8EAADB", size=12)

    made = _new_style(word, "Lead")
    made.font.size = Pt(11)
    made.paragraph_format.space_after = Pt(6)
    made = _new_style(word, "Note")
    made.font.size = Pt(8.5)
    made.paragraph_format.space_before = Pt(2)
    made.font.color.rgb = MUTED
    made = _new_style(word, "Empty")
    made.font.color.rgb = MUTED
    made = _new_style(word, "Item")  # "ㅇ 합동 작전…": wrapped lines under the words, not the mark
    made.paragraph_format.left_indent = Mm(9)
    made.paragraph_format.first_line_indent = Mm(-4)
    made.paragraph_format.space_after = Pt(2)
    made = _new_style(word, "Cover Kind")
    made.font.size = Pt(13)
    made.font.color.rgb = MUTED
    made.paragraph_format.space_before = Pt(48)
    made = _new_style(word, "Commitment")  # a commitment's headline: reference, status, flags
    made.font.bold = True
    made.paragraph_format.space_before = Pt(10)
    made.paragraph_format.space_after = Pt(3)
    made.paragraph_format.keep_with_next = True
    ox.paragraph_border(made.element.get_or_add_pPr(), "top", "BFBFBF")
    made = _new_style(word, "Table Text")
    made.font.size = Pt(9)
    made.paragraph_format.space_after = Pt(0)
    made.paragraph_format.line_spacing = 1.0
    made = _new_style(word, "Spacer")  # between two tables, which Word would otherwise join
    made.font.size = Pt(4)
    made.paragraph_format.space_after = Pt(0)
    made.paragraph_format.line_spacing = 1.0
    # Word fills a table of contents with the styles named "toc 1", "toc 2".
    for level in (1, 2):
        made = _new_style(word, f"toc {level}")
        made.paragraph_format.left_indent = Mm(5 * (level - 1))
        made.paragraph_format.space_after = Pt(2)
        made.font.bold = level == 1
    for name in ("Header", "Footer"):
        _paragraph_style(word, name).font.size = Pt(8.5)


def _paragraph_style(word: Document, name: str) -> ParagraphStyle:
    style = word.styles[name]
    assert isinstance(style, ParagraphStyle)
    return style


def _new_style(word: Document, name: str) -> ParagraphStyle:
    style = word.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    assert isinstance(style, ParagraphStyle)
    style.base_style = word.styles["Normal"]
    style.quick_style = True  # shown in Word's style gallery, to apply while editing
    return style


def _set_up_page(word: Document, document: ReportDocument) -> None:
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin = section.bottom_margin = MARGIN
    section.left_margin = section.right_margin = MARGIN
    section.header_distance = section.footer_distance = Mm(10)

    header = section.header.paragraphs[0]
    if document.classification:
        _marking(header, document.classification)
        header = section.header.add_paragraph()
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(header, document.running_title).font.color.rgb = MUTED

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, "- ")
    for run in ox.field_runs("PAGE", "1"):
        footer._p.append(run)
    _run(footer, " -")
    if document.classification:
        _marking(section.footer.add_paragraph(), document.classification)


def _marking(paragraph: WordParagraph, classification: str) -> None:
    """The classification, centred, bold and red, as Korean government documents mark it."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = _run(paragraph, classification, bold=True)
    run.font.color.rgb = MARKING
    run.font.size = Pt(10)


def _set_properties(word: Document, document: ReportDocument, language: str) -> None:
    created = datetime(document.created.year, document.created.month, document.created.day)
    properties = word.core_properties
    properties.title = xml_text(document.title)
    properties.subject = xml_text(document.running_title)
    properties.author = properties.last_modified_by = xml_text(document.author)
    properties.created = properties.modified = created
    properties.language = language
    properties.comments = ""  # the template says "generated by python-docx"
    properties.revision = 1
    properties.keywords = ""
    # The template's thumbnail shows another document: a file browser would show it for this one.
    package = word.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            package.rels.pop(rel_id)
    # Word 2010 may read its styles from this copy, which still names the theme's fonts.
    for rel_id, rel in list(word.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            word.part.rels.pop(rel_id)


class _Body:
    """Appends the outline's blocks to the document, in order."""

    def __init__(self, word: Document, language: str) -> None:
        self.word = word
        self.language = language
        self.styles = {name: _paragraph_style(word, name) for name in _STYLE_NAMES}
        self.table_style = word.styles["Table Grid"].style_id
        self.break_before = False  # the next block starts a page
        self.after_table = False  # the last block was a table: another would join it

    def add(self, block: Block) -> None:
        if isinstance(block, PageBreak):
            self.break_before = True
            return
        if isinstance(block, Heading):
            style = f"Heading {min(max(block.level, 1), 3)}"
            self.paragraph(" ".join(block.text.splitlines()), style)
        elif isinstance(block, Paragraph):
            for line in _lines(block.text):
                self.paragraph(line, _PARAGRAPH_STYLES[block.style], bold=block.bold)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Fields):
            self.fields(block)
        elif isinstance(block, Commitment):
            self.paragraph(block.headline, "Commitment")
            for line in _lines(block.text):
                self.paragraph(line, "Quote")
            self.fields(block.fields)
        elif isinstance(block, Contents):
            self.contents(block)

    def paragraph(self, text: str, style: str, *, bold: bool = False) -> WordParagraph:
        paragraph = self.word.add_paragraph()
        _style(paragraph, self.styles[style])
        if self.break_before:
            paragraph.paragraph_format.page_break_before = True
            self.break_before = False
        if text:
            _run(paragraph, text, bold=bold)
        self.after_table = False
        return paragraph

    def contents(self, block: Contents) -> None:
        """A TOC field over headings 1–2 whose last result is the outline's entries, so the
        contents read right before Word updates them (and gains the page numbers)."""
        self.paragraph(say(self.language, "part.contents"), "TOC Heading")
        entries = [(min(max(level, 1), 2), text) for level, text in block.entries]
        field = r'TOC \o "1-2" \h \z \u'
        if not entries:
            paragraph = self.paragraph("", "toc 1")
            for run in ox.field_runs(field):
                paragraph._p.append(run)
            return
        for i, (level, text) in enumerate(entries):
            paragraph = self.paragraph("", f"toc {level}")
            if i == 0:
                for run in ox.field_begin(field):
                    paragraph._p.append(run)
            _run(paragraph, text)
            if i == len(entries) - 1:
                paragraph._p.append(ox.field_end())

    def table(self, block: Table) -> None:
        rows = [block.header, *block.rows, *([block.footer] if block.footer else [])]
        widths = _widths(block.widths, len(block.header), TEXT_WIDTH.twips)
        look = self.look(widths, numeric=block.numeric, header_row=True)
        self._append(ox.table(rows, replace(look, footer_row=bool(block.footer))))

    def fields(self, block: Fields) -> None:
        label = FIELD_LABEL_WIDTH.twips
        look = self.look((label, TEXT_WIDTH.twips - label), numeric=frozenset())
        self._append(ox.table(block.rows, replace(look, label_column=True, keep_together=True)))

    def look(
        self, widths: Sequence[int], *, numeric: frozenset[int], header_row: bool = False
    ) -> ox.Grid:
        return ox.Grid(
            table_style=self.table_style,
            text_style=self.styles["Table Text"].style_id,
            font=FONT,
            widths=tuple(widths),
            numeric=numeric,
            header_row=header_row,
            header_fill=HEADER_FILL,
            footer_fill=FOOTER_FILL,
        )

    def _append(self, table: BaseOxmlElement) -> None:
        if self.after_table or self.break_before:
            self.paragraph("", "Spacer")  # two tables in a row would be drawn as one
        body = self.word.element.body
        body.sectPr.addprevious(table)
        self.after_table = True


_STYLE_NAMES = (
    *_PARAGRAPH_STYLES.values(),
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "Commitment",
    "Table Text",
    "Spacer",
    "TOC Heading",
    "toc 1",
    "toc 2",
)


def _style(paragraph: WordParagraph, style: ParagraphStyle) -> None:
    # python-docx's `paragraph.style = …` looks for the default style among the template's 170
    # at every call: two thirds of the time went there.
    paragraph._p.style = style.style_id


def _run(paragraph: WordParagraph, text: str, *, bold: bool = False) -> Run:
    run = paragraph.add_run(xml_text(text))
    if bold:
        run.bold = True
    # On the run too: text cut from here into another document keeps its Korean font.
    ox.set_east_asian_font(run._r.get_or_add_rPr(), FONT)
    return run


def _lines(text: str) -> list[str]:
    return xml_text(text).split("\n") if text else []


def _widths(relative: Sequence[int], columns: int, total: int) -> list[int]:
    """Absolute column widths (EMU) in proportion to `relative`, summing to `total`; equal
    widths when `relative` does not give one per column."""
    shares = list(relative) if len(relative) == columns and sum(relative) > 0 else [1] * columns
    whole = sum(shares)
    widths = [total * share // whole for share in shares]
    widths[-1] += total - sum(widths)
    return widths
