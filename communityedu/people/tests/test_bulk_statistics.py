"""After a bulk insert, the database's planner knows the rows are there: on PostgreSQL the table's
statistics are refreshed within the writing transaction (until then a just-imported register was
joined row by row, 21 s a query of the audience figure); SQLite's planner keeps none to refresh."""

from django.db import connection, transaction
from django.utils import timezone

from communityedu.core import bulk
from communityedu.people.models import Tag


def _insert_tags(town, count: int) -> None:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = [(now, now, town.pk, f"标签{number}") for number in range(count)]
    with transaction.atomic():
        bulk.insert_rows(Tag, ["created_at", "updated_at", "town_id", "name"], rows)


def _planner_rows() -> float | None:
    """What PostgreSQL's planner believes the tag table holds; None on SQLite."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Tag._meta.db_table])
        return cursor.fetchone()[0]


def test_a_bulk_insert_of_a_thousand_rows_leaves_the_planner_knowing_them(world):
    _insert_tags(world.xinmiao, bulk.ANALYZE_FROM_ROWS)

    total = Tag.objects.count()
    assert total >= bulk.ANALYZE_FROM_ROWS
    expected = {"postgresql": float(total), "sqlite": None}[connection.vendor]
    assert _planner_rows() == expected


def test_a_small_bulk_insert_leaves_the_statistics_to_the_database(world):
    before = _planner_rows()

    _insert_tags(world.xinmiao, 10)

    assert _planner_rows() == before
    assert Tag.objects.filter(name="标签9").count() == 1
