"""Reads behind the figures: the records a number stands for."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import QuerySet

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
