from django.db.backends.sqlite3.base import DatabaseWrapper

from config.database import database_config


def test_without_a_database_url_the_database_is_sqlite_in_wal_mode_with_a_busy_timeout(tmp_path, django_db_blocker):
    config = database_config(None, tmp_path / "db.sqlite3")
    wrapper = DatabaseWrapper(
        {
            **config,
            "TIME_ZONE": None,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "TEST": {},
        }
    )
    with django_db_blocker.unblock(), wrapper.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        busy_timeout = cursor.fetchone()[0]
    wrapper.close()

    assert (journal_mode, busy_timeout) == ("wal", 20000)
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_a_database_url_selects_postgresql():
    config = database_config("postgres://town:secret@db.example:5433/communityedu", None)

    assert (config["ENGINE"], config["NAME"], config["HOST"], config["PORT"]) == (
        "django.db.backends.postgresql",
        "communityedu",
        "db.example",
        5433,
    )


def test_a_sqlite_url_runs_with_the_default_databases_wal_options(tmp_path):
    config = database_config(f"sqlite:///{tmp_path}/other.sqlite3", None)

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == f"{tmp_path}/other.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "PRAGMA journal_mode=WAL;" in config["OPTIONS"]["init_command"]
    assert config["CONN_MAX_AGE"] == 600
