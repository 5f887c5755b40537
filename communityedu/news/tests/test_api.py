"""News over the API."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from communityedu.news.models import NewsItem
from communityedu.news.tests.factories import news_item


def test_the_api_lists_published_items_pinned_first(world, sign_in):
    today = timezone.localdate()
    news_item(world, title="旧闻", publish_on=today - timedelta(days=9))
    news_item(world, title="置顶", kind="notice", publish_on=today - timedelta(days=20), is_pinned=True)
    news_item(world, title="草稿", publish=False)
    client = sign_in("resident")

    response = client.get("/api/v1/news?town=xinmiao")

    assert [item["title"] for item in response.json()["items"]] == ["置顶", "旧闻"]
    assert client.get("/api/v1/news?town=xinmiao&kind=notice").json()["items"][0]["kind"] == "notice"


def test_staff_draft_and_publish_over_the_api(world, sign_in):
    client = sign_in("school")
    response = client.post(
        "/api/v1/news",
        {
            "town": "xinmiao",
            "kind": "notice",
            "title": "防诈讲座通知",
            "body": "周五下午。",
            "unit_id": world.school.pk,
        },
        content_type="application/json",
    )
    assert (response.status_code, response.json()["is_published"]) == (201, False)
    item_id = response.json()["id"]

    response = client.post(
        f"/api/v1/news/{item_id}/publish?town=xinmiao", {"is_published": True}, content_type="application/json"
    )

    assert response.json()["is_published"] is True
    assert NewsItem.objects.get().is_visible is True
    assert client.get(f"/api/v1/news/{item_id}?town=xinmiao").status_code == 200
