"""Dates on residents' pages as people say them: 6月18日 星期四 下午3点, and in English "Thu 18 June, 3 pm"."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from communityedu.core.templatetags import spoken
from communityedu.core.templatetags.spoken import spoken_date, spoken_datetime, spoken_time

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _this_year_is_2026(monkeypatch):
    """The examples are dated 2026; "this year" is pinned so that they read the same every year."""
    monkeypatch.setattr(spoken, "_this_year", lambda: 2026)


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, 18, hour, minute, tzinfo=SHANGHAI)  # a Thursday


@pytest.mark.parametrize(
    ("moment", "chinese", "english"),
    [
        (_at(15), "6月18日 星期四 下午3点", "Thu 18 June, 3 pm"),
        (_at(9, 30), "6月18日 星期四 上午9点半", "Thu 18 June, 9:30 am"),
        (_at(12), "6月18日 星期四 中午12点", "Thu 18 June, 12 pm"),
        (_at(12, 30), "6月18日 星期四 中午12点半", "Thu 18 June, 12:30 pm"),
        (_at(19, 15), "6月18日 星期四 晚上7点15分", "Thu 18 June, 7:15 pm"),
        (_at(5, 5), "6月18日 星期四 凌晨5点5分", "Thu 18 June, 5:05 am"),
        (_at(0, 30), "6月18日 星期四 凌晨0点30分", "Thu 18 June, 12:30 am"),
    ],
)
def test_a_moment_is_said_the_way_people_say_it(moment, chinese, english):
    with translation.override("zh-hans"):
        assert spoken_datetime(moment) == chinese
    with translation.override("en"):
        assert spoken_datetime(moment) == english


def test_a_time_in_utc_is_said_in_the_towns_time():
    with translation.override("zh-hans"):
        assert spoken_datetime(datetime(2026, 6, 18, 7, 0, tzinfo=ZoneInfo("UTC"))) == "6月18日 星期四 下午3点"


def test_the_end_of_an_activity_is_said_as_a_time_only():
    with translation.override("zh-hans"):
        assert spoken_time(_at(16, 30)) == "下午4点半"
    with translation.override("en"):
        assert spoken_time(_at(16, 30)) == "4:30 pm"


def test_a_moment_of_another_year_carries_its_year():
    with translation.override("zh-hans"):
        assert spoken_datetime(datetime(2027, 1, 5, 9, 0, tzinfo=SHANGHAI)) == "2027年1月5日 星期二 上午9点"
        assert spoken_datetime(datetime(2025, 12, 30, 19, 0, tzinfo=SHANGHAI)) == "2025年12月30日 星期二 晚上7点"
    with translation.override("en"):
        assert spoken_datetime(datetime(2027, 1, 5, 9, 0, tzinfo=SHANGHAI)) == "Tue 5 January 2027, 9 am"


def test_staff_pages_ask_for_the_year_always():
    template = Template('{% load spoken %}{{ moment|spoken_datetime:"year" }}')
    with translation.override("zh-hans"):
        assert template.render(Context({"moment": _at(15)})) == "2026年6月18日 星期四 下午3点"
    with translation.override("en"):
        assert template.render(Context({"moment": _at(15)})) == "Thu 18 June 2026, 3 pm"


def test_a_day_is_said_without_the_year_when_it_is_this_year():
    this_year = 2026
    with translation.override("zh-hans"):
        assert spoken_date(date(this_year, 1, 1)) == f"1月1日 {_weekday_zh(date(this_year, 1, 1))}"
        assert spoken_date(date(2020, 5, 1)) == "2020年5月1日 星期五"
    with translation.override("en"):
        assert spoken_date(date(2020, 5, 1)) == "Fri 1 May 2020"


def _weekday_zh(day: date) -> str:
    return "星期" + "一二三四五六日"[day.weekday()]


def test_nothing_is_said_for_no_date():
    assert (spoken_datetime(None), spoken_time(None), spoken_date(None)) == ("", "", "")


def test_the_filters_are_used_from_templates():
    template = Template("{% load spoken %}{{ moment|spoken_datetime }} – {{ end|spoken_time }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"moment": _at(14), "end": _at(16)})) == "6月18日 星期四 下午2点 – 下午4点"


SPOKEN = re.compile(
    r"^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日 星期[一二三四五六日] (凌晨|上午|中午|下午|晚上)(\d{1,2})点(半|\d{1,2}分)?$"
)
PARTS = {"凌晨": range(6), "上午": range(6, 12), "中午": range(12, 13), "下午": range(13, 18), "晚上": range(18, 24)}


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(SHANGHAI)))
def test_every_moment_reads_back_to_the_same_hour_and_minute(moment):
    with translation.override("zh-hans"):
        said = spoken_datetime(moment)
    match = SPOKEN.match(said)
    assert match, said
    year, month, day, part, hour, minutes = match.groups()
    assert year == (None if moment.year == 2026 else str(moment.year))
    hour = int(hour)
    clock_hour = hour if part in ("凌晨", "中午") else hour + 12 if part in ("下午", "晚上") else hour
    minute = 30 if minutes == "半" else int(minutes[:-1]) if minutes else 0
    assert (int(month), int(day), clock_hour, minute) == (moment.month, moment.day, moment.hour, moment.minute)
    assert moment.hour in PARTS[part]
