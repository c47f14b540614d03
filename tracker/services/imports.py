"""Storing an agreement: parsed agreement → rows, in one transaction.

Re-importing the same text changes nothing. A revised text of an agreement already imported
(same key, or same title and date) is refused unless `replace` is given; replacing keeps the
commitments whose reference survives (their follow-up history stays attached). What a revision
changes is found by services/revisions.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker.db import ValueTooLong, write_session
from tracker.domain import Cadence, LinkRole, MechanismKind
from tracker.errors import TrackerError
from tracker.importer.errors import ImportInputError
from tracker.importer.mechanism_catalog import MechanismCatalog
from tracker.importer.parsed import ParsedAgreement, ParsedClause, ParsedMechanism, ParseWarning
from tracker.models import (
    Agreement,
    ChangeRecord,
    Clause,
    ClauseItem,
    Commitment,
    CommitmentMechanism,
    Mechanism,
    MechanismAlias,
    Officer,
    Section,
    utcnow,
)
from tracker.services.cycles import open_cycle
from tracker.services.filing import key_for, record_fields, validate_key
from tracker.services.import_sources import parse_file
from tracker.services.owners import find_division
from tracker.services.revisions import (
    RevisionChange,
    RevisionNeedsReplace,
    describe_changes,
    discarded_corrections,
    earlier_version,
    refuse_losing_follow_up,
)
from tracker.text import fold_name

Outcome = Literal["imported", "unchanged", "replaced"]


@dataclass(frozen=True)
class ImportOutcome:
    outcome: Outcome
    key: str
    agreement_id: int
    parsed: ParsedAgreement
    changes: tuple[RevisionChange, ...] = ()
    warnings: tuple[ParseWarning, ...] = field(default=())


@dataclass(frozen=True)
class FileResult:
    path: Path
    outcome: Outcome | Literal["parsed"] | None = None
    key: str | None = None
    error: TrackerError | None = None
    warnings: tuple[ParseWarning, ...] = ()
    parsed: ParsedAgreement | None = None  # a dry run's split, for its quality report


def import_files(
    paths: Iterable[Path],
    *,
    engine: Engine,
    catalog: MechanismCatalog,
    max_bytes: int,
    dry_run: bool = False,
    replace: bool = False,
) -> Iterator[FileResult]:
    """Import each file in its own transaction; a bad file is reported and the rest go on."""
    for path in paths:
        try:
            parsed = parse_file(path, max_bytes=max_bytes, catalog=catalog)
            if dry_run:
                key = key_for(parsed, path.name)
                yield FileResult(path, "parsed", key, None, parsed.warnings, parsed)
                continue
            with write_session(engine) as session:
                outcome = import_agreement(
                    parsed, session=session, source_name=path.name, replace=replace
                )
            yield FileResult(path, outcome.outcome, outcome.key, None, outcome.warnings)
        except (ImportInputError, RevisionNeedsReplace, ValueTooLong) as exc:
            yield FileResult(path, error=exc)


def import_agreement(
    parsed: ParsedAgreement,
    *,
    session: Session,
    source_name: str,
    key: str | None = None,
    replace: bool = False,
    actor: str = "import",
) -> ImportOutcome:
    """Store `parsed`; the caller's transaction makes it all or nothing."""
    same_text = session.exec(
        select(Agreement).where(Agreement.source_hash == parsed.source_hash)
    ).first()
    if same_text is not None:
        assert same_text.id is not None
        return ImportOutcome("unchanged", same_text.key, same_text.id, parsed)
    if key is not None:
        validate_key(key)
    wanted_key = key or key_for(parsed, source_name)
    earlier = earlier_version(session, parsed, wanted_key)
    if earlier is not None:
        assert earlier.id is not None
        changes = describe_changes(earlier, parsed, source_name)
        if not changes:  # the same content in another form: CRLF, another encoding, HTML
            return ImportOutcome("unchanged", earlier.key, earlier.id, parsed)
        changes += discarded_corrections(session, earlier)
        refuse_losing_follow_up(session, earlier, parsed)
        if not replace:
            raise RevisionNeedsReplace(
                "import.revision",
                source=source_name,
                key=earlier.key,
                count=len(changes),
                changes=changes,
            ).see("tracker import PATH --replace")
        agreement = _update_agreement(earlier, parsed, source_name)
        outcome: Outcome = "replaced"
    else:
        changes = []
        agreement = _new_agreement(parsed, source_name, _unique_key(session, wanted_key))
        outcome = "imported"
    session.add(agreement)
    session.flush()
    assert agreement.id is not None
    agreement.desk_officer_id = _desk_officer(session, parsed)
    mechanisms = _store_mechanisms(session, parsed.mechanisms, counterpart=agreement.countries)
    if parsed.review_mechanism:
        agreement.review_mechanism_id = mechanisms[parsed.review_mechanism].id
    _store_structure(session, agreement, parsed, mechanisms)
    open_cycle(agreement, session=session)
    session.add(
        ChangeRecord(
            actor=actor,
            entity="agreement",
            entity_id=agreement.id,
            action=outcome,
            detail={
                "source_name": source_name,
                "source_hash": parsed.source_hash,
                "clauses": len(parsed.clauses),
                "commitments": len(parsed.commitments),
                "changes": [change.as_data() for change in changes],
            },
        )
    )
    session.flush()
    return ImportOutcome(
        outcome, agreement.key, agreement.id, parsed, tuple(changes), parsed.warnings
    )


def _unique_key(session: Session, wanted: str) -> str:
    taken = set(
        session.exec(select(Agreement.key).where(col(Agreement.key).startswith(wanted))).all()
    )
    if wanted not in taken:
        return wanted
    return next(f"{wanted}-{n}" for n in range(2, len(taken) + 3) if f"{wanted}-{n}" not in taken)


def _new_agreement(parsed: ParsedAgreement, source_name: str, key: str) -> Agreement:
    return Agreement(key=key, **record_fields(parsed, source_name))


def _update_agreement(agreement: Agreement, parsed: ParsedAgreement, source_name: str) -> Agreement:
    for name, value in record_fields(parsed, source_name).items():
        setattr(agreement, name, value)
    return agreement


def _desk_officer(session: Session, parsed: ParsedAgreement) -> int | None:
    record = parsed.record
    if record is None or not record.officer_name:
        return None
    division_id = (
        find_division(
            record.officer_division,
            ministry=record.officer_ministry,
            session=session,
            create=True,
        ).id
        if record.officer_division
        else None
    )
    officer = session.exec(
        select(Officer).where(
            Officer.name == record.officer_name, Officer.division_id == division_id
        )
    ).first()
    if officer is None:
        officer = Officer(
            name=record.officer_name, rank=record.officer_rank, division_id=division_id
        )
        session.add(officer)
        session.flush()
    return officer.id


def _store_mechanisms(
    session: Session, parsed: tuple[ParsedMechanism, ...], *, counterpart: str
) -> dict[str, Mechanism]:
    """Reuse the counterpart's mechanism when any of its names matches: mechanisms span the
    agreements with one partner, never partners (the 2+2 with Canada is not the one with the
    United States)."""
    stored: dict[str, Mechanism] = {}
    for item in parsed:
        names = (item.name, *item.aliases, *([item.name_en] if item.name_en else []))
        mechanism = _find_mechanism(session, names, counterpart)
        if mechanism is None:
            mechanism = Mechanism(
                name=item.name,
                counterpart=counterpart,
                name_en=item.name_en,
                kind=item.kind,
                cadence=item.cadence,
                planned=item.planned,
            )
            session.add(mechanism)
            session.flush()
            known: set[str] = set()
        else:
            _complete(mechanism, item)
            known = _folded_aliases(session, mechanism)
        _add_aliases(session, mechanism, names, known=known)
        stored[item.name] = mechanism
    for item in parsed:
        if item.reports_to and item.reports_to in stored:
            stored[item.name].reports_to_id = stored[item.reports_to].id
    session.flush()
    return stored


def _find_mechanism(session: Session, names: tuple[str, ...], counterpart: str) -> Mechanism | None:
    folded = {fold_name(name) for name in names if name}
    return session.exec(
        select(Mechanism)
        .join(MechanismAlias)
        .where(col(MechanismAlias.folded).in_(folded), Mechanism.counterpart == counterpart)
        .order_by(col(Mechanism.id))
    ).first()


def _complete(mechanism: Mechanism, item: ParsedMechanism) -> None:
    """Fill what the stored mechanism lacks; an officer's edits are never overwritten."""
    if mechanism.cadence == Cadence.UNKNOWN:
        mechanism.cadence = item.cadence
    if mechanism.kind == MechanismKind.OTHER:
        mechanism.kind = item.kind
    if not mechanism.name_en:
        mechanism.name_en = item.name_en


def _folded_aliases(session: Session, mechanism: Mechanism) -> set[str]:
    return set(
        session.exec(
            select(MechanismAlias.folded).where(MechanismAlias.mechanism_id == mechanism.id)
        ).all()
    )


def _add_aliases(
    session: Session, mechanism: Mechanism, names: tuple[str, ...], *, known: set[str]
) -> None:
    """The names the mechanism lacks (by folded form), in one flush: a later mechanism of the
    same text is looked up by them."""
    assert mechanism.id is not None
    new: dict[str, str] = {}
    for name in filter(None, names):
        folded = fold_name(name)
        if folded not in known:
            new.setdefault(folded, name)
    if new:
        session.add_all(
            MechanismAlias(mechanism_id=mechanism.id, alias=name, folded=folded)
            for folded, name in new.items()
        )
        session.flush()


def _store_structure(
    session: Session,
    agreement: Agreement,
    parsed: ParsedAgreement,
    mechanisms: dict[str, Mechanism],
) -> None:
    """Sections and items are rebuilt; clauses and commitments are kept by number and ref."""
    agreement_id = agreement.id
    assert agreement_id is not None
    old_commitments = {
        c.ref: c
        for c in session.exec(
            select(Commitment).where(Commitment.agreement_id == agreement_id)
        ).all()
    }
    old_clauses = {
        c.number: c
        for c in session.exec(select(Clause).where(Clause.agreement_id == agreement_id)).all()
    }
    for clause in old_clauses.values():
        clause.section_id = None
    session.flush()
    clause_ids_before = [c.id for c in old_clauses.values()]
    session.execute(delete(ClauseItem).where(col(ClauseItem.clause_id).in_(clause_ids_before)))
    session.execute(delete(Section).where(col(Section.agreement_id) == agreement_id))

    section_ids = _store_sections(session, agreement_id, parsed)
    clauses: list[tuple[ParsedClause, Clause]] = []
    for parsed_clause in parsed.clauses:
        number = parsed_clause.number
        clause = (
            old_clauses.pop(number)
            if number in old_clauses
            else _blank_clause(agreement_id, number)
        )
        _fill_clause(clause, parsed_clause, section_ids)
        clauses.append((parsed_clause, clause))
    # One flush for the clauses and one for their items, not two per clause: a flush costs
    # more than the rows it writes.
    session.add_all(clause for _, clause in clauses)
    session.flush()
    clause_ids: dict[str, int] = {}
    items: list[tuple[str, ClauseItem]] = []
    for parsed_clause, clause in clauses:
        assert clause.id is not None
        clause_ids[parsed_clause.number] = clause.id
        items.extend(
            (
                parsed_clause.number,
                ClauseItem(
                    clause_id=clause.id,
                    position=item.position,
                    marker=item.marker,
                    text=item.text,
                    span_start=item.start,
                    span_end=item.end,
                ),
            )
            for item in parsed_clause.items
        )
    session.add_all(row for _, row in items)
    session.flush()
    item_ids: dict[tuple[str, int], int] = {}
    for number, row in items:
        assert row.id is not None
        item_ids[(number, row.position)] = row.id

    _store_commitments(session, agreement, parsed, old_commitments, clause_ids, item_ids)
    _link_commitments(session, agreement_id, parsed, mechanisms)
    for gone in old_commitments.values():
        session.delete(gone)
    session.flush()
    for gone_clause in old_clauses.values():
        session.delete(gone_clause)


def _store_commitments(
    session: Session,
    agreement: Agreement,
    parsed: ParsedAgreement,
    old_commitments: dict[str, Commitment],
    clause_ids: dict[str, int],
    item_ids: dict[tuple[str, int], int],
) -> None:
    """Update the commitments whose ref survives (their ids, and so their history, stay); add
    the new ones, owned by the desk officer and led by the domestic body. `old_commitments` is
    left holding those that are gone."""
    assert agreement.id is not None
    desk_officer = session.get(Officer, agreement.desk_officer_id or 0)
    for parsed_commitment in parsed.commitments:
        commitment = old_commitments.pop(parsed_commitment.ref, None) or Commitment(
            agreement_id=agreement.id,
            clause_id=0,
            ref=parsed_commitment.ref,
            text="",
            span_start=0,
            span_end=0,
            owner_id=desk_officer.id if desk_officer else None,
            division_id=desk_officer.division_id if desk_officer else None,
            lead_agency=agreement.domestic_body,
        )
        item = parsed_commitment.item
        commitment.clause_id = clause_ids[parsed_commitment.clause]
        commitment.item_id = (
            None if item is None else item_ids.get((parsed_commitment.clause, item))
        )
        commitment.text = parsed_commitment.text
        commitment.span_start = parsed_commitment.start
        commitment.span_end = parsed_commitment.end
        commitment.actors = parsed_commitment.actors
        commitment.strength = parsed_commitment.strength
        commitment.tracked = parsed_commitment.tracked
        commitment.updated_at = utcnow()
        session.add(commitment)
    session.flush()


def _link_commitments(
    session: Session,
    agreement_id: int,
    parsed: ParsedAgreement,
    mechanisms: dict[str, Mechanism],
) -> None:
    """Links as the text states them: the mechanisms a commitment names, and the agreement's
    reviewing mechanism for every tracked commitment."""
    ids = dict(
        session.exec(
            select(Commitment.ref, Commitment.id).where(Commitment.agreement_id == agreement_id)
        ).all()
    )
    session.execute(
        delete(CommitmentMechanism).where(
            col(CommitmentMechanism.commitment_id).in_(list(ids.values()))
        )
    )
    review = mechanisms.get(parsed.review_mechanism or "")
    links: set[tuple[int, int, LinkRole]] = set()
    for commitment in parsed.commitments:
        commitment_id = ids[commitment.ref]
        assert commitment_id is not None
        for name in commitment.mechanisms:
            if name in mechanisms and (mechanism_id := mechanisms[name].id) is not None:
                links.add((commitment_id, mechanism_id, LinkRole.NAMED))
        if commitment.tracked and review is not None and review.id is not None:
            links.add((commitment_id, review.id, LinkRole.REVIEWS))
    session.add_all(
        CommitmentMechanism(commitment_id=c, mechanism_id=m, role=role)
        for c, m, role in sorted(links)
    )
    session.flush()


def _blank_clause(agreement_id: int, number: str) -> Clause:
    return Clause(
        agreement_id=agreement_id, number=number, position=0, text="", span_start=0, span_end=0
    )


def _store_sections(session: Session, agreement_id: int, parsed: ParsedAgreement) -> dict[int, int]:
    section_ids: dict[int, int] = {}
    for section in parsed.sections:
        row = Section(
            agreement_id=agreement_id,
            parent_id=section_ids.get(section.parent) if section.parent is not None else None,
            position=section.index + 1,
            level=section.level,
            title=section.title,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        section_ids[section.index] = row.id
    return section_ids


def _fill_clause(clause: Clause, parsed: ParsedClause, section_ids: dict[int, int]) -> None:
    clause.section_id = section_ids.get(parsed.section) if parsed.section is not None else None
    clause.position = parsed.position
    clause.text = parsed.text
    clause.span_start = parsed.start
    clause.span_end = parsed.end
