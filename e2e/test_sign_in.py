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
