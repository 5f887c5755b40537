"""The evaluation dossier in the browser: the town office scores a manual indicator, builds the
dossier of the year as of the evaluation date, and downloads the finished report and archive."""

import subprocess
import zipfile

import pytest
from playwright.sync_api import expect

from communityedu.assessment import services
from communityedu.assessment.indicator_sheet import DEFAULT_INDICATORS
from communityedu.assessment.models import DossierExport
from communityedu.core.models import AuditAction, AuditLogEntry


@pytest.mark.browser
def test_the_office_builds_the_dossier_and_downloads_it(live_server, live_world, page, sign_in, screenshot, tmp_path):
    services.load_indicator_system(
        actor=None, town=live_world.xinmiao, content=DEFAULT_INDICATORS.read_bytes(), file_name="default.csv"
    )
    sign_in(page, "office")
    page.goto(f"{live_server.url}/assessment/self-assessment/?year=2020&as_of=2020-12-31")
    row = page.locator("#indicator-1\\.1")
    row.get_by_text("得分", exact=True).click()
    row.get_by_label("分值").fill("4.5")
    row.get_by_label("评分说明").fill("领导小组已成立，办公室设在综合文化服务中心。")
    with page.expect_navigation():
        row.get_by_role("button", name="保存评分").click()

    page.get_by_role("link", name="创建资料").first.click()
    expect(page.get_by_role("heading", name="创建资料", exact=True)).to_be_visible()
    page.locator("#dossier-year").fill("2020")
    page.locator("#dossier-as-of").fill("2020-12-31")
    with page.expect_navigation():
        page.get_by_role("button", name="开始生成").click()

    status = page.locator("#dossier-status")
    expect(status).to_contain_text("已完成", timeout=60_000)
    screenshot(page, "assessment-dossier")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="报告（PDF）").click()
    pdf = tmp_path / "dossier.pdf"
    download_info.value.save_as(pdf)
    text = subprocess.run(["/usr/bin/pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    assert "新妙镇社区教育创建资料" in text
    assert "领导小组已成立" in text
    with page.expect_download() as download_info:
        page.get_by_role("link", name="佐证材料（.zip）").click()
    archive = tmp_path / "evidence.zip"
    download_info.value.save_as(archive)
    with zipfile.ZipFile(archive) as opened:
        assert opened.testzip() is None

    export = DossierExport.objects.get()
    assert (export.state, export.year, str(export.as_of)) == ("done", 2020, "2020-12-31")
    actions = AuditLogEntry.objects.filter(object_type="assessment.DossierExport").values_list("action", flat=True)
    assert sorted(actions) == [AuditAction.CREATE, AuditAction.EXPORT, AuditAction.EXPORT]
