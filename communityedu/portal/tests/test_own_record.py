"""A resident sees and downloads their own record (PIPL's right of access) — attendance, learning,
points, the personal data held, masked — and can close their own account with the PIN: disabled,
every session ends, the person stays in the register."""

import io
import json
import zipfile
from datetime import date

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from python_calamine import CalamineWorkbook

from communityedu.accounts.services import create_api_token
from communityedu.activities import services as activity_services
from communityedu.activities.constants import AttendanceSource
from communityedu.core.models import AuditAction, AuditLogEntry
from communityedu.incentives import services as incentive_services
from communityedu.incentives.tests.test_points import _joined, _lecture
from communityedu.people.models import Person
from conftest import RESIDENT_PHONE, RESIDENT_PIN, ZHANG_ID

OTHER_PHONE = "13900000002"


def _attended(world):
    """张秀英 and 李德福 both attended the lecture; 李德福 has a phone of his own."""
    for key in ("zhang", "li"):
        activity_services.check_in(
            activity=world.lecture,
            person=world.people[key],
            source=AttendanceSource.CARD_SCAN,
            recorded_by=world.accounts["office"],
        )
    li = world.people["li"]
    li.set_phone(OTHER_PHONE)
    li.save()


def test_the_record_page_shows_the_residents_attendance_and_masked_numbers_and_nobody_elses(world, sign_in):
    _attended(world)

    response = sign_in("resident").get("/portal/record/")

    page = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert "防诈骗知识讲座" in page
    assert "138****0000" in page
    assert "500102********0026" in page
    for secret in (RESIDENT_PHONE, ZHANG_ID, "李德福", OTHER_PHONE, "139****0002"):
        assert secret not in page
    assert 'href="/portal/record/my-record.xlsx"' in page
    assert 'name="pin"' in page


def test_the_download_holds_the_record_with_no_full_number_and_is_audited(world, sign_in):
    _attended(world)

    response = sign_in("resident").get("/portal/record/my-record.xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="my-record.xlsx"'
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert workbook.sheet_names == ["个人信息", "参加的活动", "报名记录", "线上学习", "积分", "证明"]
    personal = {row[0]: row[1] for row in workbook.get_sheet_by_name("个人信息").to_python()[1:]}
    assert (personal["姓名"], personal["电话"], personal["身份证号"]) == ("张秀英", "138****0000", "500102********0026")
    attended = workbook.get_sheet_by_name("参加的活动").to_python()
    assert [row[1] for row in attended[1:]] == ["防诈骗知识讲座"]
    # The PII scan: no full number anywhere in the file's XML, nor the other attendee.
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        xml = "".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    for secret in (RESIDENT_PHONE, ZHANG_ID, ZHANG_ID[-6:], "李德福", OTHER_PHONE):
        assert secret not in xml
    entry = AuditLogEntry.objects.get(action=AuditAction.EXPORT, object_label="own record")
    assert (entry.actor, entry.object_id) == (world.accounts["resident"], str(world.people["zhang"].pk))


def test_the_api_answers_the_same_record_to_the_resident(world):
    _attended(world)
    token = create_api_token(user=world.accounts["resident"], name="手机")

    response = Client().get("/api/v1/me/record", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    record = response.json()
    assert record["personal_data"]["phone"] == "138****0000"
    assert record["personal_data"]["id_number"] == "500102********0026"
    assert record["personal_data"]["name"] == "张秀英"
    assert [(row["activity"], row["role"]) for row in record["attendance"]] == [("防诈骗知识讲座", "参加者")]
    assert record["points"] == []  # not a part-time teacher or volunteer
    text = json.dumps(record, ensure_ascii=False)
    for secret in (RESIDENT_PHONE, ZHANG_ID, "李德福", OTHER_PHONE):
        assert secret not in text


def test_staff_without_a_record_of_their_own_are_refused_and_visitors_sent_to_sign_in(world, sign_in):
    assert sign_in("office").get("/portal/record/").status_code == 403
    visitor = Client().get("/portal/record/my-record.xlsx")
    assert visitor.status_code == 302
    assert visitor["Location"].startswith("/accounts/resident-sign-in/")


def test_a_wrong_pin_closes_nothing_and_counts_as_a_failed_sign_in(world, sign_in):
    response = sign_in("resident").post("/portal/record/close/", {"pin": "999999"})

    assert response.status_code == 400
    assert "密码不对。" in response.content.decode()
    resident = get_user_model().objects.get(pk=world.accounts["resident"].pk)
    assert (resident.is_active, resident.failed_sign_in_count) == (True, 1)


def test_the_resident_closes_the_account_with_the_pin_and_every_session_ends_but_the_register_keeps_them(
    world, sign_in
):
    other_device = Client()
    other_device.post("/accounts/resident-sign-in/", {"phone": RESIDENT_PHONE, "pin": RESIDENT_PIN})
    client = sign_in("resident")

    response = client.post("/portal/record/close/", {"pin": RESIDENT_PIN}, follow=True)

    assert response.redirect_chain == [("/portal/", 302)]
    assert "您的账号已注销。村学习中心可以为您重新开通。" in response.content.decode()
    resident = get_user_model().objects.get(pk=world.accounts["resident"].pk)
    assert (resident.is_active, resident.disabled_reason) == (False, "居民本人注销")
    zhang = Person.objects.get(pk=world.people["zhang"].pk)
    assert (zhang.left_register_on, zhang.account_id) == (None, resident.pk)
    assert other_device.get("/portal/record/").status_code == 302
    assert client.get("/portal/record/").status_code == 302
    again = Client().post("/accounts/resident-sign-in/", {"phone": RESIDENT_PHONE, "pin": RESIDENT_PIN})
    assert again.status_code == 200  # refused: the sign-in form again
    entry = AuditLogEntry.objects.get(object_type="accounts.User", object_id=str(resident.pk), action="update")
    assert (entry.actor, entry.changes) == (resident, {"is_active": [True, False], "reason": [None, "居民本人注销"]})


def test_the_api_closes_the_residents_own_account_and_its_token_stops(world):
    token = create_api_token(user=world.accounts["resident"], name="手机")
    device = Client(headers={"authorization": f"Bearer {token}"})

    wrong = device.post("/api/v1/me/close", {"pin": "999999"}, content_type="application/json")
    closed = device.post("/api/v1/me/close", {"pin": RESIDENT_PIN}, content_type="application/json")

    assert wrong.status_code == 400
    assert wrong.json()["errors"] == [{"field": "pin", "message": "密码不对。"}]
    assert (closed.status_code, closed.json()) == (200, {"closed": True})
    assert device.get("/api/v1/me/record").status_code == 401
    assert not get_user_model().objects.get(pk=world.accounts["resident"].pk).is_active


def test_a_staff_account_with_a_record_reads_it_but_cannot_close_itself_there(world, sign_in):
    client = sign_in("teacher")

    assert client.get("/portal/record/").status_code == 200
    assert 'name="pin"' not in client.get("/portal/record/").content.decode()
    assert client.post("/portal/record/close/", {"pin": "whatever"}).status_code == 403
    assert client.post("/api/v1/me/close", {"pin": "whatever"}, content_type="application/json").status_code == 403
    assert get_user_model().objects.get(pk=world.accounts["teacher"].pk).is_active


def test_wrong_pins_from_one_address_throttle_the_closing_as_they_throttle_sign_in(world, settings):
    settings.SIGN_IN_ADDRESS_MAX_FAILURES = 2
    token = create_api_token(user=world.accounts["resident"], name="手机")
    device = Client(headers={"authorization": f"Bearer {token}"})
    for _attempt in range(2):
        assert device.post("/api/v1/me/close", {"pin": "999999"}, content_type="application/json").status_code == 400

    throttled = device.post("/api/v1/me/close", {"pin": RESIDENT_PIN}, content_type="application/json")

    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert get_user_model().objects.get(pk=world.accounts["resident"].pk).is_active


def test_a_volunteers_record_carries_the_points_of_each_year_attended_and_this_year(world, sign_in):
    teacher = world.people["teacher"]  # 王志明: a staff account with a person record of its own
    incentive_services.save_team_member(
        actor=None,
        town=world.xinmiao,
        person=teacher,
        values={"category": "volunteer", "specialities": "", "employer": world.civil_affairs},
    )
    _lecture(world, teacher, date(2020, 5, 9))
    _joined(world, teacher, date(2020, 6, 5))

    record = sign_in("teacher").get("/api/v1/me/record").json()

    this_year = timezone.localdate().year
    assert record["points"] == [
        {"year": this_year, "employer": "民政办", "lectures": 0, "activities": 0, "earned": "0", "granted": "0"},
        {"year": 2020, "employer": "民政办", "lectures": 1, "activities": 1, "earned": "1.1", "granted": "1.1"},
    ]
    assert [row["activity"] for row in record["attendance"]] == ["坝坝舞"]
