"""我的数据 on a small phone: the resident finds it from the home page, downloads the record, and
closes the account with the PIN."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from conftest import RESIDENT_PHONE, RESIDENT_PIN

SMALL_PHONE = {"width": 360, "height": 640}


@pytest.mark.browser
def test_a_resident_downloads_the_own_record_and_closes_the_account(
    live_server, live_world, new_page, sign_in, screenshot
):
    page = new_page(viewport=SMALL_PHONE)
    sign_in(page, "resident")
    with page.expect_navigation():
        page.get_by_role("link", name="我的数据").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的数据")
    expect(page.locator("#personal-data")).to_contain_text("138****0000")
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    screenshot(page, "own-record-360")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载我的记录（Excel）").click()
    content = Path(download_info.value.path()).read_bytes()
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    personal = {row[0]: row[1] for row in workbook.get_sheet_by_name("个人信息").to_python()[1:]}
    assert personal["电话"] == "138****0000"
    assert RESIDENT_PHONE.encode() not in content

    page.locator("#close-account input[name=pin]").fill(RESIDENT_PIN)
    with page.expect_navigation():
        page.get_by_role("button", name="注销我的账号").click()
    assert page.url == f"{live_server.url}/portal/"
    expect(page.locator(".messages")).to_contain_text("您的账号已注销")
