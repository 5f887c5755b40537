"""The library pages: residents browse and search; units keep and publish their resources."""

from communityedu.core.models import AuditLogEntry
from communityedu.learning.models import Resource, SearchTerm
from communityedu.learning.tests.factories import category, resource


def test_a_resident_browses_categories_new_and_popular(world, sign_in):
    video = resource(world, title="太极拳入门教学", kind="video")
    resource(world, title="柑橘种植技术", category_name="农业技术")
    client = sign_in("resident")
    client.get(f"/learning/resources/{video.pk}/")

    page = client.get("/learning/")

    counts = {c.name: c.published_count for c in page.context["categories"]}
    assert (counts["健康养生"], counts["农业技术"], counts["法律法规"]) == (1, 1, 0)
    assert [r.title for r in page.context["newest"]] == ["柑橘种植技术", "太极拳入门教学"]
    assert page.context["popular"][0].title == "太极拳入门教学"
    assert "学习资源中心".encode() in page.content


def test_the_search_page_lists_what_the_search_finds(world, sign_in):
    resource(world, title="太极拳入门教学")

    page = sign_in("resident").get("/learning/search/", {"q": "太级拳"})

    assert [r.title for r in page.context["results"]] == ["太极拳入门教学"]
    assert "“太级拳”的搜索结果：1 条".encode() in page.content


def test_an_article_shows_its_paragraphs_and_a_finished_button(world, sign_in):
    article = resource(world, title="老年人防跌倒", body="起床先坐一会儿。\n\n地面保持干燥。")

    page = sign_in("resident").get(f"/learning/resources/{article.pk}/")

    assert "<p>起床先坐一会儿。</p>".encode() in page.content
    assert "我已学完".encode() in page.content
    assert b"<video" not in page.content


def test_the_school_writes_an_article_and_publishes_it_for_residents(world, sign_in):
    school = sign_in("school")
    created = school.post(
        "/learning/shelf/new/",
        {
            "kind": "article",
            "title": "冬季用电安全",
            "body": "电动车不进屋。",
            "category": category(world, "安全应急").pk,
            "owner_unit": world.school.pk,
        },
    )
    article = Resource.objects.get()
    assert created["Location"] == f"/learning/shelf/{article.pk}/edit/"
    assert SearchTerm.objects.filter(resource=article).count() == 0

    school.post(f"/learning/shelf/{article.pk}/publish/", {"action": "publish"})

    article.refresh_from_db()
    assert article.is_published is True
    assert article.published_at is not None
    assert SearchTerm.objects.filter(resource=article, term="用电", in_title=True).exists()
    assert AuditLogEntry.objects.filter(object_type="learning.Resource", action="update").count() == 1


def test_department_staff_cannot_touch_the_school_s_resource(world, sign_in):
    video = resource(world, title="太极拳入门教学", kind="video")
    client = sign_in("dept")

    assert client.get(f"/learning/shelf/{video.pk}/edit/").status_code == 404
    assert client.post(f"/learning/shelf/{video.pk}/publish/", {"action": "withdraw"}).status_code == 404
    assert Resource.objects.get(pk=video.pk).is_published is True


def test_the_api_searches_and_creates_resources(world, sign_in):
    resource(world, title="太极拳入门教学")
    client = sign_in("school")

    found = client.get("/api/v1/learning/search", {"town": "xinmiao", "q": "tjq"})
    created = client.post(
        "/api/v1/learning/resources",
        {
            "town": "xinmiao",
            "kind": "link",
            "title": "学习强国",
            "category_id": category(world, "政策理论").pk,
            "owner_unit_id": world.school.pk,
            "link_url": "https://www.xuexi.cn/",
            "publish": True,
        },
        content_type="application/json",
    )

    assert [r["title"] for r in found.json()["items"]] == ["太极拳入门教学"]
    assert created.status_code == 201
    assert created.json()["is_published"] is True
    assert [
        r["title"] for r in client.get("/api/v1/learning/search", {"town": "xinmiao", "q": "xxqg"}).json()["items"]
    ] == ["学习强国"]


def test_the_library_page_reads_a_fixed_number_of_queries(world, sign_in, django_assert_max_num_queries):
    for index in range(6):
        resource(world, title=f"太极拳第{index}讲")
    client = sign_in("resident")
    client.get("/learning/")

    with django_assert_max_num_queries(16):
        client.get("/learning/")
