"""Where an agreement's text comes from: a file, a folder of files, an upload or a pasted
text, each held to the same size limit and decoding, then parsed with the configured catalog.
Nothing here touches the database.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from tracker.config import Settings
from tracker.errors import Grouped
from tracker.importer import parse_agreement
from tracker.importer.decode import decode_source
from tracker.importer.errors import ImportInputError
from tracker.importer.mechanism_catalog import MechanismCatalog
from tracker.importer.parsed import ParsedAgreement

PASTED_NAME = "pasted.txt"  # the source name of a pasted text


def read_source(path: Path, *, max_bytes: int) -> str:
    """The decoded text of an agreement file, or one line saying what is wrong with it."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImportInputError("source.missing").at(str(path)) from None
    if path.is_dir():
        raise ImportInputError("source.is_folder").at(str(path))
    if size > max_bytes:
        raise ImportInputError("source.too_large", size=Grouped(size), limit=Grouped(max_bytes)).at(
            str(path)
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportInputError("source.unreadable", reason=exc.strerror).at(str(path)) from None
    return decode_source(data, name=str(path))


AGREEMENT_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm")


def agreement_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """The agreement files directly in `folder`, and the subfolders that are not read."""
    entries = sorted(folder.iterdir())
    files = [p for p in entries if p.is_file() and p.suffix.lower() in AGREEMENT_SUFFIXES]
    return files, [p for p in entries if p.is_dir()]


def parse_file(path: Path, *, max_bytes: int, catalog: MechanismCatalog) -> ParsedAgreement:
    return parse_text(read_source(path, max_bytes=max_bytes), name=str(path), catalog=catalog)


SAMPLE_NAME = "kr-ca-security-defence-partnership-2025.txt"
SAMPLE_KEY = "kr-ca-2025"


def sample_source() -> str:
    """The seed agreement shipped with the package: the portal record of the Korea-Canada
    security and defence partnership (2025-10-30)."""
    data = resources.files("tracker.samples").joinpath(SAMPLE_NAME).read_bytes()
    return decode_source(data, name=SAMPLE_NAME)


def catalog_for(settings: Settings) -> MechanismCatalog:
    """The catalog `tracker import` uses: the shipped one plus the config's mechanisms."""
    return MechanismCatalog.load_default().extended(settings.imports.mechanisms)


def clean_source_name(name: str) -> str:
    """The last part of an uploaded file's name, without path or control characters."""
    base = re.split(r"[/\\]", name)[-1]
    cleaned = re.sub(r"[\x00-\x1f\x7f]+", "_", base).strip(" .")
    return cleaned[:200] or "upload.txt"


def text_of_upload(data: bytes, *, name: str, max_bytes: int) -> str:
    """An uploaded file's text, held to the limits `tracker import` applies to a file;
    `ImportInputError` (naming `name`) if it is too big, empty or not text. `data` may be cut at
    max_bytes + 1: that is enough to know it is too big."""
    if len(data) > max_bytes:
        raise ImportInputError("source.over_limit", limit=Grouped(max_bytes)).at(name)
    return decode_source(data, name=name)


def text_of_paste(text: str, *, max_bytes: int, name: str = "pasted text") -> str:
    """A pasted text, held to the same limits and checks as a file."""
    data = text.encode("utf-8", "replace")
    if len(data) > max_bytes:
        raise ImportInputError(
            "source.text_too_large", size=Grouped(len(data)), limit=Grouped(max_bytes)
        ).at(name)
    return decode_source(data, name=name)


def parse_text(text: str, *, name: str, catalog: MechanismCatalog) -> ParsedAgreement:
    """`parse_agreement`, its refusal naming the source as `tracker import` does."""
    try:
        return parse_agreement(text, catalog=catalog)
    except ImportInputError as exc:
        raise (exc if exc.where else exc.at(name)) from None
