"""The triggers that draw a town's register revision again (``people.RegisterRevision``).

Written by the database itself, so no write path — a form, a roster import's bulk statements, the
check-in upsert, a deletion cascading from a person or an activity — can change what the audience
groups count without a new revision. A row written, removed, or changed in one of the watched
columns draws a new random revision for its town (both towns, if it moved between towns). Each
town gets its row when it is created (``town_statements``); these triggers only update it, so they
write nothing for a town being deleted (a test's flush empties every table).

- SQLite: one trigger a row and event (SQLite has no other kind), ``UPDATE OF`` the watched
  columns and only when one of them really changed (a roster's bulk update sets every column it
  touches for the whole batch). The register and the people's tags have no insert trigger
  (``SQLITE_COUNTED_INSERTS``): any row trigger on the register's wide rows makes a roster import a
  third dearer, even one with an empty body (SQLite builds each new row for it), and one on the
  tags of a roster's 20,000 tagged people costs it 6% (docs/performance.md). Their inserts are seen
  in SQLite's counters of the tables' ids (``sqlite_sequence``), which every insert raises and a
  rollback restores.
- PostgreSQL: one trigger a statement and event, reading the statement's rows from its transition
  tables, so a bulk insert draws once a town instead of once a row.

The migrations that create these (``people.0013``, ``activities.0010``) call the functions below:
what they write is part of those migrations, so change it only with a new migration.
"""

from __future__ import annotations

REVISIONS = "people_registerrevision"
# The tables a roster import inserts into by the thousand: on SQLite their inserts fire no trigger
# and are seen in SQLite's counters of their ids (``sqlite_sequence``) instead.
SQLITE_COUNTED_INSERTS = ("people_person", "people_persontag")
SQLITE_RANDOM = "random()"
POSTGRESQL_RANDOM = "floor(random() * 9007199254740991)::bigint"


SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"


def _sqlite_draw(town: str) -> str:
    # An update, never an insert: every town has its row from its creation (``town_statements``),
    # and a trigger that inserted would write rows for towns being deleted (a test's flush).
    return (
        f"UPDATE {REVISIONS} SET revision = {SQLITE_RANDOM}, updated_at = {SQLITE_NOW}"  # noqa: S608 (DDL of constants)
        f" WHERE town_id = {town}"
    )


def _postgresql_draw(towns: str) -> str:
    return (
        f"UPDATE {REVISIONS} SET revision = {POSTGRESQL_RANDOM}, updated_at = now()"  # noqa: S608 (DDL of constants)
        f" WHERE town_id IN ({towns})"
    )


def town_statements(vendor: str) -> list[str]:
    """The SQL giving every town its revision row: one for each town there is, and a trigger that
    writes it when a town is created, whatever creates it."""
    towns = "organization_town"
    if vendor == "sqlite":
        return [
            f"INSERT INTO {REVISIONS} (created_at, updated_at, town_id, revision)"  # noqa: S608 (DDL of constants)
            f" SELECT {SQLITE_NOW}, {SQLITE_NOW}, id, {SQLITE_RANDOM} FROM {towns}",
            f"CREATE TRIGGER {towns}_revision_row AFTER INSERT ON {towns} BEGIN"  # noqa: S608 (DDL of constants)
            f" INSERT INTO {REVISIONS} (created_at, updated_at, town_id, revision)"
            f" VALUES ({SQLITE_NOW}, {SQLITE_NOW}, NEW.id, {SQLITE_RANDOM}); END",
        ]
    if vendor == "postgresql":
        return [
            f"INSERT INTO {REVISIONS} (created_at, updated_at, town_id, revision)"  # noqa: S608 (DDL of constants)
            f" SELECT now(), now(), id, {POSTGRESQL_RANDOM} FROM {towns}",
            f"""
            CREATE FUNCTION {towns}_revision_row() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO {REVISIONS} (created_at, updated_at, town_id, revision)
                VALUES (now(), now(), NEW.id, {POSTGRESQL_RANDOM});
                RETURN NULL;
            END;
            $$
            """,  # noqa: S608 (DDL of constants)
            f"CREATE TRIGGER {towns}_revision_row AFTER INSERT ON {towns}"
            f" FOR EACH ROW EXECUTE FUNCTION {towns}_revision_row()",
        ]
    raise RuntimeError(f"The register revision needs triggers written for {vendor}.")


def town_drop_statements(vendor: str) -> list[str]:
    towns = "organization_town"
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {towns}_revision_row"]
    return [
        f"DROP TRIGGER IF EXISTS {towns}_revision_row ON {towns}",
        f"DROP FUNCTION IF EXISTS {towns}_revision_row()",
    ]


def create_statements(vendor: str, table: str, watched: list[str], *, sqlite_inserts: bool = True) -> list[str]:
    """The SQL creating ``table``'s revision triggers on ``vendor``; ``watched``: the columns whose
    change matters (``town_id`` is always watched). ``sqlite_inserts=False``: no insert trigger on
    SQLite (for the register, whose inserts show in SQLite's counter of its ids)."""
    watched = ["town_id", *[column for column in watched if column != "town_id"]]
    if vendor == "sqlite":
        changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in watched)
        insert = (
            f"CREATE TRIGGER {table}_revision_insert AFTER INSERT ON {table} BEGIN {_sqlite_draw('NEW.town_id')}; END"
        )
        return [
            *([insert] if sqlite_inserts else []),
            f"CREATE TRIGGER {table}_revision_delete AFTER DELETE ON {table} BEGIN {_sqlite_draw('OLD.town_id')}; END",
            f"CREATE TRIGGER {table}_revision_update AFTER UPDATE OF {', '.join(watched)} ON {table}"
            f" WHEN {changed}"
            f" BEGIN {_sqlite_draw('OLD.town_id')}; {_sqlite_draw('NEW.town_id')}; END",
        ]
    if vendor == "postgresql":
        old = ", ".join(f"o.{column}" for column in watched)
        new = ", ".join(f"n.{column}" for column in watched)
        moved = f"FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE ({old}) IS DISTINCT FROM ({new})"
        function = f"{table}_revision"
        return [
            f"""
            CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    {_postgresql_draw("SELECT town_id FROM new_rows")};
                ELSIF TG_OP = 'DELETE' THEN
                    {_postgresql_draw("SELECT town_id FROM old_rows")};
                ELSE
                    {_postgresql_draw(f"SELECT o.town_id {moved} UNION SELECT n.town_id {moved}")};
                END IF;
                RETURN NULL;
            END;
            $$
            """,  # noqa: S608 (DDL of constants)
            f"CREATE TRIGGER {table}_revision_insert AFTER INSERT ON {table}"
            f" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
            f"CREATE TRIGGER {table}_revision_delete AFTER DELETE ON {table}"
            f" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
            f"CREATE TRIGGER {table}_revision_update AFTER UPDATE ON {table}"
            " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        ]
    raise RuntimeError(f"The register revision needs triggers written for {vendor}.")


def drop_statements(vendor: str, table: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_revision_{event}" for event in ("insert", "delete", "update")]
    return [
        *(f"DROP TRIGGER IF EXISTS {table}_revision_{event} ON {table}" for event in ("insert", "delete", "update")),
        f"DROP FUNCTION IF EXISTS {table}_revision()",
    ]
