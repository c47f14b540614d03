"""The style sheet of the Hangul (HWPX) reports: fonts, character and paragraph shapes,
borders and the outline styles, written into the `Contents/header.xml` of python-hwpx's
blank document (the template every new Hangul document starts from).

Rules:
- body text is 함초롬바탕 and headings, tables and page furniture 함초롬돋움 (the fonts Hangul
  ships); each names a Nanum font as its substitute (`hh:substFont`), used where the Hancom
  fonts are not installed;
- headings use the template's own outline styles 개요 1-3 (so Hangul's outline, navigation
  and table of contents see them) with the outline numbers left empty: the headings carry
  their own numbers ("제7조"), and Hangul would otherwise prefix "1.", "가.", "1)";
- the sheet depends on nothing in a report, so it is built once per process.
"""

from __future__ import annotations

import copy
import io
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from hwpx.templates import blank_document_bytes
from lxml import etree  # type: ignore[import-untyped]  # no stubs; python-hwpx brings lxml

HH = "http://www.hancom.co.kr/hwpml/2011/head"
HC = "http://www.hancom.co.kr/hwpml/2011/core"
HP = "http://www.hancom.co.kr/hwpml/2011/paragraph"

DOTUM, BATANG = 0, 1  # font ids in the template: 함초롬돋움, 함초롬바탕
SUBSTITUTES = {"함초롬돋움": "NanumGothic", "함초롬바탕": "NanumMyeongjo"}

# the template's styles (Contents/header.xml of python-hwpx's Skeleton.hwpx)
STYLE_BODY = 1  # 본문
STYLE_OUTLINE = {1: 2, 2: 3, 3: 4}  # 개요 1-3
STYLE_HEADER = 14  # 머리말
STYLE_CONTENTS_TITLE = 18  # 차례 제목
STYLE_CONTENTS = {1: 19, 2: 20, 3: 21}  # 차례 1-3


class Look(StrEnum):
    """A kind of paragraph as the report shows it: its paragraph and character shape."""

    BODY = "body"
    LEAD = "lead"
    NOTE = "note"
    QUOTE = "quote"
    ITEM = "item"
    EMPTY = "empty"
    COVER_NOTE = "cover_note"
    COVER_KIND = "cover_kind"
    COVER_TITLE = "cover_title"
    HEADING_1 = "heading_1"
    HEADING_2 = "heading_2"
    HEADING_3 = "heading_3"
    HEADLINE = "headline"  # a commitment's first line
    CONTENTS_TITLE = "contents_title"
    CONTENTS_1 = "contents_1"
    CONTENTS_2 = "contents_2"
    CONTENTS_3 = "contents_3"
    CELL = "cell"
    CELL_NUMBER = "cell_number"
    CELL_HEAD = "cell_head"
    CELL_LABEL = "cell_label"
    CELL_TOTAL = "cell_total"
    CELL_TOTAL_NUMBER = "cell_total_number"
    RUNNING = "running"  # the running title in the page header
    MARKING = "marking"  # the classification in the page header and footer
    PAGE_NUMBER = "page_number"
    ANCHOR = "anchor"  # the paragraph a table hangs on


@dataclass(frozen=True)
class Shape:
    para: int
    char: int
    bold_char: int  # the same character shape, bold


@dataclass(frozen=True)
class Sheet:
    header_xml: bytes
    shapes: dict[Look, Shape]
    outline_numbering: int  # the numbering with empty outline numbers
    cell_border: int
    shaded_border: int


@dataclass(frozen=True)
class _Char:
    font: int
    height: int  # hundredths of a point
    bold: bool = False
    color: str = "#000000"


@dataclass(frozen=True)
class _Para:
    align: str = "JUSTIFY"
    left: int = 0  # HWPUNIT (1/7200 inch)
    indent: int = 0
    before: int = 0
    after: int = 0
    line: int = 160  # per cent
    keep_with_next: bool = False
    outline_level: int = 0  # 1-3 for headings


_GREY = "#555555"
_LOOKS: dict[Look, tuple[_Para, _Char]] = {
    Look.BODY: (_Para(after=600), _Char(BATANG, 1000)),
    Look.LEAD: (_Para(after=600), _Char(BATANG, 1050)),
    Look.NOTE: (_Para(after=600, line=140), _Char(BATANG, 900, color=_GREY)),
    Look.QUOTE: (_Para(left=2000, after=400, line=150), _Char(BATANG, 1000, color="#333333")),
    Look.ITEM: (_Para(left=2000, indent=-1000, after=300), _Char(BATANG, 1000)),
    Look.EMPTY: (_Para(after=600), _Char(BATANG, 1000, color=_GREY)),
    Look.COVER_NOTE: (
        _Para(align="CENTER", before=2000, after=6000),
        _Char(DOTUM, 1000, False, _GREY),
    ),
    Look.COVER_KIND: (_Para(align="CENTER", after=1200), _Char(DOTUM, 1600)),
    Look.COVER_TITLE: (_Para(align="CENTER", after=6000, line=140), _Char(DOTUM, 2200, True)),
    Look.HEADING_1: (
        _Para(align="LEFT", before=2400, after=1000, keep_with_next=True, outline_level=1),
        _Char(DOTUM, 1600, True),
    ),
    Look.HEADING_2: (
        _Para(align="LEFT", before=1600, after=800, keep_with_next=True, outline_level=2),
        _Char(DOTUM, 1300, True),
    ),
    Look.HEADING_3: (
        _Para(align="LEFT", before=1200, after=600, keep_with_next=True, outline_level=3),
        _Char(DOTUM, 1100, True),
    ),
    Look.HEADLINE: (
        _Para(align="LEFT", before=1000, after=400, keep_with_next=True),
        _Char(DOTUM, 1050, True),
    ),
    Look.CONTENTS_TITLE: (_Para(align="LEFT", after=1600), _Char(DOTUM, 1600, True)),
    Look.CONTENTS_1: (_Para(align="LEFT", after=500), _Char(DOTUM, 1100, True)),
    Look.CONTENTS_2: (_Para(align="LEFT", left=2000, after=300), _Char(DOTUM, 1000)),
    Look.CONTENTS_3: (_Para(align="LEFT", left=4000, after=300), _Char(DOTUM, 1000)),
    Look.CELL: (_Para(align="LEFT", line=130), _Char(DOTUM, 900)),
    Look.CELL_NUMBER: (_Para(align="RIGHT", line=130), _Char(DOTUM, 900)),
    Look.CELL_HEAD: (_Para(align="CENTER", line=130), _Char(DOTUM, 900, True)),
    Look.CELL_LABEL: (_Para(align="LEFT", line=130), _Char(DOTUM, 900, True)),
    Look.CELL_TOTAL: (_Para(align="LEFT", line=130), _Char(DOTUM, 900, True)),
    Look.CELL_TOTAL_NUMBER: (_Para(align="RIGHT", line=130), _Char(DOTUM, 900, True)),
    Look.RUNNING: (_Para(align="RIGHT", line=130), _Char(DOTUM, 850, color=_GREY)),
    Look.MARKING: (_Para(align="CENTER", line=130), _Char(DOTUM, 1000, True, "#C00000")),
    Look.PAGE_NUMBER: (_Para(align="CENTER", line=130), _Char(DOTUM, 900)),
    Look.ANCHOR: (_Para(align="LEFT", after=400, line=100), _Char(DOTUM, 400)),
}


def q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


@cache
def template_parts() -> dict[str, bytes]:
    """The parts of python-hwpx's blank document, by name, in the order it stores them."""
    with zipfile.ZipFile(io.BytesIO(blank_document_bytes())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@cache
def sheet() -> Sheet:
    """The template's header.xml with the report's shapes added (built once)."""
    root = etree.fromstring(template_parts()["Contents/header.xml"])
    ref_list = root.find(q(HH, "refList"))
    assert ref_list is not None, "the template's header.xml has no hh:refList"
    _name_substitute_fonts(ref_list)
    borders = _child(ref_list, "borderFills")
    cell_border = _append_border(borders, fill=None)
    shaded_border = _append_border(borders, fill="#E8E8E8")
    numbering = _append_empty_outline_numbering(_child(ref_list, "numberings"))
    chars, paras = _child(ref_list, "charProperties"), _child(ref_list, "paraProperties")
    shapes: dict[Look, Shape] = {}
    made_chars: dict[_Char, int] = {}
    for look, (para, char) in _LOOKS.items():
        bold = _Char(char.font, char.height, True, char.color)
        for each in (char, bold):
            if each not in made_chars:
                made_chars[each] = _append_char(chars, each)
        para_id = _append_para(paras, para, numbering)
        shapes[look] = Shape(para_id, made_chars[char], made_chars[bold])
    styles = _child(ref_list, "styles")
    for level, style_id in STYLE_OUTLINE.items():
        _restyle(styles, style_id, shapes[Look(f"heading_{level}")])
    for level, style_id in STYLE_CONTENTS.items():
        _restyle(styles, style_id, shapes[Look(f"contents_{level}")])
    _restyle(styles, STYLE_BODY, shapes[Look.BODY])
    _restyle(styles, STYLE_CONTENTS_TITLE, shapes[Look.CONTENTS_TITLE])
    for part in ref_list:
        part.set("itemCnt", str(len(part)))
    header_xml = bytes(
        etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    )
    return Sheet(header_xml, shapes, numbering, cell_border, shaded_border)


def _child(parent: etree._Element, name: str) -> etree._Element:
    found = parent.find(q(HH, name))
    assert found is not None, f"the template's header.xml has no hh:{name}"
    return found


def _next_id(parent: etree._Element) -> int:
    return max((int(c.get("id", "0")) for c in parent), default=0) + 1


def _name_substitute_fonts(ref_list: etree._Element) -> None:
    """Every Hancom font names its Nanum substitute, first among the font's children."""
    for font in ref_list.iter(q(HH, "font")):
        substitute = SUBSTITUTES.get(font.get("face", ""))
        if substitute and font.find(q(HH, "substFont")) is None:
            element = etree.Element(
                q(HH, "substFont"),
                face=substitute,
                type="TTF",
                isEmbedded="0",
                binaryItemIDRef="",
            )
            font.insert(0, element)


def _append_border(borders: etree._Element, *, fill: str | None) -> int:
    border_id = _next_id(borders)
    element = etree.SubElement(
        borders,
        q(HH, "borderFill"),
        id=str(border_id),
        threeD="0",
        shadow="0",
        centerLine="NONE",
        breakCellSeparateLine="0",
    )
    etree.SubElement(element, q(HH, "slash"), type="NONE", Crooked="0", isCounter="0")
    etree.SubElement(element, q(HH, "backSlash"), type="NONE", Crooked="0", isCounter="0")
    for side in ("leftBorder", "rightBorder", "topBorder", "bottomBorder"):
        etree.SubElement(element, q(HH, side), type="SOLID", width="0.12 mm", color="#808080")
    etree.SubElement(element, q(HH, "diagonal"), type="SOLID", width="0.1 mm", color="#000000")
    if fill:
        brush = etree.SubElement(element, q(HC, "fillBrush"))
        etree.SubElement(brush, q(HC, "winBrush"), faceColor=fill, hatchColor="#999999", alpha="0")
    return border_id


def _append_empty_outline_numbering(numberings: etree._Element) -> int:
    """An outline numbering whose ten levels draw no number."""
    numbering_id = _next_id(numberings)
    element = etree.SubElement(numberings, q(HH, "numbering"), id=str(numbering_id), start="0")
    for level in range(1, 11):
        etree.SubElement(
            element,
            q(HH, "paraHead"),
            start="1",
            level=str(level),
            align="LEFT",
            useInstWidth="1",
            autoIndent="1",
            widthAdjust="0",
            textOffsetType="PERCENT",
            textOffset="50",
            numFormat="DIGIT",
            charPrIDRef="4294967295",
            checkable="0",
        )
    return numbering_id


def _append_char(chars: etree._Element, char: _Char) -> int:
    """A copy of the template's body character shape with this font, size, weight and colour."""
    base = chars.find(q(HH, "charPr"))
    assert base is not None
    element = copy.deepcopy(base)
    char_id = _next_id(chars)
    element.set("id", str(char_id))
    element.set("height", str(char.height))
    element.set("textColor", char.color)
    font_ref = element.find(q(HH, "fontRef"))
    assert font_ref is not None
    for lang in font_ref.attrib:
        font_ref.set(lang, str(char.font))
    for old in element.findall(q(HH, "bold")):
        element.remove(old)
    if char.bold:  # after hh:offset (and hh:italic), as the schema orders them
        offset = element.find(q(HH, "offset"))
        assert offset is not None
        offset.addnext(etree.Element(q(HH, "bold")))
    chars.append(element)
    return char_id


def _append_para(paras: etree._Element, para: _Para, numbering: int) -> int:
    """A copy of the template's first paragraph shape with this alignment, margins and
    spacing. Hancom writes margins twice: in character units (hp:case, half the HWPUNIT
    figures here) and in HWPUNIT (hp:default)."""
    base = paras.find(q(HH, "paraPr"))
    assert base is not None
    element = copy.deepcopy(base)
    para_id = _next_id(paras)
    element.set("id", str(para_id))
    align = element.find(q(HH, "align"))
    heading = element.find(q(HH, "heading"))
    breaks = element.find(q(HH, "breakSetting"))
    assert align is not None and heading is not None and breaks is not None
    align.set("horizontal", para.align)
    if para.outline_level:
        heading.attrib.update(
            {"type": "OUTLINE", "idRef": str(numbering), "level": str(para.outline_level - 1)}
        )
    breaks.set("keepWithNext", "1" if para.keep_with_next else "0")
    breaks.set("widowOrphan", "1")
    values = {
        "intent": para.indent,
        "left": para.left,
        "right": 0,
        "prev": para.before,
        "next": para.after,
    }
    for block in element.iter(q(HP, "case"), q(HP, "default")):
        half = block.tag == q(HP, "case")
        for name, value in values.items():
            for node in block.iter(q(HC, name)):
                node.set("value", str(value // 2 if half else value))
        for spacing in block.iter(q(HH, "lineSpacing")):
            spacing.set("value", str(para.line))
    paras.append(element)
    return para_id


def _restyle(styles: etree._Element, style_id: int, shape: Shape) -> None:
    for style in styles:
        if style.get("id") == str(style_id):
            style.set("paraPrIDRef", str(shape.para))
            style.set("charPrIDRef", str(shape.char))
            return
    raise AssertionError(f"the template's header.xml has no style {style_id}")
