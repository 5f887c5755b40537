"""The database: SQLite in WAL mode by default, PostgreSQL when DATABASE_URL says so."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

SQLITE_OPTIONS = {
    # Writers take the lock at BEGIN, so concurrent writers wait (busy timeout) instead of
    # failing half-way through a transaction.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;"
    ),
}


def database_config(url: str | None, sqlite_path: Path) -> dict:
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        if config["ENGINE"] == "django.db.backends.sqlite3":
            # A SQLite file named by URL runs as the default one does: WAL, writers queue at BEGIN.
            config["CONN_MAX_AGE"] = 600
            config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(sqlite_path),
        # Each server thread keeps its connection: opening one and running the PRAGMAs, then
        # closing it (which checkpoints the WAL when it is the last), cost more than a check-in's
        # statements themselves (docs/performance.md, "Check-in").
        "CONN_MAX_AGE": 600,
        "OPTIONS": dict(SQLITE_OPTIONS),
    }
