"""Per-cycle assessments of commitments: the verdict (+1 full, 0 partial, -1 none, or not
assessed) with its rationale, kept apart from the progress status."""

from __future__ import annotations

from sqlmodel import Session, col, select

from tracker.domain import EvidenceLevel, Language, Score
from tracker.errors import Grouped, TrackerError, Word
from tracker.models import Assessment, AssessmentPublic, Commitment, ReviewCycle, utcnow
from tracker.services.changes import record_change
from tracker.services.status_updates import (
    check_version,
    describe,
    latest_update,
    save_commitment,
)
from tracker.words import say


class AssessmentRefused(TrackerError):
    """An assessment that cannot be recorded as given."""


class NeedsConfirmation(AssessmentRefused):
    """A full (+1) verdict on a commitment whose standing update shows no evidence: recorded
    only when the assessor confirms it (`confirmed=True`), as independent reviewers rate "no
    evidence" apart."""

    http_status = 409


def parse_score(text: str) -> Score | None:
    """+1/1/full/완전, 0/partial/부분, -1/none/미이행; "na" or "not-assessed" clears it."""
    folded = text.strip().lower().replace("−", "-").replace(" ", "").replace("_", "-")
    if folded in ("+1", "1", "full", "완전", "완전이행"):
        return Score.FULL
    if folded in ("0", "partial", "부분", "부분이행"):
        return Score.PARTIAL
    if folded in ("-1", "none", "미이행"):
        return Score.NONE
    if folded in ("na", "n/a", "not-assessed", "미평가", ""):
        return None
    raise AssessmentRefused("assessment.score_unknown", score=text)


MAX_RATIONALE = 10_000  # characters, as for a status update's note


def assess(
    commitment: Commitment,
    cycle: ReviewCycle,
    *,
    score: Score | None,
    rationale: str,
    session: Session,
    actor: str,
    expected_version: int | None = None,
    confirmed: bool = False,
) -> Assessment:
    """Record (or revise) the verdict on `commitment` for `cycle`; history keeps every one.
    A full verdict without evidence behind the home side's standing update needs `confirmed`."""
    where = describe(commitment, session=session)
    if cycle.agreement_id != commitment.agreement_id:
        raise AssessmentRefused("assessment.other_agreement", cycle=cycle.number).at(where)
    if not commitment.tracked:
        raise AssessmentRefused("assessment.not_tracked", commitment=where)
    if score is not None and not rationale.strip():
        raise AssessmentRefused("assessment.rationale_missing").at(where)
    if len(rationale) > MAX_RATIONALE:
        raise AssessmentRefused(
            "assessment.rationale_too_long",
            length=Grouped(len(rationale)),
            limit=Grouped(MAX_RATIONALE),
        ).at(where)
    check_version(commitment, expected_version, session=session)
    if score is Score.FULL and not confirmed:
        standing = latest_update(commitment, session=session)
        level = standing.evidence_level if standing else EvidenceLevel.REPORTED
        if level is not EvidenceLevel.FOUND:
            raise NeedsConfirmation(
                "assessment.full_without_evidence", level=Word(f"evidence_level.{level.value}")
            ).at(where)
    assessment = session.exec(
        select(Assessment).where(
            Assessment.commitment_id == commitment.id, Assessment.cycle_id == cycle.id
        )
    ).first()
    previous = assessment.score if assessment else None
    wanted = None if score is None else int(score)
    if assessment is not None and (previous, assessment.rationale) == (wanted, rationale.strip()):
        return assessment  # the same verdict saved again: nothing changed, nothing recorded
    if assessment is None:
        assert commitment.id is not None and cycle.id is not None
        assessment = Assessment(commitment_id=commitment.id, cycle_id=cycle.id, assessed_by=actor)
    assessment.score = wanted
    assessment.rationale = rationale.strip()
    assessment.assessed_by = actor
    assessment.assessed_at = utcnow()
    session.add(assessment)
    # Assessing is a change to the commitment: it moves the version on like any other edit.
    save_commitment(commitment, session=session, where=where)
    assert commitment.id is not None
    record_change(
        session,
        "commitment",
        commitment.id,
        "assessment",
        actor,
        {
            "cycle": cycle.number,
            "score": assessment.score,
            "previous": previous,
            "rationale": assessment.rationale,
            "version": commitment.version,
        },
    )
    return assessment


def score_label(score: int | None, language: Language = Language.KO) -> str:
    """ "+1 완전 이행", "0 부분 이행", "-1 미이행", or "미평가"."""
    if score is None:
        return say(language, "score.not_assessed")
    words = say(language, f"score.{Score(score).key}")
    return f"{score:+d} {words}".replace("+0", "0")


def current_assessment(commitment: Commitment, *, session: Session) -> AssessmentPublic | None:
    """The commitment's assessment in its agreement's open cycle, if any."""
    row = session.exec(
        select(Assessment, ReviewCycle.number)
        .join(ReviewCycle, col(ReviewCycle.id) == Assessment.cycle_id)
        .where(Assessment.commitment_id == commitment.id, col(ReviewCycle.ends_on).is_(None))
    ).first()
    if row is None:
        return None
    assessment, number = row
    return AssessmentPublic.model_validate(assessment, update={"cycle_number": number})
