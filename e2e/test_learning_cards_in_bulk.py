"""Learning cards in bulk in the browser, at 360×640: the village director goes from the register to
打印学习卡, chooses the village, sees what printing makes, prints (as a background job: the limit
for printing at once is lowered to two cards), and downloads the one PDF from the job's page."""

import re
import subprocess
from datetime import date

import pytest
from playwright.sync_api import expect

from communityedu.activities import cards
from communityedu.people import services as people_services
from communityedu.people.models import Sex
from e2e.conftest import ARTIFACTS

SMALL_PHONE = {"width": 360, "height": 640}


@pytest.mark.browser
def test_a_director_prints_the_village_learning_cards_from_the_register(
    live_server, live_world, new_page, sign_in, screenshot, monkeypatch
):
    monkeypatch.setattr(cards, "INLINE_CARDS", 2)
    people_services.create_person(
        town=live_world.xinmiao,
        values={"name": "冉德明", "sex": Sex.MALE, "birth_date": date(1956, 4, 2), "village": live_world.yiyang},
        phone="13700001111",
    )
    director = sign_in(new_page(viewport=SMALL_PHONE, accept_downloads=True), "center")
    director.goto(f"{live_server.url}/people/")
    with director.expect_navigation():
        director.locator("#print-cards-link").click()
    director.locator("#cards-for").select_option(label="弋阳村")
    with director.expect_navigation():
        director.get_by_role("button", name="统计卡数").click()
    plan = director.locator("#card-plan")
    expect(plan.locator("#count-total")).to_have_text("3")
    expect(plan.locator("#count-new_account")).to_have_text("1")  # 冉德明
    expect(plan.locator("#count-active")).to_have_text("1")  # 张秀英
    expect(plan.locator("#count-card_only")).to_have_text("1")  # 李德福: no phone
    screenshot(director, "learning-cards-plan")
    assert director.evaluate("document.documentElement.scrollWidth") <= 360

    with director.expect_navigation():
        director.get_by_role("button", name="打印 3 张卡").click()
    status = director.locator("#card-print-status")
    expect(status).to_contain_text("已打印")  # the test's task backend runs the job at once
    expect(status.locator("#job-total")).to_have_text("3")
    screenshot(director, "learning-cards-job")
    assert director.evaluate("document.documentElement.scrollWidth") <= 360
    with director.expect_download() as download:
        director.locator("#download-cards").click()
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "learning-cards.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["/usr/bin/pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True)
    for name in ("冉德明", "张秀英", "李德福"):
        assert name in text.stdout
    assert len(re.findall(r"(?<!\d)\d{8}(?!\d)", text.stdout)) == 1
    assert "账号已开通" in text.stdout
    subprocess.run(["/usr/bin/pdftoppm", "-png", "-r", "50", str(pdf), str(ARTIFACTS / "learning-cards")], check=True)
