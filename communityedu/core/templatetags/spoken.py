"""Dates as people say them: 6月18日 星期四 下午3点 (and "Thu 18 June, 3 pm" in English)."""

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


@register.filter
def spoken_datetime(value) -> str:
    if not value:
        return ""
    local = timezone.localtime(value)
    if (get_language() or "").startswith("zh"):
        hour = local.hour % 12 or 12
        minutes = f"{local.minute}分" if local.minute else ""
        return f"{local.month}月{local.day}日 {date_format(local, 'l')} {_part_of_day(local.hour)}{hour}点{minutes}"
    return f"{date_format(local, 'D j F')}, {date_format(local, 'g:i A' if local.minute else 'g A').lower()}"


@register.filter
def spoken_time(value) -> str:
    if not value:
        return ""
    local = timezone.localtime(value)
    if (get_language() or "").startswith("zh"):
        hour = local.hour % 12 or 12
        return f"{_part_of_day(local.hour)}{hour}点{f'{local.minute}分' if local.minute else ''}"
    return date_format(local, "g:i A" if local.minute else "g A").lower()
