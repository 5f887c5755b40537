"""News and notices: drafting, publishing, the residents' pages and the portal home."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from communityedu.core.models import AuditLogEntry
from communityedu.news import selectors, services
from communityedu.news.models import NewsItem
from communityedu.news.tests.factories import news_item
from conftest import png_bytes


def _days_ago(days: int):
    return timezone.localdate() - timedelta(days=days)


def test_a_draft_is_not_shown_until_it_is_published(world, client):
    item = news_item(world, publish=False)
    assert client.get(f"/news/{item.pk}/").status_code == 404
    assert "防范电信网络诈骗" not in client.get("/news/").content.decode()

    services.publish_item(actor=world.accounts["school"], item=item)

    assert client.get(f"/news/{item.pk}/").status_code == 200
    assert "防范电信网络诈骗" in client.get("/news/").content.decode()
    entry = AuditLogEntry.objects.filter(object_type="news.NewsItem", action="update").get()
    assert entry.changes["is_published"] == [False, True]


def test_a_withdrawn_item_disappears_from_the_residents_pages(world, client, sign_in):
    item = news_item(world)
    staff = sign_in("school")

    response = staff.post(f"/news/manage/{item.pk}/publish/", {"action": "unpublish"})

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.is_published is False
    staff.post("/accounts/sign-out/")
    assert client.get(f"/news/{item.pk}/").status_code == 404


def test_an_item_published_for_a_later_date_waits_for_it(world):
    news_item(world, title="明天的通知", publish_on=timezone.localdate() + timedelta(days=1))

    assert list(selectors.published_in(world.xinmiao)) == []
    assert [i.title for i in selectors.published_in(world.xinmiao, today=_days_ago(-1))] == ["明天的通知"]


def test_the_portal_home_shows_pinned_items_first_then_the_newest(world, client):
    news_item(world, title="旧新闻", publish_on=_days_ago(20))
    news_item(world, title="置顶通知", kind="notice", publish_on=_days_ago(30), is_pinned=True)
    news_item(world, title="最新新闻", publish_on=_days_ago(1))
    news_item(world, title="草稿", publish_on=_days_ago(1), publish=False)

    page = client.get("/portal/").content.decode()

    titles = [title for title in ("置顶通知", "最新新闻", "旧新闻") if title in page]
    assert titles == ["置顶通知", "最新新闻", "旧新闻"]
    assert page.index("置顶通知") < page.index("最新新闻") < page.index("旧新闻")
    assert "草稿" not in page
    assert '<span class="badge news-kind">通知公告</span>' in page
    assert '<span class="badge news-kind">新闻动态</span>' in page
    assert [i.title for i in selectors.latest_for_portal(world.xinmiao, limit=2)] == ["置顶通知", "最新新闻"]


def test_staff_write_and_publish_an_item_through_the_pages(world, sign_in):
    client = sign_in("office")
    response = client.post(
        "/news/manage/new/",
        {
            "kind": "notice",
            "title": "太极拳培训报名通知",
            "body": "每周六上午九点。\n\n地点：弋阳村文化广场。",
            "unit": world.school.pk,
            "publish_on": _days_ago(0).isoformat(),
            "activity": world.upcoming.pk,
            "cover": SimpleUploadedFile("封面.png", png_bytes(), content_type="image/png"),
        },
    )
    item = NewsItem.objects.get()
    assert response["Location"] == f"/news/manage/{item.pk}/edit/"
    assert (item.kind, item.is_published, item.activity, item.created_by) == (
        "notice",
        False,
        world.upcoming,
        world.accounts["office"],
    )
    assert item.cover.name.endswith(".png")

    client.post(f"/news/manage/{item.pk}/publish/", {"action": "publish"})

    page = client.get(f"/news/{item.pk}/").content.decode()
    assert "<p>每周六上午九点。</p><p>地点：弋阳村文化广场。</p>" in page
    assert f"/portal/activities/{world.upcoming.pk}/" in page
    cover = client.get(f"/news/{item.pk}/cover/")
    assert cover.status_code == 200
    assert b"".join(cover.streaming_content) == png_bytes()


def test_a_cover_that_is_not_a_picture_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        news_item(world, cover=SimpleUploadedFile("封面.png", b"<html>not a picture</html>"))

    assert caught.value.message_dict == {"cover": ["请选择 JPEG、PNG 或 WebP 格式的图片。"]}
    assert NewsItem.objects.count() == 0


def test_a_cover_above_the_size_limit_is_refused(world, settings):
    settings.NEWS_COVER_MAX_BYTES = 100

    with pytest.raises(ValidationError) as caught:
        news_item(world, cover=SimpleUploadedFile("封面.png", png_bytes()))

    assert list(caught.value.message_dict) == ["cover"]
    assert NewsItem.objects.count() == 0


def test_department_staff_write_only_for_their_own_unit(world):
    with pytest.raises(PermissionDenied):
        news_item(world, author="dept", unit=world.school)

    item = news_item(world, author="dept", unit=world.civil_affairs, title="民政办：敬老讲座通知")

    assert item.unit == world.civil_affairs
    with pytest.raises(PermissionDenied):
        services.unpublish_item(actor=world.accounts["dept"], item=news_item(world))


def test_the_body_is_plain_text(world, client):
    item = news_item(world)
    item.body = "<script>alert(1)</script>"
    item.save(update_fields=["body"])

    page = client.get(f"/news/{item.pk}/").content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_another_town_sees_and_edits_nothing_of_xinmiaos_news(world, sign_in):
    item = news_item(world)
    client = sign_in("nantuo")

    assert client.get(f"/news/{item.pk}/").status_code == 404
    assert "防范电信网络诈骗" not in client.get("/news/").content.decode()
    assert client.get(f"/news/manage/{item.pk}/edit/").status_code == 404
    assert client.post(f"/news/manage/{item.pk}/publish/", {"action": "unpublish"}).status_code == 404
    item.refresh_from_db()
    assert item.is_published is True


def test_the_residents_list_is_split_into_pages_of_twenty_keeping_the_kind(world, client):
    for number in range(21):
        news_item(world, title=f"通知{number:02d}", kind="notice", publish_on=_days_ago(number + 1))

    first = client.get("/news/?kind=notice").content.decode()
    second = client.get("/news/?kind=notice&page=2").content.decode()

    assert "通知00" in first
    assert "通知20" not in first
    assert "?kind=notice&amp;page=2" in first
    assert "通知20" in second
