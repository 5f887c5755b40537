"""The self-assessment on a phone (360×640): the town office switches the year and the date and
every manual score stays; a comment that contradicts the team register raises a consistency
warning, which goes once the comment is put right."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communityedu.assessment import services
from communityedu.assessment.indicator_sheet import DEFAULT_INDICATORS
from communityedu.incentives.models import TeamCategory
from communityedu.incentives.services import save_team_member

SMALL_PHONE = {"width": 360, "height": 640}


def _show(page, *, year: str | None = None, as_of: str | None = None):
    if year is not None:
        page.locator("#period-year").fill(year)
    if as_of is not None:
        page.locator("#period-as-of").fill(as_of)
    with page.expect_navigation():
        page.locator("form.filters").get_by_role("button").click()


def _manual_scores(page) -> list[str]:
    return [page.locator(f"#indicator-{code.replace('.', chr(92) + '.')} .score").inner_text() for code in CODES]


CODES = ("1.1", "1.3", "2.1")


@pytest.mark.browser
def test_the_office_switches_year_and_date_and_fixes_a_contradicting_comment(
    live_server, live_world, new_page, sign_in, screenshot
):
    town, office = live_world.xinmiao, live_world.accounts["office"]
    system = services.load_indicator_system(
        actor=None, town=town, content=DEFAULT_INDICATORS.read_bytes(), file_name="default.csv"
    )
    save_team_member(
        actor=office,
        town=town,
        person=live_world.people["teacher"],
        values={"category": TeamCategory.PART_TIME_TEACHER, "specialities": "太极拳", "employer": live_world.school},
    )
    for code, points, comment in (
        ("1.1", "5", "领导小组由镇长任组长。"),
        ("1.3", "4", "成员单位职责已印发。"),
        ("2.1", "4.5", "师资队伍名册齐全，兼职讲师26名。"),
    ):
        services.record_manual_score(
            actor=office, indicator=system.indicators.get(code=code), year=2020, points=Decimal(points), comment=comment
        )
    page = new_page(viewport=SMALL_PHONE)
    sign_in(page, "office")
    page.goto(f"{live_server.url}/assessment/self-assessment/")

    _show(page, year="2020")  # the date stays today's: a closed year read as of today
    expect(page.locator("#period-as-of")).to_have_value(timezone.localdate().isoformat())
    assert _manual_scores(page) == ["5.00", "4.00", "4.50"]
    total = page.locator("#total-score").inner_text()
    for as_of in ("2020-12-31", "2020-06-30"):
        _show(page, as_of=as_of)
        assert _manual_scores(page) == ["5.00", "4.00", "4.50"]
    _show(page, as_of="2020-12-31")
    expect(page.locator("#total-score")).to_have_text(total)

    panel = page.locator("#consistency")
    expect(panel.locator("#consistency-count")).to_have_text("1")
    expect(panel).to_contain_text("评分说明写有“兼职讲师26名”，而队伍名册中的兼职讲师为 1。")
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    screenshot(page, "self-assessment-consistency-360")
    panel.get_by_role("link", name="去整改").click()
    expect(page).to_have_url(f"{live_server.url}/assessment/self-assessment/?year=2020&as_of=2020-12-31#indicator-2.1")

    row = page.locator("#indicator-2\\.1")
    row.get_by_text("得分", exact=True).click()
    row.get_by_label("分值").fill("4.5")
    row.get_by_label("评分说明").fill("师资队伍名册齐全，兼职讲师1名。")
    with page.expect_navigation():
        row.get_by_role("button", name="保存评分").click()

    expect(panel.locator("#consistency-count")).to_have_text("0")
    expect(panel).to_contain_text("未发现相互矛盾的记录。")
    assert _manual_scores(page) == ["5.00", "4.00", "4.50"]
    expect(page.locator("#total-score")).to_have_text(total)
