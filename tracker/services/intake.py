"""Follow-up intake: propose what a later text reports, then apply what an officer confirms.

`propose_follow_up` reads the candidates from the database (the agreement named, or the
agreements with the text's counterpart, newest first, at most `intake.max_agreements`), hands
them to the pure reading (tracker.intake.proposals) and writes nothing.

`apply_follow_up` records, in the caller's transaction, only what the officer ticked: each
meeting (a held meeting of a reviewing mechanism rolls the cycle over, as `meetings add --held`
does), each cadence, and a status update per linked commitment and party (the home side's, or
the counterpart's for a commitment both parties undertake) with the text's date as its as-of
date, the sentence as its note and the text itself as its evidence (plus the source address
when given). Everything is checked before anything is written. The same text applied twice
changes nothing: a meeting already recorded that day is left, and a commitment whose party
already has an update from this text (same SHA-256) is left.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from tracker.config import Settings
from tracker.domain import LinkRole, Party, UpdateSource
from tracker.errors import Forbidden, TrackerError
from tracker.importer.parsed import ParseWarning
from tracker.intake.counterparts import (
    countries_of_field,
    country,
    partners_named,
)
from tracker.intake.dates import Precision
from tracker.intake.proposals import (
    Candidates,
    CommitmentCandidate,
    FollowUpReading,
    IntakeRules,
    MechanismCandidate,
    ProposedLink,
    ProposedMeeting,
    read_follow_up,
)
from tracker.intake.reading import MeetingState
from tracker.intake.terms import Analyzer
from tracker.models import (
    Agreement,
    Commitment,
    CommitmentMechanism,
    Evidence,
    Mechanism,
    MechanismAlias,
    Meeting,
    MeetingCreate,
    MeetingUpdate,
    StatusUpdate,
    StatusUpdateCreate,
)
from tracker.msgids import N_
from tracker.services.accounts import Caller, may_edit
from tracker.services.cadence import chunks
from tracker.services.changes import record_change
from tracker.services.evidence import check_evidence
from tracker.services.lookup import find_agreement
from tracker.services.mechanisms import recordable_mechanisms
from tracker.services.meetings import add_meeting, update_meeting
from tracker.services.policy import FollowUpPolicy
from tracker.services.status_updates import UpdateRefused, has_counterpart, record_status_update


class IntakeRefused(TrackerError):
    """A confirmation that cannot be applied as given."""


@dataclass(frozen=True)
class FollowUpProposal:
    """A reading of one text against the database, with what applying it needs."""

    reading: FollowUpReading
    text: str
    source_name: str
    agreement_key: str | None
    agreements: int  # how many agreements were read


def intake_rules(settings: Settings) -> IntakeRules:
    return IntakeRules(
        threshold=settings.intake.threshold,
        per_sentence=settings.intake.per_sentence,
        max_links=settings.intake.max_links,
    )


def propose_follow_up(
    text: str,
    *,
    session: Session,
    analyzer: Analyzer,
    rules: IntakeRules,
    agreement_key: str | None = None,
    given_date: date | None = None,
    source_name: str = "",
    max_agreements: int = 200,
) -> FollowUpProposal:
    """What `text` proposes for one agreement (`agreement_key`) or for the agreements with the
    counterparts it names; nothing is written."""
    extra: list[ParseWarning] = []
    if agreement_key is not None:
        agreements = [find_agreement(agreement_key, session=session)]
    else:
        named = partners_named(text)
        agreements = _agreements_with(named, session=session, limit=max_agreements + 1)
        if not named:
            extra.append(ParseWarning(N_("warning.intake.no_counterpart")))
        if len(agreements) > max_agreements:
            agreements = agreements[:max_agreements]
            extra.append(
                ParseWarning(N_("warning.intake.agreements_capped"), {"count": max_agreements})
            )
    candidates = load_candidates(agreements, session=session)
    reading = read_follow_up(
        text, candidates=candidates, analyzer=analyzer, rules=rules, given_date=given_date
    )
    if candidates.commitments and _other_language(text, candidates):
        extra.append(ParseWarning(N_("warning.intake.other_language")))
    if not (reading.links or reading.meetings or reading.cadences):
        extra.append(ParseWarning(N_("warning.intake.nothing_proposed")))
    if extra:
        reading = FollowUpReading(
            date=reading.date,
            date_given=reading.date_given,
            counterparts=reading.counterparts,
            meetings=reading.meetings,
            cadences=reading.cadences,
            links=reading.links,
            warnings=reading.warnings + tuple(extra),
        )
    return FollowUpProposal(
        reading=reading,
        text=text,
        source_name=source_name,
        agreement_key=agreements[0].key if agreement_key is not None else None,
        agreements=len(agreements),
    )


_HANGUL = re.compile(r"[가-힣]")


def _other_language(text: str, candidates: Candidates) -> bool:
    korean_text = len(_HANGUL.findall(text)) * 4 > len(text.strip() or " ")
    korean = sum(bool(_HANGUL.search(c.text)) for c in candidates.commitments)
    return korean_text != (korean * 2 > len(candidates.commitments))


def _agreements_with(codes: set[str], *, session: Session, limit: int) -> list[Agreement]:
    """Agreements whose countries field names one of `codes`, newest first (SQL LIKE over the
    country's Korean and English names: the field is free text from the portal)."""
    if not codes:
        return []
    patterns = [
        f"%{name}%" for code in sorted(codes) for name in (country(code).ko, country(code).en)
    ]
    query = (
        select(Agreement)
        .where(
            or_(
                *(col(Agreement.countries).like(p) for p in patterns),
                *(col(Agreement.title).like(p) for p in patterns),
            )
        )
        .order_by(col(Agreement.signed_on).desc(), col(Agreement.id).desc())
        .limit(limit)
    )
    return list(session.exec(query).all())


def load_candidates(agreements: Sequence[Agreement], *, session: Session) -> Candidates:
    """The tracked commitments of `agreements` and the mechanisms they name or are reviewed by,
    in a bounded number of queries."""
    by_id = {a.id: a for a in agreements if a.id is not None}
    if not by_id:
        return Candidates((), ())
    partners = {
        agreement_id: frozenset(
            countries_of_field(a.countries)
            | partners_named(a.title)
            | partners_named(a.foreign_body)
        )
        for agreement_id, a in by_id.items()
    }
    rows: list[tuple[int, int, str, str]] = []
    for chunk in chunks(sorted(by_id)):
        rows += session.exec(
            select(Commitment.id, Commitment.agreement_id, Commitment.ref, Commitment.text)
            .where(col(Commitment.agreement_id).in_(chunk), col(Commitment.tracked))
            .order_by(col(Commitment.agreement_id), col(Commitment.span_start))
        ).all()  # type: ignore[arg-type]
    commitment_ids = [row[0] for row in rows]
    named: dict[int, set[int]] = {}
    mechanism_ids: set[int] = {a.review_mechanism_id for a in agreements if a.review_mechanism_id}
    mechanism_agreements: dict[int, set[int]] = {}
    agreement_of = {row[0]: row[1] for row in rows}
    for chunk in chunks(commitment_ids):
        for commitment_id, mechanism_id, role in session.exec(
            select(
                CommitmentMechanism.commitment_id,
                CommitmentMechanism.mechanism_id,
                CommitmentMechanism.role,
            ).where(col(CommitmentMechanism.commitment_id).in_(chunk))
        ).all():
            mechanism_ids.add(mechanism_id)
            mechanism_agreements.setdefault(mechanism_id, set()).add(agreement_of[commitment_id])
            if role == LinkRole.NAMED:
                named.setdefault(commitment_id, set()).add(mechanism_id)
    mechanisms = _mechanism_candidates(
        sorted(mechanism_ids), mechanism_agreements, partners, session=session
    )
    commitments = tuple(
        CommitmentCandidate(
            id=commitment_id,
            label=f"{by_id[agreement_id].key}:{ref}",
            text=text,
            signed_on=by_id[agreement_id].signed_on,
            partners=partners[agreement_id],
            mechanism_ids=frozenset(named.get(commitment_id, ())),
        )
        for commitment_id, agreement_id, ref, text in rows
    )
    return Candidates(commitments, mechanisms)


def _mechanism_candidates(
    ids: Sequence[int],
    agreements_of: dict[int, set[int]],
    partners: dict[int, frozenset[str]],
    *,
    session: Session,
) -> tuple[MechanismCandidate, ...]:
    aliases: dict[int, list[str]] = {}
    found: list[Mechanism] = []
    for chunk in chunks(list(ids)):
        found += session.exec(select(Mechanism).where(col(Mechanism.id).in_(chunk))).all()
        for mechanism_id, alias in session.exec(
            select(MechanismAlias.mechanism_id, MechanismAlias.alias).where(
                col(MechanismAlias.mechanism_id).in_(chunk)
            )
        ).all():
            aliases.setdefault(mechanism_id, []).append(alias)
    candidates = []
    for mechanism in sorted(found, key=lambda m: m.id or 0):
        assert mechanism.id is not None
        names = tuple(
            dict.fromkeys(
                n for n in (mechanism.name, mechanism.name_en, *aliases.get(mechanism.id, [])) if n
            )
        )
        own = set(countries_of_field(mechanism.counterpart))
        for name in names:
            own |= partners_named(name)
        if not own:
            for agreement_id in agreements_of.get(mechanism.id, ()):
                own |= partners.get(agreement_id, frozenset())
        candidates.append(
            MechanismCandidate(
                id=mechanism.id,
                label=mechanism.name,
                names=names,
                cadence=mechanism.cadence,
                partners=frozenset(own),
            )
        )
    return tuple(candidates)


# --- the JSON contract --------------------------------------------------------------------------


def proposal_as_json(
    proposal: FollowUpProposal, *, language: str, policy: FollowUpPolicy
) -> dict[str, Any]:
    """`tracker follow-up --dry-run --json`: {date, counterparts, meetings, links, warnings},
    plus cadences and the agreements read."""
    reading = proposal.reading
    return {
        "date": reading.date.iso() if reading.date else None,
        "date_given": reading.date_given,
        "counterparts": list(reading.counterparts),
        "agreements": proposal.agreements,
        "meetings": [
            {
                "number": m.number,
                "mechanism": m.mechanism.label,
                "mechanism_id": m.mechanism.id,
                "state": m.state.value,
                "date": m.date.iso() if m.date else None,
                "precision": m.date.precision.value if m.date else None,
                "place": m.place,
                "ordinal": m.ordinal,
                "sentence": m.sentence,
            }
            for m in reading.meetings
        ],
        "cadences": [
            {
                "number": c.number,
                "mechanism": c.mechanism.label,
                "cadence": c.cadence.value,
                "current": c.mechanism.cadence.value,
                "sentence": c.sentence,
            }
            for c in reading.cadences
        ],
        "links": [
            {
                "commitment": link.commitment.label,
                "score": link.score,
                "sentence": link.sentence,
                "reasons": {"words": list(link.words), "mechanisms": list(link.mechanisms)},
                "suggested_status": suggested_status(link, policy),
            }
            for link in reading.links
        ],
        "warnings": [
            {
                "code": w.message_id,
                "message": " ".join(w.describe(language).split()),
                "fields": dict(w.fields),
            }
            for w in reading.warnings
        ],
    }


def suggested_status(link: ProposedLink, policy: FollowUpPolicy) -> str | None:
    """The configured status a link's verb suggests, when that status is configured."""
    if link.suggestion is None:
        return None
    keys = {status.key for status in policy.statuses}
    return link.suggestion.value if link.suggestion.value in keys else None


# --- applying -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpChoices:
    """What the officer confirmed: meeting numbers (with a day when the text gave none),
    commitment references (with a status when not the suggested one) whose home side's
    progress the text reports (`links`) or the counterpart's (`counterpart_links`, for a
    commitment both parties undertake; a reference may be in both), cadence numbers."""

    meetings: dict[int, date | None] = field(default_factory=dict)
    links: dict[str, str | None] = field(default_factory=dict)
    cadences: frozenset[int] = frozenset()
    source_url: str = ""
    counterpart_links: dict[str, str | None] = field(default_factory=dict)

    def chosen_links(self) -> list[tuple[str, str | None, Party]]:
        """(reference, status or None, party) of every confirmed link, the home side's first."""
        return [
            (reference, status, party)
            for party, links in (
                (Party.HOME, self.links),
                (Party.COUNTERPART, self.counterpart_links),
            )
            for reference, status in links.items()
        ]


@dataclass
class FollowUpOutcome:
    meetings_added: list[int] = field(default_factory=list)
    meetings_held: list[int] = field(default_factory=list)  # planned ones now marked held
    meetings_unchanged: list[int] = field(default_factory=list)
    updates_added: list[str] = field(default_factory=list)
    updates_unchanged: list[str] = field(default_factory=list)
    cadences_changed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.meetings_added or self.meetings_held or self.updates_added or self.cadences_changed
        )


@dataclass(frozen=True)
class Permitted:
    """What of a proposal one caller may apply: links to the commitments they may edit, and
    meetings and cadences of the mechanisms whose meetings they may record (the rules of the
    commitment and meetings pages, `accounts.may_edit` and `mechanisms.recordable_mechanisms`)."""

    links: frozenset[str]  # KEY:REF
    meetings: frozenset[int]
    cadences: frozenset[int]


def permitted_choices(proposal: FollowUpProposal, caller: Caller, *, session: Session) -> Permitted:
    reading = proposal.reading
    ids = [link.commitment.id for link in reading.links]
    editable: set[int] = set()
    for chunk in chunks(ids):
        for commitment in session.exec(select(Commitment).where(col(Commitment.id).in_(chunk))):
            if commitment.id is not None and may_edit(caller, commitment):
                editable.add(commitment.id)
    recordable = (
        recordable_mechanisms(caller, session=session)
        if reading.meetings or reading.cadences
        else set()
    )
    return Permitted(
        links=frozenset(
            link.commitment.label for link in reading.links if link.commitment.id in editable
        ),
        meetings=frozenset(m.number for m in reading.meetings if m.mechanism.id in recordable),
        cadences=frozenset(c.number for c in reading.cadences if c.mechanism.id in recordable),
    )


def check_permitted(
    proposal: FollowUpProposal, choices: FollowUpChoices, caller: Caller, *, session: Session
) -> None:
    """Refuse (403) choices that `caller` may not apply, each problem naming its row."""
    allowed = permitted_choices(proposal, caller, session=session)
    meetings = {m.number: m for m in proposal.reading.meetings}
    cadences = {c.number: c for c in proposal.reading.cadences}
    problems: list[TrackerError] = []
    for number in sorted(choices.meetings):
        if number in meetings and number not in allowed.meetings:
            name = meetings[number].mechanism.label
            problems.append(Forbidden("meeting.not_yours", mechanism=name, number=number))
    for number in sorted(choices.cadences):
        if number in cadences and number not in allowed.cadences:
            name = cadences[number].mechanism.label
            problems.append(Forbidden("meeting.not_yours", mechanism=name, cadence=number))
    labels = {link.commitment.label for link in proposal.reading.links}
    for reference in {reference for reference, _, _ in choices.chosen_links()}:
        label = link_label(proposal, reference)
        if label in labels and label not in allowed.links:
            problems.append(Forbidden("commitment.not_yours").at(label))
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise Forbidden("intake.problems", count=len(problems)).with_problems(problems)


def link_label(proposal: FollowUpProposal, reference: str) -> str:
    """A confirmed link's KEY:REF; a bare REF is of the agreement the proposal was read for."""
    if ":" in reference or proposal.agreement_key is None:
        return reference
    return f"{proposal.agreement_key}:{reference}"


def proposal_digest(proposal: FollowUpProposal) -> str:
    """What a reviewed proposal was, in a line: the numbered meetings and cadences (their
    mechanism, state and date) and the links. A page that carries it can tell, when the text is
    proposed again to be applied, that the numbers still mean what the officer saw."""
    reading = proposal.reading
    parts = [
        *(
            f"m{m.number}:{m.mechanism.id}:{m.state.value}:{m.date.iso() if m.date else ''}"
            for m in reading.meetings
        ),
        *(f"c{c.number}:{c.mechanism.id}:{c.cadence.value}" for c in reading.cadences),
        *(f"l:{link.commitment.label}" for link in reading.links),
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:32]


def text_digest(text: str) -> str:
    """The SHA-256 of the text as kept as evidence (UTF-8), whatever its file's encoding was."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def apply_follow_up(
    proposal: FollowUpProposal,
    choices: FollowUpChoices,
    *,
    session: Session,
    policy: FollowUpPolicy,
    actor: str,
    author_id: int | None = None,
    today: date | None = None,
) -> FollowUpOutcome:
    """Record what `choices` confirms of `proposal`, all or nothing (the caller commits)."""
    today = today or policy.today()
    reading = proposal.reading
    meetings = _chosen_meetings(reading, choices)
    links = _chosen_links(proposal, choices, policy, session=session)
    cadences = [c for c in reading.cadences if c.number in choices.cadences]
    unknown = choices.cadences - {c.number for c in reading.cadences}
    if unknown:
        raise IntakeRefused("intake.unknown_cadence", number=min(unknown))
    if links and (reading.date is None or reading.date.precision is not Precision.DAY):
        raise IntakeRefused("intake.no_date").see("tracker follow-up PATH --date YYYY-MM-DD")
    if choices.source_url:
        check_evidence([choices.source_url], max_bytes=policy.evidence_max_bytes, links_only=True)
    outcome = FollowUpOutcome()
    for meeting, day in meetings:
        _apply_meeting(meeting, day, outcome, session=session, actor=actor, today=today)
    for proposal_cadence in cadences:
        mechanism = session.get(Mechanism, proposal_cadence.mechanism.id)
        assert mechanism is not None and mechanism.id is not None
        if mechanism.cadence != proposal_cadence.cadence:
            before = mechanism.cadence
            mechanism.cadence = proposal_cadence.cadence
            session.add(mechanism)
            record_change(
                session,
                "mechanism",
                mechanism.id,
                "cadence changed",
                actor,
                {
                    "cadence_from": before.value,
                    "cadence_to": mechanism.cadence.value,
                    "source": proposal.source_name,
                },
            )
            outcome.cadences_changed.append(mechanism.name)
    if links:
        assert reading.date is not None
        _apply_links(
            proposal,
            links,
            reading.date.on,
            choices.source_url,
            outcome,
            session=session,
            policy=policy,
            actor=actor,
            author_id=author_id,
            today=today,
        )
    if outcome.changed:
        _record_intake(proposal, outcome, session=session, actor=actor)
    session.flush()
    return outcome


def _chosen_meetings(
    reading: FollowUpReading, choices: FollowUpChoices
) -> list[tuple[ProposedMeeting, date]]:
    by_number = {m.number: m for m in reading.meetings}
    chosen = []
    for number, day in sorted(choices.meetings.items()):
        meeting = by_number.get(number)
        if meeting is None:
            raise IntakeRefused("intake.unknown_meeting", number=number, count=len(by_number))
        if day is None:
            if meeting.date is None or meeting.date.precision is not Precision.DAY:
                raise IntakeRefused(
                    "intake.meeting_needs_day",
                    number=number,
                    mechanism=meeting.mechanism.label,
                    known=meeting.date.iso() if meeting.date else "-",
                ).see(f"tracker follow-up PATH --meeting {number}=YYYY-MM-DD")
            day = meeting.date.on
        elif meeting.date is not None and not meeting.date.contains(day):
            raise IntakeRefused(
                "intake.meeting_day_outside", number=number, on=day, known=meeting.date.iso()
            )
        chosen.append((meeting, day))
    return chosen


def _chosen_links(
    proposal: FollowUpProposal,
    choices: FollowUpChoices,
    policy: FollowUpPolicy,
    *,
    session: Session,
) -> list[tuple[ProposedLink, str, Party]]:
    by_label = {link.commitment.label: link for link in proposal.reading.links}
    chosen = []
    problems: list[TrackerError] = []
    for reference, status, party in choices.chosen_links():
        label = link_label(proposal, reference)
        link = by_label.get(label)
        if link is None:
            problems.append(IntakeRefused("intake.unknown_link", commitment=reference))
            continue
        if party is Party.COUNTERPART:
            commitment = session.get(Commitment, link.commitment.id)
            if commitment is not None and not has_counterpart(commitment):
                problems.append(
                    UpdateRefused("status_update.one_party", actors=commitment.actors or "-").at(
                        label
                    )
                )
                continue
        key = status or suggested_status(link, policy)
        if key is None:
            problems.append(IntakeRefused("intake.link_needs_status", commitment=label))
            continue
        try:
            chosen.append((link, policy.status(key).key, party))
        except TrackerError as refusal:
            problems.append(refusal.at(label))
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise IntakeRefused("intake.problems", count=len(problems)).with_problems(problems)
    return chosen


def _apply_meeting(
    meeting: ProposedMeeting,
    day: date,
    outcome: FollowUpOutcome,
    *,
    session: Session,
    actor: str,
    today: date,
) -> None:
    mechanism = session.get(Mechanism, meeting.mechanism.id)
    assert mechanism is not None and mechanism.id is not None
    held = meeting.state is MeetingState.HELD
    existing = session.exec(
        select(Meeting).where(Meeting.mechanism_id == mechanism.id, Meeting.held_on == day)
    ).first()
    if existing is not None:
        assert existing.id is not None
        if held and existing.planned:
            update_meeting(
                existing, MeetingUpdate(planned=False), session=session, actor=actor, today=today
            )
            outcome.meetings_held.append(existing.id)
        else:
            outcome.meetings_unchanged.append(existing.id)
        return
    added = add_meeting(
        mechanism,
        MeetingCreate(
            mechanism_id=mechanism.id,
            held_on=day,
            planned=not held,
            place=meeting.place[:200],
            title=_ordinal_title(meeting),
            note=meeting.sentence[:2000],
        ),
        session=session,
        actor=actor,
        today=today,
    )
    assert added.id is not None
    outcome.meetings_added.append(added.id)


def _ordinal_title(meeting: ProposedMeeting) -> str:
    if meeting.ordinal is None:
        return ""
    korean = bool(_HANGUL.search(meeting.sentence))
    return f"제{meeting.ordinal}차" if korean else f"No. {meeting.ordinal}"


def _apply_links(
    proposal: FollowUpProposal,
    links: Sequence[tuple[ProposedLink, str, Party]],
    as_of: date,
    source_url: str,
    outcome: FollowUpOutcome,
    *,
    session: Session,
    policy: FollowUpPolicy,
    actor: str,
    author_id: int | None,
    today: date,
) -> None:
    digest = text_digest(proposal.text)
    done = _already_from(digest, [link.commitment.id for link, _, _ in links], session=session)
    with tempfile.TemporaryDirectory(prefix="tracker-follow-up-") as folder:
        kept = Path(folder) / _evidence_name(proposal.source_name)
        kept.write_text(proposal.text, encoding="utf-8")
        for link, status, party in links:
            # The counterpart's is named as `--link` takes it: KEY:REF@counterpart.
            label = link.commitment.label + ("@counterpart" if party is Party.COUNTERPART else "")
            if (link.commitment.id, party) in done:
                outcome.updates_unchanged.append(label)
                continue
            commitment = session.get(Commitment, link.commitment.id)
            assert commitment is not None
            record_status_update(
                commitment,
                StatusUpdateCreate(
                    status=status,
                    narrative=link.sentence,
                    as_of=as_of,
                    party=party,
                    evidence=[source_url] if source_url else [],
                ),
                session=session,
                policy=policy,
                author=actor,
                author_id=author_id,
                source=UpdateSource.FOLLOW_UP,
                today=today,
                evidence_links_only=True,
                evidence_files=[kept],
            )
            outcome.updates_added.append(label)


def _already_from(
    digest: str, commitment_ids: Iterable[int], *, session: Session
) -> set[tuple[int, Party]]:
    """(commitment, party) of the updates whose evidence is already this very text: the same
    text applied again records nothing for either party twice."""
    ids = list(commitment_ids)
    found: set[tuple[int, Party]] = set()
    for chunk in chunks(ids):
        found |= {
            (commitment_id, Party(party))
            for commitment_id, party in session.exec(
                select(StatusUpdate.commitment_id, StatusUpdate.party)
                .join(Evidence, col(Evidence.status_update_id) == col(StatusUpdate.id))
                .where(
                    col(StatusUpdate.commitment_id).in_(chunk),
                    StatusUpdate.source == UpdateSource.FOLLOW_UP,
                    Evidence.sha256 == digest,
                )
            ).all()
        }
    return found


_UNSAFE_NAME = re.compile(r"[^\w.-]+")


def _evidence_name(source_name: str) -> str:
    stem = _UNSAFE_NAME.sub("_", Path(source_name or "follow-up").stem).strip("._") or "follow-up"
    return f"{stem[:120]}.txt"


def _record_intake(
    proposal: FollowUpProposal, outcome: FollowUpOutcome, *, session: Session, actor: str
) -> None:
    """One change record per agreement touched, saying the changes came from this text."""
    by_key: dict[str, list[str]] = {}
    for label in outcome.updates_added:
        key, _, ref = label.rpartition(":")
        by_key.setdefault(key, []).append(ref)
    keys = set(by_key) or ({proposal.agreement_key} if proposal.agreement_key else set())
    for key in sorted(keys):
        agreement = session.exec(select(Agreement).where(Agreement.key == key)).first()
        if agreement is None or agreement.id is None:
            continue
        record_change(
            session,
            "agreement",
            agreement.id,
            "follow-up applied",
            actor,
            {
                "source": proposal.source_name,
                "sha256": text_digest(proposal.text),
                "date": proposal.reading.date.iso() if proposal.reading.date else None,
                "commitments": by_key.get(key, []),
                "meetings": outcome.meetings_added + outcome.meetings_held,
                "cadences": outcome.cadences_changed,
            },
        )
