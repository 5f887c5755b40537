"""The page a venue's code opens tells the resident where the activity stands before they tap —
not yet open (and when it opens), open (until when), closed, cancelled — and 已签到 once they have
checked in; a code that matches no activity is a 404 that says to ask the staff."""

import re
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from communityedu.activities import services as activity_services
from communityedu.activities.constants import AttendanceSource
from communityedu.activities.models import AttendanceEntry
from communityedu.activities.tests.factories import activity, at
from communityedu.core.templatetags.spoken import spoken_datetime, spoken_time

WEEKDAYS = "一二三四五六日"


def _weekday(day: date) -> str:
    return "星期" + WEEKDAYS[day.weekday()]


def _state(response) -> tuple[str, str]:
    """The state the page shows (its data-state) and its sentence, tags removed."""
    html = response.content.decode()
    match = re.search(r'id="check-in-state" data-state="([a-z-_]+)">(.*?)</p>', html, re.S)
    assert match, html
    return match.group(1), re.sub(r"<[^>]+>", "", match.group(2)).strip()


def _has_check_in_button(response) -> bool:
    return ">签到</button>" in response.content.decode()


def test_before_check_in_opens_the_page_says_when_it_opens_with_the_year_of_another_year(world, sign_in):
    next_year = timezone.localdate().year + 1
    later = activity(world, title="新春联欢", starts_at=at(next_year, 3, 2, 15))

    response = sign_in("resident").get(f"/checkin/{later.check_in_token}/")

    assert response.status_code == 200
    assert _state(response) == (
        "not_yet_open",
        f"签到尚未开始，{next_year}年3月2日 {_weekday(date(next_year, 3, 2))} 下午2点开始签到。",
    )
    assert not _has_check_in_button(response)


def test_while_check_in_is_open_the_page_says_until_when_and_offers_the_button(world, sign_in):
    response = sign_in("resident").get(f"/checkin/{world.lecture.check_in_token}/")

    closes = world.lecture.ends_at + timedelta(hours=1)
    assert _state(response) == ("open", f"正在签到，{spoken_time(closes)}截止。")
    assert _has_check_in_button(response)


def test_after_check_in_closed_the_page_says_when_it_closed(world, sign_in):
    last_year = timezone.localdate().year - 1
    held = activity(world, title="秋季讲座", starts_at=at(last_year, 11, 5, 9))

    response = sign_in("resident").get(f"/checkin/{held.check_in_token}/")

    assert _state(response) == (
        "closed",
        f"签到已于{last_year}年11月5日 {_weekday(date(last_year, 11, 5))} 中午12点结束。",
    )
    assert not _has_check_in_button(response)


def test_this_years_dates_are_said_without_the_year(world, sign_in):
    held = activity(world, starts_at=timezone.now() - timedelta(days=2))

    response = sign_in("resident").get(f"/checkin/{held.check_in_token}/")

    closes = held.ends_at + timedelta(hours=1)
    assert _state(response) == ("closed", f"签到已于{spoken_datetime(closes)}结束。")
    if timezone.localtime(closes).year == timezone.localdate().year:
        assert "年" not in _state(response)[1]


def test_a_cancelled_activity_says_so_and_offers_no_button(world, sign_in):
    activity_services.cancel_activity(actor=world.accounts["office"], activity=world.lecture, reason="下雨")

    response = sign_in("resident").get(f"/checkin/{world.lecture.check_in_token}/")

    assert _state(response) == ("cancelled", "这个活动已取消。")
    assert not _has_check_in_button(response)


def test_a_resident_who_has_checked_in_sees_checked_in_and_no_button(world, sign_in):
    activity_services.check_in(
        activity=world.lecture,
        person=world.people["zhang"],
        source=AttendanceSource.CARD_SCAN,
        recorded_by=world.accounts["school"],
    )

    response = sign_in("resident").get(f"/checkin/{world.lecture.check_in_token}/")

    assert _state(response) == ("checked-in", "已签到")
    assert not _has_check_in_button(response)


def test_checking_in_turns_the_page_to_checked_in(world, sign_in):
    client = sign_in("resident")

    response = client.post(f"/checkin/{world.lecture.check_in_token}/")

    assert response.status_code == 200
    assert _state(response) == ("checked-in", "已签到")
    assert "张秀英，签到成功，谢谢！" in response.content.decode()
    assert AttendanceEntry.objects.filter(activity=world.lecture, person=world.people["zhang"]).count() == 1


def test_a_reversed_check_in_is_not_shown_as_checked_in(world, sign_in):
    person = world.people["zhang"]
    activity_services.check_in(
        activity=world.lecture, person=person, source=AttendanceSource.CARD_SCAN, recorded_by=world.accounts["school"]
    )
    activity_services.reverse_check_in(
        activity=world.lecture, person=person, reason="扫错了人", actor=world.accounts["school"]
    )

    response = sign_in("resident").get(f"/checkin/{world.lecture.check_in_token}/")

    assert _state(response)[0] == "open"
    assert _has_check_in_button(response)


def test_an_unknown_check_in_code_answers_404_and_says_to_ask_the_staff(world, client):
    anonymous = client.get("/checkin/no-such-code/")
    signed_in = client.post("/accounts/resident-sign-in/", {"phone": "13800000000", "pin": "202020"})
    resident = client.get("/checkin/no-such-code/")

    assert signed_in.status_code == 302
    for response in (anonymous, resident):
        html = response.content.decode()
        assert response.status_code == 404
        assert "<h1>签到码无效</h1>" in html
        assert '<p role="alert" id="error-message">签到码已过期或无效，请向工作人员询问。</p>' in html
        assert '<a class="button primary" id="back-home" href="/">返回首页</a>' in html


def test_the_unknown_code_page_is_english_by_the_language_cookie(world, client):
    client.cookies["language"] = "en"

    response = client.get("/checkin/no-such-code/")

    assert response.status_code == 404
    assert "This check-in code has expired or is not valid. Please ask the staff." in response.content.decode()


def test_dates_of_the_state_are_shown_in_the_towns_time(world, sign_in):
    next_year = timezone.localdate().year + 1
    # 23:30 UTC is 07:30 the next morning in Shanghai; check-in opens an hour before.
    later = activity(world, starts_at=datetime(next_year, 6, 1, 23, 30, tzinfo=UTC))

    response = sign_in("resident").get(f"/checkin/{later.check_in_token}/")

    assert (
        _state(response)[1]
        == f"签到尚未开始，{next_year}年6月2日 {_weekday(date(next_year, 6, 2))} 上午6点半开始签到。"
    )
