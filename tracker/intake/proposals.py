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
from dataclasses import dataclass, field
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
        for phrase in meeting_phrases(sentence.text):
            mechanism = resolver.resolve(phrase, context, warnings)
            if mechanism is None:
                continue
            named.append(mechanism)
            if phrase.state is not None:
                meetings.append(_meeting(sentence, phrase, mechanism, on, len(meetings) + 1))
        stated = cadence_stated(sentence.text)
        if stated is not None and len({m.id for m in named}) == 1:
            cadences.append(ProposedCadence(len(cadences) + 1, named[0], stated, sentence.text))
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

    def resolve(
        self,
        phrase: MeetingPhrase,
        partners: frozenset[str] | set[str],
        warnings: list[ParseWarning],
    ) -> MechanismCandidate | None:
        words = distinctive(self._analyzer.terms(phrase.text))
        if not words:
            return None
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
) -> ProposedMeeting:
    assert phrase.state is not None
    mentions = dates_in(sentence.text, reference=on.on if on else None)
    when = _nearest(mentions, phrase)
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


def _nearest(mentions: Sequence[DateMention], phrase: MeetingPhrase) -> FuzzyDate | None:
    """The date named nearest the phrase; one before it wins a tie (Korean puts it first)."""
    if not mentions:
        return None

    def distance(mention: DateMention) -> tuple[int, int]:
        if mention.end <= phrase.start:
            return phrase.start - mention.end, 0
        return max(0, mention.start - phrase.end), 1

    return min(mentions, key=distance).date


def _merged(meetings: Sequence[ProposedMeeting]) -> list[ProposedMeeting]:
    """One proposal per (mechanism, state, date): the first, with the place and ordinal any
    repetition adds. A held meeting dated only by the text's date (a headline) is the same as
    a held meeting of that mechanism the text dates itself."""
    dated = {
        m.mechanism.id for m in meetings if m.state is MeetingState.HELD and not m.dated_by_text
    }
    kept: dict[tuple[int, MeetingState, str], ProposedMeeting] = {}
    for meeting in meetings:
        if meeting.dated_by_text and meeting.mechanism.id in dated:
            continue
        key = (meeting.mechanism.id, meeting.state, meeting.date.iso() if meeting.date else "")
        first = kept.get(key)
        if first is None:
            kept[key] = meeting
        else:
            kept[key] = ProposedMeeting(
                number=first.number,
                mechanism=first.mechanism,
                state=first.state,
                date=first.date,
                place=first.place or meeting.place,
                ordinal=first.ordinal or meeting.ordinal,
                sentence=first.sentence
                if len(first.sentence) >= len(meeting.sentence)
                else meeting.sentence,
            )
    return [
        ProposedMeeting(n, m.mechanism, m.state, m.date, m.place, m.ordinal, m.sentence)
        for n, m in enumerate(kept.values(), 1)
    ]


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
        scores: dict[int, tuple[float, tuple[str, ...]]] = {
            m.document: (m.score, m.words)
            for m in self._index.search(_telling(self._analyzer.terms(sentence.text)))
        }
        for mechanism in named:
            for index in self._following.get(mechanism.id, ()):
                scores.setdefault(index, (0.0, ()))
        found: list[ProposedLink] = []
        for index, (lexical, words) in scores.items():
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
