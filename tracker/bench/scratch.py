"""What every benchmark stands on: throw-away databases (`Scratch`), the figure a benchmark
reports (`Figure`), and the password of the throw-away accounts that sign in to them.

The databases are SQLite files in a temporary folder, or, given a PostgreSQL URL, fresh
schemas in that database, each dropped afterwards.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine, make_url

from tracker.db import make_engine

# A throw-away account in a throw-away database: the load test's users and bench-scale's
# three accounts sign in with it.
PASSWORD = "bench-web-password"


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    goal: str = ""

    def __str__(self) -> str:
        goal = f"  (goal {self.goal})" if self.goal else ""
        return f"{self.name}: {self.value:,.1f} {self.unit}{goal}"


def median_ms(work: Callable[[], object], *, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


class Scratch:
    """Throw-away databases: SQLite files in `folder`, or, when `server_url` names a PostgreSQL
    database, a fresh schema in it per database (dropped by `close`)."""

    def __init__(self, folder: Path, server_url: str | None = None) -> None:
        self.folder = folder
        self.server_url = server_url
        self._schemas: list[str] = []
        self._admin: Engine | None = None
        if server_url is not None:
            if make_url(server_url).get_backend_name() != "postgresql":
                raise ValueError(f"benchmarks run on SQLite or PostgreSQL, not {server_url!r}")
            self._admin = make_engine(server_url)

    @property
    def label(self) -> str:
        return "SQLite" if self._admin is None else "PostgreSQL"

    def url(self, name: str) -> str:
        """The URL of a new, empty database called `name` (a word: letters, digits, _)."""
        if self._admin is None or self.server_url is None:
            return f"sqlite:///{self.folder / f'{name}.db'}"
        schema = f"bench_{uuid.uuid4().hex[:8]}_{name}"[:63]
        with self._admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        self._schemas.append(schema)
        url = make_url(self.server_url).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def engine(self, name: str) -> Engine:
        return make_engine(self.url(name))

    def close(self) -> None:
        if self._admin is None:
            return
        with self._admin.begin() as connection:
            for schema in self._schemas:
                connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        self._schemas.clear()
        self._admin.dispose()
