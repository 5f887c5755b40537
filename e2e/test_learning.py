"""The learning library on a small phone: a resident finds 太极拳 by its initials, watches, leaves,
and comes back to the place where they stopped."""

import time

import pytest
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
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        progress = Progress.objects.filter(person=person).first()
        if progress and progress.position_seconds >= at_least:
            return progress
        time.sleep(0.2)
    raise AssertionError("the player's position was not saved")


@pytest.mark.browser
def test_a_resident_finds_taijiquan_by_initials_and_resumes_the_video(live_server, live_world, small_phone, screenshot):
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
