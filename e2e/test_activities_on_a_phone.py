"""The activity calendar, the month list and the unit pickers on a 360×640 phone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communityedu.activities.tests.factories import activity, at
from communityedu.organization.models import Unit

PHONE = {"width": 360, "height": 640}
LONG_TITLE = "弋阳村“四点半课堂”暑期安全教育暨防溺水、防诈骗、交通安全与心理健康知识专题讲座（第三期）"


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.browser
def test_the_calendar_week_the_month_list_and_the_organiser_search_fit_a_phone(
    live_server, live_world, new_page, sign_in, screenshot
):
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    sunday = monday + timedelta(days=6)
    activity(
        live_world, title="周日广场舞培训", kind="training", starts_at=at(sunday.year, sunday.month, sunday.day, 19)
    )
    activity(live_world, title=LONG_TITLE, starts_at=at(today.year, today.month, today.day, 16))
    page = new_page(viewport=PHONE)
    sign_in(page, "office")

    # The week: seven days stacked, each reached by scrolling down, today marked, nothing sideways.
    page.goto(f"{live_server.url}/activities/calendar/?week={today.isoformat()}")
    headings = page.locator("#calendar h2.calendar-date")
    expect(headings).to_have_count(7)
    for index in range(7):
        headings.nth(index).scroll_into_view_if_needed()
        expect(headings.nth(index)).to_be_in_viewport()
    expect(headings.nth(0)).to_contain_text("星期一")
    expect(headings.nth(6)).to_contain_text("星期日")
    expect(page.locator(".calendar-day.today .today-badge")).to_have_text("今天")
    expect(page.locator(".calendar-day").nth(6)).to_contain_text("周日广场舞培训")
    assert _page_width(page) <= 360
    screenshot(page, "activities-phone-calendar-week")

    # The month as a calendar stacks too.
    page.goto(f"{live_server.url}/activities/calendar/?month={today:%Y-%m}")
    assert _page_width(page) <= 360

    # The month list: cards, the long title whole, the facts labelled.
    page.goto(f"{live_server.url}/activities/?month={today:%Y-%m}")
    card = page.locator("#activities tr", has_text=LONG_TITLE)
    title = card.locator(".activity-title a")
    expect(title).to_have_text(LONG_TITLE)
    title.scroll_into_view_if_needed()
    box = title.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 360
    assert title.evaluate("element => element.scrollWidth <= element.clientWidth + 1")
    labels = card.locator("td").evaluate_all("cells => cells.map(cell => getComputedStyle(cell, '::before').content)")
    assert labels == ['"时间："', '"类型："', '"组织单位："', '"地点："', '"签到人数："', '"佐证材料："']
    assert _page_width(page) <= 360
    screenshot(page, "activities-phone-month-list")

    # The organiser picker: grouped by type, and typing 弋阳 keeps only the units that match.
    page.goto(f"{live_server.url}/activities/new/")
    search = page.locator("#id_organiser-filter")
    search.fill("弋阳")
    options = page.locator("#id_organiser option")
    expect(options).to_have_text(["---------", "弋阳村社区学习中心", "弋阳村村委会"])
    search.fill("yy")
    expect(options).to_have_text(["---------", "弋阳村社区学习中心", "弋阳村村委会"])
    page.locator("#id_organiser").select_option(label="弋阳村村委会")
    search.fill("")
    expect(options).to_have_count(7)
    committee = Unit.objects.get(town=live_world.xinmiao, name="弋阳村村委会")
    expect(page.locator("#id_organiser")).to_have_value(str(committee.pk))
    # Enter in the box picks the one unit left, without sending the form.
    search.fill("十字村社区")
    search.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/activities/new/")
    expect(page.locator("#id_organiser option:checked")).to_have_text("十字村社区学习中心")
    assert _page_width(page) <= 360
    search.fill("弋阳")
    screenshot(page, "activities-phone-organiser-search")

    # A meeting invites every learning centre in one tap.
    page.goto(f"{live_server.url}/planning/meetings/")
    form = page.locator("#meeting-form")
    form.get_by_label("全部社区学习中心（2）").first.check()
    for centre in Unit.objects.filter(town=live_world.xinmiao, unit_type="learning_centre"):
        expect(form.locator(f"input[name=invited][value='{centre.pk}']")).to_be_checked()
        expect(form.locator(f"input[name=attended][value='{centre.pk}']")).not_to_be_checked()
    assert _page_width(page) <= 360
    screenshot(page, "activities-phone-meeting-units")
