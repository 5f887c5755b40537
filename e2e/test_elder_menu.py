"""长辈模式 at the largest text on a 360 × 640 phone: the menu and the controls fold behind one large
菜单 button, so that on every page the page's own content starts on the first screen; tapped, the
button opens the menu and the controls (the text can be made smaller from there), without scripts too."""

import pytest
from playwright.sync_api import expect

from conftest import RESIDENT_PHONE, RESIDENT_PIN

SMALL_PHONE = {"width": 360, "height": 640}

# Where the page's own content starts: its first heading inside <main>, and the header's bottom.
FIRST_SCREEN = """() => {
    const heading = document.querySelector("main h1, main h2");
    const header = document.querySelector(".site-header").getBoundingClientRect();
    const button = document.querySelector(".menu-button");
    const box = heading ? heading.getBoundingClientRect() : null;
    return {
        heading: heading ? heading.innerText.trim().slice(0, 20) : null,
        headingTop: box ? Math.round(box.top) : null,
        headingBottom: box ? Math.round(box.bottom) : null,
        headerBottom: Math.round(header.bottom),
        button: button ? [Math.round(button.getBoundingClientRect().width), Math.round(button.getBoundingClientRect().height)] : null,
        menuShown: [...document.querySelectorAll(".main-nav a, .account-bar button, .reading-form button")]
            .some((el) => el.checkVisibility()),
        scrollX: window.scrollX,
        bodySize: getComputedStyle(document.body).fontSize,
    };
}"""


def _tap(page, locator):
    with page.expect_navigation():
        locator.click()


def _largest_elder_text(page):
    _tap(page, page.locator("#reading-mode"))
    while page.locator("#text-larger").is_enabled():
        if page.locator("#folded-menu").count():
            page.locator(".menu-button").click()
        _tap(page, page.locator("#text-larger"))
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "30px"


def _sign_in(page, base_url: str):
    page.goto(f"{base_url}/accounts/resident-sign-in/")
    page.locator("input[name=phone]").fill(RESIDENT_PHONE)
    page.locator("input[name=pin]").fill(RESIDENT_PIN)
    _tap(page, page.get_by_role("main").get_by_role("button", name="登录"))


@pytest.mark.browser
@pytest.mark.parametrize("scripts", [True, False], ids=["scripts", "no-scripts"])
def test_at_the_largest_text_the_menu_folds_and_every_page_starts_on_the_first_screen(
    live_server, live_world, browser, screenshot, scripts
):
    context = browser.new_context(viewport=SMALL_PHONE, locale="zh-CN", java_script_enabled=scripts)
    context.set_default_timeout(10_000)
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/portal/")
    _largest_elder_text(page)
    visitor = {"home": "/portal/", "activities": "/portal/activities/", "sign-in": "/accounts/resident-sign-in/"}
    resident = {
        "home": "/portal/",
        "activities": "/portal/activities/",
        "activity": f"/portal/activities/{live_world.upcoming.pk}/",
        "check-in": f"/checkin/{live_world.lecture.check_in_token}/",
        "card": "/portal/card/",
        "learning": "/learning/",
        "record": "/learning/record/",
        "news": "/news/",
        "surveys": "/surveys/mine/",
        "security": "/accounts/security/",
        "unknown code": "/checkin/no-such-code/",
        "no such page": "/no-such-page/",
    }
    seen = {}

    for name, path in visitor.items():
        page.goto(base + path)
        seen[f"visitor {name}"] = page.evaluate(FIRST_SCREEN)
    _sign_in(page, base)
    for name, path in resident.items():
        page.goto(base + path)
        seen[name] = page.evaluate(FIRST_SCREEN)
        if name in ("home", "check-in") and scripts:
            screenshot(page, f"elder-largest-{name}")

    # Unfolded, the header ended at 505 px and the heading began at 532–554 px, its text cut by the
    # screen's edge; folded, the header ends at 79 px and the heading is in the upper half.
    late = {name: s for name, s in seen.items() if s["headingTop"] is None or s["headingBottom"] > 320}
    assert late == {}, late
    assert {name: s["menuShown"] for name, s in seen.items() if s["menuShown"]} == {}
    assert {name: s["button"] for name, s in seen.items() if s["button"][0] < 56 or s["button"][1] < 56} == {}
    assert max(s["headerBottom"] for s in seen.values()) <= 100, {n: s["headerBottom"] for n, s in seen.items()}
    assert {s["bodySize"] for s in seen.values()} == {"30px"}
    context.close()


@pytest.mark.browser
def test_the_menu_button_opens_the_menu_and_the_text_can_be_made_smaller_from_it(
    live_server, live_world, browser, screenshot
):
    context = browser.new_context(viewport=SMALL_PHONE, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    _sign_in(page, live_server.url)
    _largest_elder_text(page)
    page.goto(f"{live_server.url}/portal/")

    menu = page.locator("#folded-menu")
    expect(page.locator(".elder-nav")).to_be_hidden()
    page.get_by_text("菜单", exact=True).click()
    expect(page.locator(".elder-nav a")).to_have_text(
        ["近期活动", "签到", "学习", "我的记录", "新闻与公告", "问卷调查"]
    )
    expect(page.locator(".elder-nav a").first).to_be_in_viewport()
    expect(page.locator("#text-smaller")).to_be_visible()
    expect(menu).to_have_attribute("open", "")
    screenshot(page, "elder-menu-open")
    _tap(page, page.locator("#text-smaller"))

    assert page.evaluate("getComputedStyle(document.body).fontSize") == "26px"
    expect(page.locator("#folded-menu")).to_have_count(0)
    expect(page.locator(".elder-nav")).to_be_visible()
    context.close()
