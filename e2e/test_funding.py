"""Funding in the browser: the town office records the year's town-finance allocation and sees
the per-capita figure against the 2-yuan threshold."""

import pytest
from playwright.sync_api import expect

from communityedu.funding.models import Allocation


@pytest.mark.browser
def test_the_office_records_an_allocation_and_sees_the_per_capita_figure(
    live_server, live_world, page, sign_in, screenshot
):
    sign_in(page, "office")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="经费").click()
    page.goto(f"{live_server.url}/funding/?year=2020")
    expect(page.locator("#per-capita-figure")).to_have_text("0.00")

    form = page.locator("#allocation-form")
    form.get_by_label("年份").fill("2020")
    form.get_by_label("来源").select_option("town_finance")
    form.get_by_label("接收单位").select_option(label="新妙镇社区学校")
    form.get_by_label("金额（元）").fill("8000.00")
    form.get_by_label("凭证号").fill("CZ-2020-007")
    form.get_by_label("凭证日期").fill("2020-03-10")
    with page.expect_navigation():
        form.get_by_role("button", name="登记投入").click()

    expect(page.locator("#per-capita-figure")).to_have_text("2.25")  # 8000 / 3560 residents
    expect(page.locator("#per-capita-figure")).to_have_class("met")
    expect(page.locator("#population")).to_have_text("3560")
    expect(page.locator("#allocation-lines")).to_contain_text("CZ-2020-007")
    screenshot(page, "funding-year")
    assert Allocation.objects.filter(town=live_world.xinmiao, year=2020).count() == 1
