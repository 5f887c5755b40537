"""Activities in the browser: a resident checks in at the venue on a phone; the month view flags
a month with one lecture-hall lecture."""

from datetime import date

import pytest
from PIL import Image
from playwright.sync_api import expect

from communityedu.activities.models import AttendanceEntry
from communityedu.activities.tests.factories import activity, at
from conftest import RESIDENT_PHONE, RESIDENT_PIN


@pytest.mark.browser
def test_a_resident_opens_the_venue_link_on_a_phone_and_is_counted_once(live_server, live_world, page, screenshot):
    url = f"{live_server.url}/checkin/{live_world.lecture.check_in_token}/"

    page.goto(url)
    expect(page).to_have_url(
        f"{live_server.url}/accounts/resident-sign-in/?next=/checkin/{live_world.lecture.check_in_token}/"
    )
    page.locator("input[name=phone]").fill(RESIDENT_PHONE)
    page.locator("input[name=pin]").fill(RESIDENT_PIN)
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("防诈骗知识讲座")
    expect(page.locator("#check-in-state")).to_have_attribute("data-state", "open")
    page.get_by_role("button", name="签到").click()
    expect(page.locator("#check-in-result")).to_contain_text("张秀英")
    screenshot(page, "venue-check-in")
    page.goto(url)
    expect(page.locator("#check-in-state")).to_have_text("已签到")
    expect(page.get_by_role("button", name="签到")).to_have_count(0)

    assert AttendanceEntry.objects.filter(activity=live_world.lecture).count() == 1


@pytest.mark.browser
def test_the_lecture_hall_view_flags_a_month_with_one_lecture(live_server, live_world, page, sign_in):
    live_world.xinmiao.programme_start = date(2020, 5, 1)
    live_world.xinmiao.save(update_fields=["programme_start"])
    for day in (date(2020, 5, 9), date(2020, 5, 23), date(2020, 6, 13)):
        activity(live_world, starts_at=at(day.year, day.month, day.day, 14))
    sign_in(page, "office")

    page.goto(f"{live_server.url}/activities/lecture-hall/")

    rows = page.locator("#lecture-hall tbody tr")
    expect(rows.nth(0)).not_to_have_class("flagged")
    expect(rows.nth(1)).to_have_class("flagged")
    expect(rows.nth(1).locator("td").first).to_have_text("1")


@pytest.mark.browser
def test_staff_upload_a_sign_in_sheet_photo_and_it_shows_with_a_thumbnail(
    live_server, live_world, page, sign_in, tmp_path, screenshot
):
    photo = tmp_path / "签到表.jpg"
    Image.new("RGB", (1200, 1600), (250, 250, 240)).save(photo, "JPEG")
    sign_in(page, "school")
    page.goto(f"{live_server.url}/activities/{live_world.lecture.pk}/")

    page.locator("#evidence-kind").select_option("sign_in_sheet")
    page.locator("#evidence-files").set_input_files(str(photo))
    with page.expect_navigation():
        page.locator("#evidence-upload button[type=submit]").click()

    thumbnail = page.locator("#evidence img.evidence-thumbnail")
    expect(thumbnail).to_have_count(1)
    expect(thumbnail).to_have_attribute("alt", "签到表 · 签到表.jpg")
    assert page.evaluate("document.querySelector('#evidence img').naturalWidth") == 320
    screenshot(page, "activity-with-evidence")
