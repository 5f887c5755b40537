"""The learning library on a small phone: a resident finds 太极拳 by its initials, watches, leaves,
comes back to the place where they stopped, and asks a question that a teacher answers once a
moderator has approved it."""

import time

import pytest
from django.db import OperationalError
from playwright.sync_api import expect

from communityedu.learning.models import Progress
from communityedu.learning.tests.factories import resource
from conftest import RESIDENT_PHONE, RESIDENT_PIN

SMALL_PHONE = {"width": 360, "height": 640}
PLAYER = "document.getElementById('learning-player')"


@pytest.fixture
def small_phone(browser):
    context = browser.new_context(viewport=SMALL_PHONE, locale="zh-CN")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _wait_until(page, expression: str) -> None:
    """Poll ``expression`` in the page (the strict CSP forbids Playwright's eval-based waiting)."""
    deadline = time.monotonic() + 15
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        time.sleep(0.1)


def _wait_for_saved_position(person, at_least: int) -> Progress:
    """The saved progress once it holds the position and some learning time: leaving the page sends
    two reports (on hiding and on leaving), which the server may commit in either order."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            progress = Progress.objects.filter(person=person).first()
        except OperationalError:
            # The live server shares the in-memory test database, whose table locks do not wait:
            # the page's progress report may be writing at this very moment. Read again.
            progress = None
        if progress and progress.position_seconds >= at_least and progress.learning_seconds >= 1:
            return progress
        time.sleep(0.2)
    raise AssertionError("the player's position was not saved")


@pytest.mark.browser
def test_a_resident_finds_taijiquan_by_initials_resumes_the_video_and_has_a_question_answered(
    live_server, live_world, small_phone, browser, sign_in, screenshot
):
    page = small_phone
    video = resource(live_world, title="太极拳入门教学", kind="video", duration_seconds=10)
    resource(live_world, title="柑橘春季管理要点", category_name="农业技术")
    page.goto(f"{live_server.url}/learning/")
    page.locator("input[name=phone]").fill(RESIDENT_PHONE)
    page.locator("input[name=pin]").fill(RESIDENT_PIN)
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("学习资源中心")

    page.locator("#library-q").fill("tjq")
    with page.expect_navigation():
        page.locator("#library-q").press("Enter")
    results = page.locator("#search-results .resource-title")
    expect(results).to_have_text(["太极拳入门教学"])
    screenshot(page, "learning-search-tjq")
    with page.expect_navigation():
        results.first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("太极拳入门教学")
    page.evaluate(f"{PLAYER}.muted = true; {PLAYER}.play()")
    _wait_until(page, f"{PLAYER}.currentTime > 2")
    screenshot(page, "learning-video-playing")
    page.goto(f"{live_server.url}/learning/")
    saved = _wait_for_saved_position(live_world.people["zhang"], at_least=1)
    expect(page.locator("#continue-learning")).to_contain_text("太极拳入门教学")

    page.goto(f"{live_server.url}/learning/resources/{video.pk}/")
    player = page.locator("#learning-player")
    expect(player).to_have_attribute("data-resume", str(saved.position_seconds))
    _wait_until(page, f"{PLAYER}.readyState >= 1")
    resumed_at = page.evaluate(f"{PLAYER}.currentTime")
    assert saved.position_seconds - 0.5 <= resumed_at <= saved.position_seconds + 1.5
    assert saved.learning_seconds >= 1

    # a question on the video, held for review, approved by the moderator, answered by a teacher
    page.get_by_label("提个问题").check()
    page.get_by_label("内容").fill("第三式的脚步怎么走？")
    with page.expect_navigation():
        page.get_by_role("button", name="发表").click()
    expect(page.locator("#thread .post-question .badge.pending")).to_have_text("待审核")

    staff = browser.new_context(viewport=SMALL_PHONE, locale="zh-CN")
    moderator = sign_in(staff.new_page(), "moderator")
    moderator.goto(f"{live_server.url}/exchange/queue/")
    moderator.locator(".queue-item", has_text="第三式").get_by_role("button", name="通过").click()
    expect(moderator.locator(".queue-item", has_text="第三式")).to_contain_text("已处理：已发布")
    staff.close()

    staff = browser.new_context(viewport=SMALL_PHONE, locale="zh-CN")
    teacher = sign_in(staff.new_page(), "teacher")
    teacher.goto(f"{live_server.url}/learning/resources/{video.pk}/")
    question = teacher.locator("#thread .post-question", has_text="第三式")
    question.get_by_label("您的回答").fill("先迈左脚，重心慢慢移过去。")
    with teacher.expect_navigation():
        question.get_by_role("button", name="回答").click()
    staff.close()

    page.reload()
    expect(page.locator("#thread .post-question .post-answer")).to_contain_text("先迈左脚，重心慢慢移过去。")
    expect(page.locator("#thread .badge.pending")).to_have_count(0)
    screenshot(page, "learning-question-answered")
    # leave the player, so that its last position report arrives while the test still runs
    page.goto(f"{live_server.url}/learning/")
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
def test_a_captioned_video_shows_its_captions_and_its_transcript(live_server, live_world, small_phone, screenshot):
    page = small_phone
    video = resource(live_world, title="八段锦跟练", kind="video", duration_seconds=10, captions="baduanjin.vtt")
    page.goto(f"{live_server.url}/learning/resources/{video.pk}/")
    page.locator("input[name=phone]").fill(RESIDENT_PHONE)
    page.locator("input[name=pin]").fill(RESIDENT_PIN)
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("八段锦跟练")

    # Chromium fetches the WebVTT through the strict CSP and shows it by default.
    track = f"{PLAYER}.textTracks[0]"
    _wait_until(page, f"{track}.cues !== null && {track}.cues.length === 4")
    assert page.evaluate(f"[{track}.kind, {track}.language, {track}.label, {track}.mode]") == [
        "captions",
        "zh",
        "中文字幕",
        "showing",
    ]
    assert page.evaluate(f"{track}.cues[0].text") == "八段锦第一式：两手托天理三焦。"
    page.evaluate(f"{PLAYER}.muted = true; {PLAYER}.play()")
    _wait_until(page, f"{track}.activeCues.length > 0")
    screenshot(page, "learning-video-captions")

    transcript = page.locator("#transcript")
    expect(transcript.locator(".transcript-text")).to_be_hidden()
    transcript.get_by_text("文字稿（读一读）").click()
    expect(transcript.locator(".transcript-text p")).to_have_text(
        [
            "八段锦第一式：两手托天理三焦。",
            "双手交叉上托，抬头看手，慢慢吸气。",
            "两臂从两侧缓缓落下，同时呼气。",
            "动作要慢，量力而行，重复六次。",
        ]
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
