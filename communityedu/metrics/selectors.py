"""Reads behind the figures: the records a number stands for."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.activities.models import YearlyParticipant
from communityedu.metrics.base import effective_as_of

if TYPE_CHECKING:
    from communityedu.organization.models import Town


def participants(
    *, town: Town, year: int, as_of: date, village_id: int | None = None, village_ids: Iterable[int] | None = None
) -> QuerySet[YearlyParticipant]:
    """The residents counted in the participation rate of ``town`` (or one of its villages, or of
    ``village_ids``) for ``year`` as of ``as_of``, with the day and the activity of their first
    attendance."""
    rows = YearlyParticipant.objects.filter(
        town=town, year=year, first_attended_on__lte=effective_as_of(year, as_of), village__isnull=False
    )
    if village_id is not None:
        rows = rows.filter(village_id=village_id)
    if village_ids is not None:
        rows = rows.filter(village_id__in=list(village_ids))
    return rows.select_related("person", "village", "first_activity").order_by(
        "village__name", "first_attended_on", "id"
    )


def default_year(town: Town, *, today: date | None = None) -> tuple[int, str]:
    """The year the targets dashboard and the self-assessment open on when none is asked for, and
    the short reason said beside it: the year the town set (``Town.default_year``: 本镇设定);
    else the latest year, not after this one, in which any resident took part in an activity (the
    participation rollup: 有数据的最近年份); else this year (尚无数据). One query at most."""
    return district_default_year([town], today=today)


def district_default_year(towns: list[Town], *, today: date | None = None) -> tuple[int, str]:
    """``default_year`` of several towns shown side by side (an evaluator's district view): the
    latest of their years, each town's setting or latest year with data. One query at most."""
    today = today or timezone.localdate()
    candidates = [(town.default_year, _("set by the town")) for town in towns if town.default_year]
    unset = [town.pk for town in towns if not town.default_year]
    if unset:
        latest = YearlyParticipant.objects.filter(town_id__in=unset, year__lte=today.year).aggregate(
            latest=Max("year")
        )["latest"]
        if latest is not None:
            candidates.append((latest, _("the latest year with data")))
    if candidates:
        return max(candidates, key=lambda candidate: candidate[0])
    return today.year, _("no year has data yet")


def year_sentence(year: int, reason: str) -> str:
    """What a page says of the year it opened on (显示2020年：有数据的最近年份)."""
    return _("Showing %(year)s: %(reason)s") % {"year": year, "reason": reason}
