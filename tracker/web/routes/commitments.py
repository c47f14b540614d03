"""The commitment page: its clause, history and evidence, the status update form (with file
uploads) and the assessment for the open cycle."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, Response
from sqlmodel import Session

from tracker.db import read_session, write_session
from tracker.domain import EvidenceKind, Score, UpdateSource
from tracker.errors import Forbidden, InLanguages, NotFound, TrackerError, Word, form_status
from tracker.models import Agreement, Commitment, Evidence, StatusUpdateCreate
from tracker.services import accounts, status_updates
from tracker.services.accounts import Permission
from tracker.services.assessments import assess, current_assessment, parse_score
from tracker.services.commitments import commitment_public
from tracker.services.cycles import open_cycle
from tracker.services.lookup import find_commitment
from tracker.services.outline import clause_excerpt
from tracker.web.deps import Current, Reader, Web, WebDep, permitted_form
from tracker.web.flash import tell
from tracker.web.form_errors import FormFields
from tracker.web.uploads import saved_uploads

router = APIRouter()
# Viewers never edit; an officer's edit is then checked per commitment (`may_edit`).
EditorForm = Annotated[accounts.Visitor, Depends(permitted_form(Permission.EDIT_COMMITMENTS))]
# Which field of the status form and of the assessment form each refusal is about.
STATUS_FIELDS = FormFields(
    codes={
        "status.unknown": "status",
        "status_update.after_today": "as_of",
        "status_update.before_signing": "as_of",
        "status_update.note_too_long": "note",
        "evidence.": "evidence",
        "upload.": "files",
        "evidence.file_too_big": "files",
    },
    renamed={"narrative": "note", "expected_version": "version"},
)
ASSESSMENT_FIELDS = FormFields(
    codes={
        "assessment.score_unknown": "score",
        "assessment.rationale_missing": "rationale",
        "assessment.rationale_too_long": "rationale",
    }
)


@router.get("/commitments/{reference}", response_class=HTMLResponse)
def commitment_page(
    request: Request, reference: str, web: WebDep, visitor: Current, session: Reader
) -> Response:
    return _commitment(request, web, reference, visitor, session)


def _commitment(
    request: Request,
    web: Web,
    reference: str,
    visitor: accounts.Visitor,
    session: Session,
    *,
    status_code: int = 200,
    error: Exception | str = "",
    draft: dict[str, str] | None = None,
    form: str = "status",
    field_errors: dict[str, str] | None = None,
) -> Response:
    commitment = find_commitment(reference, session=session)
    agreement = session.get(Agreement, commitment.agreement_id)
    assessment = current_assessment(commitment, session=session)
    draft = draft or {}
    score_choice = draft.get("score") or (
        "na" if assessment is None or assessment.score is None else _score_value(assessment.score)
    )
    return web.render(
        request,
        "commitment.html",
        status_code,
        visitor=visitor,
        agreement=agreement,
        commitment=commitment_public(commitment, session=session, policy=web.policy),
        clause=clause_excerpt(commitment, session=session),
        history=status_updates.history(commitment, session=session, policy=web.policy),
        assessment=assessment,
        score_choice=score_choice,
        editable=accounts.may_edit(visitor, commitment),
        error=error,
        error_form=form,
        conflict=status_code == 409,
        draft=draft,
        values=draft,
        field_errors=field_errors or {},
        today=web.policy.today().isoformat(),
    )


def _editable(reference: str, visitor: accounts.Visitor, *, session: Session) -> Commitment:
    commitment = find_commitment(reference, session=session)
    if not accounts.may_edit(visitor, commitment):
        raise Forbidden("commitment.not_yours")
    return commitment


def _refused(
    request: Request,
    web: Web,
    reference: str,
    visitor: accounts.Visitor,
    exc: Exception,
    draft: dict[str, str],
    form: str,
) -> Response:
    """The page again with the one-line reason and what the officer typed, nothing saved."""
    with read_session(web.db) as session:
        return _commitment(
            request,
            web,
            reference,
            visitor,
            session,
            status_code=409 if isinstance(exc, status_updates.Conflict) else form_status(exc),
            error=exc,
            draft=draft,
            form=form,
            field_errors=web.field_errors(
                request, exc, STATUS_FIELDS if form == "status" else ASSESSMENT_FIELDS
            ),
        )


@router.post("/commitments/{reference}/status", response_class=HTMLResponse)
def update_status(
    request: Request,
    reference: str,
    web: WebDep,
    visitor: EditorForm,
    new_status: Annotated[str, Form(alias="status")],
    version: Annotated[int, Form()],
    note: Annotated[str, Form()] = "",
    as_of: Annotated[str, Form()] = "",
    evidence: Annotated[str, Form()] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    draft = {"status": new_status, "note": note, "as_of": as_of, "evidence": evidence}
    try:
        day = _day(as_of) if as_of else web.policy.today()
        with (
            saved_uploads(files or [], max_bytes=web.policy.evidence_max_bytes) as uploads,
            write_session(web.db) as session,
        ):
            status_updates.record_status_update(
                _editable(reference, visitor, session=session),
                StatusUpdateCreate(
                    status=new_status,
                    narrative=note,
                    as_of=day,
                    evidence=evidence.split(),
                    expected_version=version,
                ),
                session=session,
                policy=web.policy,
                author=visitor.officer.name,
                author_id=visitor.officer.id,
                source=UpdateSource.WEB,
                # A typed path would make the server copy one of its own files: links only,
                # and files only as uploads.
                evidence_links_only=True,
                evidence_files=uploads,
            )
    except (TrackerError, ValueError) as exc:
        return _refused(request, web, reference, visitor, exc, draft, "status")
    status = web.policy.status(new_status)
    told = [
        tell(
            "flash.status_saved",
            commitment=reference,
            status=InLanguages(ko=status.ko, en=status.en),
            on=day.isoformat(),
        )
    ]
    if attached := len(evidence.split()) + sum(1 for f in files or [] if f.filename):
        told.append(tell("flash.evidence_added", count=attached))
    return web.redirect(request, f"/commitments/{reference}", *told)


@router.post("/commitments/{reference}/assessment", response_class=HTMLResponse)
def record_assessment(
    request: Request,
    reference: str,
    web: WebDep,
    visitor: EditorForm,
    score: Annotated[str, Form()],
    version: Annotated[int, Form()],
    rationale: Annotated[str, Form()] = "",
) -> Response:
    draft = {"score": score, "rationale": rationale}
    try:
        with write_session(web.db) as session:
            commitment = _editable(reference, visitor, session=session)
            agreement = session.get(Agreement, commitment.agreement_id)
            assert agreement is not None
            assess(
                commitment,
                open_cycle(agreement, session=session),
                score=parse_score(score),
                rationale=rationale,
                session=session,
                actor=visitor.officer.name,
                expected_version=version,
            )
    except TrackerError as exc:
        return _refused(request, web, reference, visitor, exc, draft, "assessment")
    scored = parse_score(score)
    said = Word(f"score.{Score(scored).key}" if scored is not None else "score.not_assessed")
    told = tell("flash.assessment_saved", commitment=reference, score=said)
    return web.redirect(request, f"/commitments/{reference}#assessment", told)


@router.get("/evidence/{evidence_id}")
def evidence_file(evidence_id: int, web: WebDep, _visitor: Current, session: Reader) -> Response:
    """An uploaded evidence file, always as a download: served inline, an HTML file would run
    as a page of this site."""
    item = session.get(Evidence, evidence_id)
    if item is None or item.kind is not EvidenceKind.FILE:
        raise NotFound("download.no_evidence_file", evidence=evidence_id)
    folder = web.policy.evidence_dir.resolve()
    path = (folder / item.stored_path).resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        raise NotFound("download.evidence_file_missing", name=item.file_name)
    return FileResponse(
        path,
        media_type="application/octet-stream",
        filename=item.file_name or path.name,
        content_disposition_type="attachment",
    )


def _score_value(score: int) -> str:
    return {Score.FULL: "+1", Score.PARTIAL: "0", Score.NONE: "-1"}[Score(score)]


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise TrackerError("form.as_of_not_a_date", field="as_of", value=value[:40]) from None
