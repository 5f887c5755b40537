"""The administrator disables a staff account on a 360×640 phone: the accounts list stacks into
cards whose actions are on screen, and the disabled account's open session stops at once."""

import re

from playwright.sync_api import expect

from conftest import PASSWORD

SMALL_PHONE = {"width": 360, "height": 640}


def _signed_in(browser, live_server, username: str):
    context = browser.new_context(viewport=SMALL_PHONE, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button").click()
    return context, page


def test_the_administrator_disables_an_account_on_a_phone(browser, live_server, live_world, screenshot):
    volunteer_context, volunteer_page = _signed_in(browser, live_server, "volunteer")
    admin_context, page = _signed_in(browser, live_server, "admin")
    try:
        page.goto(f"{live_server.url}/people/accounts/")

        table = page.locator(".account-list")
        assert table.evaluate("element => element.scrollWidth <= element.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
        row = page.locator(f"#account-{live_world.accounts['volunteer'].pk}")
        manage = row.get_by_role("link", name=re.compile("管理"))
        box = manage.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= SMALL_PHONE["width"]
        screenshot(page, "staff-accounts-list-360")

        manage.click()
        page.get_by_label("原因").fill("调离岗位")
        page.get_by_role("button", name="停用账号").click()

        expect(page.locator("#account-status")).to_contain_text("已停用")
        expect(page.get_by_role("button", name="重新启用账号")).to_be_visible()
        screenshot(page, "staff-account-disabled-360")
        volunteer_page.goto(f"{live_server.url}/activities/")
        expect(volunteer_page).to_have_url(re.compile(r"/accounts/sign-in/"))
    finally:
        admin_context.close()
        volunteer_context.close()
