"""The exchange and the news in the browser, on a small phone: a resident asks on an activity's
page, a moderator approves, a teacher answers, the resident reads the answer; the portal home shows
the news, pinned first."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communityedu.exchange.tests.factories import other_resident
from communityedu.news.tests.factories import news_item
from conftest import RESIDENT_PHONE, RESIDENT_PIN

SMALL_PHONE = {"width": 360, "height": 640}
OTHER_PHONE, OTHER_PIN = "13900000001", "135790"


@pytest.fixture
def small_page(browser):
    contexts = []

    def _open():
        context = browser.new_context(viewport=SMALL_PHONE, locale="zh-CN")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def _resident_sign_in(page, live_server, phone: str, pin: str):
    page.goto(f"{live_server.url}/accounts/resident-sign-in/")
    page.locator("input[name=phone]").fill(phone)
    page.locator("input[name=pin]").fill(pin)
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button").click()


@pytest.mark.browser
def test_a_residents_question_is_approved_answered_and_read_on_a_small_phone(
    live_server, live_world, small_page, sign_in, screenshot
):
    other_resident(live_world, phone=OTHER_PHONE, pin=OTHER_PIN)
    activity_path = f"/portal/activities/{live_world.upcoming.pk}/"

    resident = small_page()
    _resident_sign_in(resident, live_server, RESIDENT_PHONE, RESIDENT_PIN)
    resident.goto(f"{live_server.url}{activity_path}")
    expect(resident.get_by_role("heading", level=1)).to_have_text("太极拳培训")
    resident.get_by_label("提个问题").check()
    resident.get_by_label("内容").fill("请问需要自己带垫子吗？")
    with resident.expect_navigation():
        resident.get_by_role("button", name="发表").click()
    expect(resident.locator(".messages")).to_contain_text("经审核后显示")
    mine = resident.locator("#thread .post-question")
    expect(mine).to_contain_text("请问需要自己带垫子吗？")
    expect(mine.locator(".badge.pending")).to_have_text("待审核")
    screenshot(resident, "exchange-question-pending")

    neighbour = small_page()
    _resident_sign_in(neighbour, live_server, OTHER_PHONE, OTHER_PIN)
    neighbour.goto(f"{live_server.url}{activity_path}")
    expect(neighbour.locator("#thread")).to_contain_text("还没有提问或评论")
    expect(neighbour.locator("#thread")).not_to_contain_text("垫子")

    moderator = sign_in(small_page(), "moderator")
    moderator.goto(f"{live_server.url}/exchange/queue/")
    row = moderator.locator(".queue-item", has_text="垫子")
    row.get_by_role("button", name="通过").click()
    expect(moderator.locator(".queue-item", has_text="垫子")).to_contain_text("已处理：已发布")
    screenshot(moderator, "exchange-queue-approved")

    teacher = sign_in(small_page(), "teacher")
    teacher.goto(f"{live_server.url}/activities/{live_world.upcoming.pk}/")
    question = teacher.locator("#thread .post-question", has_text="垫子")
    question.get_by_label("您的回答").fill("不用带，文化广场有垫子。")
    with teacher.expect_navigation():
        question.get_by_role("button", name="回答").click()
    expect(teacher.locator("#thread .post-answer")).to_contain_text("不用带，文化广场有垫子。")

    resident.goto(f"{live_server.url}{activity_path}")
    answer = resident.locator("#thread .post-question .post-answer")
    expect(answer).to_contain_text("不用带，文化广场有垫子。")
    expect(resident.locator("#thread .badge.pending")).to_have_count(0)
    neighbour.reload()
    expect(neighbour.locator("#thread")).to_contain_text("请问需要自己带垫子吗？")
    screenshot(resident, "exchange-question-answered")


@pytest.mark.browser
def test_the_portal_home_shows_the_news_pinned_first_on_a_small_phone(live_server, live_world, small_page):
    today = timezone.localdate()
    news_item(live_world, title="防诈骗知识讲座走进弋阳村", publish_on=today - timedelta(days=1))
    news_item(live_world, title="本月大讲堂安排", kind="notice", publish_on=today - timedelta(days=9), is_pinned=True)
    page = small_page()

    page.goto(f"{live_server.url}/portal/")

    titles = page.locator("#news .news-title")
    expect(titles).to_have_text(["本月大讲堂安排", "防诈骗知识讲座走进弋阳村"])
    expect(page.locator("#news .badge.pinned")).to_have_count(1)
    expect(page.locator("#news .news-kind")).to_have_text(["通知公告", "新闻动态"])
    with page.expect_navigation():
        titles.nth(1).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("防诈骗知识讲座走进弋阳村")
