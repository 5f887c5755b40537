"""The first page over the API answers what the page shows, for the caller's role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from communityedu.activities import services as activity_services
from communityedu.activities.constants import ActivityKind
from communityedu.organization import services as org_services

pytestmark = pytest.mark.django_db


def test_a_centre_director_reads_the_village_section_through_the_api(world, sign_in):
    now = timezone.now()
    org_services.set_population(
        village=world.yiyang, year=timezone.localdate().year, resident_population=10, actor=None
    )
    running = activity_services.schedule_activity(
        actor=world.accounts["office"],
        town=world.xinmiao,
        values={
            "title": "弋阳村手机培训",
            "kind": ActivityKind.TRAINING,
            "organiser": world.yiyang_centre,
            "village": world.yiyang,
            "venue_place": "弋阳村文化广场",
            "starts_at": now - timedelta(minutes=10),
            "ends_at": now + timedelta(hours=2),
        },
    )
    body = sign_in("center").get("/api/v1/me/first-page?town=xinmiao").json()
    assert body["sections"] == ["director"]
    village = body["director"]["villages"][0]
    assert (village["village"], village["population"], village["participants"]) == ("弋阳村", 10, 0)
    assert [a["id"] for a in village["roll_to_take"]] == [running.pk]
    assert village["residents_still_missing"] == 7  # 70% of 10, none yet
    assert body["duty"] is None


def test_a_teacher_reads_their_duty_section_and_a_resident_is_refused(world, sign_in, client):
    body = sign_in("teacher").get("/api/v1/me/first-page?town=xinmiao").json()
    assert body["sections"] == ["duty"]
    assert body["duty"]["linked"] is True
    client.post("/accounts/sign-out/")
    sign_in("resident")
    assert client.get("/api/v1/me/first-page?town=xinmiao").status_code == 403
