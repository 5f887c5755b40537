"""The targets dashboard in the browser: the office sees a village below 70% and follows its
number down to the residents behind it."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communityedu.activities import services
from communityedu.activities.constants import AttendanceSource
from communityedu.organization import services as org_services


@pytest.mark.browser
def test_the_office_follows_a_village_below_the_target_down_to_its_attendance(
    live_server, live_world, page, sign_in, screenshot
):
    year = timezone.localdate().year
    for village, population in ((live_world.yiyang, 4), (live_world.shizi, 1)):
        org_services.set_population(village=village, year=year, resident_population=population, actor=None)
    office = live_world.accounts["office"]
    for name in ("zhang", "wang"):
        services.check_in(
            activity=live_world.lecture,
            person=live_world.people[name],
            source=AttendanceSource.ROSTER,
            recorded_by=office,
        )
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    sign_in(page, "office")

    page.goto(f"{live_server.url}/staff/targets/")

    villages = page.locator("#villages-participation")
    yiyang = villages.get_by_role("row").filter(has_text="弋阳村")
    expect(yiyang).to_contain_text("25.00%")
    expect(yiyang).to_contain_text("有风险")
    expect(villages.get_by_role("row").filter(has_text="十字村")).to_contain_text("已达标")
    expect(page.locator("#participation-villages-chart svg")).to_be_visible()  # ECharts drew the chart
    screenshot(page, "targets-dashboard")
    assert [text for text in messages if "Content Security Policy" in text or "404" in text] == []
    with page.expect_navigation():
        yiyang.get_by_role("link", name="1", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("弋阳村")
    records = page.locator("#participants tbody tr")
    expect(records).to_have_count(1)
    expect(records.first).to_contain_text("张秀英")
    expect(records.first).to_contain_text("防诈骗知识讲座")
    with page.expect_navigation():
        records.first.get_by_role("link", name="防诈骗知识讲座").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("防诈骗知识讲座")
