"""Reminders of tomorrow's activities: on the portal's home always, by SMS the day before for a
resident who opted in, once per registration and never at night."""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from communityedu.accounts.services import disable_account
from communityedu.activities import services as activity_services
from communityedu.activities.models import ActivityReminder
from communityedu.activities.reminders import services as reminder_services
from communityedu.activities.tests import test_concurrent_check_in
from communityedu.activities.tests.factories import activity
from communityedu.core.models import AuditLogEntry
from communityedu.messaging.backends import read_file_outbox
from communityedu.messaging.models import SmsRecord

shared_world = test_concurrent_check_in.shared_world


@pytest.fixture(autouse=True)
def _sms_outbox_in_tmp(settings, tmp_path):
    settings.SMS_FILE_DIR = tmp_path / "sms"
    settings.SMS_FILE_COUNTS_AS_SENT = True


@pytest.fixture
def day() -> date:
    """A day soon after today, whose evening and next morning the tests travel to."""
    return timezone.localdate() + timedelta(days=2)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), timezone.get_default_timezone())


def travel(moment: datetime):
    return time_machine.travel(moment, tick=False)


def registered(world, *, starts_at: datetime, title: str = "太极拳入门班", person=None, **values):
    """An activity of the resident's town with ``person`` (the resident) registered for it."""
    scheduled = activity(world, title=title, kind="training", starts_at=starts_at, **values)
    activity_services.register(
        person=person or world.people["zhang"], activity=scheduled, actor=world.accounts["resident"]
    )
    return scheduled


def run_periodic_jobs() -> str:
    out = StringIO()
    call_command("run_periodic_jobs", "--once", stdout=out)
    return out.getvalue()


def opt_in(client) -> None:
    response = client.post("/accounts/security/sms-reminders/", {"sms_reminders": "on"})
    assert response.status_code == 302


# ---- the portal's home and the API ----------------------------------------------------------------


def test_the_portal_home_shows_tomorrows_registered_activity_with_time_and_place(world, sign_in, day):
    with travel(at(day, 10)):
        registered(world, starts_at=at(day + timedelta(days=1), 9, 30), venue_place="弋阳村文化广场")
        home = sign_in("resident").get("/portal/")

    assert [a.title for a in home.context["tomorrow"]] == ["太极拳入门班"]
    section = home.content.decode().split('id="tomorrow"')[1].split("</section>")[0]
    assert "明天的活动" in section
    assert "明天 上午9点半–上午11点半" in section
    assert "弋阳村文化广场" in section


def test_the_portal_home_leaves_out_other_days_unregistered_and_cancelled_ones(world, sign_in, day):
    tomorrow = day + timedelta(days=1)
    with travel(at(day, 10)):
        registered(world, title="书法班", starts_at=at(tomorrow, 14))
        registered(world, title="后天的讲座", starts_at=at(tomorrow + timedelta(days=1), 9))
        registered(world, title="今天的讲座", starts_at=at(day, 15))
        activity(world, title="没报名的讲座", starts_at=at(tomorrow, 9))
        withdrawn = registered(world, title="取消报名的讲座", starts_at=at(tomorrow, 10))
        activity_services.cancel_registration(
            person=world.people["zhang"], activity=withdrawn, actor=world.accounts["resident"]
        )
        called_off = registered(world, title="取消了的活动", starts_at=at(tomorrow, 16))
        activity_services.cancel_activity(activity=called_off, actor=world.accounts["office"], reason="下雨")
        someone_else = registered(world, title="李大爷的活动", starts_at=at(tomorrow, 8), person=world.people["li"])
        home = sign_in("resident").get("/portal/")

    assert someone_else.registrations.count() == 1
    assert [a.title for a in home.context["tomorrow"]] == ["书法班"]


def test_the_portal_home_of_a_visitor_has_no_tomorrow_section(world, client):
    home = client.get("/portal/")

    assert home.context["tomorrow"] == []
    assert 'id="tomorrow"' not in home.content.decode()


def test_the_api_lists_the_residents_activities_of_tomorrow(world, sign_in, day):
    with travel(at(day, 10)):
        tai_chi = registered(world, starts_at=at(day + timedelta(days=1), 9, 30), venue_place="弋阳村文化广场")
        registered(world, title="后天的讲座", starts_at=at(day + timedelta(days=2), 9))
        answer = sign_in("resident").get("/api/v1/portal/tomorrow")

    assert answer.status_code == 200
    assert answer.json() == {
        "items": [
            {
                "id": tai_chi.pk,
                "title": "太极拳入门班",
                "kind": "training",
                "day": (day + timedelta(days=1)).isoformat(),
                "starts_at": f"{(day + timedelta(days=1)).isoformat()}T01:30:00Z",  # 09:30 in Shanghai
                "ends_at": f"{(day + timedelta(days=1)).isoformat()}T03:30:00Z",
                "venue": "弋阳村文化广场",
                "village": None,
            }
        ],
        "count": 1,
    }


def test_the_api_refuses_the_tomorrow_list_to_staff_without_a_person_record(world, sign_in):
    answer = sign_in("office").get("/api/v1/portal/tomorrow")

    assert answer.status_code == 403
    assert answer.json()["detail"] == "Only residents have activities they registered for"


# ---- the opt-in on the security page ---------------------------------------------------------------


def test_a_resident_turns_sms_reminders_on_and_off_on_the_security_page_and_each_is_audited(world, sign_in):
    client = sign_in("resident")
    resident = world.accounts["resident"]

    before = client.get("/accounts/security/").content.decode()
    turned_on = client.post("/accounts/security/sms-reminders/", {"sms_reminders": "on"}, follow=True)
    resident.refresh_from_db()
    on = resident.sms_reminders
    turned_off = client.post("/accounts/security/sms-reminders/", {"sms_reminders": "off"}, follow=True)
    resident.refresh_from_db()

    assert "短信提醒" in before
    assert 'value="on">开启短信提醒' in before
    assert [str(m) for m in turned_on.context["messages"]] == ["短信提醒已开启：您报名的活动前一天会收到短信。"]
    assert "已开启：您报名的活动前一天，会发短信到 138****0000（8:00 至 21:00 之间）。" in turned_on.content.decode()
    assert 'value="off">关闭短信提醒' in turned_on.content.decode()
    assert (on, resident.sms_reminders) == (True, False)
    assert [str(m) for m in turned_off.context["messages"]] == ["短信提醒已关闭。明天的活动仍会显示在首页。"]
    entries = AuditLogEntry.objects.filter(object_type="accounts.User", object_id=str(resident.pk)).order_by("id")
    assert [e.changes for e in entries if "sms_reminders" in e.changes] == [
        {"sms_reminders": [False, True]},
        {"sms_reminders": [True, False]},
    ]
    assert {e.actor_id for e in entries if "sms_reminders" in e.changes} == {resident.pk}


def test_turning_sms_reminders_on_twice_records_one_change(world, sign_in):
    client = sign_in("resident")

    opt_in(client)
    opt_in(client)

    changes = [
        e.changes for e in AuditLogEntry.objects.filter(object_type="accounts.User") if "sms_reminders" in e.changes
    ]
    assert changes == [{"sms_reminders": [False, True]}]


def test_an_sms_reminders_choice_other_than_on_or_off_is_refused_with_a_message(world, sign_in):
    client = sign_in("resident")

    answer = client.post("/accounts/security/sms-reminders/", {"sms_reminders": "yes please"})

    world.accounts["resident"].refresh_from_db()
    assert answer.status_code == 400
    assert "请选择开启或关闭短信提醒。" in answer.content.decode()
    assert world.accounts["resident"].sms_reminders is False


def test_the_security_page_offers_no_sms_reminders_where_sms_is_not_configured(world, sign_in, settings):
    settings.SMS_FILE_COUNTS_AS_SENT = False

    page = sign_in("resident").get("/accounts/security/").content.decode()

    assert "短信提醒" not in page


def test_the_security_page_of_staff_offers_no_sms_reminders(world, sign_in):
    page = sign_in("office").get("/accounts/security/").content.decode()

    assert "短信提醒" not in page


# ---- the periodic job -----------------------------------------------------------------------------


def test_the_periodic_jobs_send_the_reminder_the_day_before_once(world, sign_in, day):
    with travel(at(day, 10)):
        opt_in(sign_in("resident"))
        tai_chi = registered(world, starts_at=at(day + timedelta(days=1), 9, 30), venue_place="弋阳村文化广场")
        first = run_periodic_jobs()
        again = run_periodic_jobs()

    assert "activity reminders sent: 1" in first
    assert "activity reminders sent" not in again
    assert [(m["phone"], m["template"], m["text"]) for m in read_file_outbox()] == [
        (
            "13800000000",
            "activity_reminder",
            "提醒：您报名的太极拳入门班将于明天上午9点半在弋阳村文化广场举行，请准时参加。",
        )
    ]
    reminder = ActivityReminder.objects.get()
    assert (reminder.registration.activity, reminder.masked_phone, reminder.sms_status) == (
        tai_chi,
        "138****0000",
        "sent",
    )
    assert list(SmsRecord.objects.values_list("phone_masked", "template", "purpose", "status")) == [
        ("138****0000", "activity_reminder", "activity_reminder", "sent")
    ]


def test_a_run_at_night_sends_nothing_and_the_first_run_in_the_day_sends(world, sign_in, day):
    with travel(at(day, 7, 59)):
        opt_in(sign_in("resident"))
        registered(world, starts_at=at(day + timedelta(days=1), 14))
        early = reminder_services.send_tomorrows_reminders()
    with travel(at(day, 8)):
        morning = reminder_services.send_tomorrows_reminders()

    assert (early, morning) == (0, 1)
    assert len(read_file_outbox()) == 1


def test_a_registration_made_at_22_gets_no_sms_at_night_nor_on_the_day_itself(world, sign_in, day):
    with travel(at(day, 22)):
        opt_in(sign_in("resident"))
        registered(world, starts_at=at(day + timedelta(days=1), 14))
        night = run_periodic_jobs()
    with travel(at(day + timedelta(days=1), 8)):
        same_day = run_periodic_jobs()

    assert "activity reminders sent" not in night + same_day
    assert read_file_outbox() == []
    assert not ActivityReminder.objects.exists()


def test_the_last_minute_before_21_sends_and_21_does_not(world, sign_in, day):
    tomorrow = day + timedelta(days=1)
    with travel(at(day, 20, 59)):
        opt_in(sign_in("resident"))
        registered(world, title="书法班", starts_at=at(tomorrow, 9))
        before_nine = reminder_services.send_tomorrows_reminders()
        registered(world, title="象棋比赛", starts_at=at(tomorrow, 15))
    with travel(at(day, 21)):
        at_nine = reminder_services.send_tomorrows_reminders()

    assert (before_nine, at_nine) == (1, 0)
    assert [m["params"]["title"] for m in read_file_outbox()] == ["书法班"]


def test_no_sms_to_a_resident_who_did_not_opt_in_or_opted_out(world, sign_in, day):
    with travel(at(day, 10)):
        client = sign_in("resident")
        registered(world, starts_at=at(day + timedelta(days=1), 9))
        never = reminder_services.send_tomorrows_reminders()
        opt_in(client)
        client.post("/accounts/security/sms-reminders/", {"sms_reminders": "off"})
        opted_out = reminder_services.send_tomorrows_reminders()

    assert (never, opted_out) == (0, 0)
    assert read_file_outbox() == []
    assert not ActivityReminder.objects.exists()


def test_no_sms_where_sms_is_not_configured(world, sign_in, day, settings):
    with travel(at(day, 10)):
        opt_in(sign_in("resident"))
        registered(world, starts_at=at(day + timedelta(days=1), 9))
        settings.SMS_FILE_COUNTS_AS_SENT = False
        output = run_periodic_jobs()

    assert "activity reminders sent" not in output
    assert read_file_outbox() == []
    assert not SmsRecord.objects.exists()


def test_no_sms_for_a_cancelled_registration_a_cancelled_activity_or_a_disabled_account(world, sign_in, day):
    tomorrow = day + timedelta(days=1)
    with travel(at(day, 10)):
        opt_in(sign_in("resident"))
        withdrawn = registered(world, title="取消报名的讲座", starts_at=at(tomorrow, 10))
        activity_services.cancel_registration(
            person=world.people["zhang"], activity=withdrawn, actor=world.accounts["resident"]
        )
        called_off = registered(world, title="取消了的活动", starts_at=at(tomorrow, 16))
        activity_services.cancel_activity(activity=called_off, actor=world.accounts["office"], reason="下雨")
        cancelled = reminder_services.send_tomorrows_reminders()
        registered(world, title="书法班", starts_at=at(tomorrow, 9))
        disable_account(account=world.accounts["resident"], actor=world.accounts["office"], reason="迁出")
        disabled = reminder_services.send_tomorrows_reminders()

    assert (cancelled, disabled) == (0, 0)
    assert read_file_outbox() == []


def test_a_long_title_and_place_are_shortened_to_fit_the_message(world, day):
    tomorrow = day + timedelta(days=1)
    long_one = activity(
        world,
        title="农村电子商务与直播带货实操培训班",
        starts_at=at(tomorrow, 19, 15),
        venue_place="新妙镇综合文化服务中心二楼多功能厅",
    )

    assert reminder_services.reminder_params(long_one) == {
        "title": "农村电子商务与直播带货…",
        "starts_at": "明天晚上7点15分",
        "place": "新妙镇综合文化服务中心…",
    }


def test_two_runs_at_the_same_moment_send_each_reminder_exactly_once(shared_world):
    world = shared_world
    reminder_services.set_sms_reminders(
        account=world.accounts["resident"], is_wanted=True, actor=world.accounts["resident"]
    )
    ten = timezone.localtime(timezone.now(), timezone.get_default_timezone()).replace(hour=10, minute=0)
    tomorrow = ten.date() + timedelta(days=1)
    registered(world, title="书法班", starts_at=at(tomorrow, 9))
    registered(world, title="象棋比赛", starts_at=at(tomorrow, 15))
    barrier = threading.Barrier(2, timeout=30)
    answers: list = [None, None]

    def run(index: int) -> None:
        try:
            barrier.wait()
            answers[index] = reminder_services.send_tomorrows_reminders(now=ten)
        except Exception as error:
            answers[index] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(answers) == 2, answers
    assert sorted(m["params"]["title"] for m in read_file_outbox()) == ["书法班", "象棋比赛"]
    assert ActivityReminder.objects.count() == 2
    assert SmsRecord.objects.count() == 2


# ---- the town office's record of reminders sent ---------------------------------------------------


def test_the_town_office_sees_the_reminders_sent_with_masked_phones(world, sign_in, day):
    with travel(at(day, 10)):
        opt_in(sign_in("resident"))
        tai_chi = registered(world, starts_at=at(day + timedelta(days=1), 9, 30))
        reminder_services.send_tomorrows_reminders()
        page = sign_in("office").get(f"/activities/reminders/?day={day.isoformat()}")
        api = sign_in("office").get(f"/api/v1/activity-reminders?town=xinmiao&day={day.isoformat()}")
        other_day = sign_in("office").get(f"/api/v1/activity-reminders?town=xinmiao&day={day + timedelta(days=1)}")

    content = page.content.decode()
    table = content.split('id="reminder-list"')[1].split("</table>")[0]
    assert "138****0000" in table
    assert "13800000000" not in content
    assert "张秀英" in table
    assert "太极拳入门班" in table
    assert f"{day.isoformat()} 共发送 1 条提醒。" in content
    assert api.json() == {
        "items": [
            {
                "id": ActivityReminder.objects.get().pk,
                "sent_at": f"{day.isoformat()}T02:00:00Z",  # 10:00 in Shanghai
                "activity_id": tai_chi.pk,
                "activity": "太极拳入门班",
                "starts_at": f"{(day + timedelta(days=1)).isoformat()}T01:30:00Z",
                "person_id": world.people["zhang"].pk,
                "person": "张秀英",
                "phone": "138****0000",
                "sms_status": "sent",
            }
        ],
        "count": 1,
    }
    assert other_day.json() == {"items": [], "count": 0}


def test_the_reminders_api_refuses_a_day_outside_the_plan_years(world, sign_in):
    answer = sign_in("office").get("/api/v1/activity-reminders?town=xinmiao&day=1999-12-31")

    assert answer.status_code == 400
    assert [error["field"] for error in answer.json()["errors"]] == ["day"]


def test_the_reminders_page_reads_an_unreadable_day_as_today(world, sign_in):
    page = sign_in("office").get("/activities/reminders/?day=not-a-day")

    assert page.status_code == 200
    assert page.context["day"] == timezone.localdate()
