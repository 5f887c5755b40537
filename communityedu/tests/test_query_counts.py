"""List pages fetch what they show in a fixed number of queries, however many rows there are."""

from datetime import date

import pytest

from communityedu.organization import services as org_services
from communityedu.people import services as people_services
from communityedu.people.models import Sex


def _grow(world, extra: int) -> None:
    for index in range(extra):
        village = org_services.ensure_village(town=world.xinmiao, name=f"新村{index}")
        org_services.set_population(village=village, year=2020, resident_population=100 + index, actor=None)
        people_services.create_person(
            town=world.xinmiao,
            values={"name": f"居民{index}", "sex": Sex.MALE, "birth_date": date(1950, 1, 1), "village": village},
        )


@pytest.mark.parametrize(
    ("path", "queries"),
    [("/org/", 9), ("/org/villages/", 9), ("/people/", 12), ("/", 17), ("/api/v1/villages?town=xinmiao", 10)],
)
def test_list_pages_use_a_fixed_number_of_queries(world, sign_in, django_assert_num_queries, path, queries):
    client = sign_in("office")
    _grow(world, 5)
    client.get(path)  # warm the session

    with django_assert_num_queries(queries):
        client.get(path)
    _grow(world, 20)
    with django_assert_num_queries(queries):
        client.get(path)
