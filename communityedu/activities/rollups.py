"""Participation rollups: each resident's first attendance of a year, kept current with the ledger.

The participation rate asks "how many distinct residents of the scope attended at least one
organised activity between 1 January and the as-of date?". Counting that from the attendance
ledger means scanning every check-in and every reversal of the year; a district has ten million of
them. So the answer is kept as one row per (town, year, person): the date of the person's first
*effective* attendance of the year (a check-in that no reversal cancels, at an activity that was
not cancelled), the activity it was (the lowest id, if several fell on that day), and the home village the person is counted in. Counting
residents who had attended by any date of the year is then a range count over this small table.

The attendance services keep the rows current in the same transaction as the facts:
- ``note_check_in`` after a new check-in: one statement that inserts the row or moves its date
  earlier (a first date only ever moves earlier with a new check-in);
- ``refresh_participation`` after a reversal, a cancelled activity or a moved date: recomputes the
  first date of the people and years touched from their own ledger rows, and moves or removes it.
``rebuild_participation`` recomputes a whole town from the ledger (``manage.py
rebuild_participation``); a property test checks that the incremental rows never drift from it.

A town's or a district's figure sums ``ParticipantDayCount``: the yearly rows counted per village
and day, kept by database triggers on the yearly rows (at most 366 rows a village and year, where
the yearly rows are one per participant: 750,000 for a district of a million).

The village is the person's home village when their row for the year is first written, and a
later move does not rewrite it: a year's figure, once reported, does not change because someone
moved afterwards. People who are not registered residents (``is_resident`` off) or have no home
village are kept with no village and are not counted in any village or town rate.

This module sits at the activities level so that the attendance services can call it directly:
``activities`` may not import ``metrics``, which reads these rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from communityedu.core.models import TownScopedModel


class YearlyParticipant(TownScopedModel):
    """A resident who attended an organised activity in ``year``, and the date they first did."""

    year = models.PositiveSmallIntegerField()
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    village = models.ForeignKey("organization.Village", null=True, on_delete=models.SET_NULL, related_name="+")
    first_attended_on = models.DateField()
    first_activity = models.ForeignKey("activities.Activity", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["town", "year", "person"], name="yearly_participant_unique"),
        ]
        indexes = [
            models.Index(fields=["town", "year", "village", "first_attended_on"], name="participant_village_day"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.person_id} {self.first_attended_on}"


class ParticipantDayCount(TownScopedModel):
    """How many residents of a village first attended on ``day`` of ``year``: the yearly rows
    above, counted per (town, year, village, day).

    Kept by the database itself: triggers on ``YearlyParticipant`` (migration
    ``0004_participant_day_count``) add one for every row written or moved to a day and take one
    away for every row removed or moved from it, in the same statement, so no write path (the
    check-in upsert, the refresh, a rebuild, a deletion cascading from a person or an activity)
    can leave them behind. Rows without a village are not counted. Summing a village's counts up
    to a date reads at most 366 rows, whatever the number of residents: the district's figures
    read this table, the lists of people behind them read the yearly rows."""

    year = models.PositiveSmallIntegerField()
    village = models.ForeignKey("organization.Village", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    people = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["town", "year", "village", "day"], name="participant_day_unique"),
        ]
        indexes = [
            # Covers the figure's sum: no table read for a district's 200,000 rows.
            models.Index(fields=["town", "year", "day", "village", "people"], name="participant_day_sum"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.village_id} {self.day}: {self.people}"


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def note_check_in(*, town_id: int, person_id: int, activity_id: int, starts_at: datetime) -> None:
    """Record a new effective check-in: insert the person's row for the year, or move it earlier.

    One statement, for the check-in hot path: the person's village is read inside it, and the
    unique rule on (town, year, person) turns concurrent first check-ins into one row.
    """
    day = local_day(starts_at)
    quote = connection.ops.quote_name
    table = quote(YearlyParticipant._meta.db_table)
    people = quote("people_person")
    now = timezone.now()
    sql = (
        f"INSERT INTO {table} (created_at, updated_at, town_id, year, person_id, village_id, first_attended_on,"  # noqa: S608
        " first_activity_id)"
        f" SELECT %s, %s, %s, %s, p.id, CASE WHEN p.is_resident THEN p.village_id END, %s, %s FROM {people} p"
        " WHERE p.id = %s"
        " ON CONFLICT (town_id, year, person_id) DO UPDATE SET first_attended_on = excluded.first_attended_on,"
        " first_activity_id = excluded.first_activity_id, updated_at = excluded.updated_at"
        f" WHERE excluded.first_attended_on < {table}.first_attended_on OR (excluded.first_attended_on ="
        f" {table}.first_attended_on AND excluded.first_activity_id < {table}.first_activity_id)"
    )
    with connection.cursor() as cursor:
        now, first_day = connection.ops.adapt_datetimefield_value(now), connection.ops.adapt_datefield_value(day)
        cursor.execute(sql, [now, now, town_id, day.year, first_day, activity_id, person_id])


def _year_bounds(years: Iterable[int]) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(date(min(years), 1, 1), time.min, tz),
        datetime.combine(date(max(years) + 1, 1, 1), time.min, tz),
    )


def first_attendances(*, town_id: int, person_ids: Iterable[int] | None, years: Iterable[int]) -> dict:
    """{(year, person_id): (first day, activity id)} from the ledger, for the years given."""
    from communityedu.activities.constants import EntryKind
    from communityedu.activities.models import AttendanceEntry

    years = set(years)
    start, end = _year_bounds(years)
    reversed_later = AttendanceEntry.objects.filter(
        town_id=town_id,
        activity=OuterRef("activity"),
        person=OuterRef("person"),
        generation=OuterRef("generation"),
        entry_kind=EntryKind.REVERSAL,
    )
    entries = AttendanceEntry.objects.filter(
        town_id=town_id,
        entry_kind=EntryKind.CHECK_IN,
        activity__is_cancelled=False,
        activity__starts_at__gte=start,
        activity__starts_at__lt=end,
    ).filter(~Exists(reversed_later))
    if person_ids is not None:
        entries = entries.filter(person_id__in=list(person_ids))
    first: dict = {}
    rows = entries.values_list("person_id", "activity_id", "activity__starts_at").order_by()
    for person_id, activity_id, starts_at in rows.iterator(chunk_size=10_000):
        day = local_day(starts_at)
        key = (day.year, person_id)
        # The earliest day; on that day, the activity with the lowest id (as ``note_check_in``).
        if day.year in years and (key not in first or (day, activity_id) < first[key]):
            first[key] = (day, activity_id)
    return first


def _apply(*, town_id: int, years: set[int], person_ids: Iterable[int] | None, first: dict) -> None:
    from communityedu.people.models import Person

    existing = YearlyParticipant.objects.filter(town_id=town_id, year__in=years)
    if person_ids is not None:
        existing = existing.filter(person_id__in=list(person_ids))
    kept: dict = {}
    gone: list[int] = []
    for row in existing.only("id", "year", "person_id", "first_attended_on", "first_activity_id"):
        key = (row.year, row.person_id)
        if key not in first:
            gone.append(row.pk)
        else:
            kept[key] = row
    YearlyParticipant.objects.filter(pk__in=gone).delete()
    changed = []
    now = timezone.now()
    for key, row in kept.items():
        day, activity_id = first[key]
        if (row.first_attended_on, row.first_activity_id) != (day, activity_id):
            row.first_attended_on, row.first_activity_id, row.updated_at = day, activity_id, now
            changed.append(row)
    YearlyParticipant.objects.bulk_update(changed, ["first_attended_on", "first_activity_id", "updated_at"], 2000)
    new_keys = [key for key in first if key not in kept]
    villages = dict(
        Person.objects.filter(pk__in={person_id for _year, person_id in new_keys}, is_resident=True).values_list(
            "id", "village_id"
        )
    )
    YearlyParticipant.objects.bulk_create(
        [
            YearlyParticipant(
                town_id=town_id,
                year=year,
                person_id=person_id,
                village_id=villages.get(person_id),
                first_attended_on=first[(year, person_id)][0],
                first_activity_id=first[(year, person_id)][1],
            )
            for year, person_id in new_keys
        ],
        batch_size=2000,
    )


@transaction.atomic
def refresh_participation(*, town_id: int, person_ids: Iterable[int], years: Iterable[int]) -> None:
    """Recompute the rows of these people for these years from the ledger (after a reversal, a
    cancellation or a moved date): the first date moves later or the row goes."""
    person_ids, years = list(person_ids), set(years)
    if not person_ids or not years:
        return
    first = first_attendances(town_id=town_id, person_ids=person_ids, years=years)
    _apply(town_id=town_id, years=years, person_ids=person_ids, first=first)


@transaction.atomic
def rebuild_participation(*, town_id: int, years: Iterable[int] | None = None) -> int:
    """Recompute every row of a town (for the years given, else every year with attendance) from
    the raw ledger; villages already recorded are kept. Returns the number of rows."""
    from communityedu.activities.models import Activity

    if years is None:
        moments = Activity.objects.filter(town_id=town_id, attendance_entries__isnull=False).aggregate(
            first=models.Min("starts_at"), last=models.Max("starts_at")
        )
        stored = YearlyParticipant.objects.filter(town_id=town_id).aggregate(
            first=models.Min("year"), last=models.Max("year")
        )
        bounds = [local_day(moment).year for moment in moments.values() if moment is not None]
        bounds += [year for year in stored.values() if year is not None]
        if not bounds:
            return 0
        years = range(min(bounds), max(bounds) + 1)
    years = set(years)
    _refresh_planner_statistics()
    first = first_attendances(town_id=town_id, person_ids=None, years=years)
    _apply(town_id=town_id, years=years, person_ids=None, first=first)
    recount_days(town_id=town_id, years=years)
    _refresh_planner_statistics(YearlyParticipant, ParticipantDayCount)
    return len(first)


def recount_days(*, town_id: int, years: Iterable[int]) -> None:
    """Count the yearly rows per (village, day) again, replacing what the triggers kept: part of
    the rebuild, so the rebuild also repairs counts if rows were ever written past the triggers."""
    years = set(years)
    ParticipantDayCount.objects.filter(town_id=town_id, year__in=years).delete()
    counts = (
        YearlyParticipant.objects.filter(town_id=town_id, year__in=years, village__isnull=False)
        .values("year", "village_id", "first_attended_on")
        .annotate(people=models.Count("id"))
        .order_by()
    )
    ParticipantDayCount.objects.bulk_create(
        [
            ParticipantDayCount(
                town_id=town_id,
                year=row["year"],
                village_id=row["village_id"],
                day=row["first_attended_on"],
                people=row["people"],
            )
            for row in counts
        ],
        batch_size=2000,
    )


def _refresh_planner_statistics(*models_to_analyze) -> None:
    """A rebuild follows bulk writes (the demo, an import): on PostgreSQL, let the planner see the
    ledger's new size before the whole-town query, or it may plan it as for an empty table (seen:
    minutes instead of a second inside the transaction that wrote the rows)."""
    from communityedu.activities.models import Activity, AttendanceEntry

    if connection.vendor == "postgresql":
        chosen = models_to_analyze or (AttendanceEntry, Activity)
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in chosen)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")


def people_of(activity_id: int) -> list[int]:
    """Everyone with a check-in at an activity (effective or not): whose rows it can touch."""
    from communityedu.activities.models import AttendanceEntry

    return list(AttendanceEntry.objects.filter(activity_id=activity_id).values_list("person_id", flat=True).distinct())
