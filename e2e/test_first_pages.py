"""A centre director's first page on a 360×640 phone: their village's section on the first screen,
no sideways scrolling, and the staff menu folded behind 菜单 until tapped."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communityedu.activities import services as activity_services
from communityedu.activities.constants import ActivityKind
from communityedu.incentives import services as incentive_services
from communityedu.incentives.models import TeamCategory
from communityedu.organization import services as org_services

SMALL_PHONE = {"width": 360, "height": 640}


def _activity(world, title, starts_at, village, lecturers=(), **values):
    return activity_services.schedule_activity(
        actor=world.accounts["office"],
        town=world.xinmiao,
        values={
            "title": title,
            "kind": ActivityKind.TRAINING,
            "organiser": world.yiyang_centre,
            "village": village,
            "venue_place": "弋阳村文化广场",
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=2),
        }
        | values,
        lecturers=lecturers,
    )


@pytest.mark.browser
def test_a_centre_director_opens_their_village_on_the_first_screen_of_a_phone(
    live_server, live_world, new_page, sign_in, screenshot
):
    now = timezone.now()
    org_services.set_population(
        village=live_world.yiyang, year=timezone.localdate().year, resident_population=10, actor=None
    )
    running = _activity(
        live_world, "老年人智能手机使用培训（弋阳村第三期）", now - timedelta(minutes=10), live_world.yiyang
    )
    page = sign_in(new_page(viewport=SMALL_PHONE), "center")

    page.goto(f"{live_server.url}/")

    section = page.locator(f"#first-director-{live_world.yiyang.pk}")
    expect(section.get_by_role("heading", level=2)).to_have_text("弋阳村：本周和下周")
    assert section.bounding_box()["y"] < SMALL_PHONE["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    expect(section.locator(f"#missing-{live_world.yiyang.pk}")).to_have_text("还差 7 位居民")
    roll = section.get_by_role("link", name="点名", exact=True)
    expect(roll).to_have_attribute("href", f"/activities/{running.pk}/roster/")
    # The menu is folded: one 菜单 button, its links hidden until tapped.
    menu = page.locator("#staff-menu")
    expect(menu.get_by_role("link", name="人员", exact=True)).to_be_hidden()
    menu.locator("summary").click()
    expect(menu.get_by_role("link", name="人员", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    screenshot(page, "first-page-centre-director")


@pytest.mark.browser
def test_a_teachers_points_column_is_on_screen_on_a_phone(live_server, live_world, new_page, sign_in):
    teacher = live_world.people["teacher"]
    incentive_services.save_team_member(
        actor=live_world.accounts["office"],
        town=live_world.xinmiao,
        person=teacher,
        values={"category": TeamCategory.PART_TIME_TEACHER, "employer": live_world.school},
    )
    _activity(
        live_world, "家庭教育与青少年心理健康专题讲座", timezone.now() - timedelta(hours=3), live_world.shizi,
        kind=ActivityKind.LECTURE, organiser=live_world.school, lecturers=[teacher],
    )  # fmt: skip
    page = sign_in(new_page(viewport=SMALL_PHONE), "teacher")

    page.goto(f"{live_server.url}/")
    page.locator("#first-duty").get_by_role("link", name="我的全部积分和证明").click()

    header = page.locator("#lines thead th").nth(1)
    expect(header).to_have_text("积分")
    box = header.bounding_box()
    assert box["x"] + box["width"] <= SMALL_PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
