"""The self-assessment in the browser: the town office scores a manual indicator with a comment
and sees the total change."""

import pytest
from playwright.sync_api import expect

from communityedu.assessment import services
from communityedu.assessment.indicator_sheet import DEFAULT_INDICATORS
from communityedu.assessment.models import ManualScore


@pytest.mark.browser
def test_the_office_scores_a_manual_indicator_and_sees_the_total_change(
    live_server, live_world, page, sign_in, screenshot
):
    services.load_indicator_system(
        actor=None, town=live_world.xinmiao, content=DEFAULT_INDICATORS.read_bytes(), file_name="default.csv"
    )
    sign_in(page, "office")
    page.goto(f"{live_server.url}/")
    page.locator("#staff-menu summary").click()  # on a phone the staff menu is folded behind 菜单
    page.get_by_role("link", name="评估").first.click()
    page.get_by_role("link", name="自评").click()
    page.goto(f"{live_server.url}/assessment/self-assessment/?year=2020&as_of=2020-12-31")
    expect(page.locator("#total-score")).to_contain_text("0.00 / 100")
    expect(page.locator("#gaps")).to_contain_text("1.1 领导小组与办公室：尚未评分")

    row = page.locator("#indicator-1\\.1")
    row.get_by_text("得分", exact=True).click()
    row.get_by_label("分值").fill("4.5")
    row.get_by_label("评分说明").fill("领导小组已成立，办公室设在综合文化服务中心。")
    with page.expect_navigation():
        row.get_by_role("button", name="保存评分").click()

    expect(page.locator("#total-score")).to_contain_text("4.50 / 100")
    expect(page.locator("#indicator-1\\.1 .score")).to_have_text("4.50")
    expect(page.locator("#indicator-1\\.1")).to_contain_text("领导小组已成立")
    screenshot(page, "assessment-self-assessment")
    score = ManualScore.objects.get()
    assert (score.indicator.code, str(score.points), score.scored_by.username) == ("1.1", "4.50", "office")
