"""Asking to join in the browser, at 360×640: a resident without a card asks on a phone, the village
director confirms and hands over the slip, and the resident activates the account with its code."""

from datetime import date

import pytest
from playwright.sync_api import expect

from communityedu.people import services as people_services
from communityedu.people.identity import id_check_digit
from communityedu.people.models import Sex

SMALL_PHONE = {"width": 360, "height": 640}
ZHOU_ID = "50010219580312002" + id_check_digit("50010219580312002")
ZHOU_PHONE = "13912345678"


@pytest.mark.browser
def test_a_resident_asks_to_join_the_director_confirms_and_the_resident_activates(
    live_server, live_world, new_page, sign_in, screenshot
):
    people_services.create_person(
        town=live_world.xinmiao,
        values={"name": "周兰英", "sex": Sex.FEMALE, "birth_date": date(1958, 3, 12), "village": live_world.yiyang,
                "village_group": "2组"},
        id_number=ZHOU_ID,
        phone=ZHOU_PHONE,
    )  # fmt: skip

    resident = new_page(viewport=SMALL_PHONE)
    resident.goto(f"{live_server.url}/accounts/join/")
    resident.locator("input[name=name]").fill("周兰英")
    resident.locator("select[name=village]").select_option(label="弋阳村")
    resident.locator("input[name=phone]").fill(ZHOU_PHONE)
    resident.locator("input[name=id_last_four]").fill(ZHOU_ID[-4:])
    assert resident.evaluate("document.documentElement.scrollWidth") <= 360
    with resident.expect_navigation():
        resident.get_by_role("button", name="提交申请").click()
    expect(resident.locator("#join-received")).to_contain_text("您的申请已送到村学习中心")
    screenshot(resident, "join-request-received")

    director = sign_in(new_page(viewport=SMALL_PHONE), "center")
    director.goto(f"{live_server.url}/")
    with director.expect_navigation():
        director.locator("#join-requests-link").click()
    row = director.get_by_role("row", name="周兰英")
    expect(row).to_contain_text("139****5678")
    expect(row).to_contain_text("2组")
    with director.expect_navigation():
        row.get_by_role("link", name="周兰英").click()
    expect(director.locator("#register-match")).to_contain_text("身份证号码后四位相符")
    with director.expect_navigation():
        director.get_by_role("button", name="确认并开通账号").click()
    slip = director.locator("#activation-slip")
    expect(slip).to_contain_text("周兰英")
    expect(slip).to_contain_text("弋阳村")
    expect(slip).not_to_contain_text("5678")
    code = slip.locator(".activation-code").inner_text().strip()
    assert len(code) == 8
    assert code.isdigit()
    assert director.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(director, "join-request-slip")

    resident.goto(f"{live_server.url}/accounts/activate/?code={code}")
    expect(resident.locator("input[name=code]")).to_have_value(code)
    resident.locator("input[name=phone]").fill(ZHOU_PHONE)
    resident.locator("input[name=pin]").fill("480713")
    resident.locator("input[name=pin2]").fill("480713")
    resident.locator("input[name=consent]").check()
    with resident.expect_navigation():
        resident.get_by_role("button", name="激活并登录").click()
    expect(resident).to_have_url(f"{live_server.url}/portal/")
