"""Funding in the browser: the town office records the year's town-finance allocation and sees
the per-capita figure against the 2-yuan threshold."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from communityedu.funding import services
from communityedu.funding.models import Allocation


@pytest.mark.browser
def test_the_office_records_an_allocation_and_sees_the_per_capita_figure(
    live_server, live_world, page, sign_in, screenshot
):
    sign_in(page, "office")
    page.goto(f"{live_server.url}/")
    page.locator("#staff-menu summary").click()  # on a phone the staff menu is folded behind 菜单
    page.get_by_role("link", name="经费").click()
    page.goto(f"{live_server.url}/funding/?year=2020")
    expect(page.locator("#per-capita-figure")).to_have_text("¥0.00")

    form = page.locator("#allocation-form")
    form.get_by_label("年份").fill("2020")
    form.get_by_label("来源").select_option("town_finance")
    form.get_by_label("接收单位").select_option(label="新妙镇社区学校")
    form.get_by_label("金额（元）").fill("8000.00")
    form.get_by_label("凭证号").fill("CZ-2020-007")
    form.get_by_label("凭证日期").fill("2020-03-10")
    with page.expect_navigation():
        form.get_by_role("button", name="登记投入").click()

    expect(page.locator("#per-capita-figure")).to_have_text("¥2.25")  # 8000 / 3560 residents
    expect(page.locator("#per-capita-figure")).to_have_class("met")
    expect(page.locator("#population")).to_have_text("3560")
    expect(page.locator("#allocation-lines")).to_contain_text("CZ-2020-007")
    screenshot(page, "funding-year")
    assert Allocation.objects.filter(town=live_world.xinmiao, year=2020).count() == 1


@pytest.mark.browser
def test_a_centre_director_reads_the_centre_s_funds_on_a_phone(live_server, live_world, page, sign_in, screenshot):
    # The office records an allocation to the 弋阳村 centre and an expense the centre paid.
    sign_in(page, "office")
    page.goto(f"{live_server.url}/funding/?year=2020")
    for form_id, fields, button in (
        ("#allocation-form", {"来源": "unit", "接收单位": "弋阳村社区学习中心", "金额（元）": "3000.00",
                              "凭证号": "CW-2020-002", "凭证日期": "2020-04-15"}, "登记投入"),
        ("#expense-form", {"类别": "activities", "支出单位": "弋阳村社区学习中心", "金额（元）": "1850.00",
                           "凭证号": "ZC-2020-026", "凭证日期": "2020-08-20"}, "登记支出"),
    ):  # fmt: skip
        form = page.locator(form_id)
        form.get_by_label("年份").fill("2020")
        for label, value in fields.items():
            field = form.get_by_label(label)
            if label in ("来源", "类别"):
                field.select_option(value)
            elif label in ("接收单位", "支出单位"):
                field.select_option(label=value)
            else:
                field.fill(value)
        with page.expect_navigation():
            form.get_by_role("button", name=button).click()
    page.get_by_role("link", name="按单位查看").click()
    expect(page.locator(".unit-funds h2")).to_have_text(["弋阳村社区学习中心"])

    director = page.context.browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN").new_page()
    sign_in(director, "center")
    director.goto(f"{live_server.url}/")
    director.locator("#staff-menu summary").click()  # on a phone the staff menu is folded behind 菜单
    director.get_by_role("link", name="本单位经费").click()
    director.goto(f"{live_server.url}/funding/units/?year=2020")
    # The director's own units: the centre, and the committee of the village they direct (nothing recorded).
    expect(director.locator(".unit-funds h2")).to_have_text(["弋阳村社区学习中心", "弋阳村村委会"])
    card = director.locator(".unit-funds").first
    expect(card.locator(".allocated")).to_have_text("¥3,000.00")
    expect(card.locator(".spent")).to_have_text("¥1,850.00")
    expect(card.locator(".balance")).to_have_text("¥1,150.00")
    expect(card.locator(".expense-lines")).to_contain_text("ZC-2020-026")
    assert director.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(director, "funding-unit-director")


@pytest.mark.browser
def test_the_office_reads_the_government_share_and_sets_its_threshold_on_a_phone(
    live_server, live_world, page, sign_in, screenshot
):
    for number, source, amount in (("CZ-1", "town_finance", "6000.00"), ("SH-1", "society", "4000.00")):
        services.record_allocation(
            town=live_world.xinmiao,
            year=2020,
            source=source,
            amount=Decimal(amount),
            dated_on=date(2020, 3, 2),
            voucher_number=number,
            actor=None,
        )
    phone = page.context.browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN").new_page()
    sign_in(phone, "office")
    phone.goto(f"{live_server.url}/funding/?year=2020")
    expect(phone.locator("#government-total")).to_have_text("¥6,000.00")
    expect(phone.locator("#all-allocations-total")).to_have_text("¥10,000.00")
    expect(phone.locator("#government-share-figure")).to_have_text("60.00%")
    expect(phone.locator("#government-share-figure")).to_have_class("met")

    form = phone.locator("#government-share-form")
    form.get_by_label("政府投放占比须高于（%）").fill("60")
    with phone.expect_navigation():
        form.get_by_role("button", name="保存阈值").click()

    expect(phone.locator("#government-share-threshold")).to_have_text("> 60.00%")
    expect(phone.locator("#government-share-figure")).to_have_class("flag")  # exactly the threshold: not met
    phone.locator("#government-total a").click()
    expect(phone.locator("#allocation-filter")).to_contain_text("镇财政、上级政府")
    expect(phone.locator("#allocation-lines")).to_contain_text("CZ-1")
    expect(phone.locator("#allocation-lines")).not_to_contain_text("SH-1")
    # The share's card and the filter's note fit the phone's width (the ledger's table scrolls inside its frame).
    phone.goto(f"{live_server.url}/funding/?year=2020")
    for selector in ("#government-share", "#government-share-form"):
        assert phone.locator(selector).evaluate("element => element.getBoundingClientRect().right") <= 360, selector
    screenshot(phone, "funding-government-share")
