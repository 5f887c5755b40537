"""After a roster import, the database's planner knows the people are there: on PostgreSQL the
register's statistics are refreshed once the import has written enough rows (until then a
just-imported register was joined row by row, 21 s a query of the audience figure); SQLite's
planner keeps none to refresh."""

from django.db import connection

from communityedu.core import bulk
from communityedu.people import imports
from communityedu.people.models import Person
from communityedu.people.tests.test_import_resume import PEOPLE, _roster


def _planner_rows() -> float | None:
    """What PostgreSQL's planner believes the register holds; None on SQLite."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Person._meta.db_table])
        return cursor.fetchone()[0]


def _import(world) -> dict:
    _roster_rows, plan = imports.check_roster(town=world.xinmiao, content=_roster(), file_name="冉家.xlsx")
    return imports.apply_plan(plan, actor=None)


def test_an_import_of_enough_rows_leaves_the_planner_knowing_the_register(world, monkeypatch):
    monkeypatch.setattr(bulk, "ANALYZE_FROM_ROWS", len(PEOPLE))

    assert _import(world)["created"] == len(PEOPLE)

    expected = {"postgresql": float(Person.objects.count()), "sqlite": None}[connection.vendor]
    assert _planner_rows() == expected


def test_a_smaller_import_leaves_the_statistics_to_the_database(world, monkeypatch):
    monkeypatch.setattr(bulk, "ANALYZE_FROM_ROWS", len(PEOPLE) + 1)
    before = _planner_rows()

    assert _import(world)["created"] == len(PEOPLE)

    assert _planner_rows() == before
