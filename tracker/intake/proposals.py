"""What a follow-up text proposes: meetings, cadences, and links to the commitments it advances.

Rules (the reading itself is in `reading`, dates in `dates`, countries in `counterparts`):
- **The text's date** is the one given (`--date`), else the text's own (`dates.text_date`).
  Relative dates ("2일", "작년 11월", "next year") are resolved against it, or not at all.
- **A meeting** is proposed for a meeting phrase that a verb governs (held or planned) and that
  resolves to one of the candidate mechanisms: the mechanism one of whose names shares the most
  of its distinctive words with the phrase (at least half of them; meeting nouns and country
  names are not distinctive), at the same rank when both say one (a director-general-level
  meeting is not the ministerial one). Its date is the date named nearest to the phrase in its
  sentence, else, for a held meeting, the text's date; a planned one may have none. Precision is
  kept: a month stays a month. The same meeting reported twice (title and body) is one.
- **Counterparts.** A phrase or sentence that names a country is about that country: a
  "한-영 사이버정책협의회" never resolves to the Korea–Canada consultation, and a sentence about
  the United Kingdom is linked to no commitment of an agreement with Canada. Each is a warning.
- **A cadence** is proposed when a sentence names one mechanism and states a cadence that differs
  from, or confirms, the mechanism's.
- **A link** from a sentence to a commitment scores the share of the commitment's words the
  sentence carries (`ranking`), plus `mechanism_weight` when the sentence names a mechanism the
  commitment itself names, plus `counterpart_weight` when it names the commitment's counterpart.
  At or above `threshold` it is proposed, with the shared words and mechanisms as its reasons
  and the status its verb suggests. Each sentence proposes at most `per_sentence` links, each
  commitment is proposed once (its best sentence), and at most `max_links` in all.
- A commitment of an agreement signed after the text's date is never linked (a text cannot
  report progress on what was not yet agreed); the text is then a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from tracker.domain import Cadence
from tracker.importer.parsed import ParseWarning
from tracker.intake.counterparts import HOME, countries_named, country, partners_named
from tracker.intake.dates import DateMention, FuzzyDate, Precision, dates_in, text_date
from tracker.intake.ranking import Bm25Index
from tracker.intake.reading import (
    MeetingPhrase,
    MeetingState,
    Rank,
    Sentence,
    Suggestion,
    cadence_stated,
    meeting_phrases,
    rank_of,
    sentences,
    suggestion_after,
)
from tracker.intake.terms import Analyzer, Terms
from tracker.msgids import N_

# Words every meeting's name has: they say what kind of body it is, not which one.
GENERIC_NAME_WORDS = frozenset(
    {
        "회의",
        "대화",
        "협의회",
        "협의체",
        "위원회",
        "공동위",
        "회담",
        "포럼",
        "공동",
        "양국",
        "정례",
        "정기",
        "meeting",
        "dialogue",
        "consultation",
        "committee",
        "commission",
        "forum",
        "talk",
        "summit",
        "joint",
        "conference",
        "korea",
        "rok",
        # when, not which
        "차기",
        "이번",
        "다음",
        "지난",
        "금번",
        "지역",
        "next",
        "last",
    }
)


@dataclass(frozen=True)
class MechanismCandidate:
    id: int
    label: str  # the canonical name, as shown
    names: tuple[str, ...]  # every name and alias, both languages
    cadence: Cadence
    partners: frozenset[str]  # country codes of its counterparts; empty when unknown


@dataclass(frozen=True)
class CommitmentCandidate:
    id: int
    label: str  # "KEY:REF"
    text: str
    signed_on: date | None
    partners: frozenset[str]
    mechanism_ids: frozenset[int]  # the mechanisms its text names


@dataclass(frozen=True)
class Candidates:
    commitments: tuple[CommitmentCandidate, ...]
    mechanisms: tuple[MechanismCandidate, ...]


@dataclass(frozen=True)
class IntakeRules:
    threshold: float = 0.3
    mechanism_weight: float = 0.4
    counterpart_weight: float = 0.05
    resolve_minimum: float = 0.5
    per_sentence: int = 5
    max_links: int = 100


@dataclass(frozen=True)
class ProposedMeeting:
    number: int
    mechanism: MechanismCandidate
    state: MeetingState
    date: FuzzyDate | None
    place: str
    ordinal: int | None
    sentence: str
    # Dated by the text's own date, its sentence naming none (a headline: "… 회의 개최").
    dated_by_text: bool = False


@dataclass(frozen=True)
class ProposedCadence:
    number: int
    mechanism: MechanismCandidate
    cadence: Cadence
    sentence: str


@dataclass(frozen=True)
class ProposedLink:
    commitment: CommitmentCandidate
    score: float
    sentence: str
    words: tuple[str, ...]
    mechanisms: tuple[str, ...]
    suggestion: Suggestion | None


@dataclass(frozen=True)
class FollowUpReading:
    date: FuzzyDate | None
    date_given: bool
    counterparts: tuple[str, ...]
    meetings: tuple[ProposedMeeting, ...] = ()
    cadences: tuple[ProposedCadence, ...] = ()
    links: tuple[ProposedLink, ...] = ()
    warnings: tuple[ParseWarning, ...] = field(default=())


def read_follow_up(
    text: str,
    *,
    candidates: Candidates,
    analyzer: Analyzer,
    rules: IntakeRules,
    given_date: date | None = None,
) -> FollowUpReading:
    """Everything `text` proposes for `candidates`; writes nothing, decides nothing."""
    warnings: list[ParseWarning] = []
    on = FuzzyDate(given_date, Precision.DAY) if given_date else text_date(text)
    if on is None:
        warnings.append(ParseWarning(N_("warning.intake.no_date")))
    parts = sentences(text)
    text_partners: frozenset[str] = frozenset().union(*(partners_named(s.text) for s in parts))
    resolver = _Resolver(candidates.mechanisms, analyzer, rules)
    meetings: list[ProposedMeeting] = []
    cadences: list[ProposedCadence] = []
    links: dict[int, ProposedLink] = {}
    linker = _Linker(candidates.commitments, analyzer, rules)
    about_others: set[str] = set()
    late = _signed_after(candidates.commitments, on)
    # A text that never names the agreements' counterparts is about someone else throughout; in
    # one that does, a sentence is about someone else only when it says so with Korea beside
    # them ("한-영 …"): a sentence on North Korea in a Korea–Canada statement is still theirs.
    foreign = bool(text_partners) and not (text_partners & (linker.partners | resolver.partners))
    for sentence in parts:
        labelled = _labelled_partners(sentence.text)
        context = frozenset(text_partners) if foreign else labelled
        named: list[MechanismCandidate] = []
        phrases = meeting_phrases(sentence.text)
        for index, phrase in enumerate(phrases):
            mechanism = resolver.resolve(phrase, context, warnings)
            if mechanism is None:
                continue
            named.append(mechanism)
            if phrase.state is not None:
                bounds = (
                    phrases[index - 1].end if index else 0,
                    phrases[index + 1].start if index + 1 < len(phrases) else len(sentence.text),
                )
                meetings.append(
                    _meeting(sentence, phrase, mechanism, on, len(meetings) + 1, bounds)
                )
            stated = cadence_stated(sentence.text, phrase)
            if stated is not None:
                cadences.append(
                    ProposedCadence(len(cadences) + 1, mechanism, stated, sentence.text)
                )
        if context and not (context & linker.partners):
            about_others |= context
            continue
        partners = partners_named(sentence.text) or frozenset(text_partners)
        for link in linker.links(sentence, named, partners, late):
            best = links.get(link.commitment.id)
            if best is None or link.score > best.score:
                links[link.commitment.id] = link
    if about_others:
        warnings.append(
            ParseWarning(
                N_("warning.intake.other_counterpart_sentences"),
                {"countries": _names(about_others)},
            )
        )
    if late and on is not None:
        warnings.append(
            ParseWarning(
                N_("warning.intake.before_signing"),
                {"on": on.iso(), "signed_on": min(late).isoformat()},
            )
        )
    ranked = sorted(links.values(), key=lambda link: (-link.score, link.commitment.label))
    return FollowUpReading(
        date=on,
        date_given=given_date is not None,
        counterparts=tuple(sorted(text_partners)),
        meetings=tuple(_merged(meetings)),
        cadences=tuple(_unique_cadences(cadences)),
        links=tuple(ranked[: rules.max_links]),
        warnings=tuple(dict.fromkeys(warnings)),
    )


def _labelled_partners(text: str) -> frozenset[str]:
    """The countries a sentence names beside Korea ("한-영", "Korea-UK", "한국과 영국은")."""
    named = {found.code for _, _, found in countries_named(text)}
    return frozenset(named - {HOME}) if HOME in named else frozenset()


def _names(codes: set[str] | frozenset[str]) -> list[str]:
    return sorted(country(code).ko for code in codes)


def _signed_after(commitments: Sequence[CommitmentCandidate], on: FuzzyDate | None) -> set[date]:
    if on is None:
        return set()
    return {c.signed_on for c in commitments if c.signed_on is not None and c.signed_on > on.on}


# --- meetings -----------------------------------------------------------------------------------


class _Resolver:
    """Meeting phrases to candidate mechanisms, by their distinctive words, rank and country."""

    def __init__(
        self, mechanisms: Sequence[MechanismCandidate], analyzer: Analyzer, rules: IntakeRules
    ) -> None:
        self._analyzer = analyzer
        self._rules = rules
        self._mechanisms = mechanisms
        names = [name for m in mechanisms for name in m.names]
        terms = dict(zip(names, analyzer.terms_of(names), strict=True))
        self._names = [
            (m, [words for name in m.names if (words := distinctive(terms[name]))])
            for m in mechanisms
        ]
        self._ranks = {m.id: rank_of(" ".join(m.names[:2])) for m in mechanisms}
        self.partners = frozenset().union(*(m.partners for m in mechanisms))
        # Phrases resolved so far: a later short form ("차기 국장급 회의", "the ministerial")
        # whose words all appeared in one of them names the same mechanism.
        self._earlier: list[tuple[frozenset[str], Rank | None, MechanismCandidate]] = []

    def resolve(
        self,
        phrase: MeetingPhrase,
        partners: frozenset[str] | set[str],
        warnings: list[ParseWarning],
    ) -> MechanismCandidate | None:
        words = distinctive(self._analyzer.terms(phrase.text))
        if not words:
            # "제2차 회의는 내년 서울에서", "the next meeting": the one just named, if any.
            return self._earlier[-1][2] if self._earlier else None
        own_partners = partners_named(phrase.text) or partners
        best: tuple[float, MechanismCandidate] | None = None
        elsewhere: MechanismCandidate | None = None
        for mechanism, names in self._names:
            if not _same_rank(phrase.rank, self._ranks[mechanism.id]):
                continue
            cover = max((len(words & name) / len(name) for name in names), default=0.0)
            if cover < self._rules.resolve_minimum:
                continue
            if own_partners and mechanism.partners and not (own_partners & mechanism.partners):
                elsewhere = elsewhere or mechanism
                continue
            if best is None or cover > best[0]:
                best = (cover, mechanism)
        if best is None and elsewhere is None:
            best = self._said_before(words, phrase.rank)
        if best is not None:
            self._earlier.append((words, phrase.rank, best[1]))
        if best is None and elsewhere is not None:
            warnings.append(
                ParseWarning(
                    N_("warning.intake.other_counterpart_meeting"),
                    {
                        "name": phrase.text,
                        "mechanism": elsewhere.label,
                        "countries": _names(set(own_partners)),
                    },
                )
            )
        elif best is None and phrase.state is not None:
            warnings.append(
                ParseWarning(N_("warning.intake.unknown_mechanism"), {"name": phrase.text})
            )
        return best[1] if best else None

    def _said_before(
        self, words: frozenset[str], rank: Rank | None
    ) -> tuple[float, MechanismCandidate] | None:
        for earlier, earlier_rank, mechanism in reversed(self._earlier):
            if words <= earlier and _same_rank(rank, earlier_rank):
                return 1.0, mechanism
        return None


def distinctive(terms: Terms) -> frozenset[str]:
    """A name's words that say which body it is: no meeting nouns, no country names, no pairs."""
    return frozenset(
        t for t in terms if " " not in t and t not in GENERIC_NAME_WORDS and not _is_country(t)
    )


def _is_country(term: str) -> bool:
    named = countries_named(term)
    return bool(named) and named[0][0] == 0 and named[0][1] == len(term)


def _same_rank(phrase: Rank | None, mechanism: Rank | None) -> bool:
    return phrase is None or mechanism is None or phrase is mechanism


def _meeting(
    sentence: Sentence,
    phrase: MeetingPhrase,
    mechanism: MechanismCandidate,
    on: FuzzyDate | None,
    number: int,
    bounds: tuple[int, int],
) -> ProposedMeeting:
    assert phrase.state is not None
    mentions = dates_in(sentence.text, reference=on.on if on else None)
    when = _date_of(mentions, phrase, bounds)
    by_text = when is None and phrase.state is MeetingState.HELD
    if by_text:
        when = on
    return ProposedMeeting(
        number=number,
        mechanism=mechanism,
        state=phrase.state,
        date=when,
        place=phrase.place,
        ordinal=phrase.ordinal,
        sentence=sentence.text,
        dated_by_text=by_text,
    )


def _date_of(
    mentions: Sequence[DateMention], phrase: MeetingPhrase, bounds: tuple[int, int]
) -> FuzzyDate | None:
    """The date a meeting phrase goes with: the last one named between the previous phrase and
    this one (both languages mostly put it first: "9월 10일 서울에서 제2차 …", "met on November 1,
    2024, in Ottawa for …"), else the first one after it before the next phrase ("… held in
    June 2027", "… 내년 서울에서 개최하기로")."""
    before = [m for m in mentions if bounds[0] <= m.start and m.end <= phrase.start]
    if before:
        return before[-1].date
    after = [m for m in mentions if m.start >= phrase.end and m.end <= bounds[1]]
    return after[0].date if after else None


def _merged(meetings: Sequence[ProposedMeeting]) -> list[ProposedMeeting]:
    """One proposal per (mechanism, state, date), with the place and ordinal any repetition
    adds. A meeting the text does not date itself (a headline's held meeting, dated by the text;
    a planned one with no date) is the same as one of that mechanism and state it does date
    ("… 매년 개최하기로 하고, 제2차 회의는 내년 서울에서 …")."""
    dated: dict[tuple[int, MeetingState], str] = {}
    for m in meetings:
        if m.date is not None and not m.dated_by_text:
            dated.setdefault((m.mechanism.id, m.state), m.date.iso())
    kept: dict[tuple[int, MeetingState, str], ProposedMeeting] = {}
    for meeting in meetings:
        undated = meeting.dated_by_text or meeting.date is None
        day = dated.get((meeting.mechanism.id, meeting.state)) if undated else None
        key = (
            meeting.mechanism.id,
            meeting.state,
            day or (meeting.date.iso() if meeting.date else ""),
        )
        first = kept.get(key)
        if first is not None:
            meeting = _joined(first, meeting)
        elif day is not None:  # its dated twin comes later: keep the place, wait for the date
            meeting = replace(meeting, date=None, dated_by_text=True)
        kept[key] = meeting
    return [replace(m, number=n) for n, m in enumerate(kept.values(), 1)]


def _joined(first: ProposedMeeting, other: ProposedMeeting) -> ProposedMeeting:
    """`first` completed by `other`: the date the text gives itself, a place, an ordinal."""
    better = other if first.dated_by_text or first.date is None else first
    return replace(
        first,
        date=better.date or first.date,
        dated_by_text=better.dated_by_text,
        place=first.place or other.place,
        ordinal=first.ordinal or other.ordinal,
        sentence=better.sentence,
    )


def _unique_cadences(cadences: Sequence[ProposedCadence]) -> list[ProposedCadence]:
    seen: dict[tuple[int, Cadence], ProposedCadence] = {}
    for proposal in cadences:
        seen.setdefault((proposal.mechanism.id, proposal.cadence), proposal)
    return [
        ProposedCadence(n, p.mechanism, p.cadence, p.sentence)
        for n, p in enumerate(seen.values(), 1)
    ]


# --- links --------------------------------------------------------------------------------------


class _Linker:
    """Sentences to the commitments they speak to."""

    def __init__(
        self, commitments: Sequence[CommitmentCandidate], analyzer: Analyzer, rules: IntakeRules
    ) -> None:
        self._commitments = commitments
        self._analyzer = analyzer
        self._rules = rules
        self._index = Bm25Index(analyzer.terms_of([c.text for c in commitments]))
        self.partners = frozenset().union(*(c.partners for c in commitments))
        self._following: dict[int, list[int]] = {}
        for index, commitment in enumerate(commitments):
            for mechanism_id in commitment.mechanism_ids:
                self._following.setdefault(mechanism_id, []).append(index)

    def links(
        self,
        sentence: Sentence,
        named: Sequence[MechanismCandidate],
        partners: frozenset[str] | set[str],
        late: set[date],
    ) -> list[ProposedLink]:
        lexical_scores = self._index.scores(_telling(self._analyzer.terms(sentence.text)))
        # Only a commitment that can reach the threshold is looked at further: on its words
        # alone, or with a mechanism the sentence names.
        floor = self._rules.threshold - self._rules.counterpart_weight
        scores = {i: v for i, v in lexical_scores.items() if v[0] >= floor}
        for mechanism in named:
            for index in self._following.get(mechanism.id, ()):
                scores.setdefault(index, lexical_scores.get(index, (0.0, set())))
        found: list[ProposedLink] = []
        for index, (lexical, shared) in scores.items():
            words = self._index.words(shared)
            commitment = self._commitments[index]
            if commitment.signed_on in late:
                continue
            if partners and commitment.partners and not (partners & commitment.partners):
                continue
            via = tuple(dict.fromkeys(m.label for m in named if m.id in commitment.mechanism_ids))
            score = lexical + (self._rules.mechanism_weight if via else 0.0)
            if partners & commitment.partners:
                score += self._rules.counterpart_weight
            score = round(min(score, 1.0), 3)
            if score < self._rules.threshold:
                continue
            suggestion = suggestion_after(sentence.text, _first_position(sentence.text, words))
            found.append(
                ProposedLink(
                    commitment=commitment,
                    score=score,
                    sentence=sentence.text,
                    words=words,
                    mechanisms=via,
                    # A sentence that only names the mechanism (a headline) reports it at work.
                    suggestion=suggestion or (Suggestion.ONGOING if via else None),
                )
            )
        found.sort(key=lambda link: (-link.score, link.commitment.label))
        return found[: self._rules.per_sentence]


# Words that say who, not what: the parties themselves.
_PARTY_WORDS = frozenset({"양측", "양국", "우리", "정부", "both", "side", "country", "minister"})


def _telling(terms: Terms) -> Terms:
    """A sentence's terms without the parties' names: who acted is counterpart evidence, not a
    word the commitment and the sentence share."""
    return tuple(
        t
        for t in terms
        if not any(part in _PARTY_WORDS or _is_country(part) for part in t.split(" "))
    )


def _first_position(text: str, words: Sequence[str]) -> int:
    lowered = text.lower()
    positions = [p for w in words if (p := lowered.find(w)) >= 0]
    return min(positions) if positions else 0
