"""The work plan in the browser: the town office records a joint meeting on a phone, adds an
action item for a unit, and closes it once the unit has put things right."""

import pytest
from playwright.sync_api import expect

from communityedu.planning.constants import RectificationStatus
from communityedu.planning.models import Meeting, RectificationItem
from communityedu.planning.tests.factories import phases


@pytest.mark.browser
def test_the_office_records_a_joint_meeting_with_an_action_item_and_closes_it(
    live_server, live_world, page, sign_in, screenshot
):
    phases(live_world)
    civil_affairs, school = live_world.civil_affairs, live_world.school
    sign_in(page, "office")
    page.goto(f"{live_server.url}/")
    page.locator("#staff-menu summary").click()  # on a phone the staff menu is folded behind 菜单
    page.get_by_role("link", name="工作计划").first.click()
    expect(page.locator("#phase-3")).to_contain_text("2020-06-01 – 2020-07-31")
    page.get_by_role("link", name="会议").first.click()
    expect(page.locator("#joint-meetings li.flag").first).to_be_visible()

    form = page.locator("#meeting-form")
    form.get_by_label("类型").select_option("joint")
    form.get_by_label("标题").fill("2020年第一次社区教育工作联席会议")
    form.get_by_label("日期").fill("2020-07-08")
    form.get_by_label("地点").fill("综合文化服务中心二楼会议室")
    for unit in (civil_affairs, school):
        form.locator(f"input[name=invited][value='{unit.pk}']").check()
    form.locator(f"input[name=attended][value='{school.pk}']").check()
    form.get_by_label("议定事项").fill("民政办7月底前指导十字村建成学习中心。")
    with page.expect_navigation():
        form.get_by_role("button", name="登记会议").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2020年第一次社区教育工作联席会议")
    expect(page.locator("#attendance")).to_contain_text("民政办 — 缺席")

    action = page.locator("#action-form")
    action.get_by_label("责任单位").select_option(label="民政办")
    action.get_by_label("事项内容").fill("指导十字村建成社区学习中心")
    action.get_by_label("完成时限").fill("2020-07-31")
    with page.expect_navigation():
        action.get_by_role("button", name="添加事项").click()
    expect(page.locator("#action-items")).to_contain_text("指导十字村建成社区学习中心")
    expect(page.locator("#action-items")).to_contain_text("逾期")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "planning-meeting")

    page.get_by_role("link", name="指导十字村建成社区学习中心").click()
    close = page.locator("#close-form")
    close.get_by_label("整改结果").fill("十字村社区学习中心已建成并挂牌。")
    close.get_by_label("销号日期").fill("2020-08-03")
    with page.expect_navigation():
        close.get_by_role("button", name="销号").click()
    expect(page.locator("#item-status")).to_contain_text("已销号 2020-08-03")
    screenshot(page, "planning-rectification-closed")

    meeting = Meeting.objects.get(town=live_world.xinmiao, title="2020年第一次社区教育工作联席会议")
    item = RectificationItem.objects.get(meeting=meeting)
    assert (item.unit, item.status, str(item.closed_on)) == (civil_affairs, RectificationStatus.CLOSED, "2020-08-03")
