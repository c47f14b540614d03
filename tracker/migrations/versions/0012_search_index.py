"""the search index: substring search over clauses and commitments in any language (Korean
needs substrings: 상호운용성 inside 상호운용성을)

SQLite: an FTS5 table with the `trigram` tokenizer over each big text (a clause's, a
commitment's), external-content (it reads the rows it verifies from the table
itself) and `detail=none` (LIKE needs no positions; a quarter of the size). Triggers keep
each in step with every write, whoever makes it: the services, the benchmark's builder,
a cascade. Agreements, section headings and refs (7.3) are few or short: they are read with
LIKE. (With `detail=none` the index cannot tell columns apart, so a second column would make
every lookup check each row it names against the table.)

PostgreSQL: pg_trgm GIN indexes behind ILIKE on the same columns and on the agreement's and
the section's, the extension created when missing (in `public`, or where it already is).

A later migration that rebuilds `clause` or `commitment` in SQLite batch mode drops their
triggers with the old table: it must create them again (tests/services/test_search.py checks
that they exist at head).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 09:00:00

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite: (FTS table, the table it indexes, the columns indexed).
FTS = (
    ("search_clause", "clause", ("text",)),
    ("search_commitment", "commitment", ("text",)),
)
# PostgreSQL: (table, column) with a trigram index each, named ix_search_<table>_<column>.
TRIGRAM = (
    ("agreement", "key"),
    ("agreement", "title"),
    ("agreement", "document_title"),
    ("agreement", "countries"),
    ("agreement", "foreign_body"),
    ("agreement", "domestic_body"),
    ("section", "title"),
    ("clause", "text"),
    ("commitment", "ref"),
    ("commitment", "text"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name, table, columns in FTS:
            _create_fts(name, table, columns)
    else:
        schema = _trigram_schema()
        for table, column in TRIGRAM:
            op.execute(
                f"CREATE INDEX ix_search_{table}_{column} ON {table} "
                f'USING gin ({column} "{schema}".gin_trgm_ops)'
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name, _table, _columns in FTS:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {name}_{event}")
            op.execute(f"DROP TABLE IF EXISTS {name}")
    else:
        # The extension stays: other schemas of the database may use it.
        for table, column in TRIGRAM:
            op.execute(f"DROP INDEX IF EXISTS ix_search_{table}_{column}")


def _create_fts(name: str, table: str, columns: tuple[str, ...]) -> None:
    listed = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    op.execute(
        f"CREATE VIRTUAL TABLE {name} USING fts5({listed}, content='{table}', "
        "content_rowid='id', tokenize='trigram', detail='none')"
    )
    # An external-content index is told what each row held when it goes: the old values.
    forget = f"INSERT INTO {name}({name}, rowid, {listed}) VALUES ('delete', old.id, {old});"
    learn = f"INSERT INTO {name}(rowid, {listed}) VALUES (new.id, {new});"
    op.execute(f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN {learn} END")
    op.execute(f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN {forget} END")
    op.execute(
        f"CREATE TRIGGER {name}_update AFTER UPDATE OF id, {listed} ON {table} "
        f"BEGIN {forget} {learn} END"
    )
    # The rows already there, read from the table in one pass.
    op.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")


def _trigram_schema() -> str:
    """The schema holding pg_trgm, created in `public` when the database has none (the
    operator class is named with its schema, so a search_path without it still works)."""
    bind = op.get_bind()
    query = (
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    )
    found = bind.exec_driver_sql(query).scalar()
    if found is None:
        public = bind.exec_driver_sql(
            "SELECT 1 FROM pg_namespace WHERE nspname = 'public'"
        ).scalar()
        op.execute("CREATE EXTENSION pg_trgm" + (" SCHEMA public" if public else ""))
        found = bind.exec_driver_sql(query).scalar()
    return str(found)
