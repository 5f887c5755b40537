"""Rate limits per client: sign-in attempts and residents' own check-ins, shared by every process."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from communityedu.activities.models import AttendanceEntry
from communityedu.core.models import RateCounter
from communityedu.core.ratelimit import forget_old_windows, hit
from conftest import RESIDENT_PHONE, RESIDENT_PIN

pytestmark = pytest.mark.django_db


def test_requests_are_counted_per_client_and_window(settings):
    settings.RATE_LIMITS = {"search": (2, 60)}
    moment = datetime(2026, 11, 29, 9, 0, 10, tzinfo=UTC)

    answers = [hit(action="search", client="address:10.0.0.1", now=moment) for _ in range(3)]
    other_client = hit(action="search", client="address:10.0.0.2", now=moment)
    next_window = hit(action="search", client="address:10.0.0.1", now=moment + timedelta(seconds=60))

    assert answers == [(True, 50), (True, 50), (False, 50)]
    assert other_client == (True, 50)
    assert next_window == (True, 50)


def test_sign_in_attempts_beyond_the_address_limit_get_429_with_a_wait_and_are_not_tried(world, settings):
    settings.SIGN_IN_ADDRESS_MAX_FAILURES = 3
    client = Client(REMOTE_ADDR="10.1.2.3")
    for _ in range(3):
        assert client.post("/accounts/sign-in/", {"username": "nobody", "password": "x"}).status_code == 200

    refused = client.post("/accounts/sign-in/", {"username": "office", "password": "Xinmiao@2020"})
    elsewhere = Client(REMOTE_ADDR="10.9.9.9").post(
        "/accounts/sign-in/", {"username": "office", "password": "Xinmiao@2020"}
    )

    assert refused.status_code == 429
    assert 890 <= int(refused["Retry-After"]) <= 900
    assert "_auth_user_id" not in client.session
    assert elsewhere.status_code == 302


def test_a_resident_checking_in_again_and_again_is_slowed_but_counted_once(world, settings):
    # A day-long window: a fixed minute's window could end between the requests of a slow run.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "self-check-in": (2, 86400)}
    client = Client()
    client.post("/accounts/resident-sign-in/", {"phone": RESIDENT_PHONE, "pin": RESIDENT_PIN})
    path = f"/checkin/{world.lecture.check_in_token}/"

    statuses = [client.post(path).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert AttendanceEntry.objects.filter(activity=world.lecture).count() == 1


def test_finished_windows_are_forgotten(settings):
    settings.RATE_LIMITS = {"search": (2, 60), "sign-in": (30, 600)}
    old = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
    hit(action="search", client="address:10.0.0.1", now=old)
    hit(action="search", client="address:10.0.0.1", now=old + timedelta(minutes=30))

    assert forget_old_windows(now=old + timedelta(minutes=31)) == 1
    assert RateCounter.objects.count() == 1


def test_searching_the_library_beyond_the_limit_gets_429_on_the_page_and_the_api(world, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": (2, 86400)}  # see above
    client = Client()
    client.post("/accounts/resident-sign-in/", {"phone": RESIDENT_PHONE, "pin": RESIDENT_PIN})

    pages = [client.get("/learning/search/?q=tjq").status_code for _ in range(3)]
    api = client.get("/api/v1/learning/search?town=xinmiao&q=tjq")

    assert pages == [200, 200, 429]
    assert (api.status_code, "detail" in api.json(), "Retry-After" in api) == (429, True, True)
