"""A clerk uploads a village's roster, checks the preview, confirms, and finds the people."""

import pytest
from playwright.sync_api import expect

from communityedu.people.tests.rosters import xlsx
from communityedu.people.tests.test_roster_import import FOOTER, flawed_village_rows


@pytest.mark.browser
def test_upload_preview_confirm_and_the_people_are_listed(live_server, live_world, page, sign_in, tmp_path, screenshot):
    roster = tmp_path / "弋阳村花名册.xlsx"
    rows = [*flawed_village_rows(), [9, "外村人", "女", "1970-1-1", None, None, "月亮村", "1组", None, None, None]]
    roster.write_bytes(xlsx(rows, footer=FOOTER))
    sign_in(page, "office")

    page.goto(f"{live_server.url}/people/import/")
    page.locator("input[name=roster]").set_input_files(str(roster))
    with page.expect_navigation():
        page.get_by_role("main").locator("button[type=submit]").click()

    expect(page.locator("#summary-created")).to_have_text("4")
    expect(page.locator("#problems tbody tr")).to_have_count(1)
    expect(page.locator("#problems tbody tr td").nth(0)).to_have_text("10")
    expect(page.locator("#problems tbody tr td").nth(2)).to_have_text("新妙镇没有叫“月亮村”的村或社区。")
    screenshot(page, "import-preview")
    page.get_by_role("checkbox").check()
    with page.expect_navigation():
        page.get_by_role("main").locator("form button[type=submit]").click()

    expect(page.locator("#import-status h2")).to_have_text("已导入")
    expect(page.locator("#summary-created")).to_have_text("4")
    page.goto(f"{live_server.url}/people/?q=赵德明")
    row = page.locator("table tbody tr").first
    expect(row).to_contain_text("赵德明")
    expect(row).to_contain_text("138****8001")
    expect(row).to_contain_text("党员")
    screenshot(page, "register-after-import")
