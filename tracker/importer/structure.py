"""The document's layout: title, sections, clauses and their items, with offsets.

Lines are read as blocks: a heading, a numbered paragraph (`1.`, `(1)`, `가.`, `①`), an article
heading (`Article 3`, `### Article  3`, `제3조`), an item (`ㅇ`, `-`, `•`, `o`, `□`, `*`, `i)`,
`(a)`, `1)`), a closing formula (`IN WITNESS WHEREOF`, `DONE at`), or plain text. Lines that
follow a block without a blank line continue it, so hard-wrapped English paragraphs and items
are one block each; but a short line that ends no sentence between paragraphs each on one line
("…together.⏎Partners for global stability⏎We condemn …") is a heading of its own. Page noise
is skipped: a `SOURCE:` first line, `------` rules, `\\###`, `<!-- -->`, and on a portal page
its menu and link lines.

Which blocks are clauses depends on the document:

* **Articles** (a treaty: `### Article N`): each article is a clause numbered as printed
  ("Article 3"); its numbered paragraphs (`1.`, `2.`) are paragraph units inside it, and their
  `i)` items are the clause's items (positions run through the whole article).
* **Numbered** (two or more paragraphs numbered in the style of the first, e.g. `1.` … `26.`):
  each numbered paragraph is a clause; numbered paragraphs of another style inside a clause
  (`가.`, `(1)`) are its items, like `ㅇ`/`-` items; unnumbered text after a clause continues it.
  Text before the first clause (a preamble) is not a clause.
* **Unnumbered** (a joint statement, a fact sheet): every paragraph is a clause, numbered "1",
  "2", … in document order; items that follow a paragraph belong to it.

A text that lost its line breaks (copied from a news site onto one line) is read the same way,
its lines cut where `tracker.importer.layout` found a line or paragraph start (inline `1.` …
`2.`, bullets, ordinal words, a title run into the body); datelines, bylines and signature
blocks (`tracker.importer.press`) are passed over like page noise; a line that starts with an
ordinal word of a run (첫째, 둘째; First, Second) is an item; and the title span the layout gives
(a news article's headline) is the document's title.

A clause number that repeats (two lists both starting at 1) gets a suffix: "1", "1-2".

Headings: markdown `#` headings (their `#` count is their depth), lines that are all bold
(`**DEFENSE AND GLOBAL SECURITY COOPERATION**`), and short one-line paragraphs that do not end
like a sentence (`전 문`, `후속조치`). A letter-spaced Korean heading is joined: `전 문` → "전문".
Plain headings nest by one rule: a heading followed directly by another heading opens a group
(`협력 분야`), and the following headings are its subsections until a heading that is one of
the usual top-level headings of an agreement (전문, 일반…, 후속조치, 이행…, 최종…, 부칙, Final …,
Implementation …) or that opens a group itself. The first block of the document, when it is a
heading that is not such a top-level heading, is the document's title, not a section. Sections
that end up with no clause in them or below them (an exchange of notes after the signatures)
are dropped; unnumbered text left outside any clause after the first clause gives a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from itertools import pairwise

from tracker.importer.layout import Layout, cut_points, cuts_within
from tracker.importer.parsed import ParsedClause, ParsedItem, ParsedSection, ParseWarning
from tracker.importer.record import is_portal_noise
from tracker.importer.textutil import (
    HANGUL,
    TOP_LEVEL_HEADING,
    Line,
    fold_space,
    split_lines,
    strip_span,
)
from tracker.words import N_


class Kind(Enum):
    TEXT = "text"
    ITEM = "item"
    NUM = "num"
    ARTICLE = "article"
    HEADING = "heading"
    CLOSING = "closing"


@dataclass(slots=True)
class Block:
    kind: Kind
    lines: list[Line]
    start: int  # the content, after any marker
    end: int
    marker: str = ""
    numeral: str = ""
    style: str = ""
    title: str = ""
    level: int = 0  # a heading's depth: "#" count, 7 for a bold line, 0 for a plain one

    @property
    def lo(self) -> int:
        return self.lines[0].lo


@dataclass(frozen=True, slots=True)
class Part:
    """A paragraph of a clause's own text, or one of its items (`item` = its position)."""

    start: int
    end: int
    item: int | None = None


@dataclass(slots=True)
class Unit:
    """A clause, or one numbered paragraph of an article: the scope of a commitment ref."""

    prefix: str  # "7" or, for an article's paragraph, "3.1"
    paragraph: bool
    parts: list[Part] = field(default_factory=list)


@dataclass(slots=True)
class ClauseLayout:
    clause: ParsedClause
    prefix: str  # the clause's number as used in refs: "7", "3" for "Article 3"
    units: list[Unit]


@dataclass(slots=True)
class Structure:
    document_title: str
    sections: list[ParsedSection]
    clauses: list[ClauseLayout]
    warnings: list[ParseWarning]
    numbered: bool = True  # clauses carry printed numbers or article headings


_NOISE = re.compile(
    r"^(?:\\?#+|[-*_=]{3,}|<!--.*?-->|\\?[-*]{3,})$",
)
_SOURCE = re.compile(r"^SOURCE:", re.IGNORECASE)
_MD_HEADING = re.compile(r"^\\?(#{1,6})\s*(\S.*?)\s*#*$")
_BOLD_LINE = re.compile(r"^\*\*([^*]+?)\*\*\s*:?$")
_ARTICLE = re.compile(
    r"^(?:#{1,6}\s*)?(?:\*\*)?\s*(?P<label>(?:Article|ARTICLE)\s+(?P<num>\d{1,3}|[IVXLC]{1,7})"
    r"|제\s*(?P<knum>\d{1,3})\s*조(?:의\s*\d+)?)(?![\w.])\.?\s*(?:\*\*)?\s*"
    r"(?:\((?P<heading>[^()\n]{1,40})\)\s*)?[:.–—-]?\s*"
)
_ARTICLE_TITLE = re.compile(r"^[^.!?。]{1,80}$")  # "Article 3 – Scope": a heading, not text
_NUM = re.compile(
    r"^(?:(?P<dot>\d{1,3})\.(?!\d)|\((?P<paren>\d{1,3})\)|(?P<hangul>[가나다라마바사아자차카타파하])\.(?=\s)"
    r"|(?P<circled>[①-⑳]))\s*(?=\S)"
)
_ITEM = re.compile(
    r"^(?:(?P<sym>[ㅇ○◦●◎□■▪▫◇◆❍▲△▶▷])\s*|(?P<bullet>[•‣∙·*+]|-{1,2}|o)\s+"
    r"|(?P<enum>\((?:[ivx]{1,5}|[a-z]|\d{1,2})\)|(?:[ivx]{1,5}|[a-z])\)|\d{1,2}\)|[가-하]\)))\s*(?=\S)"
)
_CLOSING = re.compile(
    r"^(?:\*+\s*)?(?:IN WITNESS WHEREOF|In witness whereof|DONE (?:at|in)\b|Done (?:at|in)\b"
    r"|이상의 증거로|이를 증거로)"
)
_SENTENCE_END = re.compile(r"(?:[.!?。;:,]|다|요|음|함|임)[\"”’')\]]*$")
_TOP_LEVEL = TOP_LEVEL_HEADING
_ENDS_PARAGRAPH = re.compile(r"(?:[.!?。]|다\.?)[\"”’')\]]*$")
_FUNCTION_WORDS = frozenset(
    ("a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with")
)
_ONE_LINE_PARAGRAPH = 200
_ROMAN_HEADING = re.compile(r"^(?:[IVX]+\.|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]\.?)\s")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def build_structure(
    text: str, body_start: int, *, portal: bool, layout: Layout | None = None
) -> Structure:
    blocks = _blocks(text, body_start, portal=portal, layout=layout or Layout())
    return _Builder(text, blocks).build()


# --- blocks -------------------------------------------------------------------------------------


def _reading_lines(text: str, body_start: int, layout: Layout) -> Iterator[tuple[Line, bool]]:
    """The lines the block reader reads: the source's lines cut at the layout's points, asides
    left out (as a blank line); True with a line that starts a paragraph."""
    points = cut_points(layout)
    for line in split_lines(text, body_start):
        if not points:
            yield line, False
            continue
        bounds = [line.start, *cuts_within(points, line.start, line.end), line.end]
        for start, end in pairwise(bounds):
            lo, hi = strip_span(text, start, end)
            if any(a_lo <= lo < a_hi for a_lo, a_hi in layout.asides):
                lo = hi = start  # read as a blank line
            yield Line(start, end, lo, hi), lo in layout.paragraphs


def _blocks(text: str, body_start: int, *, portal: bool, layout: Layout) -> list[Block]:
    blocks: list[Block] = []
    current: Block | None = None
    title: Block | None = None
    first_line = True
    reading = list(_reading_lines(text, body_start, layout))
    for n, (line, paragraph) in enumerate(reading):
        segment = text[line.lo : line.hi]
        if line.blank:
            current = None
            continue
        if paragraph:
            current = None
        if layout.title is not None and layout.title[0] <= line.lo < layout.title[1]:
            if title is None:
                words = fold_space(text[layout.title[0] : layout.title[1]])
                title = Block(Kind.HEADING, [line], line.lo, line.hi, title=words)
                blocks.append(title)
            else:
                title.lines.append(line)
                title.end = line.hi
            first_line, current = False, None
            continue
        if layout.items.get(line.lo) is not None:
            first_line = False
            current = _ordinal_item(text, line, layout.items[line.lo])
            blocks.append(current)
            continue
        if (
            _NOISE.match(segment)
            or (first_line and _SOURCE.match(segment))
            or (portal and is_portal_noise(segment))
        ):
            first_line = False
            current = None
            continue
        first_line = False
        block = _classify(text, line, segment)
        if block is None:
            following = reading[n + 1][0] if n + 1 < len(reading) else None
            if current is not None and _heading_between(text, current.lines[-1], line, following):
                blocks.append(Block(Kind.TEXT, [line], line.lo, line.hi))
                current = None  # a heading stands alone: the next line starts a paragraph
            elif current is not None:
                current.lines.append(line)
                current.end = line.hi
            else:
                current = Block(Kind.TEXT, [line], line.lo, line.hi)
                blocks.append(current)
            continue
        blocks.append(block)
        # Headings stand alone; an article heading with no text after it too.
        continues = block.kind not in (Kind.HEADING,) and block.start < block.end
        current = block if continues else None
    return [_plain_heading(text, b) for b in blocks]


def _heading_between(text: str, before: Line, line: Line, after: Line | None) -> bool:
    """A short line between paragraphs each on one line, with no blank line around it, that does
    not end like a sentence ("Partners for global stability"): a heading, not the paragraph's
    continuation. The line above ends a sentence, the line below starts one (a capital letter
    or Hangul), and one of them is longer than a hard-wrapped line (over 200 characters)."""
    if after is None or after.blank:
        return False
    segment, above, below = (text[x.lo : x.hi] for x in (line, before, after))
    korean = HANGUL.search(segment) is not None
    if len(segment) > (50 if korean else 100) or _SENTENCE_END.search(segment):
        return False
    if segment.split()[-1].lower() in _FUNCTION_WORDS:
        return False  # "… in the field of": a line of a wrapped sentence
    if not _ENDS_PARAGRAPH.search(above) or not (below[:1].isupper() or HANGUL.match(below)):
        return False
    return max(len(above), len(below)) > _ONE_LINE_PARAGRAPH


def _classify(text: str, line: Line, segment: str) -> Block | None:
    match = _ARTICLE.match(segment)
    if match and not (segment[:1].isalpha() and segment[match.end() : match.end() + 1].islower()):
        numeral = match.group("num") or match.group("knum") or ""
        start = line.lo + match.end()
        rest = segment[match.end() :]
        if rest and _ARTICLE_TITLE.match(rest) and not rest.endswith("다"):
            start = line.hi  # the rest of the line is the article's title
        return Block(
            Kind.ARTICLE,
            [line],
            start,
            max(start, line.hi),
            numeral=_arabic(numeral),
            title=fold_space(match.group("label")),
        )
    heading = _MD_HEADING.match(segment)
    if heading:
        title = fold_space(heading.group(2).replace("*", ""))
        return Block(
            Kind.HEADING, [line], line.lo, line.hi, title=title, level=len(heading.group(1))
        )
    bold = _BOLD_LINE.match(segment)
    if bold and not any(ch.islower() for ch in bold.group(1)):
        return Block(
            Kind.HEADING, [line], line.lo, line.hi, title=fold_space(bold.group(1)), level=7
        )
    if _CLOSING.match(segment):
        return Block(Kind.CLOSING, [line], line.lo, line.hi)
    num = _NUM.match(segment)
    if num:
        style = num.lastgroup or ""
        value = num.group(style)
        numeral = str(_CIRCLED.index(value) + 1) if style == "circled" else value
        marker = segment[: num.end()].strip()
        return Block(
            Kind.NUM,
            [line],
            line.lo + num.end(),
            line.hi,
            marker=marker,
            numeral=numeral,
            style=style,
        )
    item = _ITEM.match(segment)
    if item:
        return Block(
            Kind.ITEM, [line], line.lo + item.end(), line.hi, marker=segment[: item.end()].strip()
        )
    return None


def _ordinal_item(text: str, line: Line, content: int) -> Block:
    """An item marked by an ordinal word ("첫째, …", "First, …"): its marker without the comma."""
    marker = text[line.lo : content].strip().rstrip(",").strip()
    return Block(Kind.ITEM, [line], min(max(content, line.lo), line.hi), line.hi, marker=marker)


def _plain_heading(text: str, block: Block) -> Block:
    """A one-line text paragraph that does not end like a sentence is a heading."""
    if block.kind is not Kind.TEXT or len(block.lines) != 1:
        return block
    segment = text[block.start : block.end]
    korean = HANGUL.search(segment) is not None
    if len(segment) > (50 if korean else 100) or _SENTENCE_END.search(segment):
        return block
    words = segment.split()
    if len(words) > 1 and all(len(w) == 1 and HANGUL.match(w) for w in words):
        title = "".join(words)  # letter-spaced: "전 문" → "전문"
    else:
        title = fold_space(segment)
    return Block(Kind.HEADING, block.lines, block.start, block.end, title=title, level=0)


def _arabic(numeral: str) -> str:
    if not numeral or numeral.isdigit():
        return numeral
    total = 0
    for n, ch in enumerate(numeral):
        value = _ROMAN[ch]
        following = _ROMAN[numeral[n + 1]] if n + 1 < len(numeral) else 0
        total += -value if value < following else value
    return str(total)


# --- clauses and sections -----------------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    number: str
    prefix: str
    section: int | None
    start: int
    end: int
    units: list[Unit]
    items: list[ParsedItem] = field(default_factory=list)


class _Builder:
    def __init__(self, text: str, blocks: list[Block]) -> None:
        self.text = text
        self.blocks = blocks
        self.sections: list[tuple[str, int | None, int]] = []  # title, parent, raw level
        self.stack: list[tuple[int, int]] = []  # (section index, raw level)
        self.drafts: list[_Draft] = []
        self.numbers: set[str] = set()
        self.warnings: list[ParseWarning] = []
        self.section: int | None = None
        self.clause: _Draft | None = None
        self.unit: Unit | None = None
        self.closing = False
        self.loose: list[str] = []
        articles = sum(1 for b in blocks if b.kind is Kind.ARTICLE)
        numbered = [b for b in blocks if b.kind is Kind.NUM]
        self.clause_style = numbered[0].style if numbered else ""
        same_style = sum(1 for b in numbered if b.style == self.clause_style)
        self.mode = "article" if articles else "numbered" if same_style >= 2 else "plain"

    def build(self) -> Structure:
        title = ""
        blocks = self.blocks
        if (
            blocks
            and blocks[0].kind is Kind.HEADING
            and blocks[0].level != 7
            and not _TOP_LEVEL.match(blocks[0].title)
        ):
            title = blocks[0].title
            blocks = blocks[1:]
        group_open = False
        for n, block in enumerate(blocks):
            following = blocks[n + 1] if n + 1 < len(blocks) else None
            if block.kind is Kind.HEADING:
                raw = block.level
                if raw == 0:
                    parent_of_group = (
                        following is not None
                        and following.kind is Kind.HEADING
                        and following.level == 0
                    )
                    if parent_of_group or _TOP_LEVEL.match(block.title):
                        raw, group_open = 1, parent_of_group
                    elif _ROMAN_HEADING.match(block.title):
                        raw, group_open = 1, False
                    else:
                        raw = 2 if group_open else 1
                self._open_section(block.title, raw)
            elif block.kind is Kind.CLOSING:
                self._close(closing=True)
            elif block.kind is Kind.ARTICLE:
                self._article(block)
            elif block.kind is Kind.NUM:
                self._numbered(block)
            elif block.kind is Kind.ITEM:
                self._item(block)
            else:
                self._text(block)
        if self.loose:
            excerpts = "; ".join(self.loose[:3])  # quoted from the text, in its language
            self.warnings.append(
                ParseWarning(
                    N_("warning.structure.loose_paragraphs"),
                    {"count": len(self.loose), "excerpts": excerpts},
                )
            )
        return self._finish(title)

    # sections

    def _open_section(self, title: str, raw: int) -> None:
        self._close(closing=False)
        while self.stack and self.stack[-1][1] >= raw:
            self.stack.pop()
        parent = self.stack[-1][0] if self.stack else None
        index = len(self.sections)
        self.sections.append((title, parent, raw))
        self.stack.append((index, raw))
        self.section = index

    def _close(self, *, closing: bool) -> None:
        self.clause = None
        self.unit = None
        self.closing = closing

    # clauses

    def _new_clause(self, number: str, prefix: str, start: int, end: int) -> _Draft:
        unique, n = number, 2
        while unique in self.numbers:
            unique, n = f"{number}-{n}", n + 1
        if unique != number:
            prefix = f"{prefix}-{n - 1}"
        self.numbers.add(unique)
        unit = Unit(prefix, paragraph=False)
        draft = _Draft(unique, prefix, self.section, start, end, [unit])
        self.drafts.append(draft)
        self.clause, self.unit, self.closing = draft, unit, False
        return draft

    def _article(self, block: Block) -> None:
        draft = self._new_clause(block.title, block.numeral, block.start, block.end)
        if block.start < block.end:
            draft.units[0].parts.append(Part(block.start, block.end))

    def _numbered(self, block: Block) -> None:
        if self.mode == "article":
            if self.clause is None:
                self._loose(block)
                return
            unit = Unit(f"{self.clause.prefix}.{block.numeral}", paragraph=True)
            if not self.clause.units[-1].parts:
                self.clause.units.pop()
            self.clause.units.append(unit)
            self.unit = unit
            self._extend(block.lo, block.end)
            unit.parts.append(Part(block.start, block.end))
        elif self.mode == "numbered" and block.style == self.clause_style:
            draft = self._new_clause(block.numeral, block.numeral, block.start, block.end)
            draft.units[0].parts.append(Part(block.start, block.end))
        elif self.clause is not None:
            self._add_item(block)
        elif self.mode == "plain":
            self._plain_clause(block)
        else:
            self._loose(block)

    def _item(self, block: Block) -> None:
        if self.clause is not None:
            self._add_item(block)
        elif self.mode == "plain":
            draft = self._plain_clause(None)
            draft.start = block.lo
            self._add_item(block)
        else:
            self._loose(block)

    def _text(self, block: Block) -> None:
        if self.mode == "plain":
            self._plain_clause(block)
        elif self.clause is not None and self.unit is not None:
            self._extend(block.start, block.end)
            self.unit.parts.append(Part(block.start, block.end))
        else:
            self._loose(block)

    def _plain_clause(self, block: Block | None) -> _Draft:
        number = str(len(self.drafts) + 1)
        if block is None:
            return self._new_clause(number, number, 0, 0)
        draft = self._new_clause(number, number, block.lo, block.end)
        draft.units[0].parts.append(Part(block.lo, block.end))
        return draft

    def _add_item(self, block: Block) -> None:
        assert self.clause is not None and self.unit is not None
        position = len(self.clause.items) + 1
        self.clause.items.append(
            ParsedItem(
                position, block.marker, self.text[block.start : block.end], block.start, block.end
            )
        )
        self.unit.parts.append(Part(block.start, block.end, position))
        self._extend(block.lo, block.end)

    def _extend(self, start: int, end: int) -> None:
        assert self.clause is not None
        if self.clause.start >= self.clause.end:
            self.clause.start = start
        self.clause.end = max(self.clause.end, end)

    def _loose(self, block: Block) -> None:
        if self.drafts and not self.closing:
            where = self.sections[self.section][0] if self.section is not None else ""
            words = " ".join(self.text[block.start : block.end].split()[:6])
            self.loose.append(f"{where}: {words}…" if where else f"{words}…")

    # result

    def _finish(self, title: str) -> Structure:
        drafts = [d for d in self.drafts if d.start < d.end]
        for d in self.drafts:
            if d.start >= d.end:
                self.warnings.append(
                    ParseWarning(N_("warning.structure.empty_clause"), {"clause": d.number})
                )
        used: set[int] = set()
        for d in drafts:
            index = d.section
            while index is not None and index not in used:
                used.add(index)
                index = self.sections[index][1]
        new_index: dict[int, int] = {}
        sections: list[ParsedSection] = []
        levels: dict[int, int] = {}
        for old, (name, parent, _raw) in enumerate(self.sections):
            if old not in used:
                continue
            mapped_parent = new_index[parent] if parent is not None else None
            level = levels[mapped_parent] + 1 if mapped_parent is not None else 1
            new_index[old] = len(sections)
            levels[len(sections)] = level
            sections.append(ParsedSection(len(sections), name, mapped_parent, level))
        layouts: list[ClauseLayout] = []
        for position, d in enumerate(drafts, start=1):
            units = [u for u in d.units if u.parts]
            clause = ParsedClause(
                number=d.number,
                position=position,
                section=new_index[d.section] if d.section is not None else None,
                text=self.text[d.start : d.end],
                start=d.start,
                end=d.end,
                items=tuple(d.items),
            )
            layouts.append(ClauseLayout(clause, d.prefix, units))
        return Structure(title, sections, layouts, self.warnings, self.mode != "plain")
