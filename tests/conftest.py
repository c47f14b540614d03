"""Fixtures shared by every test: a fresh database per test (SQLite file, or a throw-away
schema in the PostgreSQL named by TRACKER_TEST_DATABASE_URL), settings pointing at it, the seed
agreement, and the CLI runner."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, select
from typer.testing import CliRunner, Result

# pydantic builds a model's schema when its class is defined; a model first defined while a test
# has frozen time sees freezegun's FakeDate for `date` and fails. Define them all up front.
import tracker.models
import tracker.services.meetings  # noqa: F401
from tests.factories import import_seed
from tracker.cli import app
from tracker.config import Settings, load_settings
from tracker.db import keep_calendar_revision, make_engine
from tracker.models import Agreement
from tracker.schema import upgrade_database
from tracker.services import accounts

POSTGRES_URL = os.environ.get("TRACKER_TEST_DATABASE_URL", "")
TEMPLATES = (Path(__file__).parents[1] / "templates").as_posix()


@pytest.fixture(autouse=True)
def _no_tracker_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own TRACKER_* variables must not leak into tests."""
    for name in list(os.environ):
        if name.startswith("TRACKER_") and name != "TRACKER_TEST_DATABASE_URL":
            monkeypatch.delenv(name)


# Argon2 at its recommended cost takes about 0.3 s of CPU per hash or check here, and most web
# tests make four accounts and sign in: half the fast suite's time went there. Tests hash with the
# same algorithm at its lowest cost (a check reads the cost from the stored hash, so a server
# started by a test accepts these too); the app keeps the recommended cost, which
# tests/web/test_accounts.py uses itself.
CHEAP_HASHER = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "_hasher", lambda: CHEAP_HASHER)


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'var' / 'tracker.db'}"
        return
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def config_file(tmp_path: Path, database_url: str) -> Path:
    (tmp_path / "var").mkdir(exist_ok=True)
    path = tmp_path / "config.toml"
    path.write_text(
        f'[database]\nurl = "{database_url}"\n[paths]\ntemplates = "{TEMPLATES}"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def settings(config_file: Path) -> Settings:
    return load_settings(config_file)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head for the whole run: migrating took about 0.2 s of CPU per
    test, a copy takes a millisecond."""
    path = tmp_path_factory.mktemp("migrated") / "tracker.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    engine.dispose()  # the last connection closed: the WAL is folded into the file and removed
    assert not path.with_name("tracker.db-wal").exists()
    return path


@pytest.fixture(scope="session")
def seeded_sqlite(migrated_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated file with the seed agreement imported, once for the whole run: some 180
    tests of the fast run want the seed, and importing it took 0.1-0.2 s in each."""
    path = tmp_path_factory.mktemp("seeded") / "tracker.db"
    shutil.copyfile(migrated_sqlite, path)
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        keep_calendar_revision(session)
        import_seed(session)
    engine.dispose()
    assert not path.with_name("tracker.db-wal").exists()
    return path


@pytest.fixture
def engine(settings: Settings, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A test that asks for `seed` starts from the seeded file, any other from the migrated."""
    url = make_url(settings.database_url)
    fresh_sqlite = url.get_backend_name() == "sqlite" and not Path(url.database or "").exists()
    if fresh_sqlite:
        template = "seeded_sqlite" if "seed" in request.fixturenames else "migrated_sqlite"
        shutil.copyfile(request.getfixturevalue(template), str(url.database))
    engine = make_engine(settings.database_url)
    if not fresh_sqlite:
        upgrade_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        keep_calendar_revision(session)  # what the test writes, a running app sees
        yield session


@pytest.fixture
def seed(session: Session) -> Agreement:
    """The reference agreement, imported as `tracker demo` does (on SQLite it came with the
    seeded file; PostgreSQL imports it into the test's schema)."""
    seeded = session.exec(select(Agreement).where(Agreement.key == "kr-ca-2025")).first()
    return seeded if seeded is not None else import_seed(session)


Cli = Callable[..., Result]


@pytest.fixture
def cli(config_file: Path) -> Cli:
    """Run `tracker --config <the test's config> ARGS...`."""
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(app, ["--config", str(config_file), *args])

    return run


def on_postgres() -> bool:
    return bool(POSTGRES_URL)
