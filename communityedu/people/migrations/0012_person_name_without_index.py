"""The register's name loses its index: a name is found by part of it (``LIKE '%…%'``, which no
index serves) or among one village's people, and each index costs every roster import its upkeep
(docs/performance.md). Dropped by name (on SQLite, changing the field would rebuild the whole
table); PostgreSQL also had the name's ``varchar_pattern_ops`` index.

The town keeps its own index although other indexes begin with the town: without it SQLite's
planner reads a town's people through the birth-date index, in random order, and the register's
pages took 2–3 times as long.
"""

from django.db import migrations, models

TABLE = "people_person"


def _names(schema_editor) -> list[str]:
    names = [schema_editor._create_index_name(TABLE, ["name"])]
    if schema_editor.connection.vendor == "postgresql":
        names.append(schema_editor._create_index_name(TABLE, ["name"], suffix="_like"))
    return names


def drop_indexes(apps, schema_editor):
    for name in _names(schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def restore_indexes(apps, schema_editor):
    quote = schema_editor.quote_name
    plain, *like = _names(schema_editor)
    schema_editor.execute(f"CREATE INDEX {quote(plain)} ON {quote(TABLE)} ({quote('name')})")
    for pattern in like:
        schema_editor.execute(f"CREATE INDEX {quote(pattern)} ON {quote(TABLE)} ({quote('name')} varchar_pattern_ops)")


class Migration(migrations.Migration):
    dependencies = [("people", "0011_person_register_by_age_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="person",
                    name="name",
                    field=models.CharField(max_length=50, verbose_name="full name"),
                ),
            ],
            database_operations=[migrations.RunPython(drop_indexes, restore_indexes)],
        ),
    ]
