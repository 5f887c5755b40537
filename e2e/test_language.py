"""The interface language: Chinese by default, English on request, remembered in a cookie."""

import pytest
from playwright.sync_api import expect


@pytest.mark.browser
def test_interface_is_chinese_by_default(live_server, page):
    page.goto(f"{live_server.url}/accounts/sign-in/")

    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("button", name="English", exact=True)).to_be_visible()


@pytest.mark.browser
def test_english_button_switches_the_language_and_it_stays_on_the_next_page(live_server, page):
    page.goto(f"{live_server.url}/accounts/sign-in/")

    with page.expect_navigation():
        page.get_by_role("button", name="English", exact=True).click()

    assert page.url == f"{live_server.url}/accounts/sign-in/"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="中文", exact=True)).to_be_visible()
    assert {c["name"]: c["value"] for c in page.context.cookies()}["language"] == "en"

    page.goto(f"{live_server.url}/accounts/resident-sign-in/")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="中文", exact=True)).to_be_visible()
