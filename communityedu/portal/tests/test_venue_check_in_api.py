"""The venue code over the API: the state before the tap, the resident's own check-in once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from communityedu.activities.models import Activity, AttendanceEntry

pytestmark = pytest.mark.django_db


def test_a_resident_reads_the_state_checks_in_once_and_sees_it(world, sign_in, client):
    sign_in("resident")
    url = f"/api/v1/checkin/{world.lecture.check_in_token}"
    before = client.get(url).json()
    assert (before["title"], before["state"], before["checked_in"]) == ("防诈骗知识讲座", "open", False)
    first = client.post(url)
    again = client.post(url)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["checked_in"] is True
    assert AttendanceEntry.objects.filter(activity=world.lecture, person=world.people["zhang"]).count() == 1


def test_an_unknown_code_is_a_404_and_a_closed_activity_a_409_with_the_reason(world, sign_in, client):
    sign_in("resident")
    unknown = client.get("/api/v1/checkin/no-such-code")
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "This check-in code has expired or is not valid. Please ask the staff."
    Activity.objects.filter(pk=world.lecture.pk).update(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=2)
    )
    url = f"/api/v1/checkin/{world.lecture.check_in_token}"
    assert client.get(url).json()["state"] == "closed"
    closed = client.post(url)
    assert closed.status_code == 409
    assert AttendanceEntry.objects.count() == 0


def test_staff_without_a_person_of_their_own_cannot_check_themselves_in(world, sign_in, client):
    sign_in("office")
    assert client.get(f"/api/v1/checkin/{world.lecture.check_in_token}").status_code == 403
    assert client.post(f"/api/v1/checkin/{world.lecture.check_in_token}").status_code == 403
