"""The database writes a town's figure input stamp anew with every write of the rows the audience
figure reads (``metrics.models.FigureInputStamp``): the people, the tags, the people's tags and
the yearly participants. SQLite: a trigger per row (one writer at a time; the stamp's row is
rewritten in place). PostgreSQL: a trigger per statement reading the statement's changed rows
(a 50,000-row COPY writes each of its towns' stamps once), in the writing connection's slot
(its process id modulo 64), so that writers of one town rarely wait on one another's stamp.
"""

from django.db import migrations

TABLES = ["people_person", "people_tag", "people_persontag", "activities_yearlyparticipant"]
STAMPS = "metrics_figureinputstamp"
SLOTS = 64


def _sqlite_upsert(row: str) -> str:
    now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    return (
        f"INSERT INTO {STAMPS} (created_at, updated_at, town_id, slot, stamp)"  # noqa: S608
        f" VALUES ({now}, {now}, {row}.town_id, 0, random())"
        " ON CONFLICT (town_id, slot) DO UPDATE SET stamp = excluded.stamp, updated_at = excluded.updated_at;"
    )


def sqlite_statements() -> list[str]:
    statements = []
    for table in TABLES:
        statements += [
            f"CREATE TRIGGER {table}_stamp_insert AFTER INSERT ON {table} BEGIN {_sqlite_upsert('NEW')} END",
            f"CREATE TRIGGER {table}_stamp_delete AFTER DELETE ON {table} BEGIN {_sqlite_upsert('OLD')} END",
            f"CREATE TRIGGER {table}_stamp_update AFTER UPDATE ON {table}"
            f" BEGIN {_sqlite_upsert('NEW')} {_sqlite_upsert('OLD')} END",
        ]
    return statements


def _postgresql_function(name: str, towns: str) -> str:
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" INSERT INTO {STAMPS} (created_at, updated_at, town_id, slot, stamp)"  # noqa: S608
        f" SELECT now(), now(), changed.town_id, pg_backend_pid() % {SLOTS},"
        " (random() * 9.0e18)::bigint"
        f" FROM ({towns}) changed"
        " ON CONFLICT (town_id, slot) DO UPDATE SET stamp = excluded.stamp, updated_at = excluded.updated_at;"
        " RETURN NULL; END; $$"
    )


def postgresql_statements() -> list[str]:
    statements = [
        _postgresql_function("figure_stamp_new_rows", "SELECT DISTINCT town_id FROM new_rows"),
        _postgresql_function("figure_stamp_old_rows", "SELECT DISTINCT town_id FROM old_rows"),
        _postgresql_function(
            "figure_stamp_changed_rows", "SELECT town_id FROM new_rows UNION SELECT town_id FROM old_rows"
        ),
    ]
    for table in TABLES:
        statements += [
            f"CREATE TRIGGER {table}_stamp_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows"
            " FOR EACH STATEMENT EXECUTE FUNCTION figure_stamp_new_rows()",
            f"CREATE TRIGGER {table}_stamp_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows"
            " FOR EACH STATEMENT EXECUTE FUNCTION figure_stamp_old_rows()",
            f"CREATE TRIGGER {table}_stamp_update AFTER UPDATE ON {table}"
            " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
            " FOR EACH STATEMENT EXECUTE FUNCTION figure_stamp_changed_rows()",
        ]
    return statements


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise RuntimeError(f"The figure input stamps need triggers written for {vendor}.")
    for statement in sqlite_statements() if vendor == "sqlite" else postgresql_statements():
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for table in TABLES:
        for event in ("insert", "delete", "update"):
            on = f" ON {table}" if postgresql else ""
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_stamp_{event}{on}", params=None)
    if postgresql:
        for name in ("figure_stamp_new_rows", "figure_stamp_old_rows", "figure_stamp_changed_rows"):
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0001_figure_input_stamps"),
        ("people", "0011_person_register_by_age_index"),
        ("activities", "0009_check_in_rollup_trigger"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
