"""Reads of the news: what residents see, and what an editor may change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from communityedu.news.models import NewsItem
from communityedu.news.permissions import news_units_for

if TYPE_CHECKING:
    from datetime import date

    from communityedu.accounts.models import User
    from communityedu.organization.models import Town

PUBLIC_ORDER = ("-is_pinned", "-publish_on", "-id")


def published_in(town: Town, *, kind: str | None = None, today: date | None = None) -> QuerySet[NewsItem]:
    """Published items whose date has come, pinned first, then the newest."""
    items = NewsItem.objects.filter(town=town, is_published=True, publish_on__lte=today or timezone.localdate())
    if kind:
        items = items.filter(kind=kind)
    return items.select_related("unit").order_by(*PUBLIC_ORDER)


def latest_for_portal(town: Town, *, limit: int = 5) -> list[NewsItem]:
    return list(published_in(town)[:limit]) if town else []


def get_published_item(town: Town, pk: int) -> NewsItem:
    return get_object_or_404(published_in(town).select_related("activity"), pk=pk)


def items_editable_by(user: User, town: Town) -> QuerySet[NewsItem]:
    return (
        NewsItem.objects.filter(town=town, unit__in=news_units_for(user, town))
        .select_related("unit", "activity")
        .order_by("-publish_on", "-id")
    )


def get_item_for_editing(user: User, town: Town, pk: int) -> NewsItem:
    return get_object_or_404(items_editable_by(user, town), pk=pk)
