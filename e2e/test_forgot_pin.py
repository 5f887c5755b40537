"""忘记密码 on a small phone: the code from the SMS (the file backend) and a new PIN, then sign in with it."""

import pytest
from playwright.sync_api import expect

from communityedu.messaging.backends import read_file_outbox
from conftest import RESIDENT_PHONE

SMALL_PHONE = {"width": 360, "height": 640}
NEW_PIN = "813579"


@pytest.mark.browser
def test_a_resident_who_forgot_the_pin_sets_a_new_one_with_the_sms_code(live_server, live_world, new_page, screenshot):
    page = new_page(viewport=SMALL_PHONE)
    page.goto(f"{live_server.url}/accounts/resident-sign-in/")
    with page.expect_navigation():
        page.get_by_role("link", name="忘记密码？").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("忘记密码")
    expect(page.locator(".at-the-centre")).to_contain_text("请到村学习中心重置")

    page.locator("input[name=phone]").fill(RESIDENT_PHONE)
    with page.expect_navigation():
        page.get_by_role("button", name="发送验证码").click()

    expect(page.locator(".answer")).to_contain_text("若该号码已登记，验证码已发送")
    expect(page.locator(".answer")).to_contain_text("138****0000")
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    screenshot(page, "forgot-pin-code-360")
    [message] = read_file_outbox()
    page.locator("input[name=code]").fill(message["params"]["code"])
    page.locator("input[name=pin]").fill(NEW_PIN)
    page.locator("input[name=pin2]").fill(NEW_PIN)
    with page.expect_navigation():
        page.get_by_role("button", name="确定新密码").click()

    assert page.url == f"{live_server.url}/accounts/resident-sign-in/"
    expect(page.locator(".messages")).to_contain_text("新密码已设好")
    page.locator("input[name=phone]").fill(RESIDENT_PHONE)
    page.locator("input[name=pin]").fill(NEW_PIN)
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button", name="登录").click()
    assert page.url == f"{live_server.url}/portal/"
    expect(page.locator(".greeting")).to_contain_text("张秀英")
