"""What a parsed agreement is filed as: its key (from the file's name, else its signing date),
its title, and the fields of its row. Storing an import and comparing a revision both use them.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from tracker.errors import TrackerError
from tracker.importer.parsed import ParsedAgreement
from tracker.models import utcnow

_KEY = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")


def validate_key(key: str) -> None:
    """Keys appear in commands and file names: short, lowercase ASCII, never a bare number
    (a number is read as an id)."""
    if not _KEY.match(key) or key.isdigit():
        raise TrackerError("import.bad_key", key=key)


def key_for(parsed: ParsedAgreement, source_name: str) -> str:
    """A short ASCII key from the file name, else from the signing date."""
    stem = Path(source_name).stem
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_stem.lower()).strip("-")
    slug = re.sub(r"^\d{1,3}-", "", slug)  # a listing's ordinal prefix such as "00_"
    if len(slug) >= 3:
        return slug[:80]
    record = parsed.record
    if record is not None and record.signed_on is not None:
        return f"agreement-{record.signed_on.isoformat()}"
    return f"agreement-{parsed.source_hash[:10]}"


def record_fields(parsed: ParsedAgreement, source_name: str) -> dict[str, Any]:
    """The agreement row's fields as the text gives them (its record, its source)."""
    record = parsed.record
    fields: dict[str, Any] = {
        "title": agreement_title(parsed, source_name),
        "document_title": parsed.document_title,
        "language": parsed.language,
        "source_name": source_name,
        "source_text": parsed.source_text,
        "source_hash": parsed.source_hash,
        "imported_at": utcnow(),
    }
    if record is not None:
        fields |= {
            "domestic_body": record.domestic_body,
            "foreign_body": record.foreign_body,
            "countries": ", ".join(record.countries),
            "field": record.field,
            "signed_on": record.signed_on,
            "place": record.place,
            "summary": record.summary,
            "officer_rank": record.officer_rank,
            "officer_name": record.officer_name,
            "officer_ministry": record.officer_ministry,
            "officer_division": record.officer_division,
        }
    return fields


def agreement_title(parsed: ParsedAgreement, source_name: str) -> str:
    """The record's title, else the document's own, else the file's name."""
    record = parsed.record
    return (record.title if record else "") or parsed.document_title or Path(source_name).stem
