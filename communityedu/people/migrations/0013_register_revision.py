"""A town's register revision, drawn again by triggers whenever the town's people, their tags or the
tags' names change (``people.revision_triggers``; the yearly participation rows' triggers are in
``activities.0010``)."""

import django.db.models.deletion
from django.db import migrations, models

from communityedu.people.revision_triggers import create_statements, drop_statements

WATCHED = {
    "people_person": ["village_id", "is_resident", "birth_date", "sex", "left_register_on"],
    "people_persontag": ["person_id", "tag_id"],
    "people_tag": ["name"],
}


def create_triggers(apps, schema_editor):
    for table, watched in WATCHED.items():
        for statement in create_statements(schema_editor.connection.vendor, table, watched):
            schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
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
                ('town', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='organization.town')),
                ('revision', models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
