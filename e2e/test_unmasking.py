"""The town office shows a resident's full numbers on a phone only after typing why; the reason is
kept in the audit log with the person shown, and the answer is never cached."""

import pytest
from playwright.sync_api import expect

from communityedu.core.models import AuditAction, AuditLogEntry
from conftest import ZHANG_ID


@pytest.mark.browser
def test_the_office_types_a_reason_before_a_resident_s_full_numbers_are_shown(
    live_server, live_world, page, sign_in, screenshot
):
    zhang = live_world.people["zhang"]
    sign_in(page, "office")
    page.goto(f"{live_server.url}/people/{zhang.pk}/")
    expect(page.get_by_text(ZHANG_ID)).to_have_count(0)
    reason = page.get_by_label("查看完整号码的理由")
    show = page.get_by_role("button", name="显示完整号码（会记入审计日志）")

    reason.fill("   ")
    with page.expect_navigation():
        show.click()

    expect(page.get_by_text("请说明为何需要查看完整号码（例如：核对低保名单）。")).to_be_visible()
    expect(page.get_by_text(ZHANG_ID)).to_have_count(0)
    assert not AuditLogEntry.objects.filter(action=AuditAction.UNMASK).exists()

    page.get_by_label("查看完整号码的理由").fill("核对低保名单")
    with page.expect_response(f"{live_server.url}/people/{zhang.pk}/unmask/") as answer:
        page.get_by_role("button", name="显示完整号码（会记入审计日志）").click()

    expect(page.get_by_text(ZHANG_ID)).to_be_visible()
    assert "no-store" in answer.value.headers["cache-control"].split(", ")
    screenshot(page, "person-unmasked-with-reason")
    entry = AuditLogEntry.objects.get(action=AuditAction.UNMASK)
    assert entry.changes["reason"] == [None, "核对低保名单"]
    assert entry.changes["people"] == [None, [zhang.pk]]
    assert entry.changes["count"] == [None, 1]
