"""Two dates of a record: the day it says it happened (its effective date: a notice's 发文日期,
a meeting's day, a voucher's date) and the time it was typed (``created_at``, 录入时间). A record
typed on a later day than its effective date was entered after the fact (补录)."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone


def entered_after(record: models.Model, effective_on: date | None) -> bool:
    """Whether ``record`` was typed (``created_at``, local day) after the day it says it happened."""
    created_at = getattr(record, "created_at", None)
    return bool(created_at and effective_on and timezone.localdate(created_at) > effective_on)
