"""The split of an agreement as data: what `tracker import --json` prints and the review page
shows (the record, sections, clauses, commitments and mechanisms, as plain values).

The importer's warnings speak as the API's refusals do: a code to act on, the message in the
reader's language and the fields as data, so a Korean reader is never handed English."""

from __future__ import annotations

from typing import Any

from tracker.importer.parsed import ParsedAgreement, ParseWarning
from tracker.services.filing import agreement_title


def parsed_as_dict(
    parsed: ParsedAgreement, *, source_name: str, key: str | None = None, language: str = "en"
) -> dict[str, Any]:
    """The split, as `tracker import --json` prints it for review; its warnings in `language`."""
    record = parsed.record
    clause_of = {c.number: c for c in parsed.clauses}
    return {
        "agreement": {
            "key": key,
            "title": agreement_title(parsed, source_name),
            "document_title": parsed.document_title,
            "language": parsed.language.value,
            "source_hash": parsed.source_hash,
            "domestic_body": record.domestic_body if record else "",
            "foreign_body": record.foreign_body if record else "",
            "countries": list(record.countries) if record else [],
            "field": record.field if record else "",
            "signed_on": record.signed_on.isoformat() if record and record.signed_on else None,
            "place": record.place if record else "",
            "officer": {
                "rank": record.officer_rank if record else "",
                "name": record.officer_name if record else "",
                "ministry": record.officer_ministry if record else "",
                "division": record.officer_division if record else "",
            },
            "review_mechanism": parsed.review_mechanism,
        },
        "sections": [
            {"index": s.index, "title": s.title, "parent": s.parent, "level": s.level}
            for s in parsed.sections
        ],
        "clauses": [
            {
                "number": c.number,
                "section": c.section,
                "text": c.text,
                "items": [
                    {"position": i.position, "marker": i.marker, "text": i.text} for i in c.items
                ],
            }
            for c in parsed.clauses
        ],
        "commitments": [
            {
                "ref": c.ref,
                "clause": c.clause,
                "item": c.item,
                "section": clause_of[c.clause].section if c.clause in clause_of else None,
                "text": c.text,
                "actors": c.actors,
                "strength": c.strength.value,
                "tracked": c.tracked,
                "mechanisms": list(c.mechanisms),
                "reviewed_by": parsed.review_mechanism if c.tracked else None,
            }
            for c in parsed.commitments
        ],
        "mechanisms": [
            {
                "name": m.name,
                "name_en": m.name_en,
                "aliases": list(m.aliases),
                "kind": m.kind.value,
                "cadence": m.cadence.value,
                "planned": m.planned,
                "reports_to": m.reports_to,
            }
            for m in parsed.mechanisms
        ],
        "warnings": [warning_as_json(warning, language) for warning in parsed.warnings],
    }


def warning_as_json(warning: ParseWarning, language: str) -> dict[str, Any]:
    """One warning as the API says a refusal (`TrackerError.as_json`): the code, the message in
    `language` on one line, the fields as data."""
    return {
        "code": warning.message_id,
        "message": " ".join(warning.describe(language).split()),
        "fields": dict(warning.fields),
    }
