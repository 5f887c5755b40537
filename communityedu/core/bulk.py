"""Writing many rows of one table at once, as the database does it fastest: one prepared
``executemany`` on SQLite, ``COPY … FROM STDIN`` on PostgreSQL (psycopg 3).

The rows are tuples of values ready for the database (the caller adapts dates with
``connection.ops``), in the order of ``columns``. Django's ``bulk_create`` builds one INSERT of a few
hundred rows at a time and adapts every value through every field, which cost a 50,000-row roster
import most of its time (docs/performance.md, "Importing a roster").

Call it inside ``transaction.atomic()``: the rows of one call are then written, or none.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import connection, models

BULK_CACHE_KIB = -65536  # SQLite's page cache while a bulk insert runs: 64 MiB (negative: KiB)
# From this many rows written by one import, PostgreSQL's statistics of its tables are refreshed.
ANALYZE_FROM_ROWS = 1000


class _Pauses:
    count = 0
    was_enabled = True
    lock = threading.Lock()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a batch job makes many objects.

    A roster of 50,000 rows makes millions of short-lived lists, tuples and strings: each
    collection walks every live object (the whole sheet), and they cost the import a tenth of its
    CPU. What the job frees goes by reference counting as always; cycles wait until the last pause
    in the process ends (pauses from several threads are counted), when the collector runs again."""
    with _Pauses.lock:
        if _Pauses.count == 0:
            _Pauses.was_enabled = gc.isenabled()
            gc.disable()
        _Pauses.count += 1
    try:
        yield
    finally:
        with _Pauses.lock:
            _Pauses.count -= 1
            if _Pauses.count == 0 and _Pauses.was_enabled:
                gc.enable()


def refresh_statistics(*models: type[models.Model]) -> None:
    """Refresh PostgreSQL's planner statistics of ``models``' tables after writing many rows.

    Until autovacuum gets to a table (and never while the writing transaction is open), the
    planner believes a freshly filled table to be nearly empty and joins it row by row: a figure
    over a just-imported register of 30,000 people took 21 s instead of a tenth of one. ANALYZE
    inside the transaction counts its own new rows. SQLite's planner needs no statistics for
    these queries; nothing is done there."""
    if connection.vendor != "postgresql" or not models:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence], *, return_ids: bool = False
) -> list[int]:
    """Insert ``rows`` into ``model``'s table; with ``return_ids`` the new primary keys, in the rows' order."""
    if not rows:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("insert_rows writes inside transaction.atomic(): all of the rows or none.")
    table = model._meta.db_table
    quote = connection.ops.quote_name
    pk_column = model._meta.pk.column
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids: list[int] = []
            if return_ids:
                # The ids are taken from the table's own sequence first, so that COPY can carry them.
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [table, pk_column, len(rows)],
                )
                ids = [row[0] for row in cursor.fetchall()]
                rows = [(new_id, *row) for new_id, row in zip(ids, rows, strict=True)]
                names = f"{quote(pk_column)}, {names}"
            # The raw cursor's COPY raises psycopg's own errors: Django's wrapper turns them into
            # django.db's (IntegrityError…), as for every other statement, for the callers to catch.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(  # type: ignore[union-attr]
                    f"COPY {quote(table)} ({names}) FROM STDIN"
                ) as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return ids
        if connection.vendor == "sqlite":
            placeholders = ", ".join(["%s"] * len(columns))
            # The indexes of a register (random keyed hashes) outgrow SQLite's 2 MB page cache: with
            # 64 MB for the statement, inserting 50,000 people costs half the CPU. The connection's
            # own size comes back after it.
            cursor.execute("PRAGMA cache_size")
            cache_size = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
            try:
                cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({placeholders})", rows)  # noqa: S608
            finally:
                cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
            if not return_ids:
                return []
            # Within the transaction this connection holds SQLite's one write lock from the first
            # row to the commit, so the rows took consecutive ids ending at the last one inserted.
            cursor.execute("SELECT last_insert_rowid()")
            last = cursor.fetchone()[0]
            return list(range(last - len(rows) + 1, last + 1))
    raise NotImplementedError(f"insert_rows does not know the {connection.vendor} database.")
