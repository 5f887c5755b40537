"""The evidence behind the numbers on a phone: the town office opens 佐证材料 from the assessment's
menu, sees what has no evidence at all, and follows a figure to the records it counts."""

import pytest
from playwright.sync_api import expect

from communityedu.assessment import services
from communityedu.assessment.indicator_sheet import DEFAULT_INDICATORS


@pytest.mark.browser
def test_the_office_follows_a_figure_to_its_records_on_a_phone(live_server, live_world, page, sign_in, screenshot):
    services.load_indicator_system(
        actor=None, town=live_world.xinmiao, content=DEFAULT_INDICATORS.read_bytes(), file_name="default.csv"
    )
    sign_in(page, "office")
    page.goto(f"{live_server.url}/assessment/self-assessment/?year=2020&as_of=2020-12-31")
    page.get_by_role("navigation", name="评估").get_by_role("link", name="佐证材料").click()
    expect(page.get_by_role("heading", name="无任何佐证的事项")).to_be_visible()
    page.locator("#period-year").fill("2020")
    page.locator("#period-as-of").fill("2020-12-31")
    with page.expect_navigation():
        page.locator("form.filters").get_by_role("button").click()
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing pushes the page sideways
    gaps = page.locator("#evidence-gaps li")
    expect(gaps.first).to_contain_text("无任何佐证")
    page.locator("#evidence-figures").get_by_role("link", name="居民有组织参与率").click()
    expect(page.locator("#evidence-node h2")).to_have_text("居民有组织参与率")
    expect(page.locator("#evidence-records")).to_contain_text("截止日期前无记录。")
    assert "key=figure%3Aparticipation" in page.url or "key=figure:participation" in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, "assessment-evidence")
