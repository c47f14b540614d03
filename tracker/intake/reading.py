"""Reading a follow-up text: its sentences, the meetings they report, what their verbs say.

Rules:
- Sentences: each line is split after a sentence end (".", "!", "?", "다." …) followed by a space;
  "Nov. 1", "U.S." and "No. 3" do not end a sentence. A line of only a web address, or with no
  letter at all, is no sentence.
- A meeting phrase ends in a meeting noun (회의, 대화, 협의회, 위원회, 회담, 포럼, Meeting,
  Dialogue, Committee, Commission, Forum, Summit, Talks, Consultations, Working Group,
  Ministerial) and runs back over the name before it (Korean: words without a particle, brackets,
  dots and dashes; English: capitalised words, "and", "of", "the", "(2+2)"). "제2차", "첫",
  "inaugural", "second" before it are its ordinal; "장관", "국장", "차관", "실무", "정상" (minister,
  director-general, vice-minister, working-level, leaders) its rank.
- A phrase is a meeting *report* only when a verb governs it: held ("개최했다", "개최하고",
  "열렸다", "가졌다", "개최된 …", "출범한 …", "met … for", "held", "convened", "took place") or
  planned ("개최하기로", "개최할 예정", "개최를 … 추진", "차기 회의", "will hold", "will meet",
  "agreed to hold", "next"). A phrase nothing governs is a mention: evidence for links, no meeting.
- A cadence statement is a sentence naming a mechanism with "매년", "연례", "annual(ly)", "every
  year" (annual), "격년", "2년마다", "every two years", "biennial(ly)" (biennial), or "정례",
  "정기적", "regular(ly)" (regular).
- The suggested status of a sentence comes from its verbs: something signed, concluded, launched,
  established or announced as done (서명·체결·출범·발족·발표·설치·신설 … 했다; signed, launched)
  is achieved; a meeting held (개최, held, met) is ongoing; what is pursued, agreed to be done,
  consulted or planned (추진, 협의, 하기로, will, pursue, agreed to) is in progress. The verb
  nearest after the words that matched counts, since one sentence often reports several things.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from tracker.domain import Cadence


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


class MeetingState(StrEnum):
    HELD = "held"
    PLANNED = "planned"


class Rank(StrEnum):
    LEADERS = "leaders"
    MINISTERIAL = "ministerial"
    VICE_MINISTERIAL = "vice_ministerial"
    DIRECTOR_GENERAL = "director_general"
    WORKING = "working"


class Suggestion(StrEnum):
    """What a sentence's verb suggests for a commitment it speaks to (a status key by default
    of the same name; see FollowUpPolicy)."""

    ACHIEVED = "achieved"
    ONGOING = "ongoing"
    IN_PROGRESS = "in_progress"


@dataclass(frozen=True)
class MeetingPhrase:
    start: int  # offsets in the sentence
    end: int
    text: str
    ordinal: int | None
    rank: Rank | None
    state: MeetingState | None  # None: only mentioned
    place: str


# --- sentences ----------------------------------------------------------------------------------

_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|No|Nos|St|vs|e\.g|i\.e"
    r"|etc|Gen|Lt|Col|Adm|Amb|Hon|Rt)|\b[A-Z])\.$"
)
_SENTENCE_END = re.compile(r"(?<=[.!?。])[\"'”’)\]]*\s+")
_URL_ONLY = re.compile(r"^\s*(?:SOURCE:\s*)?https?://\S+.*$|^\s*SOURCE:", re.IGNORECASE)
_LETTER = re.compile(r"[A-Za-z가-힣]")


def sentences(text: str) -> list[Sentence]:
    """The sentences of `text`, each with its offsets in `text`."""
    found: list[Sentence] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if not _URL_ONLY.match(line):
            _split_line(line, offset, found)
        offset += len(line)
    return found


def _split_line(line: str, offset: int, found: list[Sentence]) -> None:
    start = 0
    for match in _SENTENCE_END.finditer(line):
        candidate = line[start : match.start()]
        if _ABBREVIATIONS.search(candidate):
            continue
        _add(line, offset, start, match.start(), found)
        start = match.end()
    _add(line, offset, start, len(line), found)


def _add(line: str, offset: int, start: int, end: int, found: list[Sentence]) -> None:
    piece = line[start:end]
    stripped = piece.strip()
    if not stripped or not _LETTER.search(stripped):
        return
    lead = len(piece) - len(piece.lstrip())
    begin = offset + start + lead
    found.append(Sentence(begin, begin + len(stripped), stripped))


# --- meeting phrases ----------------------------------------------------------------------------

_KO_NOUN = (
    r"(?:정상\s*회담|정상\s*회의|장관\s*회의|회의|대화|협의회|협의체|공동\s*위원회|위원회|공동위(?!원)|회담|포럼"
    r"|워킹\s*그룹|실무\s*그룹)"
)
# A name's words: no particle at their end (so "외교부와", "양측은" stop the phrase), brackets and
# middle dots inside. A word ending in a common particle stops the name.
# Lazy, so the longest meeting noun ends the name ("정책협의회의": 협의회, not 회의).
_KO_NAME_WORD = r"(?:[가-힣A-Za-z0-9·ㆍ\-–+&()（）「」<>‘’'\[\]]+?)"
_KO_PHRASE = re.compile(rf"((?:{_KO_NAME_WORD}\s*){{0,6}}?){_KO_NOUN}(?![가-힣]*(?:관|장|원)\b)")
_KO_PARTICLE_END = re.compile(
    r"(?:은|는|이|가|을|를|와|과|에|에서|의|로|으로|도|만|께서|측"
    # a verb's adnominal or connective form ("출범한", "개최된", "체결해"), a conjunction
    r"|(?<!북)한|된|린|진|던|할|될|해|하고|시키고|하며|하여|되고)$|^(?:및|또한|아울러|그리고|계기|등)$"
)
_KO_TIME_WORD = re.compile(
    r"^(?:\d+(?:일|월|년)|\(?현지\s*시간\)?|오전|오후|지난|작년|지난해|올해|내년|금년|이날|최근"
    r"|같은|날|당일|금일|한편"
    r"|\d+일\(현지시간\)|\d+일\(현지\s*시간\)|화상으로|\d+\.\d+\.?(?:\([월화수목금토일]\))?)$"
)
_EN_NOUN = (
    r"(?:Ministerial\s+Meeting|Meeting|Dialogue|Consultations?|Committee|Commission|Forum|Summit"
    r"|Talks|Working\s+Group|Ministerial|Conference)"
)
_EN_PHRASE = re.compile(
    r"((?:(?:[A-Z][\w'’.&+/-]*|\(2\+2\)|2\+2|and|of|the|on|for|\d+(?:st|nd|rd|th))\s+){0,12})"
    rf"{_EN_NOUN}s?\b(?:\s+\(\"?the ministerial\"?\))?"
)
_ORDINAL_KO = re.compile(r"제\s*(\d+)\s*차|(첫)\s*(?:번째\s*)?")
_ORDINAL_EN = re.compile(
    r"\b(inaugural|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|(\d+)(?:st|nd|rd|th))\b",
    re.IGNORECASE,
)
_EN_ORDINALS = {
    "inaugural": 1,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
_RANKS = (
    (re.compile(r"정상|Leaders?['’]?|Summit", re.IGNORECASE), Rank.LEADERS),
    (re.compile(r"차관|Vice[- ]Minister", re.IGNORECASE), Rank.VICE_MINISTERIAL),
    (re.compile(r"장관|Minist(?:er|erial)", re.IGNORECASE), Rank.MINISTERIAL),
    (re.compile(r"국장|Director[- ]General|DG[- ]level", re.IGNORECASE), Rank.DIRECTOR_GENERAL),
    (re.compile(r"실무|Working[- ]level|Working Group", re.IGNORECASE), Rank.WORKING),
)


def rank_of(name: str) -> Rank | None:
    """The level a meeting's name says, if it says one."""
    for pattern, rank in _RANKS:
        if pattern.search(name):
            return rank
    return None


def meeting_phrases(sentence: str) -> list[MeetingPhrase]:
    """Every meeting phrase of one sentence, in order, each with what governs it."""
    found: list[MeetingPhrase] = []
    for start, end in _phrase_spans(sentence):
        text = sentence[start:end]
        found.append(
            MeetingPhrase(
                start=start,
                end=end,
                text=text,
                ordinal=_ordinal(sentence, start, end),
                rank=rank_of(text),
                state=_state(sentence, start, end),
                place=_place(sentence, start, end),
            )
        )
    return found


def _phrase_spans(sentence: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for match in _KO_PHRASE.finditer(sentence):
        start = _ko_name_start(sentence, match.start(), match.start(1) + len(match.group(1)))
        spans.append((start, match.end()))
    for match in _EN_PHRASE.finditer(sentence):
        start = match.start()
        while sentence[start:].lower().startswith(("and ", "of ", "the ", "on ", "for ")):
            start = sentence.index(" ", start) + 1
        spans.append((start, match.end()))
    spans.sort()
    kept: list[tuple[int, int]] = []
    for span in spans:
        if kept and span[0] < kept[-1][1]:
            if span[1] - span[0] > kept[-1][1] - kept[-1][0]:
                kept[-1] = span
            continue
        kept.append(span)
    return kept


def _ko_name_start(sentence: str, start: int, noun_start: int) -> int:
    """Where a Korean name begins: after the last word that ends in a particle or is a time."""
    words = list(re.finditer(r"\S+", sentence[start:noun_start]))
    begin = start
    for word in words:
        token = word.group()
        if _KO_PARTICLE_END.search(token) or _KO_TIME_WORD.match(token):
            begin = start + word.end()
    while begin < len(sentence) and sentence[begin] == " ":
        begin += 1
    return begin


def _ordinal(sentence: str, start: int, end: int) -> int | None:
    before = sentence[max(0, start - 12) : end]
    korean = list(_ORDINAL_KO.finditer(before))
    if korean:
        last = korean[-1]
        return int(last.group(1)) if last.group(1) else 1
    english = list(_ORDINAL_EN.finditer(sentence[max(0, start - 40) : end]))
    if english:
        word = english[-1].group(1).lower()
        return int(english[-1].group(2)) if english[-1].group(2) else _EN_ORDINALS[word]
    return None


# What follows a phrase (up to the next phrase or 30 characters) or precedes it says whether it
# was held or is planned.
_PLANNED_AFTER = re.compile(
    r"^[^.。]{0,25}?(?:개최\s*하기로|개최키로|개최할\s*예정|개최\s*예정|개최를[^.。]{0,15}추진|열기로|열\s*예정"
    r"|갖기로|가질\s*예정|개최\s*계획|will\s+be\s+(?:held|convened)|will\s+(?:meet|convene|take\s+place)"
    r"|is\s+(?:scheduled|expected|planned)\s+to|to\s+be\s+held)",
    re.IGNORECASE,
)
_HELD_AFTER = re.compile(
    r"^[^.。]{0,25}?(?:개최\s*(?:했|하였|하고|하여|해|하며|됐|되었|되어)|열(?:렸|었)|가졌|가지고|진행\s*(?:했|하였|하고)"
    r"|출범\s*(?:했|하였|하고|시켰)|개최\s*(?:[…,·]|\.\.\.|$)|^\s*held\b|was\s+held|were\s+held|took\s+place|convened|met\b)",
    re.IGNORECASE,
)
_PLANNED_BEFORE = re.compile(
    r"(?:차기|다음|향후|개최될|열릴|개최\s*예정인|열릴\s*예정인|next|upcoming|forthcoming"
    r"|will\s+(?:hold|convene|host|meet)|agreed\s+to\s+(?:hold|convene|host)"
    r"|look\s+forward\s+to(?:\s+\w+){0,3}|to\s+hold)[^.。]{0,40}$",
    re.IGNORECASE,
)
_HELD_BEFORE = re.compile(
    r"(?:개최된|열린|출범한|가진|(?:^|\b)(?:met|held|convened|hosted|attended)\b[^.。]{0,80}?(?:for|at|during|in)\s+(?:the\s+)?)"
    r"[^.。]{0,40}$",
    re.IGNORECASE,
)


def _state(sentence: str, start: int, end: int) -> MeetingState | None:
    after = sentence[end : end + 40]
    before = sentence[max(0, start - 120) : start]
    if _PLANNED_BEFORE.search(before[-60:]) or _PLANNED_AFTER.search(after):
        return MeetingState.PLANNED
    if _HELD_AFTER.search(after) or _HELD_BEFORE.search(before):
        return MeetingState.HELD
    return None


_KO_PLACE = re.compile(r"([가-힣]{2,}(?:\s[가-힣]{2,})?)에서\s*(?:개최|열|가지|갖)")
_TIME_WORDS = re.compile(
    r"^(?:내년|올해|금년|작년|지난해|다음\s*달|내달|이달|연내|하반기|상반기|향후|차기)\s+"
)
# "서울에서 (캐나다 측과) 국장급 … 대화를 개최하고": the place, perhaps whom with, the name.
_KO_PLACE_BEFORE = re.compile(
    r"([가-힣]{2,})에서\s*(?:[가-힣]+\s*측과\s*)?(?:개최된|열린|가진|개최될|열릴)?\s*$"
)
_VIRTUAL = re.compile(
    r"화상으로|화상\s*회의로|virtually|by\s+video(?:\s*conference)?", re.IGNORECASE
)
_EN_PLACE = re.compile(r"\bin\s+([A-Z][a-zA-Z]+(?:,\s+[A-Z][a-zA-Z]+)?)")
_NOT_PLACE = re.compile(r"(?:회의|대화|협의회|위원회|회담|포럼|동안|계기|기간|분야|가운데)$")
_NOT_EN_PLACE = re.compile(
    r"^(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|The|This|Our|Their|Korea|Canada)$"
)


def _place(sentence: str, start: int, end: int) -> str:
    window = sentence[max(0, start - 15) : min(len(sentence), end + 25)]
    if _VIRTUAL.search(window):
        return "화상" if re.search(r"[가-힣]", window) else "videoconference"
    before = _KO_PLACE_BEFORE.search(sentence[max(0, start - 30) : start])
    if before and not _NOT_PLACE.search(before.group(1)):
        return before.group(1)
    for match in _KO_PLACE.finditer(sentence[end : end + 60]):
        place = _TIME_WORDS.sub("", match.group(1))
        if not _NOT_PLACE.search(place) and not _TIME_WORDS.match(place + " "):
            return place
    for match in _EN_PLACE.finditer(sentence[max(0, start - 80) : end + 60]):
        place = match.group(1)
        if not _NOT_EN_PLACE.match(place.split(",")[0]):
            return place
    return ""


# --- cadences and verbs -------------------------------------------------------------------------

_CADENCES = (
    (
        re.compile(r"격년|2년마다|2년에\s*한\s*번|every\s+two\s+years|biennial(?:ly)?", re.I),
        Cadence.BIENNIAL,
    ),
    (
        re.compile(r"매년|연례|해마다|annual(?:ly)?|every\s+year|each\s+year|yearly", re.I),
        Cadence.ANNUAL,
    ),
    (re.compile(r"정례|정기적|regular(?:ly)?|periodic(?:ally)?", re.I), Cadence.REGULAR),
)


# A cadence governs a meeting when it stands just before it ("연례 개최되는 X", "annual X") or
# between it and its verb ("X를 매년 정례적으로 개최", "X will meet annually").
_MEETING_VERB = re.compile(r"개최|열|갖|가지|hold|held|meet|convene", re.I)
_JUST_BEFORE = re.compile(r"(?:적으로|적인|으로|로)?\s*(?:개최되는|열리는|개최하는|여는|개최)?\s*$")


def cadence_stated(sentence: str, phrase: MeetingPhrase) -> Cadence | None:
    """The cadence a sentence states for one meeting phrase, if it states one."""
    before = sentence[max(0, phrase.start - 14) : phrase.start]
    after = sentence[phrase.end : phrase.end + 30]
    for pattern, cadence in _CADENCES:
        if any(_JUST_BEFORE.match(before[m.end() :]) for m in pattern.finditer(before)):
            return cadence
        stated = pattern.search(after)
        if stated and _MEETING_VERB.search(after[stated.end() : stated.end() + 14]):
            return cadence
        if stated and _MEETING_VERB.search(after[: stated.start()]):
            return cadence
    return None


_VERBS = (
    (
        re.compile(
            r"(?:서명|체결|출범|발족|발표|설치|신설|채택|타결|완료|개설|창설)\s*"
            r"(?:했|하였|됐|되었|시켰|시키고|시켜|하고|되고|해|하여|한(?=\s)|된(?=\s))"
            r"|\b(?:signed|concluded|launched|established|announced|adopted|completed|finalized"
            r"|set\s+up)\b",
            re.I,
        ),
        Suggestion.ACHIEVED,
    ),
    (
        re.compile(
            r"(?:개최|열렸|열었|가졌|진행|점검|교환|논의)\s*(?:했|하였|하고|하여|해|됐|되었)"
            r"|개최(?=\s*[…,.]|\s*$)"
            r"|\b(?:held|met|convened|hosted|took\s+place|reviewed|welcomed|discussed"
            r"|exchanged)\b",
            re.I,
        ),
        Suggestion.ONGOING,
    ),
    (
        re.compile(
            r"(?:하|키|나가|해\s*나가|가)기로|예정|계획"
            r"|(?:추진|협의|모색|검토|노력|논의|증진|확대|강화|심화)\s*(?:하|해|할|키|중|을|를|에|해\s*나가)"
            r"|\b(?:will|pursue|pursuing|agreed\s+to|intend|plan|explore|discuss|consult"
            r"|work\s+toward|continue)\b",
            re.I,
        ),
        Suggestion.IN_PROGRESS,
    ),
)
_DONE = re.compile(
    r"했|하였|됐|되었|시켰|열렸|열었|가졌|\b(?:signed|concluded|launched|established"
    r"|announced|adopted|completed|finalized|held|met|convened|hosted|took)\b",
    re.I,
)
# A Korean chain of clauses ("출범시키고, … 체결해 … 이행하기로 했다") takes the mood of its
# last verb: decided, expected or planned means not yet done.
_INTENT_END = re.compile(
    r"(?:기로|키로)\s*(?:했|하였|합의|결정)|(?:할|될)\s*(?:예정|계획|것)|추진\s*(?:하기로|키로|할)"
)
_INTENT_BEFORE = re.compile(
    r"\b(?:will|shall|to|agreed\s+to|plan\s+to|intend\s+to|seek\s+to)\s+(?:\w+\s+)?$", re.I
)


def suggestion_after(sentence: str, position: int) -> Suggestion | None:
    """What the first verb at or after `position` suggests (the sentence's first, if none
    follows)."""
    first: re.Match[str] | None = None
    chosen = None
    for pattern, suggestion in _VERBS:
        match = pattern.search(sentence, position) or None
        if match is not None and (first is None or match.start() < first.start()):
            first, chosen = match, suggestion
    if first is None or chosen is None:
        if position > 0:
            return suggestion_after(sentence, 0)
        return None
    return _tempered(sentence, first, chosen)


def _tempered(sentence: str, match: re.Match[str], suggestion: Suggestion) -> Suggestion:
    """A deed only decided or planned ("체결하기로", "출범시키고 … 하기로 했다", "will sign") is
    in progress, not done."""
    if suggestion is Suggestion.IN_PROGRESS:
        return suggestion
    before = sentence[max(0, match.start() - 30) : match.start()]
    if _INTENT_BEFORE.search(before):
        return Suggestion.IN_PROGRESS
    if re.search(r"[가-힣]", match.group()):
        if _DONE.search(match.group()) and not _INTENT_END.match(sentence, match.end()):
            return suggestion
        if _INTENT_END.search(sentence, match.end()):
            return Suggestion.IN_PROGRESS
    return suggestion
