"""GET /api/v1/metrics: every figure with numerator, denominator, threshold and status, scoped."""

from __future__ import annotations

import pytest

from communityedu.activities import services
from communityedu.activities.constants import AttendanceSource
from communityedu.activities.tests.factories import activity, at
from communityedu.metrics.tests.test_figures import town_2021  # noqa: F401 (the fixture)

# A read after a change of the register or of participation counts the audience groups (two
# queries more); the reads after it take the counts kept for the register's revision.
QUERIES, COUNTING_QUERIES = 31, 33


def test_the_api_gives_every_figure_with_its_parts(town_2021, sign_in):  # noqa: F811
    client = sign_in("office")

    body = client.get("/api/v1/metrics?town=xinmiao&year=2021&as_of=2021-06-30").json()

    assert (body["town"], body["year"], body["as_of"]) == ("xinmiao", 2021, "2021-06-30")
    participation, hall = body["figures"][:2]
    assert {key: participation[key] for key in ("key", "numerator", "denominator", "value", "threshold", "status")} == {
        "key": "participation",
        "numerator": 4,
        "denominator": 6,
        "value": "0.6667",
        "threshold": "0.70",
        "status": "at_risk",
    }
    assert participation["deadline"] == "2021-12-31"
    assert participation["beside"] == {"headcount_person_times": 47}
    assert participation["flags"] == {"activities_without_evidence": 2, "villages_below_target": 1}
    assert [(v["label"], v["numerator"], v["denominator"], v["status"]) for v in participation["villages"]] == [
        ("十字村", 1, 2, "at_risk"),
        ("弋阳村", 3, 4, "met"),
    ]
    assert [point["numerator"] for point in participation["trend"]] == [0, 0, 2, 2, 3, 4]
    assert (hall["key"], hall["numerator"], hall["denominator"], hall["threshold"]) == ("lecture_hall", 0, 6, "1")


def test_a_past_as_of_over_the_api(town_2021, sign_in):  # noqa: F811
    body = sign_in("office").get("/api/v1/metrics?town=xinmiao&year=2021&as_of=2021-04-30").json()

    assert (body["figures"][0]["numerator"], body["figures"][0]["denominator"]) == (2, 6)


def test_an_evaluator_reads_every_town_of_the_district(town_2021, sign_in):  # noqa: F811
    client = sign_in("evaluator")

    statuses = [client.get(f"/api/v1/metrics?town={slug}&year=2021").status_code for slug in ("xinmiao", "nantuo")]

    assert statuses == [200, 200]


# The auditor reviews the audit log only: its role makes no town readable, as for another town's office.
@pytest.mark.parametrize(("username", "status"), [("nantuo", 404), ("resident", 403), ("auditor", 404)])
def test_others_read_only_their_town_and_residents_are_refused(world, sign_in, username, status):
    assert sign_in(username).get("/api/v1/metrics?town=xinmiao").status_code == status


def test_the_api_takes_a_fixed_number_of_queries_whatever_the_data(
    town_2021,  # noqa: F811
    sign_in,
    django_assert_num_queries,
):
    client = sign_in("office")
    url = "/api/v1/metrics?town=xinmiao&year=2021&as_of=2021-06-30"
    client.get(url)  # the session's first read, which counted the audience groups
    # session, user, role assignments, town, the figures (villages with populations, participants per
    # village, per month, headcounts, activities without evidence, lecture-hall months), the session saved
    with django_assert_num_queries(QUERIES):
        client.get(url)
    more = activity(town_2021, starts_at=at(2021, 2, 2))
    for person in (town_2021.people["wang"], town_2021.people["chen"]):
        if person.town_id == more.town_id:
            services.check_in(activity=more, person=person, source=AttendanceSource.ROSTER, recorded_by=None)
    with django_assert_num_queries(COUNTING_QUERIES):
        client.get(url)
    with django_assert_num_queries(QUERIES):
        client.get(url)
