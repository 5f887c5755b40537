"""A notice entered after the fact (补录) on a phone: the office enters a commendation issued in
2020 with its own date; the notice reads that date, the time it was typed, each unit once, and the
town head of 2020 by name."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communityedu.organization import services as org_services
from communityedu.organization.constants import UnitType
from communityedu.organization.models import Unit
from communityedu.people.position_holders import appoint_holder
from communityedu.planning.models import Notice


@pytest.mark.browser
def test_the_office_enters_a_2020_notice_with_its_date_on_a_phone(
    live_server, live_world, new_page, sign_in, screenshot
):
    group = org_services.save_unit(
        unit=None,
        town=live_world.xinmiao,
        values={"name": "社区教育工作领导小组", "unit_type": UnitType.LEADERSHIP_GROUP},
        actor=None,
    )
    head = org_services.ensure_position(unit=group, title="组长", held_by="镇长", position=0)
    appoint_holder(position=head, person_name="陈志刚", starts_on=date(2018, 1, 1), actor=None)
    appoint_holder(position=head, person_name="李明华", starts_on=date(2021, 7, 1), actor=None)
    committee = Unit.objects.get(town=live_world.xinmiao, name="弋阳村村委会")
    page = new_page(viewport={"width": 360, "height": 640})
    sign_in(page, "office")

    page.goto(f"{live_server.url}/planning/notices/")
    form = page.locator("#notice-form")
    form.locator("[name=kind]").select_option("commendation")
    form.locator("[name=title]").fill("关于表扬弋阳村村委会的通报")
    form.locator("[name=body]").fill("弋阳村村委会在创建工作中成效明显，志愿者刘芳同志积极参与，特予通报表扬。")
    committee_box = form.locator(f"input[name=units][value='{committee.pk}']")
    # The village committees fold under 逐个选择 (choose one by one).
    form.locator("fieldset[data-unit-group]", has=page.locator(f"input[value='{committee.pk}']")).locator(
        "summary"
    ).click()
    committee_box.check()
    form.locator("[name=people]").fill("弋阳村村委会 刘芳")
    form.locator("[name=effective_on]").fill("2020-12-18")
    with page.expect_navigation():
        form.get_by_role("button", name="保存草稿").click()

    expect(page.locator("#notice-effective-on")).to_have_text("2020-12-18 补录")
    notice = Notice.objects.get(title="关于表扬弋阳村村委会的通报")
    expect(page.locator("#notice-recorded-at")).to_have_text(f"{timezone.localtime(notice.created_at):%Y-%m-%d %H:%M}")
    expect(page.locator("#notice-subjects")).to_have_text("弋阳村村委会（刘芳）")
    expect(page.locator("#leaders")).to_contain_text("2020-12-18的领导小组")
    expect(page.locator("#leaders")).to_contain_text("组长：镇长 陈志刚")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "planning-notice-entered-after-the-fact")

    page.goto(f"{live_server.url}/planning/notices/")
    expect(page.locator("#notice-list")).to_contain_text("2020-12-18 关于表扬弋阳村村委会的通报")
    assert notice.effective_on == date(2020, 12, 18)
