"""Check-in without signal: a phone's queue uploaded later, one item or a batch at a time."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from communityedu.activities import offline, services
from communityedu.activities.models import AttendanceEntry
from communityedu.activities.tests.factories import activity
from conftest import RESIDENT_PHONE, ZHANG_ID

CLIENT_A = "0b5f3c9e-2d7a-4c8e-9f1a-6b2d4e8c1a01"
CLIENT_B = "0b5f3c9e-2d7a-4c8e-9f1a-6b2d4e8c1a02"
CLIENT_C = "0b5f3c9e-2d7a-4c8e-9f1a-6b2d4e8c1a03"


@pytest.fixture
def device(world, client):
    out = StringIO()
    call_command("create_api_token", "school", "--scope", "checkin", stdout=out)
    token = out.getvalue().strip()

    def post(path, body):
        return client.post(
            f"/api/v1/activities/{path}", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )

    return post


def _iso(moment) -> str:
    return timezone.localtime(moment).isoformat()


def test_an_offline_scan_answers_201_then_200_with_the_same_record_for_its_client_id(world, device):
    scanned = timezone.now() - timedelta(minutes=10)
    body = {"person": world.people["li"].pk, "client_id": CLIENT_A, "scanned_at": _iso(scanned)}

    first = device(f"{world.lecture.pk}/attendance", body)
    again = device(f"{world.lecture.pk}/attendance", body)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert first.json()["source"] == "offline_sync"
    assert first.json()["client_id"] == CLIENT_A
    entry = AttendanceEntry.objects.get(activity=world.lecture)
    assert entry.scanned_at == scanned.replace(microsecond=scanned.microsecond)
    assert entry.created_at > entry.scanned_at


def test_a_second_device_scanning_the_same_person_gets_200_with_the_first_record(world, device):
    first = device(
        f"{world.lecture.pk}/attendance",
        {"person": world.people["li"].pk, "client_id": CLIENT_A, "scanned_at": _iso(timezone.now())},
    )
    other = device(
        f"{world.lecture.pk}/attendance",
        {"person": world.people["li"].pk, "client_id": CLIENT_B, "scanned_at": _iso(timezone.now())},
    )

    assert (first.status_code, other.status_code) == (201, 200)
    assert other.json()["id"] == first.json()["id"]
    assert AttendanceEntry.objects.filter(activity=world.lecture).count() == 1


def test_a_scan_outside_the_window_or_uploaded_after_72_hours_is_refused_with_409_and_its_reason(world, device):
    three_days_ago = activity(world, starts_at=timezone.now() - timedelta(days=3), hours=2)
    four_days_ago = activity(world, starts_at=timezone.now() - timedelta(days=4), hours=2)

    before_window = device(
        f"{three_days_ago.pk}/attendance",
        {
            "person": world.people["li"].pk,
            "client_id": CLIENT_A,
            "scanned_at": _iso(three_days_ago.starts_at - timedelta(minutes=61)),
        },
    )
    in_window = device(
        f"{three_days_ago.pk}/attendance",
        {
            "person": world.people["li"].pk,
            "client_id": CLIENT_B,
            "scanned_at": _iso(three_days_ago.starts_at + timedelta(minutes=5)),
        },
    )
    too_late = device(
        f"{four_days_ago.pk}/attendance",
        {
            "person": world.people["li"].pk,
            "client_id": CLIENT_C,
            "scanned_at": _iso(four_days_ago.starts_at + timedelta(minutes=5)),
        },
    )

    assert (before_window.status_code, in_window.status_code, too_late.status_code) == (409, 201, 409)
    assert before_window.json()["detail"] == "扫码时间不在签到时段内（活动开始前一小时至结束后一小时）。"
    assert too_late.json()["detail"] == "签到结束后超过 72 小时才上传。"
    assert AttendanceEntry.objects.filter(activity__in=[three_days_ago, four_days_ago]).count() == 1


def test_without_a_scan_time_a_closed_activity_still_refuses_a_device(world, device):
    last_week = activity(world, starts_at=timezone.now() - timedelta(days=7))

    response = device(f"{last_week.pk}/attendance", {"person": world.people["li"].pk, "client_id": CLIENT_A})

    assert response.status_code == 409
    assert AttendanceEntry.objects.count() == 0


def test_a_batch_answers_each_item_in_order_and_a_repeated_client_id_is_already_recorded(world, device):
    card = services.issue_learning_card(person=world.people["wang"], actor=None)
    now = timezone.now()
    batch = {
        "sent_at": _iso(now),
        "items": [
            {"person": world.people["li"].pk, "client_id": CLIENT_A, "scanned_at": _iso(now)},
            {"card": card.token, "client_id": CLIENT_B, "scanned_at": _iso(now)},
            {"card": "forged.token", "client_id": CLIENT_C, "scanned_at": _iso(now)},
            {"person": world.people["li"].pk, "client_id": CLIENT_A, "scanned_at": _iso(now)},
        ],
    }

    first = device(f"{world.lecture.pk}/attendance/batch", batch)
    replay = device(f"{world.lecture.pk}/attendance/batch", batch)

    assert first.status_code == 200
    assert first.json() == {
        "items": [
            {"client_id": CLIENT_A, "status": "recorded", "reason": ""},
            {"client_id": CLIENT_B, "status": "recorded", "reason": ""},
            {"client_id": CLIENT_C, "status": "refused", "reason": "学习卡未知或已补办。"},
            {"client_id": CLIENT_A, "status": "already_recorded", "reason": ""},
        ]
    }
    assert [item["status"] for item in replay.json()["items"]] == [
        "already_recorded",
        "already_recorded",
        "refused",
        "already_recorded",
    ]
    assert AttendanceEntry.objects.filter(activity=world.lecture, source="offline_sync").count() == 2


def test_a_device_clock_an_hour_late_has_its_scan_times_corrected_by_the_difference(world, device):
    now = timezone.now()
    late = now - timedelta(hours=1)

    response = device(
        f"{world.lecture.pk}/attendance/batch",
        {
            "sent_at": _iso(late),
            "items": [
                {
                    "person": world.people["li"].pk,
                    "client_id": CLIENT_A,
                    "scanned_at": _iso(late - timedelta(minutes=5)),
                }
            ],
        },
    )

    assert response.json()["items"][0]["status"] == "recorded"
    scanned = AttendanceEntry.objects.get(activity=world.lecture).scanned_at
    assert timedelta(minutes=4) <= now - scanned <= timedelta(minutes=6)


def test_a_clock_within_two_minutes_is_trusted_as_it_is(world, device):
    now = timezone.now()
    scanned = now - timedelta(minutes=20)

    device(
        f"{world.lecture.pk}/attendance/batch",
        {
            "sent_at": _iso(now - timedelta(seconds=90)),
            "items": [{"person": world.people["li"].pk, "client_id": CLIENT_A, "scanned_at": _iso(scanned)}],
        },
    )

    assert AttendanceEntry.objects.get(activity=world.lecture).scanned_at == scanned


def test_a_batch_of_501_items_or_an_item_without_person_or_card_is_refused_whole_with_400(world, device):
    now = _iso(timezone.now())
    item = {"person": world.people["li"].pk, "scanned_at": now}
    too_many = device(
        f"{world.lecture.pk}/attendance/batch",
        {
            "sent_at": now,
            "items": [item | {"client_id": f"00000000-0000-4000-8000-{n:012d}"} for n in range(501)],
        },
    )
    neither = device(
        f"{world.lecture.pk}/attendance/batch",
        {"sent_at": now, "items": [item | {"client_id": CLIENT_A}, {"client_id": CLIENT_B, "scanned_at": now}]},
    )

    assert (too_many.status_code, neither.status_code) == (400, 400)
    assert neither.json()["errors"] == [{"field": "items[1].person", "message": "Give either person or card."}]
    assert AttendanceEntry.objects.count() == 0


def test_a_scan_time_without_offset_is_refused_naming_the_field(world, device):
    response = device(
        f"{world.lecture.pk}/attendance",
        {"person": world.people["li"].pk, "client_id": CLIENT_A, "scanned_at": "2026-12-05T09:30:00"},
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "scanned_at"


def test_the_roll_kept_for_offline_use_holds_names_groups_and_keyed_card_hashes_only(world, client):
    lecture = world.lecture
    lecture.village = world.yiyang
    lecture.save(update_fields=["village"])
    card = services.issue_learning_card(person=world.people["zhang"], actor=None)
    client.force_login(world.accounts["school"])

    response = client.get(f"/activities/{lecture.pk}/offline/roll.json")

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    data = response.json()
    zhang = next(person for person in data["people"] if person["id"] == world.people["zhang"].pk)
    assert set(zhang) == {"id", "name", "group", "cards"}
    assert zhang["cards"] == [offline.card_hash(bytes.fromhex(data["key"]), card.token)]
    assert card.token not in response.content.decode()
    assert ZHANG_ID not in response.content.decode()
    assert RESIDENT_PHONE not in response.content.decode()
    assert data["activity"]["kept_until"] == (lecture.ends_at + timedelta(days=3)).isoformat()
    assert data["upload_url"] == f"/api/v1/activities/{lecture.pk}/attendance/batch"


def test_the_service_worker_may_control_the_site_and_the_manifest_makes_the_page_installable(client):
    worker = client.get("/activities/offline/service-worker.js")
    manifest = client.get("/activities/offline/manifest.webmanifest")

    assert worker["Service-Worker-Allowed"] == "/"
    assert worker["Content-Type"] == "text/javascript; charset=utf-8"
    assert b"/static/vendor/jsqr.js" in worker.content
    assert manifest["Content-Type"] == "application/manifest+json"
    assert manifest.json()["display"] == "standalone"
