"""What a command or request needs to run: the settings and, on first use, the engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from tracker.config import Settings
from tracker.db import make_engine
from tracker.schema import require_current_schema


@dataclass
class Runtime:
    settings: Settings
    _engine: Engine | None = field(default=None, repr=False)
    _checked: bool = field(default=False, repr=False)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(
                self.settings.database_url,
                busy_timeout_ms=self.settings.database.busy_timeout_ms,
            )
        return self._engine

    def checked_engine(self) -> Engine:
        """The engine, once the database is known to be reachable and at the current schema."""
        if not self._checked:
            require_current_schema(self.engine)
            self._checked = True
        return self.engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
