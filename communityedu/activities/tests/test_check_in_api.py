"""POST /api/v1/activities/{id}/attendance: what a staff device relies on."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from communityedu.activities import services
from communityedu.activities.models import AttendanceEntry
from communityedu.activities.tests.factories import activity


@pytest.fixture
def device(world, client):
    out = StringIO()
    call_command("create_api_token", "school", stdout=out)
    token = out.getvalue().strip()

    def post(activity_id, body):
        return client.post(
            f"/api/v1/activities/{activity_id}/attendance",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    return post


def test_the_first_check_in_answers_201_and_every_repeat_200_with_the_same_record(world, device):
    first = device(world.lecture.pk, {"person": world.people["li"].pk})
    again = device(world.lecture.pk, {"person": world.people["li"].pk})

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    entry = AttendanceEntry.objects.get(activity=world.lecture)
    assert first.json() == {
        "id": entry.pk,
        "activity_id": world.lecture.pk,
        "person_id": world.people["li"].pk,
        "person": "李德福",
        "role": "participant",
        "source": "device",
        "generation": 0,
        "client_id": None,
        "scanned_at": None,
        "recorded_at": entry.created_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


def test_a_learning_card_checks_in_its_person_with_the_given_role(world, device):
    card = services.issue_learning_card(person=world.people["wang"], actor=None)

    response = device(world.lecture.pk, {"card": card.token, "role": "volunteer"})

    assert response.status_code == 201
    assert (response.json()["person"], response.json()["role"], response.json()["source"]) == (
        "王桂芬",
        "volunteer",
        "card_scan",
    )


def test_unknown_cards_people_of_other_towns_and_closed_activities_get_clear_4xx(world, device):
    last_month = activity(world, starts_at=timezone.now() - timedelta(days=30))

    unknown_card = device(world.lecture.pk, {"card": "nope.nope"})
    unknown_person = device(world.lecture.pk, {"person": 999999})
    other_town = device(world.lecture.pk, {"person": world.people["chen"].pk})
    closed = device(last_month.pk, {"person": world.people["li"].pk})
    neither = device(world.lecture.pk, {})

    assert [r.status_code for r in (unknown_card, unknown_person, other_town, closed, neither)] == [
        404,
        404,
        400,
        409,
        400,
    ]
    assert all(r.json()["detail"] for r in (unknown_card, unknown_person, other_town, closed, neither))
    assert AttendanceEntry.objects.count() == 0


def test_a_device_of_another_town_cannot_see_the_activity(world, client):
    out = StringIO()
    call_command("create_api_token", "nantuo", stdout=out)

    response = client.post(
        f"/api/v1/activities/{world.lecture.pk}/attendance",
        {"person": world.people["li"].pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {out.getvalue().strip()}",
    )

    assert response.status_code == 404


def test_activities_are_listed_by_month_with_their_counts(world, sign_in):
    services.check_in(activity=world.lecture, person=world.people["li"], source="roster", recorded_by=None)
    month = timezone.localtime(world.lecture.starts_at).strftime("%Y-%m")

    items = sign_in("office").get(f"/api/v1/activities?town=xinmiao&month={month}").json()["items"]

    lecture = next(item for item in items if item["id"] == world.lecture.pk)
    assert (lecture["title"], lecture["attendance_count"], lecture["evidence_count"], lecture["is_held"]) == (
        "防诈骗知识讲座",
        1,
        0,
        False,
    )


def test_a_device_check_in_is_five_statements_and_a_repeat_four_with_no_write(world, device, django_assert_num_queries):
    device(world.lecture.pk, {"person": world.people["li"].pk})  # the account and its roles, built once

    # the token with its account and roles (read on every request), the activity, the person, the
    # person's current check-in (none), the insert (which counts earlier reversals itself; a
    # trigger writes the participation rollup inside it)
    with django_assert_num_queries(5) as created_queries:
        created = device(world.lecture.pk, {"person": world.people["wang"].pk})
    # a repeat: the same reads, the check-in found; nothing written
    with django_assert_num_queries(4) as repeat_queries:
        repeat = device(world.lecture.pk, {"person": world.people["wang"].pk})

    assert [q["sql"].split()[0] for q in created_queries.captured_queries] == ["SELECT"] * 4 + ["INSERT"]
    assert [q["sql"].split()[0] for q in repeat_queries.captured_queries] == ["SELECT"] * 4
    assert (created.status_code, repeat.status_code) == (201, 200)
    assert created.json() == repeat.json()
    assert created.json()["person"] == "王桂芬"
