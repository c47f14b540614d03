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

Strength per part of a sentence
-------------------------------
A sentence may join acts of different strength: "…을 규탄하고, …에 긴밀히 협력하기로 하였다"
condemns (declaratory) and undertakes (firm). Its parts end at a coordinating ending: Korean
…하고/…하며/…하면서/…했으며/…이며 (a comma after any other …고/…며 word), or "…하는 한편";
English ", and" / " and" before a new verb phrase that says a strength ("and reaffirm", "and
will", "and intend to"; "we" or an adverb may come between). Never inside brackets, never
"…하고 있다" (one predicate), never a part of one word.
* Korean: the last part has the sentence's strength. An earlier part has its own only when its
  predicate says one: 규탄/우려/환영/강조/재확인/지지/표명/평가/촉구/개탄/유감 (declaratory, with
  the object for "우려를 표하고"), 노력/추진/모색 (best effort), "수 있고" (permissive),
  합의/결정/-기로 했으며/-ㄹ 것이며 (firm), a past act "초청하였으며"/a copula "…이며,"
  (descriptive). Any other part ("출범시키고,", "교환하며") is under the last predicate's scope
  and shares its strength; so does a part that only recognises (인식하며, 인정하고, 유의하며):
  it is the premise of what follows, as an English opening "Recognizing …," is.
* English: each part is read as a sentence, a later part with the first part's subject. Only a
  sentence whose subject names who acts is split ("The present Agreement shall …, and shall
  remain in force" is one statement).
* **A sentence is split only when an undertaking (firm, best effort) stands beside a part that
  undertakes nothing.** Neighbouring parts on the same side stay joined; parts that differ
  otherwise (best effort beside firm, a declaration beside a description) are not split. Each
  piece is a verbatim, stripped span ("…을 규탄하고," keeps its comma; English drops ", and");
  the first keeps the sentence's ref and the next are "b", "c" … ("23.1", "23.1b"), as a
  correction's split names them, so no later ref moves. A split item's pieces keep its item.

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
    r"|규탄|우려|유의한다|상기|개탄|유감"
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
    r"|\b(?:are|is|remain|remains)\s+(?:\w+ly\s+)?(?:united|determined|resolute|concerned"
    r"|alarmed|troubled)\b|\bstress(?:es|ed)?\b|\bdeplore[sd]?\b|\bdenounce[sd]?\b"
    r"|\bregret(?:s|ted)?\b"
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


_RANK = {  # the strongest first
    Strength.FIRM: 0,
    Strength.BEST_EFFORT: 1,
    Strength.PERMISSIVE: 2,
    Strength.DECLARATORY: 3,
    Strength.DESCRIPTIVE: 4,
}


# --- parts of a sentence ------------------------------------------------------------------------

_KO_JOINT_WORD = re.compile(
    r"(?:(?:[하되있]|시키|[했였았었])(?:고|며|으며|면서|으면서)[,，]?"
    r"|[\uac00-\ud7a3](?<![다라자냐])(?:고|며|면서)[,，]|이며[,，])$"
)
_KO_AFTER_JOINT = re.compile(r"^(?:있|싶|계시|계신)")  # "-고 있다": one predicate, not two
_KO_WHILE = re.compile(r"^한편[,，]?$")  # "…하는 한편,"
_KO_WHILE_BEFORE = re.compile(r"(?:는|한)$")
_KO_PART_PERMISSIVE = re.compile(r"^수\s+있(?:고|으며|으면서)")
# A part that declares by itself (condemns, welcomes, stresses …); one that only recognises
# (인식하며, 인정하고, 유의하며) is the premise of what follows, as an English opening
# "Recognizing …," is, and shares its strength.
_KO_PART_DECLARATORY = re.compile(
    r"재확인|환영|평가하|주목하|공감하|강조하|표명|지지하|규탄|우려|상기하|개탄|유감|촉구하"
)
_KO_PART_FIRM = re.compile(rf"{_KO_FIRM.pattern}|(?:합의|결정|약속)(?:하|했)")
_KO_PART_LIGHT = re.compile(r"^(?:표하|표시하|나타내|밝히|가지|가졌|갖)")  # "우려를 표하고"
_KO_PART_PAST = re.compile(r"(?:[했였았었](?:고|으며|으면서)|이며)[,，]?$")
_EN_JOINT = re.compile(r",?\s+and\s+")
_EN_AFTER_AND = re.compile(
    r"(?:(?:we|they|both\s+sides|the\s+two\s+sides)\s+)?(?:(?:also|further|jointly|together"
    r"|\w+ly)\s+)?"
)


@dataclass(frozen=True, slots=True)
class SentencePart:
    """One coordinated part of a sentence ("…을 규탄하고," / "…협력하기로 하였다").

    `own` is false for a Korean part whose predicate says no strength of its own: it shares the
    sentence's final predicate ("출범시키고, … 이행하기로 했다": both parts are firm)."""

    start: int
    end: int
    strength: Strength
    own: bool = True


def sentence_parts(text: str, start: int, end: int, language: Language) -> list[SentencePart]:
    """The coordinated parts of the sentence text[start:end], each with its strength."""
    if language is Language.KO:
        return _korean_parts(text, start, end)
    return _english_parts(text, start, end)


def differs_in_strength(parts: list[SentencePart]) -> bool:
    return len({part.strength for part in parts}) > 1


def tracked_runs(parts: list[SentencePart]) -> list[SentencePart]:
    """Neighbouring parts that are all undertakings, or all not, joined: the commitments a
    sentence gives (one run when its parts are alike). A run's strength is its strongest."""
    runs: list[SentencePart] = []
    for part in parts:
        last = runs[-1] if runs else None
        if last is not None and last.strength.is_undertaking is part.strength.is_undertaking:
            strongest = min(last.strength, part.strength, key=_RANK.__getitem__)
            runs[-1] = SentencePart(last.start, part.end, strongest)
        else:
            runs.append(SentencePart(part.start, part.end, part.strength))
    return runs


def _words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\S+", text[start:end])]


def _korean_parts(text: str, start: int, end: int) -> list[SentencePart]:
    sentence = text[start:end]
    words = _words(text, start, end)
    cuts: list[int] = []  # offsets in `sentence` where a part ends
    depth = 0
    for n, (lo, hi) in enumerate(words[:-1]):
        word = sentence[lo:hi]
        depth += word.count("(") - word.count(")")
        if depth > 0 or n < 1 or len(words) - n < 3:
            continue  # inside brackets, or a part of fewer than two words
        previous = sentence[words[n - 1][0] : words[n - 1][1]]
        following = sentence[words[n + 1][0] : words[n + 1][1]]
        if _korean_joint(previous, word, following):
            cuts.append(hi)
    if not cuts:
        return [SentencePart(start, end, _korean_strength(sentence))]
    final = _korean_strength(sentence)
    parts: list[SentencePart] = []
    lo = 0
    for cut in cuts:
        own = _korean_part_strength(sentence[lo:cut])
        span = strip_span(text, start + lo, start + cut)
        parts.append(SentencePart(*span, own or final, own is not None))
        lo = cut
    parts.append(SentencePart(*strip_span(text, start + lo, end), final))
    return parts


def _korean_joint(previous: str, word: str, following: str) -> bool:
    """Whether `word` ends a coordinated part: "규탄하고,", "초청하였으며", "하는 한편,"."""
    if _KO_WHILE.match(word):
        return _KO_WHILE_BEFORE.search(previous) is not None
    return _KO_JOINT_WORD.search(word) is not None and not _KO_AFTER_JOINT.match(following)


def _korean_part_strength(part: str) -> Strength | None:
    """What a non-final part's own predicate says, or None when it shares the final one."""
    words = part.rstrip(" ,，").split()
    predicate = words[-1]
    if _KO_PART_PERMISSIVE.match(" ".join(words[-2:])):
        return Strength.PERMISSIVE
    if _KO_BEST.search(predicate):
        return Strength.BEST_EFFORT
    spoken = " ".join(words[-3:]) if _KO_PART_LIGHT.match(predicate) else predicate
    if _KO_PART_DECLARATORY.search(spoken):
        return Strength.DECLARATORY
    if _KO_PART_FIRM.search(" ".join(words[-2:])) or any(
        has_final_rieul(m.group(1)) for m in _KO_FUTURE.finditer(" ".join(words[-2:]))
    ):
        return Strength.FIRM  # "합의하였으며", "지속할 것이며"
    if _KO_PART_PAST.search(predicate):
        return Strength.DESCRIPTIVE  # a past act reported ("초청하였으며")
    return None


def _english_parts(text: str, start: int, end: int) -> list[SentencePart]:
    sentence = text[start:end]
    cuts: list[tuple[int, int]] = []  # (end of a part, start of the next) in `sentence`
    for joint in _EN_JOINT.finditer(sentence):
        before = sentence[: joint.start()]
        if before.count("(") != before.count(")") or len(before.split()) < 3:
            continue
        after = _EN_AFTER_AND.match(sentence, joint.end())
        verb_at = after.end() if after else joint.end()
        said = _EN_STRENGTH.match(sentence, verb_at)
        if said is None or said.lastgroup == "desc" or not sentence[verb_at].islower():
            continue  # "peace and stability", "and the ROK will": no new verb phrase
        cuts.append((joint.start(), joint.end()))
    strength, subject = _english_strength(sentence)
    if not cuts or _english_actors(subject) is None:
        # Only the parties' own acts are split: "The present Agreement shall enter into force
        # … and shall remain in force", "a plant … is under construction and will create
        # jobs" are one statement each.
        return [SentencePart(start, end, strength)]
    parts: list[SentencePart] = []
    lo = 0
    for part_end, next_start in [*cuts, (len(sentence), len(sentence))]:
        span = strip_span(text, start + lo, start + part_end)
        words = text[span[0] : span[1]]
        parts.append(
            SentencePart(*span, _english_strength(words if lo == 0 else subject + words)[0])
        )
        lo = next_start
    return parts


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
        runs = tracked_runs(sentence_parts(text, start, end, language))
        for k, run in enumerate(runs):
            run_actors = actors
            if len(runs) > 1:
                strength, said = (
                    run.strength,
                    actors_of(text[run.start : run.end], language, parties),
                )
                run_actors = actors = said or actors
            drafts.append(
                CommitmentDraft(
                    _part_ref(refs[n], k),
                    number,
                    None,
                    run.start,
                    run.end,
                    run_actors,
                    strength,
                    listed if n == lead_of_list and k == len(runs) - 1 else (),
                )
            )

    for index, part in enumerate(items, start=1):
        if part.item is None or (number, part.item) in mechanism_items:
            continue
        lead = max((e for e in context if e <= part.start), default=None)
        lead_reading = context.get(lead) if lead else None
        item = text[part.start : part.end]
        strength, item_actors = _item_reading(item, language, parties, lead_reading)
        runs = [SentencePart(part.start, part.end, strength)]
        if (
            not _is_fragment(item, language, lead_reading)
            and len(sentence_spans(item, 0, len(item))) <= 1
        ):
            runs = tracked_runs(sentence_parts(text, part.start, part.end, language))
        for k, run in enumerate(runs):
            run_actors = item_actors or actors
            if len(runs) > 1:
                said = actors_of(text[run.start : run.end], language, parties)
                run_actors = said or run_actors
            drafts.append(
                CommitmentDraft(
                    _part_ref(f"{unit.prefix}.{index}", k),
                    number,
                    part.item,
                    run.start,
                    run.end,
                    run_actors,
                    run.strength if len(runs) > 1 else strength,
                )
            )
    drafts.sort(key=lambda d: d.start)
    return drafts, actors


def _part_ref(ref: str, k: int) -> str:
    """The first part of a split sentence keeps its ref; the next are "b", "c" … (as a
    correction's split names its second part), so no later ref moves."""
    return ref if k == 0 else f"{ref}{chr(ord('a') + k)}"


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
    if lead is not None and _is_fragment(item, language, lead, own):
        return lead[0], lead[1]
    return own, own_actors


def _is_fragment(
    item: str,
    language: Language,
    lead: tuple[Strength, str, str] | None,
    own: Strength | None = None,
) -> bool:
    """Whether an item has no verb of its own and so reads as its lead-in does."""
    if lead is None:
        return False
    if language is Language.KO:
        return _KO_SENTENCE_END.search(item.rstrip()) is None
    if own is None:
        own = _english_strength(item)[0]
    body = _EN_LEAD_TITLE.sub("", item, count=1).lstrip("*_ ")
    return body[:1].islower() or (own is Strength.DESCRIPTIVE and lead[2].rstrip().endswith(":"))
