"""A self-assessment is one per town, indicator version and year; the date it is read as of is no
longer part of it. The self-assessments of one year kept for several dates are merged into the
first one made: every manual score of them moves there (the ledger keeps every entry), so the
latest score of each indicator and year is the one that counts."""

from datetime import date

from django.db import migrations, models


def merge_the_dates_of_a_year(apps, schema_editor):
    SelfAssessment = apps.get_model("assessment", "SelfAssessment")
    ManualScore = apps.get_model("assessment", "ManualScore")
    kept: dict[tuple[int, int, int], int] = {}
    for row in SelfAssessment.objects.order_by("created_at", "id").values("id", "town_id", "system_id", "year"):
        key = (row["town_id"], row["system_id"], row["year"])
        if key not in kept:
            kept[key] = row["id"]
            continue
        ManualScore.objects.filter(self_assessment_id=row["id"]).update(self_assessment_id=kept[key])
        SelfAssessment.objects.filter(pk=row["id"]).delete()
    if schema_editor.connection.vendor == "postgresql":
        # The foreign keys' checks of these changes are deferred to the commit; PostgreSQL refuses to
        # alter the table below while they are pending, so they run now (and defer again after).
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def date_each_year_at_its_end(apps, schema_editor):
    SelfAssessment = apps.get_model("assessment", "SelfAssessment")
    for row in SelfAssessment.objects.filter(as_of__isnull=True):
        SelfAssessment.objects.filter(pk=row.pk).update(as_of=date(row.year, 12, 31))


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0002_dossier_export"),
    ]

    operations = [
        migrations.AlterField(
            model_name="selfassessment",
            name="as_of",
            field=models.DateField(null=True, verbose_name="as of"),
        ),
        migrations.RemoveConstraint(
            model_name="selfassessment",
            name="self_assessment_once",
        ),
        migrations.RunPython(merge_the_dates_of_a_year, date_each_year_at_its_end),
        migrations.AlterModelOptions(
            name="selfassessment",
            options={
                "ordering": ["-year", "system"],
                "verbose_name": "self-assessment",
                "verbose_name_plural": "self-assessments",
            },
        ),
        migrations.RemoveField(
            model_name="selfassessment",
            name="as_of",
        ),
        migrations.AddConstraint(
            model_name="selfassessment",
            constraint=models.UniqueConstraint(fields=("town", "system", "year"), name="self_assessment_once_a_year"),
        ),
    ]
