"""The staff pages on a 360×640 phone: the town office and a centre director open every page of
their staff menu, and the funding ledger with entries and their reverse forms; no page is wider
than the screen (the header included), and no figure card breaks an amount, a rate or a date over two
lines. The office then opens a ledger line from its row and reads when it happened and when it was
typed."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from communityedu.activities.fees import services as fee_services
from communityedu.activities.tests.factories import activity, at
from communityedu.funding import services
from communityedu.funding.constants import ExpenseCategory, FundingSource

PHONE = {"width": 360, "height": 640}
WIDTHS = """() => [
    document.documentElement.scrollWidth,
    Math.ceil(document.querySelector('header.site-header').getBoundingClientRect().right),
    document.querySelector('header.site-header').scrollWidth,
]"""


# The figure cards' values (amounts, rates, dates, counts) that the card breaks over two lines.
BROKEN_VALUES = r"""() => [...document.querySelectorAll('.figures dd, .figures dd a')].flatMap(element =>
    [...element.childNodes].filter(node => node.nodeType === 3).map(node => {
        const range = document.createRange();
        range.selectNodeContents(node);
        const lines = new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size;
        return [node.textContent.trim(), lines];
    })
).filter(([text, lines]) => lines > 1 && /^(¥[\d,.]+|[\d.]+%|\d{4}-\d{2}-\d{2}|\d+)$/.test(text))
 .map(([text]) => text)"""


def _ledger(world):
    office = world.accounts["office"]
    allocation = services.record_allocation(
        town=world.xinmiao, year=2020, source=FundingSource.TOWN_FINANCE, amount=Decimal("8000.00"),
        dated_on=date(2020, 3, 10), voucher_number="CZ-2020-007", receiving_unit=world.school,
        description="2020年社区教育经费（镇财政年度预算拨付）", actor=office,
    )  # fmt: skip
    services.record_expense(
        town=world.xinmiao, year=2020, category=ExpenseCategory.MATERIALS, amount=Decimal("1200.00"),
        dated_on=date(2020, 6, 12), voucher_number="ZC-2020-031", paying_unit=world.yiyang_centre, actor=office,
    )  # fmt: skip
    # A lecture fee due: the fee page's rows carry pay and reverse forms with hidden labels.
    fee_services.set_fee_standard(town=world.xinmiao, amount=Decimal("200.00"), valid_from=date(2020, 1, 1), actor=None)
    lecture = activity(
        world, title="防范电信诈骗专题讲座", starts_at=at(2020, 5, 9, 14), lecturers=[world.people["li"]]
    )
    fee_services.record_fees_due(activity=lecture, actor=None)
    return allocation


@pytest.mark.browser
@pytest.mark.parametrize("role", ["office", "center"])
def test_no_staff_page_is_wider_than_a_360_px_phone(live_server, live_world, new_page, sign_in, role):
    allocation = _ledger(live_world)
    page = new_page(viewport=PHONE)
    sign_in(page, role)
    menu = page.eval_on_selector_all("#staff-menu a", "links => links.map(link => link.getAttribute('href'))")
    paths = [
        "/",
        *dict.fromkeys(menu),
        "/funding/?year=2020",
        "/funding/units/?year=2020",
        "/activities/fees/?year=2020",
    ]
    assert len(paths) > 8

    widths, broken = {}, {}
    for path in [*paths, "/staff/targets/?year=2020"]:
        page.goto(f"{live_server.url}{path}")
        widths[path] = page.evaluate(WIDTHS)
        broken[path] = page.evaluate(BROKEN_VALUES)

    assert {path: width for path, width in widths.items() if max(width) > PHONE["width"]} == {}
    assert {path: values for path, values in broken.items() if values} == {}
    if role == "office":
        page.goto(f"{live_server.url}/funding/?year=2020")
        page.locator("#allocation-lines").get_by_role("link", name="2020-03-10").click()
        expect(page).to_have_url(f"{live_server.url}/funding/entries/allocation/{allocation.pk}/")
        expect(page.locator("#entry-amount")).to_have_text("¥8,000.00")
        expect(page.locator("#entry-effective-on")).to_have_text("2020-03-10 补录")
        assert page.evaluate(WIDTHS)[0] <= PHONE["width"]
