"""Residents find resources as they type on a phone: words, pinyin, initials, homophones, a
character missing; the same on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
from django.utils import timezone

from communityedu.learning import selectors, services
from communityedu.learning.models import SearchTerm
from communityedu.learning.search import query_terms, split_pinyin
from communityedu.learning.tests.factories import category, resource


@pytest.fixture
def library(world):
    titles = {
        "太极拳入门教学": "文化艺术",
        "防范电信诈骗十条": "防诈反诈",
        "柑橘种植技术": "农业技术",
        "老年人健康饮食": "老年生活",
        "家庭教育：如何陪伴孩子": "家庭教育",
    }
    return {title: resource(world, title=title, category_name=name) for title, name in titles.items()}


def _titles(world, query):
    return [r.title for r in selectors.search(town=world.xinmiao, query=query)]


@pytest.mark.parametrize("query", ["太极拳", "太极", "taijiquan", "taiji", "tjq", "太级拳", "太拳", "TaiJiQuan"])
def test_every_way_of_typing_taijiquan_finds_it_first(world, library, query):
    assert _titles(world, query)[0] == "太极拳入门教学"


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("诈骗", "防范电信诈骗十条"),
        ("zhapian", "防范电信诈骗十条"),
        ("gjzz", "柑橘种植技术"),
        ("健康", "老年人健康饮食"),
        ("家庭教育", "家庭教育：如何陪伴孩子"),
    ],
)
def test_words_pinyin_and_initials_find_the_resource(world, library, query, title):
    assert _titles(world, query) == [title]


def test_a_query_that_matches_nothing_finds_nothing(world, library):
    assert _titles(world, "量子计算") == []
    assert _titles(world, "！？") == []


def test_more_matched_terms_rank_first_then_title_then_recency(world):
    older = resource(world, title="太极拳与养生")
    services.set_published(actor=None, resource=older, is_published=False)
    older.published_at = timezone.now() - timedelta(days=30)
    older.save(update_fields=["published_at"])
    services.set_published(actor=None, resource=older, is_published=True)
    newer = resource(world, title="太极拳晨练")
    in_tags_only = resource(world, title="晨练合集", tags="太极拳")
    partial = resource(world, title="太极八卦图")

    titles = _titles(world, "太极拳")

    assert titles == [newer.title, older.title, in_tags_only.title, partial.title]


def test_unpublished_resources_and_other_towns_are_not_found(world):
    resource(world, title="太极拳草稿", publish=False)
    resource(
        world,
        title="南沱太极拳",
        town=world.nantuo,
        owner_unit=world.school.__class__.objects.filter(town=world.nantuo).first(),
    )

    assert _titles(world, "太极拳") == []
    assert SearchTerm.objects.filter(town=world.xinmiao).count() == 0


def test_taking_a_resource_back_removes_it_from_the_index(world):
    video = resource(world, title="太极拳入门教学")
    services.set_published(actor=world.accounts["office"], resource=video, is_published=False)

    assert SearchTerm.objects.filter(resource=video).count() == 0
    assert _titles(world, "tjq") == []


def test_editing_the_title_rewrites_the_index(world):
    video = resource(world, title="太极拳入门教学")
    values = {
        "kind": video.kind,
        "title": "八段锦跟练",
        "summary": "",
        "body": video.body,
        "category": category(world),
        "tags": "",
        "audience": "",
        "owner_unit": world.school,
        "link_url": "",
    }
    services.save_resource(actor=world.accounts["office"], town=world.xinmiao, values=values, resource=video)

    assert _titles(world, "太极拳") == []
    assert _titles(world, "bdj") == ["八段锦跟练"]


def test_pinyin_is_split_into_the_fewest_syllables():
    assert split_pinyin("taijiquan") == ["tai", "ji", "quan"]
    assert split_pinyin("xian") == ["xian"]
    assert split_pinyin("lvse") == ["lv", "se"]
    assert split_pinyin("tjq") is None


def test_a_chinese_query_also_searches_by_its_pinyin():
    assert query_terms("太级拳").terms == ("太级", "级拳", "taiji", "jiquan")
    assert query_terms("tjq").terms == ("tjq", "^tj", "^jq")
