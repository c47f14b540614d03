"""The review report or brief as a Hangul document (HWPX: OWPML, KS X 6101), from its outline.

The package is python-hwpx's blank document (its header, settings, version and manifest
parts) with the report's style sheet (`hwpx_sheet`) and a section written here with lxml:
python-hwpx's editing API took about 1.8 s for the seed's review (over the 1 s the reports
must take), this about 0.1 s.

Rules:
- `mimetype` is the first entry of the zip, stored, `application/hwp+zip`; the other parts
  are deflated; entries carry the report's date, so the same outline gives the same bytes;
- no `hp:linesegarray` anywhere: those are Hangul's cached line layouts, and a stale one makes
  Hangul draw text over text; without them Hangul lays the text out when it opens the file;
- every value is a text node (markup in a note is shown as typed); characters XML cannot hold
  (control characters other than tab and newline) are dropped, a tab becomes a space, and each
  line of a value becomes its own paragraph;
- the cover is its own page (the outline's blocks before its contents), the contents a list of
  the headings in the 차례 styles; headings are the outline styles 개요 1-3;
- tables flow across pages (not laid out as a character, which Hangul never breaks), with the
  header row repeated on every page, shaded, and a totals row in bold;
- every page has the running title in its header and its number in its footer; a
  classification marking, when the report has one, heads the header and ends the footer.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from lxml import etree  # type: ignore[import-untyped]  # no stubs; python-hwpx brings lxml

from tracker.reports.hwpx_sheet import (
    HP,
    STYLE_BODY,
    STYLE_CONTENTS,
    STYLE_CONTENTS_TITLE,
    STYLE_HEADER,
    STYLE_OUTLINE,
    Look,
    Sheet,
    q,
    sheet,
    template_parts,
)
from tracker.reports.outline import (
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

MEDIA_TYPE = "application/hwp+zip"

OPF = "http://www.idpf.org/2007/opf/"
TEXT_WIDTH = 42520  # A4 less the template's 30 mm side margins, in HWPUNIT (1/7200 inch)
HEADER_HEIGHT = 4252
CELL_MARGIN = {"left": "510", "right": "510", "top": "141", "bottom": "141"}
CELL_PADDING = 282  # the cell margins above and below
LINE_HEIGHT = 1000  # a cell line at least; Hangul grows a row to what it holds
PREVIEW_CHARACTERS = 1000


_PARAGRAPH_LOOKS = {
    Style.BODY: Look.BODY,
    Style.LEAD: Look.LEAD,
    Style.NOTE: Look.NOTE,
    Style.QUOTE: Look.QUOTE,
    Style.ITEM: Look.ITEM,
    Style.EMPTY: Look.EMPTY,
    Style.COVER_KIND: Look.COVER_KIND,
    Style.COVER_TITLE: Look.COVER_TITLE,
}


def write_hwpx(document: ReportDocument) -> bytes:
    """The document as the bytes of a `.hwpx` file."""
    parts = template_parts()
    styles = sheet()
    written = {
        "mimetype": MEDIA_TYPE.encode("ascii"),
        "version.xml": parts["version.xml"],
        "Contents/header.xml": styles.header_xml,
        "Contents/section0.xml": _Section(styles, document).xml(),
        "Contents/content.hpf": _content_hpf(parts["Contents/content.hpf"], document),
        "Preview/PrvText.txt": _preview(document),
        "settings.xml": parts["settings.xml"],
        "META-INF/container.xml": parts["META-INF/container.xml"],
        "META-INF/container.rdf": parts["META-INF/container.rdf"],
        "META-INF/manifest.xml": parts["META-INF/manifest.xml"],
    }
    stamp = (document.created.year, document.created.month, document.created.day, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in written.items():
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data)
    return buffer.getvalue()


def lines(text: str) -> list[str]:
    """The lines of a value as XML can hold them: never none, so an empty value still has
    its (empty) paragraph."""
    text = xml_text(text).replace("\t", " ")
    return text.split("\n")


@dataclass(frozen=True)
class _Cell:
    text: str
    look: Look
    shaded: bool = False


class _Section:
    """Contents/section0.xml: the page set-up of the template's first paragraph, the page
    header and footer, then the blocks."""

    def __init__(self, styles: Sheet, document: ReportDocument) -> None:
        self.styles = styles
        self.document = document
        self.root = etree.fromstring(template_parts()["Contents/section0.xml"])
        first = self.root.find(q(HP, "p"))
        assert first is not None, "the template's section has no paragraph"
        for child in list(self.root):
            self.root.remove(child)
        # the run that carries the page set-up (hp:secPr, hp:colPr), for the first paragraph
        self.section_run: etree._Element | None = first.find(q(HP, "run"))
        assert self.section_run is not None
        section = self.section_run.find(q(HP, "secPr"))
        assert section is not None, "the template's first paragraph has no hp:secPr"
        section.set("outlineShapeIDRef", str(styles.outline_numbering))
        self.next_id = 0
        self.page_break = False
        for furniture in self._page_header(), self._page_footer():
            self.section_run.append(furniture)

    def xml(self) -> bytes:
        cover = True  # every block before the contents is the cover
        for block in self.document.blocks:
            if isinstance(block, Heading):  # one paragraph, as the outline lists it
                level = min(max(block.level, 1), 3)
                look, style = Look(f"heading_{level}"), STYLE_OUTLINE[level]
                self._paragraph(self.root, look, _one_line(block.text), style=style)
            elif isinstance(block, Paragraph):
                look = _PARAGRAPH_LOOKS.get(block.style, Look.BODY)
                if cover and block.style is Style.NOTE:
                    look = Look.COVER_NOTE
                for text in lines(block.text):
                    self._paragraph(self.root, look, text, bold=block.bold)
            elif isinstance(block, Table):
                self._table(_table_rows(block), widths=block.widths, header_rows=1)
            elif isinstance(block, Fields):
                self._fields(block)
            elif isinstance(block, Commitment):
                for text in lines(block.headline):
                    self._paragraph(self.root, Look.HEADLINE, text)
                for text in lines(block.text):
                    self._paragraph(self.root, Look.QUOTE, text)
                self._fields(block.fields)
            elif isinstance(block, Contents):
                cover = False
                self._contents(block)
            elif isinstance(block, PageBreak):
                self.page_break = True
        if self.section_run is not None:  # a document with no blocks still has its page set-up
            self._paragraph(self.root, Look.BODY, "")
        return _xml(self.root)

    # -- blocks --------------------------------------------------------------------------

    def _contents(self, block: Contents) -> None:
        if len(self.root):
            self.page_break = True  # the cover is a page of its own
        title = say(self.document.language, "part.contents")
        self._paragraph(self.root, Look.CONTENTS_TITLE, title, style=STYLE_CONTENTS_TITLE)
        for level, text in block.entries:
            level = min(max(level, 1), 3)
            look, style = Look(f"contents_{level}"), STYLE_CONTENTS[level]
            self._paragraph(self.root, look, _one_line(text), style=style)

    def _fields(self, block: Fields) -> None:
        rows = [
            [_Cell(label, Look.CELL_LABEL, shaded=True), _Cell(value, Look.CELL)]
            for label, value in block.rows
        ]
        self._table(rows, widths=(1, 4), header_rows=0)

    def _table(
        self, rows: Sequence[Sequence[_Cell]], *, widths: Sequence[int], header_rows: int
    ) -> None:
        if not rows:
            return
        columns = max(len(row) for row in rows)
        column_widths = _column_widths(widths if len(widths) == columns else (1,) * columns)
        anchor = self._paragraph(self.root, Look.ANCHOR, None)
        run = anchor[-1]  # after the page set-up's run, in the first paragraph
        heights = [
            LINE_HEIGHT * max(len(lines(cell.text)) for cell in row) + CELL_PADDING for row in rows
        ]
        table = etree.SubElement(
            run,
            q(HP, "tbl"),
            id=self._id(),
            zOrder="0",
            numberingType="TABLE",
            textWrap="TOP_AND_BOTTOM",
            textFlow="BOTH_SIDES",
            lock="0",
            dropcapstyle="None",
            pageBreak="CELL",
            repeatHeader="1" if header_rows else "0",
            rowCnt=str(len(rows)),
            colCnt=str(columns),
            cellSpacing="0",
            borderFillIDRef=str(self.styles.cell_border),
            noAdjust="0",
        )
        etree.SubElement(
            table,
            q(HP, "sz"),
            width=str(TEXT_WIDTH),
            widthRelTo="ABSOLUTE",
            height=str(sum(heights)),
            heightRelTo="ABSOLUTE",
            protect="0",
        )
        etree.SubElement(
            table,
            q(HP, "pos"),
            treatAsChar="0",  # a table laid out as a character never breaks across pages
            affectLSpacing="0",
            flowWithText="1",
            allowOverlap="0",
            holdAnchorAndSO="0",
            vertRelTo="PARA",
            horzRelTo="COLUMN",
            vertAlign="TOP",
            horzAlign="LEFT",
            vertOffset="0",
            horzOffset="0",
        )
        etree.SubElement(table, q(HP, "outMargin"), left="0", right="0", top="0", bottom="0")
        etree.SubElement(table, q(HP, "inMargin"), CELL_MARGIN)
        for row_index, (row, height) in enumerate(zip(rows, heights, strict=True)):
            tr = etree.SubElement(table, q(HP, "tr"))
            padded = [*row, *(_Cell("", Look.CELL) for _ in range(columns - len(row)))]
            for column, (cell, width) in enumerate(zip(padded, column_widths, strict=True)):
                self._cell(tr, cell, row_index, column, width, height, row_index < header_rows)

    def _cell(
        self,
        tr: etree._Element,
        cell: _Cell,
        row: int,
        column: int,
        width: int,
        height: int,
        header: bool,
    ) -> None:
        border = self.styles.shaded_border if cell.shaded or header else self.styles.cell_border
        tc = etree.SubElement(
            tr,
            q(HP, "tc"),
            name="",
            header="1" if header else "0",
            hasMargin="0",
            protect="0",
            editable="0",
            dirty="0",
            borderFillIDRef=str(border),
        )
        sub_list = etree.SubElement(
            tc,
            q(HP, "subList"),
            id="",
            textDirection="HORIZONTAL",
            lineWrap="BREAK",
            vertAlign="CENTER",
            linkListIDRef="0",
            linkListNextIDRef="0",
            textWidth=str(max(width - 1020, 0)),  # less the cell margins left and right
            textHeight="0",
            hasTextRef="0",
            hasNumRef="0",
        )
        for text in lines(cell.text):
            self._paragraph(sub_list, cell.look, text)
        etree.SubElement(tc, q(HP, "cellAddr"), colAddr=str(column), rowAddr=str(row))
        etree.SubElement(tc, q(HP, "cellSpan"), colSpan="1", rowSpan="1")
        etree.SubElement(tc, q(HP, "cellSz"), width=str(width), height=str(height))
        etree.SubElement(tc, q(HP, "cellMargin"), CELL_MARGIN)

    # -- paragraphs ----------------------------------------------------------------------

    def _paragraph(
        self,
        parent: etree._Element,
        look: Look,
        text: str | None,
        *,
        bold: bool = False,
        style: int = STYLE_BODY,
    ) -> etree._Element:
        """A paragraph of one run; `text=None` leaves the run empty (for a table)."""
        shape = self.styles.shapes[look]
        top_level = parent is self.root
        p = etree.SubElement(
            parent,
            q(HP, "p"),
            id=self._id(),
            paraPrIDRef=str(shape.para),
            styleIDRef=str(style),
            pageBreak="1" if top_level and self.page_break else "0",
            columnBreak="0",
            merged="0",
        )
        if top_level:
            self.page_break = False
            if self.section_run is not None:
                p.append(self.section_run)
                self.section_run = None
        run = etree.SubElement(
            p, q(HP, "run"), charPrIDRef=str(shape.bold_char if bold else shape.char)
        )
        if text is not None:
            etree.SubElement(run, q(HP, "t")).text = text
        return p

    def _page_header(self) -> etree._Element:
        paragraphs: list[tuple[Look, str]] = []
        if self.document.classification:
            paragraphs.append((Look.MARKING, self.document.classification))
        paragraphs.append((Look.RUNNING, self.document.running_title))
        return self._furniture("header", "TOP", paragraphs)

    def _page_footer(self) -> etree._Element:
        ctrl = self._furniture("footer", "BOTTOM", [(Look.PAGE_NUMBER, "- ")])
        number = ctrl.find(f".//{q(HP, 'p')}")
        assert number is not None
        char = str(self.styles.shapes[Look.PAGE_NUMBER].char)
        page = etree.SubElement(number, q(HP, "run"), charPrIDRef=char)
        auto = etree.SubElement(
            etree.SubElement(page, q(HP, "ctrl")), q(HP, "autoNum"), num="1", numType="PAGE"
        )
        etree.SubElement(
            auto,
            q(HP, "autoNumFormat"),
            type="DIGIT",
            userChar="",
            prefixChar="",
            suffixChar="",
            supscript="0",
        )
        etree.SubElement(
            etree.SubElement(number, q(HP, "run"), charPrIDRef=char), q(HP, "t")
        ).text = " -"
        if self.document.classification:
            sub_list = ctrl.find(f".//{q(HP, 'subList')}")
            assert sub_list is not None
            for text in lines(self.document.classification):
                self._paragraph(sub_list, Look.MARKING, text, style=STYLE_HEADER)
        return ctrl

    def _furniture(
        self, kind: str, align: str, paragraphs: list[tuple[Look, str]]
    ) -> etree._Element:
        """A page header or footer control, shown on every page."""
        ctrl = etree.Element(q(HP, "ctrl"))
        story = etree.SubElement(ctrl, q(HP, kind), id=self._id(), applyPageType="BOTH")
        sub_list = etree.SubElement(
            story,
            q(HP, "subList"),
            id="",
            textDirection="HORIZONTAL",
            lineWrap="BREAK",
            vertAlign=align,
            linkListIDRef="0",
            linkListNextIDRef="0",
            textWidth=str(TEXT_WIDTH),
            textHeight=str(HEADER_HEIGHT),
            hasTextRef="0",
            hasNumRef="0",
        )
        for look, text in paragraphs:
            for line in lines(text):
                self._paragraph(sub_list, look, line, style=STYLE_HEADER)
        return ctrl

    def _id(self) -> str:
        self.next_id += 1
        return str(self.next_id)


def _table_rows(block: Table) -> list[list[_Cell]]:
    numeric = block.numeric
    rows = [[_Cell(text, Look.CELL_HEAD) for text in block.header]]
    rows += [
        [_Cell(text, Look.CELL_NUMBER if i in numeric else Look.CELL) for i, text in enumerate(row)]
        for row in block.rows
    ]
    if block.footer:
        rows.append(
            [
                _Cell(text, Look.CELL_TOTAL_NUMBER if i in numeric else Look.CELL_TOTAL, True)
                for i, text in enumerate(block.footer)
            ]
        )
    return rows


def _column_widths(relative: Sequence[int]) -> list[int]:
    """Relative widths as HWPUNIT across the text width, the last column taking what
    rounding leaves."""
    total = sum(relative) or 1
    widths = [TEXT_WIDTH * max(w, 0) // total for w in relative[:-1]]
    return [*widths, TEXT_WIDTH - sum(widths)]


def _content_hpf(template: bytes, document: ReportDocument) -> bytes:
    """The package's manifest with the report's title, language, author and date."""
    root = etree.fromstring(template)
    metadata = root.find(q(OPF, "metadata"))
    assert metadata is not None, "the template's content.hpf has no metadata"
    stamp = f"{document.created.isoformat()}T00:00:00Z"
    for element in metadata:
        name = etree.QName(element).localname
        key = element.get("name", "")
        if name == "title":
            element.text = _one_line(document.title)
        elif name == "language":
            element.text = document.language
        elif key in ("creator", "lastsaveby"):
            element.text = _one_line(document.author)
        elif key == "subject":
            element.text = _one_line(document.running_title)
        elif key in ("CreatedDate", "ModifiedDate"):
            element.text = stamp
        elif key == "date":
            element.text = document.created.isoformat()
    return _xml(root)


def _xml(root: etree._Element) -> bytes:
    """A part as Hancom writes it: declared UTF-8 and standalone."""
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _one_line(text: str) -> str:
    return " ".join(line for line in lines(text) if line)


def _preview(document: ReportDocument) -> bytes:
    """Preview/PrvText.txt: the start of the document's text, as Hangul shows it in a list
    of files."""
    text = "\r\n".join(_preview_lines(document))
    return text[:PREVIEW_CHARACTERS].encode("utf-8")


def _preview_lines(document: ReportDocument) -> Iterator[str]:
    for block in document.blocks:
        if isinstance(block, (Heading, Paragraph)):
            yield _one_line(block.text)
        elif isinstance(block, Commitment):
            yield _one_line(block.headline)
