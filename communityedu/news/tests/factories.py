"""News items for tests, made through the services."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from communityedu.news import services
from communityedu.news.models import NewsItem


def news_item(
    world,
    *,
    title: str = "大讲堂开讲：防范电信网络诈骗",
    kind: str = "news",
    publish_on: date | None = None,
    is_pinned: bool = False,
    publish: bool = True,
    author: str = "school",
    unit=None,
    cover=None,
) -> NewsItem:
    item = services.save_item(
        actor=world.accounts[author],
        town=world.xinmiao,
        values={
            "kind": kind,
            "title": title,
            "body": "第一段。\n\n第二段。",
            "unit": unit or world.school,
            "publish_on": publish_on or timezone.localdate() - timedelta(days=7),
            "is_pinned": is_pinned,
            "activity": None,
        },
        cover=cover,
    )
    if publish:
        item = services.publish_item(actor=world.accounts[author], item=item)
    return item
