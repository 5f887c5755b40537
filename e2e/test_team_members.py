"""The office adds a volunteer to a volunteer team from the team's page on a phone, then removes them."""

import pytest
from playwright.sync_api import expect

from communityedu.incentives import services
from communityedu.organization.services import save_unit


@pytest.mark.browser
def test_the_office_adds_a_volunteer_to_a_team_and_removes_them_on_a_phone(
    live_server, live_world, page, sign_in, screenshot
):
    team = save_unit(
        unit=None, town=live_world.xinmiao, values={"name": "社区教育坝坝舞队", "unit_type": "team"}, actor=None
    )
    services.save_team_member(
        actor=None,
        town=live_world.xinmiao,
        person=live_world.people["li"],
        values={"category": "volunteer", "specialities": "坝坝舞", "employer": live_world.civil_affairs},
    )
    sign_in(page, "office")

    page.goto(f"{live_server.url}/org/units/{team.pk}/")
    expect(page.locator("#team-members")).to_contain_text("尚无成员")
    with page.expect_navigation():
        page.get_by_role("link", name="成员：添加或移除").click()
    page.locator("#join-team select[name=member]").select_option(label="李德福")
    page.locator("#join-team input[name=joined_on]").fill("2020-06-01")
    with page.expect_navigation():
        page.locator("#join-team button[type=submit]").click()

    expect(page.locator("#team-members")).to_contain_text("李德福")
    expect(page.locator("#team-members")).to_contain_text("现为成员")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "team-members-phone")
    with page.expect_navigation():
        page.locator("#team-members button[type=submit]").click()
    expect(page.locator("#team-members")).not_to_contain_text("现为成员")
    page.goto(f"{live_server.url}/org/units/{team.pk}/")
    expect(page.locator("#team-members")).to_contain_text("尚无成员")
