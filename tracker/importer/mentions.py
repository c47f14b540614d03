"""Finding where an agreement's clauses name a follow-up mechanism: the mentions, and the
references back to them. The catalog is mechanism_catalog.py; what the words around a mention
say, mention_context.py; mentions made into mechanisms, named_mechanisms.py.

What counts as a mention of a mechanism (only clause text is read, not the portal record):

* a Korean name in angle brackets, `<한-캐나다 방산군수 공동위원회>`;
* an instrument in 「」/『』 that is an MOU, MOA, 양해각서, 약정 or 각서 (kind agreement) or
  whose name ends in a body word (위원회, 대화 …). A convention, treaty, 협약, 협정, 헌장 or
  선언 (「유엔해양법협약」) is a legal instrument the parties invoke, not a follow-up
  mechanism, and is ignored;
* a quoted name (‘…’, “…”) that ends in a mechanism word — 회의, 대화, 포럼, 위원회, 협의회,
  협의체, 회담, 실무그룹, 워킹그룹, 전시회, 센터 (Dialogue, Forum, Committee … in English) —
  after an acronym in parentheses is set aside: ‘서울안보대화’, ‘인도-태평양 정보기관장
  회의(IPICC)’. A quoted name ending in 파트너십/이니셔티브/프레임워크 counts only when it carries
  an acronym (a named multilateral initiative: ‘인도-태평양 산업 회복력 파트너십(PIPIR)’), so
  relationship names — ‘포괄적 전략적 동반자 관계’, ‘안보·국방 협력 파트너십’ — are not mechanisms;
* an item that is nothing but a mechanism's name (clause 5's list: `ㅇ 정기적 실무급
  회의(해군·육군·공군·우주 분야)`, `ㅇ 한국 방위사업청 - 캐나다 상업공사 간 MOU`);
* any name or alias of a catalog entry, wherever it appears;
* Korean: a body introduced as new — `새로운 방산 협력 포럼을 신설` — and an exhibition
  (`방산 전시회(ADEX, CANSEC 등)`);
* English: a capitalised name ending in Dialogue, Committee, Commission, Working Group,
  Consultative Group, Forum or MOU, optionally followed by "on …" and an acronym
  ("Regional Cooperation Working Group (RCWG)"); Meeting and Summit only after Annual/New/First
  (past summits are events, not mechanisms); leading articles, gerunds and Annual/New are not
  part of the name. Well-known international organisations are not follow-up mechanisms;
* Korean reporting sentences (a press release names its mechanism without `< >`): a session,
  "제2차 한-캐나다 외교·국방(2+2) 국장급 회의", "첫 …회의" (the name without its ordinal; a
  session of the second or later says the mechanism exists, so it is not planned); a body held
  or launched, "… 회의를 화상으로 개최하고", "인태 대화 및 사이버정책협의회를 조속히
  출범시키고" (each name runs back to a word ending in a particle, "및", a number, or four
  words; one to be launched is planned). A longer session name wins over a catalog name inside
  it when their kinds differ (the catalog's "2+2" is the ministers'; "국장급 … 회의" is not).
  A name that is only a rank and a meeting word ("제1차 장관회의") is the mechanism of that kind
  already named;
* later in the same clause, "동 포럼", "이 포럼", "the Commission", "the Working Group" refer back
  to the last mechanism of that kind; an acronym or name once seen is recognised again anywhere;
  "차기 회의", "다음 회의", "the next meeting" anywhere after refer to the mechanism whose session
  was last reported (else the last meeting-like mechanism named, not one still to be launched).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from tracker.domain import Language, MechanismKind
from tracker.importer.mechanism_catalog import (
    CatalogEntry,
    MechanismCatalog,
    core_name,
    kind_from_name,
    split_acronym,
)
from tracker.importer.split import sentence_spans
from tracker.importer.structure import ClauseLayout
from tracker.importer.textutil import HANGUL, fold, fold_space

_INITIATIVE = re.compile(
    r"(?:파트너십|이니셔티브|프레임워크|Partnership|Initiative|Framework)$", re.IGNORECASE
)
_ANGLE = re.compile(r"<([^<>\n]{2,80})>")
_INSTRUMENT = re.compile(r"[「『]([^「」『』\n]{2,80})[」』]")
_QUOTED = re.compile(r"[‘“\"]([^‘’“”\"\n]{2,80})[’”\"]")
_KO_NEW_BODY = re.compile(
    r"(?:새로운|신규|별도의?)\s+((?:[^\s,.()<>]+\s+){0,3}?[^\s,.()<>]*?"
    r"(?:포럼|협의체|위원회|협의회|대화|회의|실무그룹|워킹그룹))(?=을|를|이|가|은|는|의|\s)"
)
_KO_NEW_BODY_VERB = re.compile(r"\S{0,2}\s*(?:\S+\s+)?(?:신설|설치|출범|창설|구성|개최)")
_KO_EXHIBITION = re.compile(
    r"((?:[^\s,.()<>]+\s+)?[^\s,.()<>]*(?:전시회|박람회|에어쇼|엑스포))(\([^()\n]{1,40}\))?"
)
_KO_PARTICLE_END = re.compile(r"(?:의|을|를|에|과|와|은|는|이|가|도|로|서)$")
_EN_WORD = r"(?:(?:[A-Z]\.){2,}(?:-[\w-]*\w)?|[A-Z][\w’'&+/-]*[\w’']|[A-Z]|\d+\+\d+)"
_EN_GENERIC = re.compile(
    rf"(?:{_EN_WORD}\s+(?:(?:of the|of|on|and|for|&)\s+)?){{0,8}}"
    r"(?P<kind>Dialogues?|Committee|Commission|Working Group|Consultative Group|Forum|MOU"
    r"|Summit|Meeting)\b"
    rf"(?:\s+on\s+(?:{_EN_WORD}\s+){{0,4}}{_EN_WORD})?"
    r"(?:\s*\((?P<acronym>[A-Z][A-Za-z0-9&+-]{1,9})\))?"
)
_EN_KIND_HINT = re.compile(
    r"Dialogue|Committee|Commission|Working Group|Consultative Group|Forum|MOU|Summit|Meeting"
)
_EN_KIND_ONLY = re.compile(
    r"(?:Working Group|Commission)\s+on\s+(?:[A-Z][\w.-]*\s+){0,4}[A-Z][\w.-]*"
)
_EN_LEADING = re.compile(
    r"^(?:(?:The|A|An|Annual|New|First|Regular|Biennial|Inaugural|Our|Their|Its|This|These)\s+"
    r"|[A-Z][a-z]+ing\s+(?:(?:a|an|the)\s+)?)+"
)
_EN_CADENCE_LEAD = re.compile(r"\b(?:Annual|New|First|Biennial|Inaugural)\b")
_EN_BLOCKLIST = frozenset(
    fold(n)
    for n in (
        "Pacific Islands Forum",
        "ASEAN Regional Forum",
        "Security Council",
        "UN Security Council",
        "United Nations Security Council",
        "Human Rights Council",
        "European Commission",
        "Asia-Pacific Economic Cooperation Forum",
    )
)
# Reporting sentences (a press release): a session of a mechanism, "제2차 … 회의", and a body
# held or launched, "… 회의를 개최하고", "… 협의회를 조속히 출범시키고".
_KO_MEETING_WORD = r"(?:회의|회담|협의회|협의체|협의|대화|위원회|포럼|실무그룹|워킹그룹)"
_KO_SESSION = re.compile(
    r"(?<![^\s(,])(?:제\s*(?P<ordinal>\d{1,3})\s*차|첫)\s+"
    rf"(?P<name>(?:[^\s,.<>]+\s+){{0,5}}?[^\s,.<>]*?{_KO_MEETING_WORD})"
    r"(?=[을를이가은는의에도와과로,.]|\s|$)"
)
_KO_HELD = re.compile(
    rf"{_KO_MEETING_WORD}(?=[을를]\s+(?:\S+\s+){{0,3}}?"
    r"(?:개최|열었|열고|열기로|가졌|갖기로|(?P<launch>출범|신설|설치|창설)(?!\S*(?:켰|했|하였))))"
)
_KO_NAME_STOP = re.compile(r"(?:은|는|이|가|을|를|에서|에|로|과|와|및|등|으로|하고|하며|[,.)])$")
_REFERS = re.compile(r"^(?:차기|다음|이번|금번|동|해당|同|이)\s")  # a reference, not a name
_BARE_KIND = re.compile(rf"^{_KO_MEETING_WORD}$")
GENERIC_NAME = re.compile(
    r"^(?:장관급?|차관급?|고위급|국장급|실무급?|정상)?\s*(?:회의|회담|협의)$"
)  # a name that is only a rank and a meeting word: the mechanism of that kind already named
_KO_NEXT = re.compile(r"(?<![\w])(?:차기|다음)\s?(회의|회담|협의)(?=[은는이가을를의에도와과로\s])")
_EN_NEXT = re.compile(r"\b[Tt]he\s+next\s+(meeting|session|round)\b")
MEETING_KINDS = frozenset(
    {
        MechanismKind.MINISTERIAL_MEETING,
        MechanismKind.SUMMIT,
        MechanismKind.LEADERS_MEETING,
        MechanismKind.HIGH_LEVEL_TALKS,
        MechanismKind.WORKING_LEVEL_TALKS,
        MechanismKind.DIALOGUE,
        MechanismKind.COMMITTEE,
        MechanismKind.WORKING_GROUP,
        MechanismKind.FORUM,
    }
)
_KO_ANAPHOR = re.compile(
    r"(?<![\w])(?:동|이|해당|同)\s?(공동위원회|위원회|포럼|대화|협의회|협의체|회의)(?=[은는이가을를의에도와과로\s])"
)
_EN_ANAPHOR = re.compile(
    r"\b[Tt]he\s+(Commission|Committee|Working Group|Dialogue|Forum|Council|Summit)\b"
)


@dataclass(slots=True)
class Mention:
    start: int  # the name as written
    end: int
    outer_start: int  # with its brackets
    outer_end: int
    name: str
    clause: int
    source: str  # marker, instrument, quoted, item, catalog, rule, generic, alias, anaphora
    entry: CatalogEntry | None = None
    kind: MechanismKind | None = None
    acronym: str = ""
    key: str = ""
    lead_in: bool = False
    session: int = 0  # "제2차 …": which session of the mechanism the text names
    launched: bool = False  # "… 협의회를 조속히 출범시키고": to be launched


def is_mechanism_item(text: str, catalog: MechanismCatalog) -> str | None:
    """The mechanism name an item consists of, or None if the item says more than a name."""
    body = fold_space(text)
    bracketed = re.fullmatch(r"[<「『‘“](.+)[>」』’”]", body)
    name = fold_space(bracketed.group(1)) if bracketed else body
    if len(name) > 60 or re.search(r"(?:다|함|음)\.?$|[.;:!?]$", name):
        return None
    if catalog.lookup(name) is not None:
        return name
    bare = split_acronym(name)[0]
    if kind_from_name(bare) is None:
        return None
    if not HANGUL.search(name) and not bracketed and (name[:1].islower() or len(name.split()) > 10):
        return None
    return name


class MentionFinder:
    """Every mention in an agreement's clauses, clause by clause, in text order."""

    def __init__(
        self,
        text: str,
        layouts: list[ClauseLayout],
        language: Language,
        catalog: MechanismCatalog,
        document_title: str,
    ) -> None:
        self.text = text
        self.layouts = layouts
        self.language = language
        self.catalog = catalog
        self.own_name = core_name(document_title) if document_title else ""
        self.mentions: list[Mention] = []
        self.sentences: list[list[tuple[int, int]]] = []
        self.item_mechanisms: set[tuple[str, int]] = set()
        self.catalog_hits: list[tuple[int, int, CatalogEntry]] = []

    # mentions

    def find(self) -> None:
        self.catalog_hits = self.catalog.scan(self.text)
        for index, layout in enumerate(self.layouts):
            self.sentences.append(self._sentences(layout))
            found = self._explicit(index, layout)
            found = self._add_catalog(index, layout, found)
            found = self._add_rules(index, layout, found)
            self.mentions.extend(sorted(found, key=lambda m: m.start))

    def _sentences(self, layout: ClauseLayout) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for unit in layout.units:
            for part in unit.parts:
                spans.extend(sentence_spans(self.text, part.start, part.end))
        return spans

    def _explicit(self, index: int, layout: ClauseLayout) -> list[Mention]:
        clause = layout.clause
        found: list[Mention] = []
        text = self.text
        if self.language is Language.KO or HANGUL.search(clause.text):
            for match in _ANGLE.finditer(text, clause.start, clause.end):
                if HANGUL.search(match.group(1)) or self.language is Language.KO:
                    self._candidate(found, match, index, "marker")
        for match in _INSTRUMENT.finditer(text, clause.start, clause.end):
            self._candidate(found, match, index, "instrument")
        for match in _QUOTED.finditer(text, clause.start, clause.end):
            self._candidate(found, match, index, "quoted")
        for item in clause.items:
            name = is_mechanism_item(item.text, self.catalog)
            if name is None:
                continue
            self.item_mechanisms.add((clause.number, item.position))
            if any(m.start >= item.start and m.end <= item.end for m in found):
                continue
            found.append(self._mention(item.start, item.end, item.start, item.end, index, "item"))
        return found

    def _candidate(
        self, found: list[Mention], match: re.Match[str], index: int, source: str
    ) -> None:
        lo, hi = match.span(1)
        lo, hi = _strip(self.text, lo, hi)
        mention = self._mention(lo, hi, match.start(), match.end(), index, source)
        if mention.kind is None:
            return
        name = split_acronym(mention.name)[0]
        if source == "quoted" and mention.entry is None:
            if self.own_name and core_name(name) == self.own_name:
                return
            if _INITIATIVE.search(name) and not mention.acronym:
                return
        if source == "instrument" and mention.entry is None and kind_from_name(name) is None:
            return
        found.append(mention)

    def _mention(
        self, lo: int, hi: int, outer_lo: int, outer_hi: int, index: int, source: str
    ) -> Mention:
        written = fold_space(self.text[lo:hi])
        name, acronym = split_acronym(written)
        entry = self.catalog.resolve(written) or self.catalog.resolve(name)
        if entry is None and acronym:
            entry = self.catalog.lookup(acronym)
        kind = entry.kind if entry else kind_from_name(name)
        if kind is None and _INITIATIVE.search(name) and acronym:
            kind = MechanismKind.OTHER
        return Mention(lo, hi, outer_lo, outer_hi, name, index, source, entry, kind, acronym)

    def _add_catalog(self, index: int, layout: ClauseLayout, found: list[Mention]) -> list[Mention]:
        clause = layout.clause
        for lo, hi, entry in self.catalog_hits:
            if lo < clause.start or hi > clause.end or _overlaps(found, lo, hi):
                continue
            written = fold_space(self.text[lo:hi])
            found.append(Mention(lo, hi, lo, hi, written, index, "catalog", entry, entry.kind))
        return found

    def _add_rules(self, index: int, layout: ClauseLayout, found: list[Mention]) -> list[Mention]:
        clause = layout.clause
        text = self.text
        candidates: list[Mention] = []
        body = clause.text
        if self.language is Language.KO:
            new_bodies = (
                _KO_NEW_BODY.finditer(text, clause.start, clause.end)
                if any(word in body for word in ("새로운", "신규", "별도"))
                else iter(())
            )
            exhibitions = (
                _KO_EXHIBITION.finditer(text, clause.start, clause.end)
                if any(word in body for word in ("전시회", "박람회", "에어쇼", "엑스포"))
                else iter(())
            )
            for match in new_bodies:
                if _KO_NEW_BODY_VERB.match(text, match.end(1), min(clause.end, match.end(1) + 16)):
                    candidates.append(self._mention(*match.span(1), *match.span(1), index, "rule"))
            candidates.extend(self._reported(index, clause.start, clause.end))
            for match in exhibitions:
                lo, hi = match.span()
                words = text[lo : match.end(1)].split()
                if len(words) == 2 and _KO_PARTICLE_END.search(words[0]):
                    lo = text.index(words[1], lo)
                candidates.append(self._mention(lo, hi, lo, hi, index, "rule"))
        else:
            for lo, hi in self.sentences[index]:
                if not _EN_KIND_HINT.search(text, lo, hi):
                    continue
                for match in _EN_GENERIC.finditer(text, lo, hi):
                    mention = self._english_generic(match, index)
                    if mention is not None:
                        candidates.append(mention)
        for mention in candidates:
            if mention.kind is None:
                continue
            covered = [m for m in found if m.start < mention.end and mention.start < m.end]
            if not covered:
                found.append(mention)
            elif (
                len(covered) == 1
                and covered[0].source == "catalog"
                and mention.start <= covered[0].start
                and covered[0].end <= mention.end
                and covered[0].kind is not mention.kind
                and mention.session
            ):
                # "제1차 … 외교·국방(2+2) 국장급 회의": a rank the catalog's "2+2" does not say
                found[found.index(covered[0])] = mention
            elif (
                len(covered) == 1
                and covered[0].source == "catalog"
                and mention.start <= covered[0].start
                and covered[0].end <= mention.end
            ):
                # "Assistant Secretary-led Indo-Pacific Dialogue": the longer name, the entry
                inner = covered[0]
                inner.start, inner.end = mention.start, mention.end
                inner.outer_start, inner.outer_end = mention.outer_start, mention.outer_end
                inner.name, inner.acronym = mention.name, mention.acronym
        return found

    def _reported(self, index: int, start: int, end: int) -> list[Mention]:
        """Korean reporting sentences: "제2차 … 회의" (a session), "… 회의를 개최하고", "A 및
        B를 출범시키고" (each name runs back to a particle, "및", or at most four words)."""
        text = self.text
        found: list[Mention] = []
        for match in _KO_SESSION.finditer(text, start, end):
            mention = self._mention(*match.span("name"), *match.span("name"), index, "rule")
            mention.session = int(match.group("ordinal") or 1)
            found.append(mention)
        for match in _KO_HELD.finditer(text, start, end):
            hi = match.end()
            while True:
                lo = _name_start(text, start, hi)
                if lo is None or any(m.start <= lo < m.end for m in found):
                    break
                mention = self._mention(lo, hi, lo, hi, index, "rule")
                mention.launched = match.group("launch") is not None
                found.append(mention)
                window = max(start, lo - 40)
                joined = re.search(rf"({_KO_MEETING_WORD})\s+및\s+$", text[window:lo])
                if joined is None:
                    break
                hi = window + joined.end(1)
        return [
            m
            for m in found
            if m.kind is not None and not _BARE_KIND.match(m.name) and not _REFERS.match(m.name)
        ]

    def _english_generic(self, match: re.Match[str], index: int) -> Mention | None:
        text = self.text
        lo, hi = match.span()
        leading = _EN_LEADING.match(text[lo : match.start("kind")])
        lead_words = leading.group() if leading else ""
        if leading:
            lo += leading.end()
        kind_word = match.group("kind")
        if kind_word in ("Summit", "Meeting") and not _EN_CADENCE_LEAD.search(lead_words):
            return None
        name_end = match.start("acronym") - 1 if match.group("acronym") else hi
        name = fold_space(text[lo:name_end]).rstrip("( ")
        if lo >= match.start("kind") and not _EN_KIND_ONLY.match(name):
            return None  # a bare "Working Group": a reference back, not a name
        folded = fold(name)
        if any(folded.endswith(blocked) for blocked in _EN_BLOCKLIST) or "\n\n" in text[lo:hi]:
            return None
        return self._mention(lo, hi, lo, hi, index, "generic")

    # alias and anaphora passes

    def add_references(self, names: Mapping[str, str]) -> None:
        """Mentions again of a name or acronym once seen, and references back ("동 포럼",
        "the Commission"), once each mention has its key; `names` gives each key's name."""
        spellings: dict[str, str] = {}
        for mention in self.mentions:
            for spelling in (mention.name, mention.acronym):
                if spelling and (len(spelling) >= 3 or spelling.isupper()):
                    spellings.setdefault(spelling, mention.key)
        present = sorted((sp for sp in spellings if sp in self.text), key=len, reverse=True)
        pattern = re.compile("|".join(_spelling_pattern(sp) for sp in present)) if present else None
        added: list[Mention] = []
        for index, layout in enumerate(self.layouts):
            clause = layout.clause
            own = [m for m in self.mentions if m.clause == index]
            if pattern is not None:
                for match in pattern.finditer(self.text, clause.start, clause.end):
                    if _overlaps(own, *match.span()):
                        continue
                    key = spellings[match.group()]
                    mention = Mention(*match.span(), *match.span(), match.group(), index, "alias")
                    mention.key = key
                    own.append(mention)
                    added.append(mention)
            anaphor = _KO_ANAPHOR if self.language is Language.KO else _EN_ANAPHOR
            for match in anaphor.finditer(self.text, clause.start, clause.end):
                if _overlaps(own, *match.span()):
                    continue
                head = match.group(1).casefold()
                earlier = [
                    m
                    for m in own
                    if m.start < match.start()
                    and m.key in names
                    and head in f"{m.name} {names[m.key]}".casefold()
                ]
                if not earlier:
                    continue
                target = max(earlier, key=lambda m: m.start)
                mention = Mention(*match.span(), *match.span(), match.group(), index, "anaphora")
                mention.key = target.key
                own.append(mention)
                added.append(mention)
            # "차기 회의를 … 서울에서 개최하기로 하였다": the meeting named last, in any clause
            following = _KO_NEXT if self.language is Language.KO else _EN_NEXT
            for match in following.finditer(self.text, clause.start, clause.end):
                if _overlaps(own, *match.span()):
                    continue
                meetings = [
                    m
                    for m in (*self.mentions, *added)
                    if m.start < match.start() and m.kind in MEETING_KINDS and not m.launched
                ]
                sessions = [m for m in meetings if m.session]  # the one whose session is told
                if not meetings:
                    continue
                target = max(sessions or meetings, key=lambda m: m.start)
                mention = Mention(*match.span(), *match.span(), match.group(), index, "next")
                mention.key, mention.kind = target.key, target.kind
                own.append(mention)
                added.append(mention)
        self.mentions = sorted([*self.mentions, *added], key=lambda m: m.start)


def _name_start(text: str, floor: int, hi: int) -> int | None:
    """Where a name ending at `hi` begins: after the last word ending in a particle (양측은),
    "및" or punctuation, at most four words back; None when nothing is left before the kind."""
    words = [m for m in re.finditer(r"\S+", text[floor:hi])]
    if not words:
        return None
    lo = floor + words[-1].start()
    for word in reversed(words[:-1][-3:]):
        if _KO_NAME_STOP.search(word.group()) or any(ch.isdigit() for ch in word.group()):
            break
        lo = floor + word.start()
    return lo


def _spelling_pattern(spelling: str) -> str:
    """A name exactly as once written; ASCII names only as whole words."""
    escaped = re.escape(spelling)
    if not spelling.isascii():
        return escaped
    first = re.escape(spelling[0])
    return f"{first}(?<![\\w-].){escaped[len(first) :]}(?![\\w-])"


def _overlaps(mentions: list[Mention], lo: int, hi: int) -> bool:
    return any(m.outer_start < hi and lo < m.outer_end for m in mentions)


def _strip(text: str, lo: int, hi: int) -> tuple[int, int]:
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    return lo, hi
