"""What the words around a mention say about its mechanism: how often it meets, whether it
exists yet, whom it reports to, and whether it reviews the agreement (the mentions are
found by mentions.py).

Around each mention (Korean: the three words before and after it within its phrase; English:
four words before, twelve after, or the whole sentence for an item's bold lead-in):
cadence — 격년/biennially/every two years → biennial, 연례/매년/annual(ly) → annual,
정기/정례/regular(ly) → regular, 수시/at the request of → ad hoc, the most specific one winning
and the catalog's when the text says none; planned — 예정, 신설, 설치하는 방안, 출범할, 추진,
launch, establish, initiate, new, first, planned → the mechanism does not exist yet.
"<A>에서 … <B>에 보고된다" / "A … report to B" makes A report to B. The agreement's review
mechanism is the first mechanism named in a sentence that has the agreement's content reviewed
(검토/점검/review, with 이 … 파트너십 / "the present Agreement" / implementation), or, when that
sentence names none, the first mechanism of its clause ("The Commission shall: discuss … the
implementation of the present Agreement").
"""

from __future__ import annotations

import re

from tracker.domain import Cadence, Language
from tracker.importer.mentions import Mention, MentionFinder
from tracker.importer.structure import ClauseLayout

_KO_CADENCE: tuple[tuple[re.Pattern[str], Cadence], ...] = (
    (re.compile(r"격년|2년마다|2년에\s*한\s*번|매\s*2년"), Cadence.BIENNIAL),
    (re.compile(r"연례|매년|연\s*1회|해마다|연차"), Cadence.ANNUAL),
    (re.compile(r"정기|정례"), Cadence.REGULAR),
    (re.compile(r"수시|필요\s*시|요청\s*시|요청에\s*따라"), Cadence.AD_HOC),
)
_EN_CADENCE: tuple[tuple[re.Pattern[str], Cadence], ...] = (
    (re.compile(r"\bbiennial(?:ly)?\b|\bevery (?:two|2|other) years?\b", re.I), Cadence.BIENNIAL),
    (
        re.compile(r"\bannual(?:ly)?\b|\bevery year\b|\byearly\b|\beach year\b", re.I),
        Cadence.ANNUAL,
    ),
    (
        re.compile(r"\bregular(?:ly)?\b|\bperiodic(?:ally)?\b|\broutine(?:ly)?\b", re.I),
        Cadence.REGULAR,
    ),
    (
        re.compile(r"\bat the request of\b|\bas (?:needed|necessary|required)\b|\bad hoc\b", re.I),
        Cadence.AD_HOC,
    ),
)
CADENCE_RANK = {  # the most specific cadence wins
    Cadence.BIENNIAL: 0,
    Cadence.ANNUAL: 1,
    Cadence.REGULAR: 2,
    Cadence.AD_HOC: 3,
    Cadence.UNKNOWN: 9,
}
_KO_PLANNED = re.compile(
    r"예정|신설|설치하|설치할|창설|출범시|출범할|발족할|추진|개최할|구성할|체결할|신규"
)
_EN_PLANNED_BEFORE = re.compile(
    r"\b(?:launch|launches|launching|establish|establishes|establishing|initiate|initiates"
    r"|initiating|create|creates|creating|set\s+up|inaugural|inaugurate|first|new|convene|convenes)\b",
    re.IGNORECASE,
)
_EN_PLANNED_AFTER = re.compile(
    r"^\W*(?:\w+\W+){0,3}?(?:planned|to be (?:established|launched|held|convened|created))\b",
    re.IGNORECASE,
)
_KO_REPORTS_TO = re.compile(r"\s*>?\s*(?:에|에게)\s*(?:\S+\s+){0,2}?보고")
_EN_REPORTS_TO = re.compile(r"\breport(?:s|ed|ing)?\s+(?:back\s+)?to\s+(?:the\s+)?$", re.IGNORECASE)
_REVIEW_VERB = re.compile(
    r"검토|점검|\breview|\bmonitor|\boversee|\bimplementation\b", re.IGNORECASE
)
_REVIEW_OBJECT = re.compile(
    r"이\s*(?:\S+\s+){0,4}?\S*(?:파트너십|합의|협정|약정|문서|성명)|분야들|이행"
    r"|\b(?:present|this)\s+(?:Agreement|Partnership|Arrangement|Memorandum|Statement)\b",
    re.IGNORECASE,
)
_KO_WINDOW_CUT = re.compile(r"[,.;:()\[\]]")
_LEAD_IN_BEFORE = re.compile(r"^[\s*_]*(?:[A-Z][a-z]+ing\s+(?:(?:a|an|the)\s+)?)?$")
_LEAD_IN_AFTER = re.compile(r"^[\s*_]*:")


def sentence_of(finder: MentionFinder, mention: Mention) -> tuple[int, int]:
    """The sentence a mention stands in (its clause when it stands in none)."""
    for lo, hi in finder.sentences[mention.clause]:
        if lo <= mention.outer_start < hi:
            return lo, hi
    clause = finder.layouts[mention.clause].clause
    return clause.start, clause.end


def context(finder: MentionFinder, mention: Mention) -> tuple[str, str, str]:
    """(before, name, after): the words around a mention that speak about it."""
    text = finder.text
    lo, hi = sentence_of(finder, mention)
    neighbours = [m for m in finder.mentions if m.clause == mention.clause and m is not mention]
    before_lo = max([lo, *(m.outer_end for m in neighbours if m.outer_end <= mention.outer_start)])
    after_hi = min([hi, *(m.outer_start for m in neighbours if m.outer_start >= mention.outer_end)])
    before = text[before_lo : mention.outer_start]
    after = text[mention.outer_end : after_hi]
    name = text[mention.start : mention.end]
    if finder.language is Language.KO:
        cut = list(_KO_WINDOW_CUT.finditer(before))
        before = before[cut[-1].end() :] if cut else before
        first_cut = _KO_WINDOW_CUT.search(after)
        after = after[: first_cut.start()] if first_cut else after
        return " ".join(before.split()[-3:]), name, " ".join(after.split()[:3])
    if mention.lead_in:  # an item's title: the item's first sentence speaks about it
        return text[mention.outer_end : hi], name, ""
    return " ".join(before.split()[-4:]), name, " ".join(after.split()[:12])


def cadence_in(words: str, language: Language) -> Cadence:
    """The most specific cadence the words name (UNKNOWN when they name none)."""
    table = _KO_CADENCE if language is Language.KO else _EN_CADENCE
    for pattern, cadence in table:
        if pattern.search(words):
            return cadence
    return Cadence.UNKNOWN


def says_planned(before: str, name: str, after: str, language: Language) -> bool:
    """Whether the words around a mention say the mechanism does not exist yet."""
    if language is Language.KO:
        return _KO_PLANNED.search(f"{before} {after}") is not None
    return bool(_EN_PLANNED_BEFORE.search(before) or _EN_PLANNED_AFTER.match(after))


def mark_lead_ins(text: str, layouts: list[ClauseLayout], mentions: list[Mention]) -> None:
    """An English item's bold/colon title that names a mechanism speaks for the whole item."""
    for mention in mentions:
        for item in layouts[mention.clause].clause.items:
            if (
                item.start <= mention.outer_start
                and mention.outer_end <= item.end
                and _LEAD_IN_BEFORE.match(text[item.start : mention.outer_start])
                and _LEAD_IN_AFTER.match(text[mention.outer_end : item.end])
            ):
                mention.lead_in = True


def reporting_lines(text: str, finder: MentionFinder) -> dict[str, str]:
    """ "<A>에서 … <B>에 보고된다" / "A … report to B": A reports to B (mention keys, A → B)."""
    reports_to: dict[str, str] = {}
    mentions = finder.mentions
    for n, target in enumerate(mentions):
        lo, _hi = sentence_of(finder, target)
        if finder.language is Language.KO:
            reported = _KO_REPORTS_TO.match(text, target.outer_end, target.outer_end + 24)
        else:
            reported = _EN_REPORTS_TO.search(
                text, max(lo, target.outer_start - 40), target.outer_start
            )
        if not reported:
            continue
        sources = [
            m
            for m in mentions[:n]
            if m.clause == target.clause and m.outer_start >= lo and m.key != target.key
        ]
        if sources:
            reports_to[sources[0].key] = target.key
    return reports_to


def reviewing_key(text: str, finder: MentionFinder) -> str | None:
    """The mention key of the mechanism that reviews the agreement's content, if any."""
    for index, sentences in enumerate(finder.sentences):
        for lo, hi in sentences:
            sentence = text[lo:hi]
            if not (_REVIEW_VERB.search(sentence) and _REVIEW_OBJECT.search(sentence)):
                continue
            inside = [m for m in finder.mentions if m.clause == index and lo <= m.start < hi]
            in_clause = [m for m in finder.mentions if m.clause == index and m.start < hi]
            chosen = inside or in_clause
            if chosen:
                return chosen[0].key
    return None
