"""A person leaves the register (moved away, deceased, other): the town office or the director of the
person's village records it on the person's page or over the API; their account stops at once
(session and token refused on the next request), the history stays, and the register's list no
longer shows them unless asked."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from communityedu.accounts.services import create_api_token
from communityedu.core.models import AuditAction, AuditLogEntry
from communityedu.people.models import Person
from conftest import RESIDENT_PHONE, RESIDENT_PIN

LEFT_ON = "2026-11-30"


def _resident_session() -> Client:
    client = Client()
    response = client.post("/accounts/resident-sign-in/", {"phone": RESIDENT_PHONE, "pin": RESIDENT_PIN})
    assert response.status_code == 302
    assert client.get("/portal/record/").status_code == 200
    return client


def test_the_office_records_a_move_and_the_residents_session_and_token_are_refused_on_the_next_request(world, sign_in):
    zhang, resident = world.people["zhang"], world.accounts["resident"]
    session = _resident_session()
    token = create_api_token(user=resident, name="手机")
    assert Client().get("/api/v1/me/record", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200

    response = sign_in("office").post(f"/people/{zhang.pk}/leave/", {"on": LEFT_ON, "reason": "moved"}, follow=True)

    assert response.redirect_chain == [(f"/people/{zhang.pk}/", 302)]
    page = response.content.decode()
    assert "张秀英已离开登记册，其账号已停用。" in page
    assert "2026年11月30日离开登记册：迁出。" in page
    zhang.refresh_from_db()
    assert (zhang.left_register_on, zhang.left_reason) == (date(2026, 11, 30), "moved")
    resident.refresh_from_db()
    assert (resident.is_active, resident.disabled_reason) == (False, "已离开登记册：迁出")
    assert zhang.account_id == resident.pk  # the history and the link stay
    next_page = session.get("/portal/record/")
    assert next_page.status_code == 302
    assert next_page["Location"].startswith("/accounts/resident-sign-in/")
    assert Client().get("/api/v1/me/record", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    entries = AuditLogEntry.objects.filter(actor=world.accounts["office"], action=AuditAction.UPDATE)
    assert entries.get(object_type="people.Person", object_id=str(zhang.pk)).changes == {
        "left_register_on": [None, LEFT_ON],
        "left_reason": [None, "moved"],
    }
    assert entries.get(object_type="accounts.User", object_id=str(resident.pk)).changes == {
        "is_active": [True, False],
        "reason": [None, "已离开登记册：迁出"],
        "api_tokens_revoked": [None, 1],
    }


def test_the_person_who_left_is_not_in_the_default_list_and_the_left_filter_shows_only_them(world, sign_in):
    client = sign_in("office")
    done = client.post(f"/people/{world.people['li'].pk}/leave/", {"on": LEFT_ON, "reason": "deceased"}, follow=True)
    assert "李德福已离开登记册。" in done.content.decode()  # no account to disable

    default = client.get("/people/").content.decode()
    left = client.get("/people/?status=left").content.decode()
    everyone = client.get("/people/?status=all").content.decode()

    assert "李德福" not in default
    assert "张秀英" in default
    assert "李德福" in left
    assert "张秀英" not in left
    assert "李德福" in everyone
    assert "张秀英" in everyone


def test_the_village_director_records_leaving_and_the_school_may_not(world, sign_in):
    li = world.people["li"]

    refused = sign_in("school").post(f"/people/{li.pk}/leave/", {"on": LEFT_ON, "reason": "moved"})
    li.refresh_from_db()
    assert refused.status_code == 403
    assert li.left_register_on is None

    allowed = sign_in("center").post(f"/people/{li.pk}/leave/", {"on": LEFT_ON, "reason": "other"})
    li.refresh_from_db()
    assert allowed.status_code == 302
    assert (li.left_register_on, li.left_reason) == (date(2026, 11, 30), "other")


def test_the_director_of_another_village_does_not_find_the_person(world, sign_in):
    wang = world.people["wang"]  # 十字村: not the 弋阳村 centre's village

    response = sign_in("center").post(f"/people/{wang.pk}/leave/", {"on": LEFT_ON, "reason": "moved"})

    assert response.status_code == 404
    assert Person.objects.get(pk=wang.pk).left_register_on is None


def test_a_day_in_the_future_is_refused_beside_the_field_and_nothing_changes(world, sign_in):
    zhang = world.people["zhang"]
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = sign_in("office").post(f"/people/{zhang.pk}/leave/", {"on": tomorrow, "reason": "moved"})

    assert response.status_code == 400
    assert "离开日期不能晚于今天。" in response.content.decode()
    zhang.refresh_from_db()
    assert zhang.left_register_on is None
    assert get_user_model().objects.get(pk=world.accounts["resident"].pk).is_active


def test_the_api_records_leaving_and_answers_the_account_disabled(world, sign_in):
    zhang = world.people["zhang"]

    response = sign_in("office").post(
        f"/api/v1/people/{zhang.pk}/leave", {"on": LEFT_ON, "reason": "deceased"}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json() == {
        "id": zhang.pk,
        "left_register_on": LEFT_ON,
        "left_reason": "deceased",
        "account_state": "disabled",
    }
    assert get_user_model().objects.get(pk=world.accounts["resident"].pk).disabled_reason == "已离开登记册：去世"


def test_the_api_refuses_a_second_leaving_an_unknown_reason_and_a_person_outside_the_scope(world, sign_in):
    zhang = world.people["zhang"]
    client = sign_in("office")
    client.post(f"/api/v1/people/{zhang.pk}/leave", {"on": LEFT_ON, "reason": "moved"}, content_type="application/json")

    again = client.post(
        f"/api/v1/people/{zhang.pk}/leave", {"on": "2026-12-01", "reason": "moved"}, content_type="application/json"
    )
    unknown = client.post(
        f"/api/v1/people/{world.people['li'].pk}/leave",
        {"on": LEFT_ON, "reason": "emigrated"},
        content_type="application/json",
    )
    elsewhere = client.post(
        f"/api/v1/people/{world.people['chen'].pk}/leave",
        {"on": LEFT_ON, "reason": "moved"},
        content_type="application/json",
    )

    assert again.status_code == 400
    assert again.json()["errors"] == [{"field": "on", "message": "此人已于2026-11-30离开登记册。"}]
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["field"] == "reason"
    assert elsewhere.status_code == 404
    assert Person.objects.get(pk=zhang.pk).left_register_on == date(2026, 11, 30)
    assert Person.objects.filter(left_register_on__isnull=False).count() == 1


def test_the_api_lists_the_register_without_the_people_who_left_unless_asked(world, sign_in):
    client = sign_in("office")
    client.post(
        f"/api/v1/people/{world.people['li'].pk}/leave",
        {"on": LEFT_ON, "reason": "moved"},
        content_type="application/json",
    )

    current = client.get("/api/v1/people?town=xinmiao").json()
    left = client.get("/api/v1/people?town=xinmiao&status=left").json()

    assert sorted(item["name"] for item in current["items"]) == sorted(["张秀英", "王桂芬", "王志明"])
    assert current["count"] == 3
    assert [(item["name"], item["left_register_on"], item["left_reason"]) for item in left["items"]] == [
        ("李德福", LEFT_ON, "moved")
    ]
    assert left["count"] == 1
