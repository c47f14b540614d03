"""Clauses → commitments: the split rule, and how each commitment's strength and actors are read.

The split rule
--------------
* **An item is one commitment.** Its text is the item's text, verbatim. Items that are only the
  name of a mechanism (clause 5's list of dialogues and committees) are mechanisms, not
  commitments; the sentence that introduces the list names them all.
* **Every other sentence is one commitment**: a clause without items gives one commitment per
  sentence; a clause with items gives one per sentence of its lead-in (and of any text after
  the items), plus one per item. A sentence ends at `.`, `!` or `?` followed by a space or the
  end of a paragraph (English abbreviations such as "U.S." and initials do not end one), or,
  in the run-together treaty text, at a full stop glued to the next capitalised word.
* Every commitment is a verbatim span: `source_text[start:end] == text`, stripped, never empty.
  Sentences that undertake nothing (a preamble's recognitions, a description) are kept too, but
  untracked: `tracked` is true only for firm and best-effort commitments.

Refs (stable for a given text; `clause` is the clause's number, `p` its ref prefix):
* a clause's sentences are `p.1`, `p.2`, … ("9.2" is the second sentence of clause 9);
* when the clause has item commitments, items are `p.k` by their place in the clause ("7.3" is
  clause 7, item 3) and the lead-in sentences are `p.0` (one) or `p.0.1`, `p.0.2`, … (several):
  the lead-in of clause 7, "…협력을 확대하기 위해 노력할 것이다", is commitment "7.0";
* in a treaty the prefix of an article's numbered paragraph is "article.paragraph": Article 3
  paragraph 1's items are "3.1.1" … "3.1.4" and its lead-in "3.1.0"; a paragraph of one sentence
  without items is just "1.2"; an article without numbered paragraphs counts sentences: "6.3".

Strength (`tracker.domain.Strength`)
------------------------------------
Korean is read at the end of the sentence, where the main predicate is (the last three
words): `수 있다` → permissive; `노력`, `모색`, `추진`, `지향`, `강구` → best effort (so "…노력할
것이다" is best effort although it also says 것이다); `재확인`, `인식`, `환영`, `평가`, `강조`,
`지지` … → declaratory; a future `-ㄹ 것이다` ("강화할 것이다", "검토될 것이다"), `-기로
하였다/했으며`, `약속한다`, `합의` or a plain present predicate that prescribes ("…에 보고된다") →
firm; anything else ("강화하고 있다",
"…하는 것이다", "포함된다") → descriptive.
English is read at its first strength word after the subject (an opening "Recognizing …," or
"To that end," is skipped): will / shall / agree to / commit(ted) to / decided / undertake /
intend / plan / announce → firm, but best effort when the verb that follows is seek / explore /
strive / endeavour / work to / pursue ("committed to explore"); seek to / endeavour / explore /
strive / aim to / work to → best effort; reaffirm / affirm / recognize / welcome / note /
reiterate / share concerns / call on … → declaratory; may / can / be entitled to → permissive;
"have announced" (a past event) and "the present Agreement shall" (treaty mechanics) →
descriptive. An item without a verb of its own (a Korean item ending in a noun, an English item
starting in lower case after a lead-in ending in ":") inherits the lead-in's strength and
actors.

Actors
------
"both" when both (all) parties act: 양국, 양측, "한국과 캐나다", "The Contracting Parties",
"the Leaders", "we", or two or more party names in the subject; "each" for "Each Contracting
Party"; a party's name as written when it alone is the subject ("The United States committed…"
→ "United States", "캐나다는" → "캐나다"). A sentence with no subject of its own keeps the
previous sentence's actors, and the first one of a clause defaults to "both".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.domain import Language, Strength
from tracker.importer.structure import ClauseLayout, Part, Unit
from tracker.importer.textutil import has_final_rieul, strip_span

# --- sentences ----------------------------------------------------------------------------------

_BOUNDARY = re.compile(r"[.!?](?:[\"”’')\]]|\*\*)*(?=\s|$)|(?<=[a-z]{2}\.)(?=[A-Z][a-z])")
_ABBREVIATION = re.compile(
    r"(?:u\.s|u\.k|u\.n|mrs?|ms|dr|nos?|arts?|paras?|e\.g|i\.e|vs|inc|ltd|co|corp|jr|sr|st|gen"
    r"|gov|sen|rep|dept|approx|cf|al|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|nr|sd|fig)",
    re.IGNORECASE,
)
_INITIALS = re.compile(r"^(?:[A-Za-z]\.)*[A-Za-z]$")


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of text[start:end], as stripped, non-empty spans."""
    spans: list[tuple[int, int]] = []
    begin = start
    for match in _BOUNDARY.finditer(text, start, end):
        stop = match.end()
        if match.group() and not _ends_sentence(text, begin, match.start(), stop, end):
            continue
        lo, hi = strip_span(text, begin, stop)
        if lo < hi:
            spans.append((lo, hi))
        begin = stop
    lo, hi = strip_span(text, begin, end)
    if lo < hi:
        if spans and not any(ch.isalnum() for ch in text[lo:hi]):
            spans[-1] = (spans[-1][0], hi)  # trailing markup belongs to the last sentence
        else:
            spans.append((lo, hi))
    return spans


def _ends_sentence(text: str, begin: int, mark: int, stop: int, end: int) -> bool:
    if text[mark] != ".":
        return True
    lo = mark
    while lo > begin and not text[lo - 1].isspace():
        lo -= 1
    word = text[lo:mark].lstrip("(\"“‘'*")
    if word and word.isascii() and (_ABBREVIATION.fullmatch(word) or _INITIALS.match(word)):
        return False
    following = text[stop:end].lstrip()
    return not (following[:1].islower() and following[:1].isascii())


# --- strength -----------------------------------------------------------------------------------

_KO_PERMISSIVE = re.compile(r"수\s*(?:있다|있음|있을|있으며|있고)")
_KO_BEST = re.compile(r"노력|모색|추진|지향|강구|힘쓸|힘쓴다")
_KO_DECLARATORY = re.compile(
    r"재확인|확인한다|확인하였다|인식|환영|평가한다|평가하였다|주목|공감|강조|표명|지지한다|지지하였다"
    r"|규탄|우려|유의한다|상기"
)
_KO_FIRM = re.compile(
    r"기로\s*(?:하였|했|한다|합의|약속|결정)|약속|합의하였다|합의한다|결정하였다|결정했다"
)
_KO_FUTURE = re.compile(r"([\uac00-\ud7a3])\s*것(?:이다|이며|이고|임|으로)")
_KO_PRESENT = re.compile(r"(?:한다|된다|받는다)$")
_KO_STATIVE = re.compile(r"(?:포함|해당|의미|기여|구성|속|필요로|뜻|존재)(?:한다|된다)$")
_KO_SENTENCE_END = re.compile(r"(?:다|함|임|음)[.!?\"”’')\]]*$")
_TRAILING = re.compile(r"[\s.!?\"”’')\]*]+$")

_EN_FIRM = (
    r"\bwill\b|\bshall\b|\bagree[sd]?\s+(?:to|that|on)\b|\bcommit(?:s|ted)?\s+to\b"
    r"|\b(?:are|is|remain|remains|be|were|was)\s+(?:\w+ly\s+)?committed\s+to\b"
    r"|\bdecided?\s+(?:to|on|that)\b|\bdecides\s+to\b|\bundertakes?\s+to\b|\bpledged?\s+to\b"
    r"|\bintends?\s+to\b|\bplans?\s+to\b|\bannounce[sd]?\b|\bare\s+(?:launching|establishing|signing)\b"
)
_EN_BEST = (
    r"\bseeks?\s+to\b|\bendeavou?rs?\b|\bexplor(?:e|es|ed|ing)\b|\bstriv(?:e|es|ing)\b"
    r"|\baims?\s+to\b|\b(?:are\s+)?work(?:s|ing)?\s+(?:to|toward|towards)\b|\bmake every effort\b"
    r"|\bbest efforts?\b|\bpursu(?:e|es|ing)\b|\btry\s+to\b"
)
_EN_DECLARATORY = (
    r"\b(?:re)?affirm(?:s|ed)?\b|\brecogni[sz](?:e|es|ed)\b|\bwelcome[sd]?\b|\bnote[sd]?\b"
    r"|\backnowledge[sd]?\b|\breiterate[sd]?\b|\bexpress(?:es|ed)?\b"
    r"|\bshare[sd]?\s+(?:concerns?|the view)\b"
    r"|\bunderscore[sd]?\b|\bemphasi[sz]e[sd]?\b|\bhighlight(?:s|ed)?\b|\bapplaud(?:s|ed)?\b"
    r"|\bcommend(?:s|ed)?\b|\bcondemn(?:s|ed)?\b|\boppose[sd]?\b|\bcall(?:s|ed)?\s+(?:on|for|upon)\b"
    r"|\burge[sd]?\b|\bbelieve[sd]?\b|\bdeclare[sd]?\b|\battach(?:es)?\s+(?:\w+\s+)?importance\b"
    r"|\b(?:are|is)\s+(?:united|determined|resolute|concerned)\b|\bstress(?:es|ed)?\b"
)
_EN_PERMISSIVE = r"\bmay\b|\bcan\b|\bbe entitled to\b|\breserv(?:e|es|ing) the right\b"
_EN_DESCRIPTIVE = (
    r"\b(?:have|has|had)\s+(?!agreed|committed|decided|pledged|undertaken|been\s+committed)"
    r"(?:\w+ly\s+)?\w+(?:ed|en)\b"
)
_EN_STRENGTH = re.compile(
    rf"(?P<firm>{_EN_FIRM})|(?P<best>{_EN_BEST})|(?P<decl>{_EN_DECLARATORY})"
    rf"|(?P<perm>{_EN_PERMISSIVE})|(?P<desc>{_EN_DESCRIPTIVE})",
    re.IGNORECASE,
)
_EN_BEST_AFTER = re.compile(rf"^\W*(?:\w+\W+){{0,3}}?(?:{_EN_BEST})", re.IGNORECASE)
_EN_PERMISSIVE_AFTER = re.compile(r"\s+(?:\w+ly\s+)?(?:be\s+entitled|have\s+the\s+right)\s+to\b")
_EN_GROUPS = {
    "firm": Strength.FIRM,
    "best": Strength.BEST_EFFORT,
    "decl": Strength.DECLARATORY,
    "perm": Strength.PERMISSIVE,
    "desc": Strength.DESCRIPTIVE,
}
_EN_LEAD_TITLE = re.compile(
    r"^\s*(?:\*\*[^*]{1,160}\*\*\s*:?\s*(?:\*\*)?|[A-Z][^:;\n]{0,140}:\s+(?=[A-Z]))"
)
_EN_OPENER = re.compile(
    r"^\s*(?:[A-Z][a-z]+ing|To|In|As|With|Through|Given|Unless|Subject|While|Although|Even|By|On"
    r"|For|At|After|Before|Going forward|Today|Together|Furthermore|Moreover|Additionally|Also"
    r"|Finally|Consistent|Under|Upon|Regarding|Where|If|When|Since)\b[^,]{0,300},"
)
_EN_TREATY_SUBJECT = re.compile(r"\b(?:present|this)\s+Agreement\b", re.IGNORECASE)


def strength_of(sentence: str, language: Language) -> Strength:
    return reading_of(sentence, language)[0]


def reading_of(
    sentence: str, language: Language, parties: tuple[str, ...] = ()
) -> tuple[Strength, str | None]:
    """(strength, actors or None when the sentence does not say who acts)."""
    if language is Language.KO:
        return _korean_strength(sentence), _korean_actors(sentence, parties)
    strength, subject = _english_strength(sentence)
    return strength, _english_actors(subject)


def _korean_strength(sentence: str) -> Strength:
    core = _TRAILING.sub("", sentence)
    predicate = " ".join(core.split()[-3:])
    if _KO_PERMISSIVE.search(predicate):
        return Strength.PERMISSIVE
    if _KO_BEST.search(predicate):
        return Strength.BEST_EFFORT
    if _KO_DECLARATORY.search(predicate):
        return Strength.DECLARATORY
    if _KO_FIRM.search(predicate):
        return Strength.FIRM
    if any(has_final_rieul(m.group(1)) for m in _KO_FUTURE.finditer(predicate)):
        return Strength.FIRM
    if _KO_PRESENT.search(core) and not _KO_STATIVE.search(core):
        return Strength.FIRM
    return Strength.DESCRIPTIVE


def _english_body(sentence: str) -> str:
    body = _EN_LEAD_TITLE.sub("", sentence, count=1)
    opener = _EN_OPENER.match(body)
    return body[opener.end() :] if opener else body


def _english_strength(sentence: str) -> tuple[Strength, str]:
    """(strength, subject): the subject is the text before the strength word."""
    body = _english_body(sentence)
    match = _EN_STRENGTH.search(body)
    if match is None:
        body = _EN_LEAD_TITLE.sub("", sentence, count=1)  # the opener held the verb
        match = _EN_STRENGTH.search(body)
    if match is None:
        return Strength.DESCRIPTIVE, body[:200]
    group = match.lastgroup or "desc"
    strength = _EN_GROUPS[group]
    subject = body[: match.start()]
    if strength is Strength.FIRM:
        if _EN_TREATY_SUBJECT.search(subject):
            strength = Strength.DESCRIPTIVE
        elif _EN_BEST_AFTER.match(body[match.end() : match.end() + 60]):
            strength = Strength.BEST_EFFORT
        elif _EN_PERMISSIVE_AFTER.match(body, match.end()):
            strength = Strength.PERMISSIVE
    return strength, subject


# --- actors -------------------------------------------------------------------------------------

_KO_BOTH = re.compile(
    r"(?<![^\s,(])(?:양국|양측|양국 정상|양 정상|쌍방"
    r"|(?:대한민국|한국)(?:\s*\([^)]*\))?\s*[과와]\s*\S+?)"
    r"(?:은|는|이|가)(?=\s)"
)
_EN_EACH = re.compile(r"\b(?:each|either)\s+(?:Contracting\s+)?Party\b", re.IGNORECASE)
_EN_BOTH = re.compile(
    r"\b(?:we|our\s+(?:two|three)\s+\w+|our\s+(?:countries|governments|nations)"
    r"|the\s+(?:two|three|both)\s+\w+|both\s+(?:sides|parties|countries|governments|leaders"
    r"|presidents|nations)|the\s+(?:Contracting\s+)?Parties|the\s+Leaders|they)\b",
    re.IGNORECASE,
)
_EN_PARTY = re.compile(
    r"\b(United\s+States|U\.S\.(?![A-Za-z])|Japan(?!ese)|ROK|(?<!People’s\s)(?<!People's\s)"
    r"Republic\s+of\s+Korea|(?<!of\s)Korea(?!n)|Canada|(?:Kingdom\s+of\s+the\s+)?Netherlands)"
)
_LEADING_ARTICLE = re.compile(r"^\s*(?:the\s+)?", re.IGNORECASE)
_EN_PARTY_KEY = {
    "u.s.": "us",
    "united states": "us",
    "rok": "kr",
    "republic of korea": "kr",
    "korea": "kr",
    "kingdom of the netherlands": "nl",
    "netherlands": "nl",
}
_KO_PARTIES = ("대한민국", "한국", "미국", "일본", "중국", "캐나다")


def actors_of(sentence: str, language: Language, parties: tuple[str, ...] = ()) -> str | None:
    """Who undertakes the sentence, or None when it does not say."""
    return reading_of(sentence, language, parties)[1]


def _english_actors(subject: str) -> str | None:
    if _EN_EACH.search(subject):
        return "each"
    if _EN_BOTH.search(subject):
        return "both"
    found: dict[str, str] = {}
    first_at = -1
    for match in _EN_PARTY.finditer(subject):
        written = " ".join(match.group(1).split())
        found.setdefault(_EN_PARTY_KEY.get(written.casefold(), written), written)
        first_at = match.start() if first_at < 0 else first_at
    if len(found) >= 2:
        return "both"
    # One party is the actor only when it heads the subject ("The ROK Government will"),
    # not when it qualifies someone else ("President Biden of the United States welcomed").
    lead = _LEADING_ARTICLE.match(subject)
    if found and lead is not None and first_at == lead.end():
        return next(iter(found.values()))
    return None


def _korean_actors(sentence: str, parties: tuple[str, ...]) -> str | None:
    both = _KO_BOTH.search(sentence)
    names = "|".join(re.escape(p) for p in dict.fromkeys((*parties, *_KO_PARTIES)) if p)
    single = re.search(rf"(?<![^\s,(])({names})(?:측은|측이|은|는|이|가)(?=\s)", sentence)
    if both and (single is None or both.start() <= single.start()):
        return "both"
    return single.group(1) if single else None


# --- commitments --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CommitmentDraft:
    ref: str
    clause: str
    item: int | None
    start: int
    end: int
    actors: str
    strength: Strength
    introduces: tuple[int, ...] = ()  # positions of the mechanism items this sentence lists


def split_commitments(
    text: str,
    layouts: list[ClauseLayout],
    language: Language,
    *,
    mechanism_items: frozenset[tuple[str, int]] = frozenset(),
    parties: tuple[str, ...] = (),
) -> list[CommitmentDraft]:
    drafts: list[CommitmentDraft] = []
    for layout in layouts:
        number = layout.clause.number
        previous_actors = "both"
        for unit in layout.units:
            unit_drafts, previous_actors = _split_unit(
                text, number, unit, language, mechanism_items, parties, previous_actors
            )
            drafts.extend(unit_drafts)
    return drafts


def _split_unit(
    text: str,
    number: str,
    unit: Unit,
    language: Language,
    mechanism_items: frozenset[tuple[str, int]],
    parties: tuple[str, ...],
    actors: str,
) -> tuple[list[CommitmentDraft], str]:
    items = [p for p in unit.parts if p.item is not None]
    commit_items = [p for p in items if (number, p.item) not in mechanism_items]
    listed = tuple(
        p.item for p in items if p.item is not None and (number, p.item) in mechanism_items
    )
    sentences: list[tuple[int, int, Part]] = []
    for part in unit.parts:
        if part.item is None:
            sentences.extend((s, e, part) for s, e in sentence_spans(text, part.start, part.end))

    if commit_items:
        refs = (
            [f"{unit.prefix}.0"]
            if len(sentences) == 1
            else [f"{unit.prefix}.0.{n}" for n in range(1, len(sentences) + 1)]
        )
    elif unit.paragraph and len(sentences) == 1:
        refs = [unit.prefix]
    else:
        refs = [f"{unit.prefix}.{n}" for n in range(1, len(sentences) + 1)]

    first_listed = min((p.start for p in items if p.item in listed), default=None)
    lead_of_list = None
    if first_listed is not None:
        before = [n for n, (_s, e, _p) in enumerate(sentences) if e <= first_listed]
        lead_of_list = before[-1] if before else None

    drafts: list[CommitmentDraft] = []
    context: dict[int, tuple[Strength, str, str]] = {}  # sentence end → (strength, actors, text)
    for n, (start, end, _part) in enumerate(sentences):
        sentence = text[start:end]
        strength, said = reading_of(sentence, language, parties)
        actors = said or actors
        context[end] = (strength, actors, sentence)
        drafts.append(
            CommitmentDraft(
                refs[n],
                number,
                None,
                start,
                end,
                actors,
                strength,
                listed if n == lead_of_list else (),
            )
        )

    for index, part in enumerate(items, start=1):
        if part.item is None or (number, part.item) in mechanism_items:
            continue
        lead = max((e for e in context if e <= part.start), default=None)
        strength, item_actors = _item_reading(
            text[part.start : part.end], language, parties, context.get(lead) if lead else None
        )
        drafts.append(
            CommitmentDraft(
                f"{unit.prefix}.{index}",
                number,
                part.item,
                part.start,
                part.end,
                item_actors or actors,
                strength,
            )
        )
    drafts.sort(key=lambda d: d.start)
    return drafts, actors


_RANK = {
    Strength.FIRM: 0,
    Strength.BEST_EFFORT: 1,
    Strength.PERMISSIVE: 2,
    Strength.DECLARATORY: 3,
    Strength.DESCRIPTIVE: 4,
}


def _item_reading(
    item: str,
    language: Language,
    parties: tuple[str, ...],
    lead: tuple[Strength, str, str] | None,
) -> tuple[Strength, str | None]:
    """An item's strength is its strongest sentence's; a verbless item takes its lead-in's."""
    sentences = [item[s:e] for s, e in sentence_spans(item, 0, len(item))] or [item]
    readings = [reading_of(sentence, language, parties) for sentence in sentences]
    own, own_actors = min(readings, key=lambda reading: _RANK[reading[0]])
    if lead is not None:
        lead_strength, lead_actors, lead_text = lead
        if language is Language.KO:
            fragment = _KO_SENTENCE_END.search(item.rstrip()) is None
        else:
            body = _EN_LEAD_TITLE.sub("", item, count=1).lstrip("*_ ")
            fragment = body[:1].islower() or (
                own is Strength.DESCRIPTIVE and lead_text.rstrip().endswith(":")
            )
        if fragment:
            return lead_strength, lead_actors
    return own, own_actors
