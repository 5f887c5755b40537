"""The targets page's drill-downs on a phone: a centre director follows the participation number
down to the residents (named only for the own village) and a headcount down to its activity."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communityedu.activities import services
from communityedu.activities.constants import AttendanceSource
from communityedu.organization import services as org_services


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


@pytest.mark.browser
def test_a_centre_director_follows_the_figures_down_to_their_records_on_a_phone(
    live_server, live_world, page, sign_in, screenshot
):
    today = timezone.localdate()
    for village, population in ((live_world.yiyang, 4), (live_world.shizi, 2)):
        org_services.set_population(village=village, year=today.year, resident_population=population, actor=None)
    office = live_world.accounts["office"]
    for name in ("zhang", "wang"):
        services.check_in(
            activity=live_world.lecture,
            person=live_world.people[name],
            source=AttendanceSource.ROSTER,
            recorded_by=office,
        )
    services.record_headcount(activity=live_world.lecture, count=30, note="坝坝舞", actor=office)
    sign_in(page, "center")
    targets = f"{live_server.url}/staff/targets/?town=xinmiao&year={today.year}&as_of={today.isoformat()}"

    page.goto(targets)
    participation = page.locator("#figure-participation")
    with page.expect_navigation():
        participation.get_by_role("link", name="2", exact=True).first.click()

    expect(page.locator("#participants tbody tr")).to_have_count(1)
    expect(page.locator("#participants")).to_contain_text("张秀英")  # 弋阳村, the director's own
    expect(page.locator("#participants")).not_to_contain_text("王桂芬")  # 十字村: counted, not named
    expect(page.locator("#participants-not-named")).to_contain_text("1")
    assert _fits_the_screen(page)

    page.goto(targets)
    with page.expect_navigation():
        page.locator("#figure-participation").get_by_role("link", name="30", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("人次")
    rows = page.locator("#figure-records tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("防诈骗知识讲座")
    expect(rows.first).to_contain_text("30")
    assert _fits_the_screen(page)
    screenshot(page, "targets-drilldown-headcounts")
