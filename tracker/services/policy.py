"""The follow-up rules of one installation, taken from its settings: the progress statuses and
their labels, the attention thresholds, where evidence goes (folder or database), and what day
it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from tracker.config import DEFAULT_STATUSES, ProgressStatus, Settings
from tracker.domain import Language
from tracker.errors import InLanguages, TrackerError
from tracker.models import utcnow
from tracker.storage import FileStore, Namespace
from tracker.text import fold_name

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


class UnknownStatus(TrackerError):
    """A progress status that the configuration does not list."""


@dataclass(frozen=True)
class FollowUpPolicy:
    statuses: tuple[ProgressStatus, ...] = DEFAULT_STATUSES
    stale_days: int = 90
    due_days: int = 60
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Seoul"))
    language: Language = Language.KO
    evidence_dir: Path = Path("var/evidence")
    evidence_max_bytes: int = 20_000_000
    # Where evidence files are kept (`storage.backend`): the folder above, or the database.
    storage_backend: str = "filesystem"
    storage_chunk_bytes: int = 1 << 20

    @classmethod
    def from_settings(cls, settings: Settings) -> FollowUpPolicy:
        return cls(
            statuses=settings.progress.statuses,
            stale_days=settings.attention.stale_days,
            due_days=settings.attention.due_days,
            timezone=settings.tz,
            language=settings.general.language,
            evidence_dir=settings.resolve(settings.paths.evidence),
            evidence_max_bytes=settings.evidence.max_bytes,
            storage_backend=settings.storage.backend,
            storage_chunk_bytes=settings.storage.chunk_bytes,
        )

    def evidence_store(self, bind: Engine | Connection) -> FileStore:
        """The evidence files' store: the database `bind` talks to, or `evidence_dir`."""
        if self.storage_backend == "database":
            from tracker.storage.database import DatabaseStore

            engine = bind if isinstance(bind, Engine) else bind.engine
            return DatabaseStore(engine, Namespace.EVIDENCE, chunk_bytes=self.storage_chunk_bytes)
        from tracker.storage.filesystem import FilesystemStore

        return FilesystemStore(
            self.evidence_dir, Namespace.EVIDENCE, chunk_bytes=self.storage_chunk_bytes
        )

    def today(self) -> date:
        """Today in the configured zone: 00:30 in Seoul is already tomorrow in UTC terms."""
        return utcnow().astimezone(self.timezone).date()

    @property
    def default_status(self) -> ProgressStatus:
        return next(status for status in self.statuses if status.default)

    def status(self, text: str) -> ProgressStatus:
        """The status a user means: its key or its Korean or English label, in any case."""
        wanted = _folded(text)
        for status in self.statuses:
            if wanted in (_folded(status.key), _folded(status.ko), _folded(status.en)):
                return status
        # A Korean reader picks by the Korean label (accepted as input too); an English one
        # sees the key the CLI's examples use, with the label it stands for.
        choices = [InLanguages(ko=s.ko, en=f"{s.key} ({s.en})") for s in self.statuses]
        raise UnknownStatus("status.unknown", status=text, choices=choices)

    def status_of(self, key: str | None) -> ProgressStatus:
        """The status stored as `key` (None: nobody has reported yet). A key since removed from
        the configuration still shows, under its own name."""
        if key is None:
            return self.default_status
        for status in self.statuses:
            if status.key == key:
                return status
        return ProgressStatus(key=key, ko=key, en=key)

    def label(self, key: str | None, language: Language | None = None) -> str:
        return self.status_of(key).label(language or self.language)


def _folded(text: str) -> str:
    return fold_name(text).replace("_", "").replace("-", "")
