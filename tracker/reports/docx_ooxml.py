"""The WordprocessingML that python-docx has no call for: fonts in every script slot, fields,
repeated header rows, cell shading, and a package whose bytes depend on the document alone.

Each helper edits one element in place; `tracker.reports.docx` decides where they go.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

from tracker.reports.outline import xml_text


def element(tag: str, **attributes: str) -> BaseOxmlElement:
    """`<w:tag w:name="value" …/>`; a `space` attribute is xml:space."""
    made = OxmlElement(tag)
    for name, value in attributes.items():
        made.set(qn("xml:space" if name == "space" else f"w:{name}"), value)
    return made


def child(parent: BaseOxmlElement, tag: str, *, before: Iterable[str] = ()) -> BaseOxmlElement:
    """`parent`'s `tag` child, made if missing, placed before the first of `before` (the
    schema's order: Word refuses a file whose elements come out of order)."""
    found = parent.find(qn(tag))
    if found is not None:
        return found  # type: ignore[no-any-return]
    made = element(tag)
    for successor in before:
        anchor = parent.find(qn(successor))
        if anchor is not None:
            anchor.addprevious(made)
            return made
    parent.append(made)
    return made


def set_fonts(rpr: BaseOxmlElement, font: str) -> None:
    """One font in every script slot of a run's properties (Latin, complex, East Asian).

    Theme references win over named fonts in Word, and python-docx's template points them at
    a theme it does not ship: they are dropped so the named font is the one used.
    """
    fonts = child(rpr, "w:rFonts", before=_AFTER_RFONTS)
    for name in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{name}"), None)
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{slot}"), font)


def set_east_asian_font(rpr: BaseOxmlElement, font: str) -> None:
    """Only the East Asian slot: what Hangul is drawn in, whatever a style says later."""
    child(rpr, "w:rFonts", before=_AFTER_RFONTS).set(qn("w:eastAsia"), font)


def set_language(rpr: BaseOxmlElement, tag: str) -> None:
    """Spell-checking and font choice: `tag` for Latin text, Korean for East Asian text."""
    lang = child(rpr, "w:lang", before=("w:eastAsianLayout", "w:specVanish", "w:oMath"))
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), "ko-KR")


# What may follow w:rFonts in w:rPr (CT_RPr's sequence), so it is inserted in its place.
_AFTER_RFONTS = (
    "w:b",
    "w:bCs",
    "w:i",
    "w:iCs",
    "w:caps",
    "w:smallCaps",
    "w:strike",
    "w:color",
    "w:spacing",
    "w:sz",
    "w:szCs",
    "w:u",
    "w:shd",
    "w:lang",
)


def field_runs(instruction: str, cached: str = "") -> list[BaseOxmlElement]:
    """The runs of a field (`PAGE`, `TOC …`) with its last result, which a reader shows until
    the word processor computes it again."""
    runs = [_field_char("begin"), _run(element("w:instrText", space="preserve"), instruction)]
    runs.append(_field_char("separate"))
    if cached:
        runs.append(_run(element("w:t", space="preserve"), cached))
    runs.append(_field_char("end"))
    return runs


def field_begin(instruction: str) -> list[BaseOxmlElement]:
    """A field's opening runs, for a result that spans paragraphs (a table of contents)."""
    return [
        _field_char("begin"),
        _run(element("w:instrText", space="preserve"), instruction),
        _field_char("separate"),
    ]


def field_end() -> BaseOxmlElement:
    return _field_char("end")


def _field_char(kind: str) -> BaseOxmlElement:
    run = element("w:r")
    run.append(element("w:fldChar", fldCharType=kind))
    return run


def _run(content: BaseOxmlElement, text: str) -> BaseOxmlElement:
    content.text = text
    run = element("w:r")
    run.append(content)
    return run


@dataclass(frozen=True)
class Grid:
    """How a table looks: its styles, its columns (twips), which rows and columns stand out."""

    table_style: str  # style ids
    text_style: str
    font: str  # East Asian font of every run
    widths: tuple[int, ...]
    numeric: frozenset[int] = frozenset()  # right-aligned columns
    header_row: bool = False  # repeated on every page, never split
    footer_row: bool = False  # totals, under a rule
    label_column: bool = False  # a Fields table's labels
    keep_together: bool = False  # on one page when it fits (a commitment's fields)
    header_fill: str = "D9E2F3"
    footer_fill: str = "F2F2F2"


def table(rows: Sequence[Sequence[str]], grid: Grid) -> BaseOxmlElement:
    """A `w:tbl` of plain text, one paragraph a line, its parts in the schema's order.

    Built with lxml directly: python-docx's cell by cell calls took 0.7 s for the seed's
    review, nearly all of it finding where each new element belongs.
    """
    tbl = element("w:tbl")
    tblpr = _sub(tbl, "w:tblPr")
    _sub(tblpr, "w:tblStyle", val=grid.table_style)
    _sub(tblpr, "w:tblW", w=str(sum(grid.widths)), type="dxa")
    _sub(tblpr, "w:jc", val="center")
    _sub(tblpr, "w:tblLayout", type="fixed")  # the widths, not the text, set the columns
    margins = _sub(tblpr, "w:tblCellMar")  # the template's cells have none above and below
    for side, margin in (("top", "30"), ("left", "85"), ("bottom", "30"), ("right", "85")):
        _sub(margins, f"w:{side}", w=margin, type="dxa")
    _table_look(tblpr, grid)
    columns = _sub(tbl, "w:tblGrid")
    for width in grid.widths:
        _sub(columns, "w:gridCol", w=str(width))
    last = len(rows) - 1
    for r, values in enumerate(rows):
        tr = _sub(tbl, "w:tr")
        header = grid.header_row and r == 0
        footer = grid.footer_row and r == last and r > 0
        if header:
            trpr = _sub(tr, "w:trPr")
            _sub(trpr, "w:cantSplit")
            _sub(trpr, "w:tblHeader")
        for c, width in enumerate(grid.widths):
            label = grid.label_column and c == 0
            tc = _sub(tr, "w:tc")
            tcpr = _sub(tc, "w:tcPr")
            _sub(tcpr, "w:tcW", w=str(width), type="dxa")
            if footer:
                borders = _sub(tcpr, "w:tcBorders")
                _sub(borders, "w:top", val="single", sz="8", space="0", color="404040")
            fill = grid.header_fill if header or label else grid.footer_fill if footer else ""
            if fill:
                _sub(tcpr, "w:shd", val="clear", color="auto", fill=fill)
            value = xml_text(values[c]) if c < len(values) else ""
            for line in value.split("\n"):
                p = _sub(tc, "w:p")
                ppr = _sub(p, "w:pPr")
                _sub(ppr, "w:pStyle", val=grid.text_style)
                if header or (grid.keep_together and r < last):
                    _sub(ppr, "w:keepNext")  # Word's way to keep rows with the next one
                if c in grid.numeric:
                    _sub(ppr, "w:jc", val="right")
                if line:
                    _text_run(p, line, grid.font, bold=header or footer or label)
    return tbl


def _table_look(tblpr: BaseOxmlElement, grid: Grid) -> None:
    """Which parts of the table style apply: as flags, and as the bit mask Word 2007 reads."""
    flags = {
        "firstRow": (grid.header_row, 0x0020),
        "lastRow": (grid.footer_row, 0x0040),
        "firstColumn": (grid.label_column, 0x0080),
        "lastColumn": (False, 0x0100),
        "noHBand": (True, 0x0200),
        "noVBand": (True, 0x0400),
    }
    mask = sum(bit for on, bit in flags.values() if on)
    attributes = {name: str(int(on)) for name, (on, _) in flags.items()}
    _sub(tblpr, "w:tblLook", val=f"{mask:04X}", **attributes)


def _text_run(p: BaseOxmlElement, text: str, font: str, *, bold: bool) -> None:
    run = _sub(p, "w:r")
    rpr = _sub(run, "w:rPr")
    _sub(rpr, "w:rFonts", eastAsia=font)
    if bold:
        _sub(rpr, "w:b")
    for i, piece in enumerate(text.split("\t")):
        if i:
            _sub(run, "w:tab")
        if piece:
            _sub(run, "w:t", space="preserve").text = piece


def _sub(parent: BaseOxmlElement, tag: str, **attributes: str) -> BaseOxmlElement:
    made = element(tag, **attributes)
    parent.append(made)
    return made


def paragraph_border(ppr: BaseOxmlElement, side: str, color: str, size: int = 6) -> None:
    """A rule beside the paragraph (`left` for a quote, `top` above a commitment)."""
    borders = child(ppr, "w:pBdr", before=_AFTER_PBDR)
    edge = element(f"w:{side}", val="single", sz=str(size), space="4", color=color)
    borders.append(edge)


_AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def ask_to_update_fields(settings: BaseOxmlElement) -> None:
    """Word offers to update the fields on opening, so the contents get their page numbers
    (until then it shows the entries written here, without numbers)."""
    before = ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars")
    child(settings, "w:updateFields", before=(*before, "w:rsids")).set(qn("w:val"), "true")


def east_asian_theme_language(settings: BaseOxmlElement) -> None:
    """The template says Japanese: a Korean document asks for Korean."""
    child(settings, "w:themeFontLang").set(qn("w:eastAsia"), "ko-KR")


def font_table(font: str, alternative: str) -> bytes:
    """word/fontTable.xml naming the one font the document uses: Hangul character set (0x81),
    sans serif, and its English name, so Word on a machine without it picks a Korean face."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:font w:name="{font}"><w:altName w:val="{alternative}"/>'
        '<w:panose1 w:val="020B0503020000020004"/><w:charset w:val="81"/>'
        '<w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>'
        '<w:font w:name="Symbol"><w:charset w:val="02"/><w:family w:val="roman"/>'
        '<w:pitch w:val="variable"/></w:font>'
        "</w:fonts>"
    ).encode()


def app_properties() -> bytes:
    """docProps/app.xml: the template's says Word for Mac wrote a one-page document."""
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'extended-properties"><Application>tracker</Application><DocSecurity>0</DocSecurity>'
        b"</Properties>"
    )


def repackage(data: bytes, created: date, replace: dict[str, bytes]) -> bytes:
    """The package again with every entry dated `created` (so the same report gives the same
    bytes and the same SHA-256), `[Content_Types].xml` first, and some parts replaced."""
    day = max(created, date(1980, 1, 1))  # the earliest date a zip entry can carry
    stamp = (day.year, day.month, day.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = source.namelist()
        names.sort(key=lambda name: name != "[Content_Types].xml")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for name in names:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                target.writestr(info, replace.get(name, source.read(name)))
    return out.getvalue()
