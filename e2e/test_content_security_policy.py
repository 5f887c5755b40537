import pytest
from playwright.sync_api import expect


@pytest.mark.browser
def test_village_list_for_town_office_raises_no_csp_violations(live_server, live_world, page, sign_in):
    messages = []
    page.on("console", lambda message: messages.append(message.text))

    sign_in(page, "office")
    page.goto(f"{live_server.url}/org/villages/")

    expect(page.locator("table tbody th[scope=row]")).to_have_count(2)
    assert [text for text in messages if "Content Security Policy" in text or "404" in text] == []
