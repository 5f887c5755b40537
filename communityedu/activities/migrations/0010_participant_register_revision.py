"""A yearly participation row written, moved or removed draws its town's register revision again
(``people.revision_triggers``): the audience groups count who took part from these rows."""

from django.db import migrations

from communityedu.people.revision_triggers import create_statements, drop_statements

TABLE = "activities_yearlyparticipant"
WATCHED = ["year", "person_id", "village_id", "first_attended_on"]


def create_triggers(apps, schema_editor):
    for statement in create_statements(schema_editor.connection.vendor, TABLE, WATCHED):
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    for statement in drop_statements(schema_editor.connection.vendor, TABLE):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0009_check_in_rollup_trigger"),
        ("people", "0013_register_revision"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
