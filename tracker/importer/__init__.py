"""Agreement text → record, sections, clauses, commitments and mechanisms (pure, no I/O).

    text = decode_source(path.read_bytes(), name=str(path))
    parsed = parse_agreement(text, catalog=MechanismCatalog.load_default())

The stages, each in its own module: `decode` (bytes → text), `record` (the portal's record
above the document), `structure` (title, sections, clauses, items), `mechanisms` (the follow-up
mechanisms the text names, the review chain), `split` (clauses → commitments, with strength and
actors). Everything is deterministic: the same text always gives the same result.
"""

from __future__ import annotations

import hashlib
import re

from tracker.domain import Strength
from tracker.importer.decode import decode_source
from tracker.importer.errors import CatalogError, ImportInputError
from tracker.importer.mechanism_catalog import CatalogEntry, MechanismCatalog
from tracker.importer.named_mechanisms import extract_mechanisms
from tracker.importer.parsed import (
    ParsedAgreement,
    ParsedClause,
    ParsedCommitment,
    ParsedItem,
    ParsedMechanism,
    ParsedRecord,
    ParsedSection,
    ParseWarning,
)
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
    record = record_result.record
    structure = build_structure(source, record_result.body_start, portal=record_result.portal)
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
    warnings = [*record_result.warnings, *structure.warnings]
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
    )
