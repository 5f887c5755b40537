"""A town's register revision, drawn again by triggers whenever the town's people, their tags or the
tags' names change (``people.revision_triggers``; the yearly participation rows' triggers are in
``activities.0010``). On SQLite the inserts of people and of their tags have no trigger: they
raise the tables' id counters."""

import django.db.models.deletion
from django.db import migrations, models

from communityedu.people.revision_triggers import (
    SQLITE_COUNTED_INSERTS,
    create_statements,
    drop_statements,
    town_drop_statements,
    town_statements,
)

WATCHED = {
    "people_person": ["village_id", "is_resident", "birth_date", "sex", "left_register_on"],
    "people_persontag": ["person_id", "tag_id"],
    "people_tag": ["name"],
}


def create_triggers(apps, schema_editor):
    # Every town has its row, from now on from its creation; the other triggers only update it.
    for statement in town_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)
    for table, watched in WATCHED.items():
        # On SQLite the inserts of a roster import (people, their tags) raise the tables' id
        # counters instead of firing a trigger (people.selectors.register_revisions).
        inserts = table not in SQLITE_COUNTED_INSERTS
        for statement in create_statements(schema_editor.connection.vendor, table, watched, sqlite_inserts=inserts):
            schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    for statement in town_drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)
    for table in WATCHED:
        for statement in drop_statements(schema_editor.connection.vendor, table):
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('organization', '0007_town_default_year'),
        ('people', '0012_person_name_without_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='RegisterRevision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('revision', models.BigIntegerField()),
                ('town', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organization.town', verbose_name='town')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('town',), name='register_revision_one_per_town')],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
