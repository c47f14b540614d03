"""Line breaks a text has lost: where the block reader should see a line or paragraph start in a
text copied from a news site onto one line (pure, no I/O).

The result is a `Layout`: offsets in the unchanged source where a line starts (`breaks`) or a
paragraph starts (`paragraphs`, read as if a blank line came before), the spans to pass over
(`asides`: datelines, bylines, signatures, from `tracker.importer.press`), the document's title
span, and the starts of items marked by ordinal words. `tracker.importer.structure` reads the
source's lines cut at these offsets with its usual rules, so a recovered `1.` is a numbered
paragraph like one at the start of a line, and every clause, item and commitment stays a
verbatim span of the source.

The rules:

* **Markers** are read in families: `1.` `2.`; `(1)`; `1)`; `(a)`; `a)`; `(i)`; `가.`; `가)`;
  `①`; ordinal words (첫째/둘째/셋째 …, "First," "Second," …); and each bullet glyph (`□`, `○`,
  `◦`, `●`, `■`, `◇`, `◆`, `▲`, `△`, `▶`, `▷`, `ㅇ`, `-` with a space after it). A marker is
  preceded by whitespace or starts the body.
* A marker is at a **list start** when it starts a line, follows the end of a sentence (`.`,
  `!`, `?` not after a digit, a Korean final `다` as in 하였다, 것이다, not 캐나다), a `:` or
  `;`, or follows a dateline or byline.
* A **run** of one family: the first marker at a list start, numbered 1 (`1.`, `(a)`, `가.`,
  `①`, 첫째, First) unless it starts a line (a list that continues, `3.` … `4.`), each next one
  numbered one more (bullets: the same glyph). A first marker numbered 1 (not an ordinal word)
  may follow text that ends no sentence, a heading run in ("전 문 1. …"), if the run has three
  markers or more. A marker may also follow a short heading run in after the last sentence
  ("…있다. 일반 프레임워크 5. …": at most 40 characters ending no sentence; `1.`, `(1)` and
  `가.` only, the numbering of clauses): the heading is
  then a paragraph of its own, a section as on a laid-out page. `1.`, `가.`, ordinal words,
  `▲`, `△`, `▶`, `▷` and `-` need a list start (or a heading run in) for every marker of
  the run: "2.5%", "제1차", "2000. 6. 15."
  and a mid-sentence "▲A ▲B 등" are not runs. `□`, `○`, `◦`, `●`, `■`, `◇`, `◆` and `ㅇ` (a
  letter that spells no word alone) never stand inside a sentence: any two of one glyph make a
  run.
* **After a list's last item.** Items end no sentence ("ㅇ … 간 MOU"), so a clause number
  (`1.`, `(1)`, `가.`) right after the last item of a recovered list is at a list start. A
  heading may be run in after that item ("… ㅇ … 민군 협력 증진 방위산업 및 혁신 8."): the
  item ends at its last word that ends one of its list's other items (증진, as "… 관계
  증진" did), and the rest, at most 40 characters ending no sentence, is the heading; when no
  other item ends so, the whole is the item.
* **Headings run together** before a clause number, each its own paragraph: at the start of a
  line, the usual top-level heading at its end (`전 문`, `Preamble`, the words before it the
  document's title: "대한민국-캐나다 … 파트너십 전 문 1."); a group heading before its first
  subsection ("협력 분야 군 협력 및 상호운용성 7.", "Areas of Cooperation …").
* A run counts when it has two markers or more. Each of its markers that does not start a line
  is a recovered line **break**; the markers of an ordinal-word run are **items** wherever they
  are (the structure knows no ordinal words otherwise).
* An **English heading run in** between sentences of a line holding a whole text (over 200
  characters): after a sentence's end, two to eight words, the first capitalised, the others in
  lower case, at most 60 characters, before a sentence that opens with "We", "Our", "The",
  "Both" or "Together" and a lower-case word ("… stronger together. Partners for global
  stability We condemn …"): a paragraph of its own, as is the sentence after it.
* A **title run into the body**: in a first line long enough to hold the whole text (over 200
  characters), a known-shape heading at its start ("…공동선언", "…공동성명", "…합의서",
  "…보도문", "…발표문", "… Joint Statement", "… Declaration") that ends no sentence and holds
  no topic or object word (…은/는/을/를), followed directly (glued: "남북공동선언조국의", not
  by a particle: "공동성명에") or after a space by the first sentence: the title is its own
  paragraph. A headline found by the press reader (text before a byline) is the title too.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from itertools import pairwise

from tracker.importer.textutil import (
    TOP_LEVEL_HEADING,
    is_provenance_line,
    split_lines,
    strip_span,
)

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_GANADA = "가나다라마바사아자차카타파하"
_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x")
_KO_ORDINALS = (
    "첫째",
    "둘째",
    "셋째",
    "넷째",
    "다섯째",
    "여섯째",
    "일곱째",
    "여덟째",
    "아홉째",
    "열째",
)
_EN_ORDINALS = (
    "First",
    "Second",
    "Third",
    "Fourth",
    "Fifth",
    "Sixth",
    "Seventh",
    "Eighth",
    "Ninth",
    "Tenth",
)
_STRONG_GLYPHS = "□○◦●■◇◆ㅇ"
_WEAK_GLYPHS = "▲△▶▷-"


@dataclass(frozen=True, slots=True)
class _Family:
    name: str
    pattern: re.Pattern[str]
    every_at_list_start: bool  # every marker of a run, not just its first, at a list start
    ordered: bool = True


def _value(family: str, marker: str) -> int:
    if family in ("dot", "paren", "close"):
        return int(marker)
    if family in ("alpha", "alpha_close"):
        return ord(marker) - ord("a") + 1
    if family == "roman":
        return _ROMAN.index(marker) + 1
    if family in ("hangul", "hangul_close"):
        return _GANADA.index(marker) + 1
    if family == "circled":
        return _CIRCLED.index(marker) + 1
    if family == "ordinal_ko":
        return _KO_ORDINALS.index(marker) + 1
    if family == "ordinal_en":
        return _EN_ORDINALS.index(marker) + 1
    return 0


_FAMILIES = (
    _Family("dot", re.compile(r"(?P<v>\d{1,2})\.(?!\d)(?!\s*\d{1,2}\s*\.)(?=[^\S\n]*\S)"), True),
    _Family("paren", re.compile(r"\((?P<v>\d{1,2})\)(?=[^\S\n]*\S)"), False),
    _Family("close", re.compile(r"(?P<v>\d{1,2})\)(?=[^\S\n]+\S)"), False),
    _Family("alpha", re.compile(r"\((?P<v>[a-z])\)(?=[^\S\n]*\S)"), False),
    _Family("alpha_close", re.compile(r"(?P<v>[a-z])\)(?=[^\S\n]+\S)"), False),
    _Family("roman", re.compile(r"\((?P<v>i{1,3}|iv|vi{0,3}|ix|x)\)(?=[^\S\n]*\S)"), False),
    _Family("hangul", re.compile(rf"(?P<v>[{_GANADA}])\.(?=[^\S\n]+\S)"), True),
    _Family("hangul_close", re.compile(rf"(?P<v>[{_GANADA}])\)(?=[^\S\n]*\S)"), False),
    _Family("circled", re.compile(rf"(?P<v>[{_CIRCLED}])(?=[^\S\n]*\S)"), False),
    _Family(
        "ordinal_ko",
        re.compile(rf"(?P<v>{'|'.join(_KO_ORDINALS)})(?:으로|로|는)?[^\S\n]*,?(?=[^\S\n]*[^\s,])"),
        True,
    ),
    _Family(
        "ordinal_en", re.compile(rf"(?P<v>{'|'.join(_EN_ORDINALS)})(?:ly)?,(?=[^\S\n]+\S)"), True
    ),
    *(
        _Family(f"glyph {g}", re.compile(rf"(?P<v>{re.escape(g)})(?=[^\S\n]*\S)"), False, False)
        for g in _STRONG_GLYPHS
    ),
    *(
        _Family(
            f"glyph {g}",
            re.compile(
                rf"(?P<v>{re.escape(g)})(?=[^\S\n]+\S)"
                if g == "-"
                else rf"(?P<v>{g})(?=[^\S\n]*\S)"
            ),
            True,
            False,
        )
        for g in _WEAK_GLYPHS
    ),
)
_NEEDS_FIRST_AT_LIST_START = frozenset(f.name for f in _FAMILIES) - {
    f"glyph {g}" for g in _STRONG_GLYPHS
}
_SENTENCE_CLOSERS = "\"”’')]"
_LONG_LINE = 200
# a Korean sentence's final 다 ("하였다", "것이다"), not the 다 of a name ("캐나다")
_KO_FINAL = re.compile(r"[했였었한된있없겠는졌렸됐왔갔인이하]다")
_HEADING_LIMIT = 40
_HEADED = frozenset({"dot", "paren", "hangul"})  # the numbering of clauses under headings
_KO_TITLE = re.compile(
    r"(?P<title>[^\s.!?。][^.!?。\n]{0,38}?"
    r"(?:공동\s*선언문?|선언문|공동\s*성명서?|성명서|합의서|합의문|공동\s*보도문|공동\s*발표문"
    r"|(?:공동\s*)?언론\s*발표문|결과\s*문서|양해\s*각서|팩트\s*시트))(?P<glue>\s*)"
)
_EN_TITLE = re.compile(
    r"(?P<title>[A-Z][^.!?\n]{0,150}?(?:Joint Statement|Statement|Declaration|Communiqu[eé]"
    r"|Fact Sheet|FACT SHEET|Readout|Press Release))(?P<glue>)(?=[A-Z][a-z])"
)
_KO_PARTICLE_START = re.compile(r"[을를은는이가의에와과로도만한하했된될적문서으]")
_SENTENCE_WORD = re.compile(r"[가-힣](?:은|는|을|를)$")
_ENDS_SENTENCE = re.compile(r"[.!?。](?:[\"”’')\]]*)(?=\s|$)")
_WORD = re.compile(r"\S+")
# a heading after a sentence, before the next one's opening word: "… together. Partners for
# global stability We condemn …" (a capitalised first word, the rest lower case)
_EN_HEADING_RUN_IN = re.compile(
    r"[.!?][\"”’')\]]*[^\S\n]+(?P<heading>[A-Z][a-z]+(?:[^\S\n]+[a-z]+){1,7})[^\S\n]+"
    r"(?P<opener>(?:We|Our|The|Both|Together)[^\S\n]+[a-z])"
)
# a heading over subsections, run together with the first of them: "협력 분야 군 협력 …"
_GROUP_HEADING = re.compile(
    r"(?:주요\s*)?협력\s*분야|(?:Areas|Fields) of (?:Cooperation|Collaboration)", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Layout:
    """What the block reader needs beyond the source's own line breaks."""

    breaks: frozenset[int] = frozenset()  # a line starts here
    paragraphs: frozenset[int] = frozenset()  # a paragraph starts here, as after a blank line
    items: Mapping[int, int] = field(default_factory=dict)  # an ordinal word's start → text start
    asides: tuple[tuple[int, int], ...] = ()  # not the document: passed over like page noise
    title: tuple[int, int] | None = None  # the document's title

    @property
    def recovered(self) -> tuple[int, ...]:
        """The breaks the text had lost (a title's end included), in order."""
        return tuple(sorted(self.breaks | self.paragraphs))


@dataclass(frozen=True, slots=True)
class _Marker:
    family: str
    start: int  # the marker's first character
    content: int  # where the text after it starts
    value: int
    line_start: bool
    list_start: bool
    heading: int | None = None  # where a heading run in before it starts ("일반 프레임워크 5.")


def recover_layout(
    text: str,
    body_start: int,
    *,
    asides: tuple[tuple[int, int], ...] = (),
    headline: tuple[int, int] | None = None,
) -> Layout:
    """The lost line breaks of text[body_start:] (see the module's rules); `asides` are spans
    already known not to be the document, `headline` a title found before a byline."""
    aside_ends = {end for _, end in asides}
    markers = [
        m for family in _FAMILIES for m in _markers(text, body_start, family, asides, aside_ends)
    ]
    item_runs = _runs([m for m in markers if m.family not in _HEADED])
    numbers = [m for m in markers if m.family in _HEADED]
    runs = [*item_runs, *_runs(_after_items(text, numbers, item_runs))]
    breaks: set[int] = set()
    items: dict[int, int] = {}
    paragraphs: set[int] = set()
    for run in runs:
        breaks.update(m.start for m in run if not m.line_start)
        for m in run:  # a heading run in before a marker is a paragraph of its own
            if m.heading is None:
                continue
            if m.heading > body_start and text[m.heading - 1] != "\n":
                paragraphs.add(m.heading)
            paragraphs.update(_headings_within(text, m.heading, m.start))
        if run[0].family.startswith("ordinal"):
            items.update((m.start, m.content) for m in run)
        after = _after_last(text, run)
        if after is not None:
            paragraphs.add(after)
    paragraphs.update(_english_headings(text, body_start, asides))
    title = headline
    if title is None:
        title = _title_run_in(text, body_start, asides)
        if title is not None:
            paragraphs.add(strip_span(text, title[1], len(text))[0])
    return Layout(frozenset(breaks), frozenset(paragraphs), items, asides, title)


def _after_items(
    text: str, numbers: list[_Marker], item_runs: list[list[_Marker]]
) -> list[_Marker]:
    """Clause numbers read at a list start when they follow a recovered list's last item, which
    ends no sentence ("… ㅇ 한국 방위사업청 - 캐나다 상업공사 간 MOU 6. 한국과 …"); with the
    heading run in after that item when the item's list shows where its items end."""
    bullets = sorted((m for run in item_runs for m in run), key=lambda m: m.start)
    if not bullets:
        return numbers
    starts = [m.start for m in bullets]
    previous: dict[str, int] = {}
    result: list[_Marker] = []
    for m in sorted(numbers, key=lambda m: m.start):
        since = previous.get(m.family, -1)
        previous[m.family] = m.start
        at = bisect_left(starts, m.start) - 1
        last = bullets[at] if at >= 0 else None
        if (
            m.list_start
            or last is None
            or last.start <= since
            or (m.heading is not None and m.heading > last.start)
        ):
            result.append(m)
            continue
        siblings = [b for b in bullets if since < b.start < m.start and b.family == last.family]
        heading = _heading_after_item(text, siblings, m.start)
        result.append(replace(m, list_start=True, heading=heading))
    return result


def _heading_after_item(text: str, siblings: list[_Marker], end: int) -> int | None:
    """Where a heading run in after a list's last item starts: after the last word of that item
    that ends one of the list's other items ("… 관계 증진", "… 민군 협력 증진 방위산업 및 혁신 8.");
    at most 40 characters, ending no sentence. None when the other items do not show it."""
    endings: set[str] = set()
    for item, following in pairwise(siblings):
        item_words = text[item.content : following.start].split()
        if item_words:
            endings.add(item_words[-1])
    words = list(_WORD.finditer(text, siblings[-1].content, end))
    for n in range(len(words) - 2, -1, -1):
        if words[n].group() in endings:
            lo, hi = strip_span(text, words[n].end(), end)
            if 0 < hi - lo <= _HEADING_LIMIT and not _sentence_ends(text, lo, hi):
                return lo
            return None
    return None


def _headings_within(text: str, start: int, end: int) -> list[int]:
    """Headings run together before a clause number, each of its own: the document's title and
    the first top-level heading at the start of a line ("대한민국-캐나다 … 파트너십 전 문 1."), a
    group heading and its first subsection ("협력 분야 군 협력 및 상호운용성 7.")."""
    lo, hi = strip_span(text, start, end)
    group = _GROUP_HEADING.match(text, lo, hi)
    if group is not None and group.end() < hi and text[group.end()].isspace():
        return [strip_span(text, group.end(), hi)[0]]
    if lo > 0 and text[lo - 1] != "\n":
        return []
    words = list(_WORD.finditer(text, lo, hi))
    for n, word in enumerate(words[1:], start=1):
        rest = words[n:]
        letter_spaced = all(len(w.group()) == 1 for w in rest)
        if len(rest) > 2 and not letter_spaced:
            continue
        collapsed = "".join(w.group() for w in rest) if letter_spaced else text[word.start() : hi]
        if TOP_LEVEL_HEADING.match(collapsed):
            return [word.start()]
    return []


def _markers(
    text: str,
    body_start: int,
    family: _Family,
    asides: tuple[tuple[int, int], ...],
    aside_ends: set[int],
) -> list[_Marker]:
    found: list[_Marker] = []
    for match in family.pattern.finditer(text, body_start):
        start = match.start()
        if start > body_start and not text[start - 1].isspace():
            continue
        if any(lo <= start < hi for lo, hi in asides):
            continue
        content = match.end()
        while content < len(text) and text[content] in " \t\u00a0\u3000":
            content += 1
        line_start, list_start = _position(text, start, body_start, aside_ends)
        heading = (
            _heading_before(text, start, body_start, aside_ends)
            if not list_start and family.name in _HEADED
            else None
        )
        found.append(
            _Marker(
                family.name,
                start,
                content,
                _value(family.name, match.group("v")),
                line_start,
                list_start,
                heading,
            )
        )
    return found


def _position(text: str, start: int, body_start: int, aside_ends: set[int]) -> tuple[bool, bool]:
    """(starts a line, is at a list start)."""
    pos = start
    while pos > body_start and text[pos - 1] in " \t\u00a0\u3000":
        pos -= 1
    if pos <= body_start or text[pos - 1] == "\n":
        return True, True
    if pos in aside_ends:
        return False, True
    before = pos - 1
    while before > body_start and text[before] in _SENTENCE_CLOSERS:
        before -= 1
    mark = text[before]
    if mark in "!?。:;" or (mark == "다" and _KO_FINAL.match(text, max(before - 1, 0))):
        return False, True
    if mark == "." and before > body_start and not text[before - 1].isdigit():
        return False, True
    return False, False


def _heading_before(text: str, start: int, body_start: int, aside_ends: set[int]) -> int | None:
    """Where a short heading run in before a marker starts: the text since the last sentence
    end (or line start) is at most 40 characters and ends no sentence; None otherwise."""
    b = start - 1
    while b >= max(body_start, start - _HEADING_LIMIT - 5):
        ch = text[b]
        boundary = (
            ch == "\n"
            or b + 1 in aside_ends
            or ch in "!?。:;"
            or (ch == "." and b > body_start and not text[b - 1].isdigit())
            or (ch == "다" and text[b + 1].isspace() and _KO_FINAL.match(text, max(b - 1, 0)))
        )
        if boundary:
            lo, hi = strip_span(text, b + 1, start)
            return lo if 0 < hi - lo <= _HEADING_LIMIT else None
        b -= 1
    if b < body_start:
        lo, hi = strip_span(text, body_start, start)
        return lo if 0 < hi - lo <= _HEADING_LIMIT else None
    return None


def _runs(markers: list[_Marker]) -> list[list[_Marker]]:
    by_family: dict[str, list[_Marker]] = {}
    for m in sorted(markers, key=lambda m: m.start):
        by_family.setdefault(m.family, []).append(m)
    runs: list[list[_Marker]] = []
    for name, found in by_family.items():
        family = next(f for f in _FAMILIES if f.name == name)
        run: list[_Marker] = []
        for m in found:
            follows = bool(run) and (not family.ordered or m.value == run[-1].value + 1)
            listed = m.list_start or m.heading is not None
            if follows and (listed or not family.every_at_list_start):
                run.append(m)
                continue
            after_heading = family.ordered and m.value == 1 and not name.startswith("ordinal")
            starts = (listed or name not in _NEEDS_FIRST_AT_LIST_START or after_heading) and (
                not family.ordered or m.value == 1 or m.line_start
            )
            if starts:
                runs.append(run)
                run = [m]
        runs.append(run)
    # a run whose first marker follows no sentence ("전문 1. …", a heading run in) needs three
    return [r for r in runs if len(r) >= (3 if r and _loosely_started(r[0]) else 2)]


def _loosely_started(first: _Marker) -> bool:
    return first.family in _NEEDS_FIRST_AT_LIST_START and not (
        first.list_start or first.heading is not None
    )


def _after_last(text: str, run: list[_Marker]) -> int | None:
    """Where the text after a run's last entry starts, when the run was recovered inside a line
    and each of its other entries is one sentence: the last one is one sentence too."""
    last = run[-1]
    if last.line_start:
        return None
    for m, following in pairwise(run):
        lo, hi = strip_span(text, m.content, following.start)
        if any(end < hi for end in _sentence_ends(text, lo, hi)):
            return None
    line_end = text.find("\n", last.content)
    line_end = len(text) if line_end < 0 else line_end
    ends = _sentence_ends(text, last.content, line_end)
    if not ends:
        return None
    start = strip_span(text, ends[0], line_end)[0]
    return start if start < line_end else None


def _sentence_ends(text: str, start: int, end: int) -> list[int]:
    """Ends of sentences in text[start:end]: `.`, `!`, `?` before whitespace, a `.` not after a
    digit ("2.5%", "2000. 6. 15.") nor after an initial ("U.S.")."""
    found: list[int] = []
    for match in _ENDS_SENTENCE.finditer(text, start, end):
        mark = match.start()
        if text[mark] == "." and mark > start:
            before = text[mark - 1]
            initial = before.isupper() and (mark - 1 == start or not text[mark - 2].isalpha())
            if before.isdigit() or initial:
                continue
        found.append(match.end())
    return found


def _title_run_in(
    text: str, body_start: int, asides: tuple[tuple[int, int], ...]
) -> tuple[int, int] | None:
    lines = [
        line
        for n, line in enumerate(split_lines(text, body_start))
        if not line.blank and not (n == 0 and is_provenance_line(text[line.lo : line.hi]))
    ]
    if not lines:
        return None
    lo, hi = lines[0].lo, lines[0].hi
    for a_lo, a_hi in asides:
        if a_lo <= lo < a_hi:
            lo = strip_span(text, a_hi, hi)[0]
    if hi - lo <= _LONG_LINE:
        return None
    for pattern in (_KO_TITLE, _EN_TITLE):
        match = pattern.match(text, lo, hi)
        if match is None:
            continue
        title = match.group("title")
        after = text[match.end() : match.end() + 1]
        if not match.group("glue") and _KO_PARTICLE_START.match(after):
            continue  # "공동성명에 따라": the name inside a sentence
        if any(_SENTENCE_WORD.search(word) for word in title.split()):
            continue  # "양측은 공동선언": a sentence's subject
        if not _ENDS_SENTENCE.search(text, match.end(), hi):
            continue
        return lo, match.start() + len(title)
    return None


def _english_headings(text: str, body_start: int, asides: tuple[tuple[int, int], ...]) -> list[int]:
    """Headings run in between the sentences of an English text on one line: "… stronger
    together. Partners for global stability We condemn …" (see the module's rules)."""
    found: list[int] = []
    for line in split_lines(text, body_start):
        if line.hi - line.lo <= _LONG_LINE:
            continue
        for match in _EN_HEADING_RUN_IN.finditer(text, line.lo, line.hi):
            heading = match.start("heading")
            if any(lo <= heading < hi for lo, hi in asides):
                continue
            if len(match.group("heading")) <= _HEADING_LIMIT + 20:
                found.extend((heading, match.start("opener")))
    return found


def cut_points(layout: Layout) -> list[int]:
    """Every offset where the block reader cuts a source line, in order."""
    points = set(layout.breaks) | set(layout.paragraphs) | set(layout.items)
    for lo, hi in layout.asides:
        points.update((lo, hi))
    if layout.title is not None:
        points.update(layout.title)
    return sorted(points)


def cuts_within(points: list[int], start: int, end: int) -> list[int]:
    """The cut points strictly inside (start, end)."""
    first = bisect_left(points, start + 1)
    last = bisect_left(points, end)
    return points[first:last]
