"""Dates as people say them: 6月18日 星期四 下午3点 (and "Thu 18 June, 3 pm" in English).

A date carries its year when it is not this year's (2027年1月5日 星期二 上午9点), and always on
staff pages, where a record is read long after (``{{ moment|spoken_datetime:"year" }}``)."""

import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


def _part_of_day(hour: int) -> str:
    if hour < 6:
        return _("early morning")
    if hour < 12:
        return _("morning")
    if hour < 13:
        return _("noon")
    if hour < 18:
        return _("afternoon")
    return _("evening")


def _this_year() -> int:
    return timezone.localdate().year


def _is_chinese() -> bool:
    return (get_language() or "").startswith("zh")


def _chinese_time(local) -> str:
    """下午3点, 上午9点半, 晚上7点15分, 中午12点, 凌晨0点30分 (half past midnight is not 半夜12点半)."""
    hour = local.hour if local.hour in (0, 12) else local.hour % 12
    minutes = "半" if local.minute == 30 and local.hour else f"{local.minute}分" if local.minute else ""
    return f"{_part_of_day(local.hour)}{hour}点{minutes}"


def _english_time(local) -> str:
    return date_format(local, "g:i A" if local.minute else "g A").lower()


@register.filter
def spoken_datetime(value, year: str = "") -> str:
    """The day and time; ``year="year"`` writes the year even when it is this year's."""
    if not value:
        return ""
    local = timezone.localtime(value)
    with_year = year == "year" or local.year != _this_year()
    if _is_chinese():
        prefix = f"{local.year}年" if with_year else ""
        return f"{prefix}{local.month}月{local.day}日 {date_format(local, 'l')} {_chinese_time(local)}"
    return f"{date_format(local, 'D j F Y' if with_year else 'D j F')}, {_english_time(local)}"


@register.filter
def spoken_time(value) -> str:
    if not value:
        return ""
    local = timezone.localtime(value)
    return _chinese_time(local) if _is_chinese() else _english_time(local)


@register.filter
def spoken_date(value) -> str:
    """A day as people say it (6月18日 星期四); the year only when it is not this year."""
    if not value:
        return ""
    day = timezone.localtime(value).date() if isinstance(value, datetime.datetime) else value
    this_year = _this_year()
    if _is_chinese():
        year = f"{day.year}年" if day.year != this_year else ""
        return f"{year}{day.month}月{day.day}日 {date_format(day, 'l')}"
    return date_format(day, "D j F" if day.year == this_year else "D j F Y")
