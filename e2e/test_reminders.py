"""明天的活动 on a small phone: the resident sees tomorrow's registered activity on the home page and
turns SMS reminders on from the account's security page."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communityedu.activities import services as activity_services
from communityedu.activities.tests.factories import activity

SMALL_PHONE = {"width": 360, "height": 640}


@pytest.mark.browser
def test_a_resident_sees_tomorrows_activity_and_turns_sms_reminders_on(
    live_server, live_world, new_page, sign_in, screenshot
):
    tomorrow = timezone.localdate() + timedelta(days=1)
    tai_chi = activity(
        live_world,
        title="太极拳入门班",
        kind="training",
        starts_at=datetime.combine(tomorrow, time(9, 30), timezone.get_default_timezone()),
        venue_place="弋阳村文化广场",
    )
    activity_services.register(
        person=live_world.people["zhang"], activity=tai_chi, actor=live_world.accounts["resident"]
    )
    page = new_page(viewport=SMALL_PHONE)

    sign_in(page, "resident")

    tomorrow_section = page.locator("#tomorrow")
    expect(tomorrow_section.get_by_role("heading")).to_have_text("明天的活动")
    expect(tomorrow_section).to_contain_text("太极拳入门班")
    expect(tomorrow_section).to_contain_text("明天 上午9点半–上午11点半")
    expect(tomorrow_section).to_contain_text("弋阳村文化广场")
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    screenshot(page, "tomorrow-360")

    page.goto(f"{live_server.url}/accounts/security/")
    with page.expect_navigation():
        page.get_by_role("button", name="开启短信提醒").click()
    expect(page.locator(".messages")).to_contain_text("短信提醒已开启")
    expect(page.get_by_role("main")).to_contain_text("138****0000")
    expect(page.get_by_role("button", name="关闭短信提醒")).to_be_visible()
    live_world.accounts["resident"].refresh_from_db()
    assert live_world.accounts["resident"].sms_reminders is True
