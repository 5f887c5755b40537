"""A new check-in writes the person's participation row for the year in the same statement.

Until now the check-in service ran two statements in a transaction (the ledger row, then
``rollups.note_check_in``), Python running between them while SQLite's write lock was held. An
AFTER INSERT trigger on the ledger does what ``note_check_in`` did, inside the insert: a check-in
is one short write in autocommit (docs/performance.md, "Check-in").

The trigger reads the activity's start in the project's time zone. SQLite has no time zones, so
the zone's offset is written into the trigger: the migration refuses a zone whose offset changes
(daylight saving); Asia/Shanghai has kept +08:00 since 1991.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

LEDGER = "activities_attendanceentry"
ROWS = "activities_yearlyparticipant"
NAME = "attendance_check_in_rollup"
# The same rule as rollups.note_check_in: insert the row, or move its first day (and activity) earlier.
UPSERT = (
    f"INSERT INTO {ROWS} (created_at, updated_at, town_id, year, person_id, village_id, first_attended_on,"  # noqa: S608
    " first_activity_id)"
    " SELECT NEW.created_at, NEW.created_at, a.town_id, {year}, p.id, CASE WHEN p.is_resident THEN p.village_id END,"
    " {day}, a.id FROM activities_activity a JOIN people_person p ON p.id = NEW.person_id"
    " WHERE a.id = NEW.activity_id AND NOT a.is_cancelled"
    " ON CONFLICT (town_id, year, person_id) DO UPDATE SET first_attended_on = excluded.first_attended_on,"
    " first_activity_id = excluded.first_activity_id, updated_at = excluded.updated_at"
    f" WHERE excluded.first_attended_on < {ROWS}.first_attended_on OR (excluded.first_attended_on ="
    f" {ROWS}.first_attended_on AND excluded.first_activity_id < {ROWS}.first_activity_id)"
)


def fixed_offset(zone_name: str) -> timedelta:
    """The zone's one UTC offset over the years the product records (1992-2100), or an error."""
    zone = ZoneInfo(zone_name)
    offsets = {
        zone.utcoffset(datetime(year, month, 15, tzinfo=UTC).replace(tzinfo=None))
        for year in range(1992, 2101)
        for month in (1, 4, 7, 10)
    }
    if len(offsets) != 1:
        raise RuntimeError(
            f"The check-in rollup trigger needs a time zone with one UTC offset; {zone_name} changes it."
            " Write the trigger with the zone's rules before changing TIME_ZONE."
        )
    return offsets.pop()


def sqlite_statements() -> list[str]:
    minutes = int(fixed_offset(settings.TIME_ZONE).total_seconds() // 60)
    shift = f"'{minutes:+d} minutes'"
    upsert = UPSERT.format(
        year=f"CAST(strftime('%Y', a.starts_at, {shift}) AS INTEGER)", day=f"date(a.starts_at, {shift})"
    )
    return [f"CREATE TRIGGER {NAME} AFTER INSERT ON {LEDGER} WHEN NEW.entry_kind = 'check_in' BEGIN {upsert}; END"]


def postgresql_statements() -> list[str]:
    local = f"(a.starts_at AT TIME ZONE '{ZoneInfo(settings.TIME_ZONE).key}')"
    upsert = UPSERT.format(year=f"EXTRACT(YEAR FROM {local})::integer", day=f"{local}::date")
    return [
        f"CREATE FUNCTION {NAME}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {upsert}; RETURN NULL; END; $$",
        f"CREATE TRIGGER {NAME} AFTER INSERT ON {LEDGER} FOR EACH ROW WHEN (NEW.entry_kind = 'check_in')"
        f" EXECUTE FUNCTION {NAME}()",
    ]


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise RuntimeError(f"The check-in rollup needs a trigger written for {vendor}.")
    for statement in sqlite_statements() if vendor == "sqlite" else postgresql_statements():
        schema_editor.execute(statement, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        statements = [f"DROP TRIGGER IF EXISTS {NAME}"]
    else:
        statements = [f"DROP TRIGGER IF EXISTS {NAME} ON {LEDGER}", f"DROP FUNCTION IF EXISTS {NAME}()"]
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("activities", "0008_attendance_offline_check_in")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
