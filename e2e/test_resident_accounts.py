"""A resident's account in the browser, at 360×640: the village director opens it and prints the
slip; the resident activates it on a phone and checks in at the venue."""

import pytest
from playwright.sync_api import expect

from communityedu.activities.models import AttendanceEntry

SMALL_PHONE = {"width": 360, "height": 640}


@pytest.mark.browser
def test_a_director_opens_an_account_and_the_resident_activates_it_and_checks_in(
    live_server, live_world, new_page, sign_in, screenshot
):
    li = live_world.people["li"]
    director = sign_in(new_page(viewport=SMALL_PHONE), "center")
    director.goto(f"{live_server.url}/people/{li.pk}/")
    panel = director.locator("#resident-account")
    expect(panel).to_contain_text("尚未开通账号")
    panel.locator("#open-account input[name=phone]").fill("13912345678")
    with director.expect_navigation():
        panel.get_by_role("button", name="开通账号").click()
    slip = director.locator("#activation-slip")
    expect(slip).to_contain_text("李德福")
    expect(slip).to_contain_text("弋阳村")
    code = slip.locator(".activation-code").inner_text().strip()
    assert len(code) == 8
    assert code.isdigit()
    expect(slip).not_to_contain_text("5678")  # no phone on the slip, not even its end
    screenshot(director, "activation-slip")
    assert director.evaluate("document.documentElement.scrollWidth") <= 360

    resident = new_page(viewport=SMALL_PHONE)
    resident.goto(f"{live_server.url}/accounts/activate/?code={code}")
    expect(resident.locator("input[name=code]")).to_have_value(code)
    resident.locator("input[name=phone]").fill("13912345678")
    resident.locator("input[name=pin]").fill("480713")
    resident.locator("input[name=pin2]").fill("480713")
    resident.locator("input[name=consent]").check()
    with resident.expect_navigation():
        resident.get_by_role("button", name="激活并登录").click()
    expect(resident).to_have_url(f"{live_server.url}/portal/")
    screenshot(resident, "activated-portal")

    resident.goto(f"{live_server.url}/checkin/{live_world.lecture.check_in_token}/")
    resident.get_by_role("button", name="签到").click()
    expect(resident.locator("#check-in-result")).to_contain_text("李德福")
    assert AttendanceEntry.objects.filter(activity=live_world.lecture, person=li).count() == 1
