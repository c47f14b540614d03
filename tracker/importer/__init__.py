"""Agreement text → record, sections, clauses, commitments and mechanisms (pure, no I/O).

    text = decode_source(path.read_bytes(), name=str(path))
    parsed = parse_agreement(text, catalog=MechanismCatalog.load_default())

The stages, each in its own module: `decode` (bytes → text), `record` (the portal's record
above the document), `press` (datelines, bylines, contact lines and signature blocks around the
text: set aside, their date and place the record's when there is no portal record), `layout`
(the line breaks a text copied onto one line has lost), `structure` (title, sections, clauses,
items), `mechanisms` (the follow-up
mechanisms the text names, the review chain), `split` (clauses → commitments, with strength and
actors). Everything is deterministic: the same text always gives the same result.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from tracker.domain import Strength
from tracker.importer.decode import decode_source
from tracker.importer.errors import CatalogError, ImportInputError
from tracker.importer.layout import recover_layout
from tracker.importer.mechanism_catalog import CatalogEntry, MechanismCatalog
from tracker.importer.named_mechanisms import extract_mechanisms
from tracker.importer.parsed import (
    ParsedAgreement,
    ParsedAside,
    ParsedClause,
    ParsedCommitment,
    ParsedItem,
    ParsedMechanism,
    ParsedRecord,
    ParsedSection,
    ParseWarning,
)
from tracker.importer.press import Press, read_press
from tracker.importer.record import extract_record
from tracker.importer.split import split_commitments
from tracker.importer.structure import build_structure
from tracker.importer.textutil import detect_language, split_lines
from tracker.words import N_

__all__ = [
    "CatalogEntry",
    "CatalogError",
    "ImportInputError",
    "MechanismCatalog",
    "ParseWarning",
    "ParsedAgreement",
    "ParsedAside",
    "ParsedClause",
    "ParsedCommitment",
    "ParsedItem",
    "ParsedMechanism",
    "ParsedRecord",
    "ParsedSection",
    "decode_source",
    "parse_agreement",
]

_NEWLINES = re.compile(r"\r\n?")


def parse_agreement(text: str, *, catalog: MechanismCatalog | None = None) -> ParsedAgreement:
    """Parse an agreement's text; `ImportInputError` if it holds no recognisable clause.

    `catalog` defaults to the shipped one. An agreement whose clauses undertake nothing is
    returned with a warning, not refused.
    """
    source = _NEWLINES.sub("\n", text).removeprefix("\ufeff")
    if not source.strip():
        raise ImportInputError("import.text_empty")
    if catalog is None:
        catalog = MechanismCatalog.load_default()
    language = detect_language(source)
    lines = split_lines(source)
    record_result = extract_record(source, lines)
    body_start = record_result.body_start
    press = read_press(source, body_start, portal=record_result.portal)
    layout = recover_layout(
        source,
        body_start,
        asides=tuple((a.start, a.end) for a in press.asides),
        headline=press.headline,
    )
    structure = build_structure(source, body_start, portal=record_result.portal, layout=layout)
    record = _dated_record(record_result.record, press, structure.document_title)
    if not structure.clauses:
        raise ImportInputError("import.no_clauses")
    layouts = structure.clauses
    found = extract_mechanisms(
        source, layouts, language, catalog, document_title=structure.document_title
    )
    parties = record.countries if record is not None else ()
    drafts = split_commitments(
        source,
        layouts,
        language,
        mechanism_items=found.item_mechanisms,
        parties=parties,
    )
    commitments: list[ParsedCommitment] = []
    seen: set[str] = set()
    for draft in drafts:
        names = [
            name for start, end, name in found.mentions if draft.start <= start and end <= draft.end
        ]
        names.extend(  # the sentence that introduces a list of mechanisms names them all
            found.item_names[(draft.clause, p)]
            for p in draft.introduces
            if (draft.clause, p) in found.item_names
        )
        ref, n = draft.ref, 2
        while ref in seen:
            ref, n = f"{draft.ref}-{n}", n + 1
        seen.add(ref)
        commitments.append(
            ParsedCommitment(
                ref=ref,
                clause=draft.clause,
                item=draft.item,
                text=source[draft.start : draft.end],
                start=draft.start,
                end=draft.end,
                actors=draft.actors,
                strength=draft.strength,
                tracked=draft.strength.is_undertaking,
                mechanisms=tuple(dict.fromkeys(names)),
            )
        )
    warnings = [
        *record_result.warnings,
        *_layout_warnings(press, layout.recovered, dated=record is not record_result.record),
        *structure.warnings,
    ]
    if not structure.numbered and not any(
        c.tracked or c.strength is Strength.DECLARATORY for c in commitments
    ):
        # Without printed numbers, paragraphs are clauses only if they read like an agreement;
        # otherwise any text file (a log, a password file) would "import".
        raise ImportInputError("import.no_recognizable_clauses")
    if not any(c.tracked for c in commitments):
        warnings.append(ParseWarning(N_("warning.nothing_tracked"), {"count": len(layouts)}))
    return ParsedAgreement(
        source_text=source,
        source_hash=hashlib.sha256(source.encode("utf-8")).hexdigest(),
        language=language,
        document_title=structure.document_title,
        record=record,
        sections=tuple(structure.sections),
        clauses=tuple(layout.clause for layout in layouts),
        commitments=tuple(commitments),
        mechanisms=tuple(found.mechanisms),
        review_mechanism=found.review_mechanism,
        warnings=tuple(warnings),
        asides=press.asides,
        recovered_breaks=layout.recovered,
    )


def _layout_warnings(
    press: Press, recovered: tuple[int, ...], *, dated: bool
) -> list[ParseWarning]:
    """What the officer should check of the layout read: breaks read back, lines set aside,
    a date taken from the text."""
    warnings: list[ParseWarning] = []
    if recovered:
        warnings.append(
            ParseWarning(N_("warning.layout.breaks_recovered"), {"count": len(recovered)})
        )
    if press.asides:
        excerpts = "; ".join(" ".join(a.text.split()[:6]) for a in press.asides[:3])
        warnings.append(
            ParseWarning(
                N_("warning.layout.set_aside"), {"count": len(press.asides), "excerpts": excerpts}
            )
        )
    if dated:
        message_id = (
            N_("warning.layout.date_from_signature")
            if press.dated_by == "signature"
            else N_("warning.layout.date_from_dateline")
        )
        day = press.signed_on.isoformat() if press.signed_on else "-"
        warnings.append(ParseWarning(message_id, {"date": day, "place": press.place or "-"}))
    return warnings


def _dated_record(record: ParsedRecord | None, press: Press, title: str) -> ParsedRecord | None:
    """The record, its date and place taken from the dateline or signature block when it has
    none (a text without a portal record gets one holding just those and the title)."""
    if not press.signed_on and not press.place:
        return record
    origin = press.dated_by or "dateline"
    if record is None:
        return ParsedRecord(
            title=title, signed_on=press.signed_on, place=press.place, origin=origin
        )
    if record.signed_on is not None and record.place:
        return record
    return replace(
        record,
        signed_on=record.signed_on or press.signed_on,
        place=record.place or press.place,
        origin=origin,
    )
