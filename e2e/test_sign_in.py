"""Signing in through the real forms, as staff and as a resident."""

import pytest
from playwright.sync_api import expect


@pytest.mark.browser
def test_resident_signs_in_with_phone_and_pin_and_lands_on_their_portal(
    live_server, live_world, page, sign_in, screenshot
):
    sign_in(page, "resident")

    assert page.url == f"{live_server.url}/portal/"
    expect(page.locator(".greeting")).to_contain_text("张秀英")
    expect(page.locator(".greeting")).to_contain_text("弋阳村")
    screenshot(page, "portal-resident")


@pytest.mark.browser
def test_resident_is_refused_the_staff_pages(live_server, live_world, page, sign_in):
    sign_in(page, "resident")

    assert page.goto(f"{live_server.url}/org/").status == 403
    assert page.goto(f"{live_server.url}/people/").status == 403


@pytest.mark.browser
def test_staff_sign_in_works_as_a_plain_form_without_javascript(live_server, live_world, new_page, sign_in):
    page = new_page(java_script_enabled=False)

    sign_in(page, "office")

    assert page.url == f"{live_server.url}/"
    expect(page.get_by_role("heading", level=1)).to_contain_text("新妙镇")
    expect(page.locator("dl.figures a[href='/org/villages/']")).to_have_text("2")


@pytest.mark.browser
def test_a_locked_account_is_unlocked_by_the_office_from_the_accounts_page(
    live_server, live_world, new_page, sign_in, screenshot
):
    clerk = new_page()
    clerk.goto(f"{live_server.url}/accounts/sign-in/")
    for _attempt in range(5):
        clerk.locator("input[name=username]").fill("school")
        clerk.locator("input[name=password]").fill("not-the-password")
        with clerk.expect_navigation():
            clerk.get_by_role("main").get_by_role("button").click()
    sign_in(clerk, "school")
    expect(
        clerk.get_by_text("登录失败次数太多，账号已被锁定。请15分钟后再试，或请社区教育办公室解锁。")
    ).to_be_visible()
    assert clerk.url == f"{live_server.url}/accounts/sign-in/"

    office = sign_in(new_page(), "office")
    office.goto(f"{live_server.url}/people/accounts/")
    row = office.locator("tr", has=office.get_by_text("school", exact=True))
    expect(row).to_contain_text("已锁定")
    with office.expect_navigation():
        row.get_by_role("button", name="解锁").click()
    expect(office.get_by_text("账号 school 已解锁。")).to_be_visible()
    screenshot(office, "accounts-unlocked")

    sign_in(clerk, "school")
    assert clerk.url == f"{live_server.url}/"
