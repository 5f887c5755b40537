"""A centre director's day on a phone (360×640): the first page's 点名 opens the roll in pinyin order;
a 村民小组 filter, ticks, a search by pinyin initials, and the ticks are kept until 确认签到 checks
them all in; then the sign-in sheet's photo goes up as the activity's evidence."""

import re
from datetime import date

import pytest
from PIL import Image
from playwright.sync_api import expect

from communityedu.activities import services
from communityedu.activities.models import AttendanceEntry
from communityedu.people.models import Person, Sex

SMALL_PHONE = {"width": 360, "height": 640}


@pytest.mark.browser
def test_a_directors_day_first_page_roll_with_ticks_kept_across_a_search_then_evidence(
    live_server, live_world, new_page, sign_in, screenshot, tmp_path
):
    world = live_world
    Person.objects.bulk_create(
        Person(
            town=world.xinmiao,
            village=world.yiyang,
            name=f"{'张王陈'[n % 3]}{'秀德桂志'[n % 4]}{'英福芬强'[n // 15]}",
            sex=Sex.FEMALE,
            birth_date=date(1950, 1, 1),
            village_group="2组" if n % 2 else "3组",
        )
        for n in range(60)
    )
    activity = services.schedule_activity(
        actor=world.accounts["center"],
        town=world.xinmiao,
        values={
            "title": "弋阳村健康讲座",
            "kind": world.lecture.kind,
            "organiser": world.yiyang_centre,
            "village": world.yiyang,
            "venue_place": "弋阳村文化广场",
            "starts_at": world.lecture.starts_at,
            "ends_at": world.lecture.ends_at,
        },
    )
    page = sign_in(new_page(viewport=SMALL_PHONE), "center")
    page.goto(f"{live_server.url}/")
    with page.expect_navigation():
        page.locator(f"#first-director-{world.yiyang.pk}").get_by_role("link", name="点名", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/activities/{activity.pk}/roster/")
    expect(page.locator("#roll-count")).to_have_text("第 1–50 / 62")
    expect(page.locator(".roll-name").first).to_have_text(re.compile("^陈"))
    page.locator("#roll-group").select_option("3组")
    with page.expect_navigation():
        page.get_by_role("button", name="查找").click()
    expect(page.locator("#roll-count")).to_have_text("第 1–30 / 30")
    boxes = page.locator("input[name=person]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    expect(page.locator("#roll-chosen")).to_have_text("2")
    page.locator("#roll-group").select_option("")
    page.locator("#roll-q").fill("ldf")
    with page.expect_navigation():
        page.get_by_role("button", name="查找").click()
    expect(page.locator(".roll-name")).to_have_text(["李德福"])
    page.locator("input[name=person]").check()
    expect(page.locator("#roll-chosen")).to_have_text("3")
    bar = page.locator("#roll-bar").bounding_box()
    assert bar["y"] + bar["height"] <= 640  # the sticky bar is on the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "roll-on-a-phone")
    with page.expect_navigation():
        page.get_by_role("button", name="确认签到").click()
    expect(page.locator("#roll-chosen")).to_have_text("0")
    names = set(AttendanceEntry.objects.filter(activity=activity).values_list("person__name", flat=True))
    assert len(names) == 3
    assert "李德福" in names

    photo = tmp_path / "签到表.jpg"
    Image.new("RGB", (1200, 1600), (250, 250, 240)).save(photo, "JPEG")
    page.goto(f"{live_server.url}/activities/{activity.pk}/")
    page.locator("#evidence-kind").select_option("sign_in_sheet")
    page.locator("#evidence-files").set_input_files(str(photo))
    with page.expect_navigation():
        page.locator("#evidence-upload button[type=submit]").click()
    expect(page.locator("#evidence img.evidence-thumbnail")).to_have_count(1)
    expect(page.locator("#evidence img.evidence-thumbnail")).to_be_in_viewport()
