"""Counts kept between requests, exactly: under the stamps the database writes for each town
whenever the rows they were counted from change (``metrics.models.FigureInputStamp``).

The stamps are read before the counting: a write that commits meanwhile gives its town a new
stamp, so what was counted is never kept under a stamp that is still current after that write.
A stamp is random, so a transaction rolled back (a test's, a failed import's) leaves no stamp that
could come back and name counts it made.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache

from communityedu.metrics.models import FigureInputStamp

KEEP_SECONDS = 24 * 60 * 60  # a kept count no page asked for in a day is dropped

T = TypeVar("T")


def input_stamps(town_ids: Iterable[int]) -> list[tuple[int, int, int]]:
    """(town, slot, stamp) of ``town_ids``, in order."""
    return list(
        FigureInputStamp.objects.filter(town_id__in=list(town_ids))
        .order_by("town_id", "slot")
        .values_list("town_id", "slot", "stamp")
    )


def kept(name: str, *, town_ids: Iterable[int], key: object, count: Callable[[], T]) -> T:
    """``count()``, or what it gave before for the same ``name`` and ``key`` while the stamps of
    ``town_ids`` have not changed. ``key``: everything else the counts depend on (the year, the
    date, the definitions), as a value whose ``repr`` is stable."""
    town_ids = sorted(set(town_ids))
    stamps = input_stamps(town_ids)
    digest = hashlib.sha256(repr((name, town_ids, stamps, key)).encode()).hexdigest()
    cache_key = f"figure:{name}:{digest}"
    found = cache.get(cache_key)
    if found is not None:
        return found
    value = count()
    cache.set(cache_key, value, KEEP_SECONDS)
    return value
