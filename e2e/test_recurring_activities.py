"""The office lists a unit's required yearly activity on a phone and sees 2020's occurrence flagged:
the school's 五四 has no activity around 4 May, 六一 was held with no evidence yet."""

import pytest
from playwright.sync_api import expect

from communityedu.activities.constants import ActivityKind
from communityedu.activities.tests.factories import activity, at


@pytest.mark.browser
def test_the_office_adds_a_required_activity_and_sees_its_occurrence_flagged_on_a_phone(
    live_server, live_world, new_page, sign_in, screenshot
):
    activity(live_world, kind=ActivityKind.SCHOOL_FESTIVAL, starts_at=at(2020, 6, 1), title="六一儿童节文艺汇演")
    page = new_page(viewport={"width": 360, "height": 640})
    page.set_default_timeout(30_000)  # a live server on a shared, loaded machine answers slowly
    sign_in(page, "office")

    for title, month, day, keyword in (("五四青年节活动", "5", "4", "五四"), ("六一儿童节活动", "6", "1", "六一")):
        page.goto(f"{live_server.url}/staff/targets/recurring-activities/?year=2020&as_of=2020-12-31")
        form = page.locator("#recurring-activity-form")
        form.locator("[name=title]").fill(title)
        form.locator("[name=unit]").select_option(label="新妙镇社区学校")
        form.locator("[name=month]").fill(month)
        form.locator("[name=day]").fill(day)
        form.locator("[name=activity_kind]").select_option("school_festival")
        form.locator("[name=keyword]").fill(keyword)
        form.locator("[name=active_from_year]").fill("2020")
        with page.expect_navigation():
            form.get_by_role("button").click()

    occurrences = page.locator("#recurring-occurrences tbody tr")
    expect(occurrences).to_have_count(2)
    expect(occurrences.nth(0)).to_contain_text("2020-05-04")
    expect(occurrences.nth(0)).to_contain_text("未举办")
    expect(occurrences.nth(1)).to_contain_text("缺少佐证")
    expect(occurrences.nth(1)).to_contain_text("六一儿童节文艺汇演")
    expect(page.locator("#recurring-total")).to_contain_text("0")
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "recurring-activities-phone")
