"""The residents' side for a 70-year-old on a cheap phone, in Debian's Chromium.

- axe-core (from the npm registry, node_modules/axe-core) finds no serious or critical problem on
  any resident page, in the standard layout and in 长辈模式 (age-friendly mode) at its largest text;
- on a 360 × 640 screen with the text at 30 px nothing sticks out sideways, nothing is cut, the main
  controls do not overlap and are at least 48 × 48 px;
- registration, check-in and the mode switch work by tapping, also with scripts turned off;
- read aloud is offered only where the browser has a Chinese voice, and reads the article;
- every control is reached with the keyboard and shows where the focus is.

Screenshots of every page in both modes go to var/screenshots/ (ignored by git) to be looked at.
"""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from communityedu.activities import services as activity_services
from communityedu.activities.constants import AttendanceSource
from communityedu.activities.models import AttendanceEntry, Registration
from communityedu.activities.tests.factories import activity
from communityedu.learning import services as learning_services
from communityedu.learning.tests.factories import resource
from communityedu.news.tests.factories import news_item
from communityedu.surveys.tests.factories import standard_survey
from conftest import RESIDENT_PHONE, RESIDENT_PIN

AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
SMALL_PHONE = {"width": 360, "height": 640}
MODES = ("standard", "elder")
ARTICLE = [
    "老人跌倒，多数发生在家里。起夜、洗澡、上下楼梯的时候最要当心。",
    "第一，家里的灯要够亮，床边放一盏小夜灯。第二，卫生间铺防滑垫，装上扶手。",
    "第三，穿合脚的布鞋，不穿拖鞋上下楼。第四，起床先坐一会儿，再慢慢站起来。",
]
# Main controls: what a finger has to hit. Inline links inside running text are left out
# (WCAG 2.5.8 exempts them); the header's and the page's own buttons and menus are in.
CONTROLS = (
    "button:not([hidden]):not([disabled]), input:not([type=hidden]):not([type=radio]):not([type=checkbox]), select,"
    " textarea, summary, label:has(> input[type=radio]), label:has(> input[type=checkbox]), .elder-nav a, .big-actions a, .back-link a, .resource-list a,"
    " .news-list a, .category-grid a, .tabs a, .pagination a, a.button, .account-bar > a, .event-list a"
)


def _jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (60, 140, 90)).save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


@pytest.fixture
def resident_site(live_server, live_world):
    """The world with what a resident meets: an article, a notice with a wide photo, an open
    survey, an activity attended last week and some online learning; the addresses to visit."""
    world = live_world
    zhang = world.people["zhang"]
    article = resource(
        world,
        title="老年人防跌倒小常识",
        summary="在家里防跌倒的四个办法。",
        body="\n\n".join(ARTICLE),
        audience="老年人",
    )
    learning_services.record_progress(
        person=zhang, resource=article, position_seconds=0, percent=60, elapsed_seconds=300
    )
    notice = news_item(
        world,
        title="重阳节敬老活动通知",
        kind="notice",
        cover=SimpleUploadedFile("敬老.jpg", _jpeg(1600, 900), content_type="image/jpeg"),
    )
    survey = standard_survey(world, year=timezone.localdate().year, title="社区教育居民问卷")
    held = activity(world, title="健康养生讲座", starts_at=timezone.now() - timedelta(days=6))
    activity_services.check_in(
        activity=held, person=zhang, source=AttendanceSource.ROSTER, recorded_by=world.accounts["office"]
    )
    base = live_server.url
    return {
        "world": world,
        "article": article,
        "visitor": {
            "sign-in": f"{base}/accounts/resident-sign-in/",
            "activate": f"{base}/accounts/activate/?code=12345678",
            "home-visitor": f"{base}/portal/",
            "activities-visitor": f"{base}/portal/activities/",
        },
        "resident": {
            "home": f"{base}/portal/",
            "activities": f"{base}/portal/activities/",
            "activity": f"{base}/portal/activities/{world.upcoming.pk}/",
            "check-in": f"{base}/checkin/{world.lecture.check_in_token}/",
            "card": f"{base}/portal/card/",
            "learning": f"{base}/learning/",
            "article": f"{base}/learning/resources/{article.pk}/",
            "search": f"{base}/learning/search/?q=防跌倒",
            "record": f"{base}/learning/record/",
            "news": f"{base}/news/",
            "notice": f"{base}/news/{notice.pk}/",
            "surveys": f"{base}/surveys/mine/",
            "survey": f"{base}/surveys/{survey.pk}/answer/",
        },
    }


@pytest.fixture
def small_phone(browser):
    """A 360 × 640 phone; ``small_phone(java_script_enabled=False)`` for one without scripts."""
    contexts = []

    def _open(**options):
        context = browser.new_context(viewport=SMALL_PHONE, locale="zh-CN", **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def _tap(page, locator):
    with page.expect_navigation():
        locator.click()


def _sign_in(page, base_url: str):
    page.goto(f"{base_url}/accounts/resident-sign-in/")
    page.locator("input[name=phone]").fill(RESIDENT_PHONE)
    page.locator("input[name=pin]").fill(RESIDENT_PIN)
    _tap(page, page.get_by_role("main").get_by_role("button", name="登录"))


def _choose_mode(page, mode: str, *, largest: bool = True):
    """Switch the way a person does: the header's button, then 大一点 until it stops."""
    if mode == "standard":
        return
    _tap(page, page.locator("#reading-mode"))
    if largest:
        while page.locator("#text-larger").is_enabled():
            _tap(page, page.locator("#text-larger"))
        assert page.evaluate("getComputedStyle(document.body).fontSize") == "30px"


def _serious_problems(page) -> list[str]:
    """axe-core's serious and critical violations of WCAG 2.1 A/AA and best practice, one line each."""
    assert AXE_SCRIPT.exists(), f"{AXE_SCRIPT} is missing: `make assets` installs it from the npm registry"
    if page.evaluate("typeof window.axe") != "object":
        page.evaluate(AXE_SCRIPT.read_text())
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
                resultTypes: ["violations"],
            });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
            }));
        }"""
    )
    return [f"{v['id']} ({v['impact']}): {v['nodes']}" for v in violations if v["impact"] in ("serious", "critical")]


LAYOUT_PROBLEMS = """(controls) => {
    const width = window.innerWidth;
    const problems = [];
    const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "")
        + " «" + (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 20) + "»";
    const shown = (el) => {
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return style.visibility !== "hidden" && box.width > 1 && box.height > 1
            && !el.closest(".skip-link, .visually-hidden, thead");
    };
    if (document.documentElement.scrollWidth > width) {
        problems.push("page scrolls sideways: " + document.documentElement.scrollWidth + " > " + width);
    }
    for (const el of document.body.querySelectorAll("*")) {
        if (!shown(el)) continue;
        const box = el.getBoundingClientRect();
        if (box.left < -0.5 || box.right > width + 0.5) {
            problems.push("outside the screen: " + describe(el) + " " + Math.round(box.left) + "–" + Math.round(box.right));
        }
        const overflow = getComputedStyle(el).overflowX;
        const isField = ["INPUT", "TEXTAREA", "SELECT", "VIDEO", "AUDIO"].includes(el.tagName);
        if (!isField && overflow !== "visible" && el.scrollWidth > el.clientWidth + 1) {
            problems.push("cut or scrolled sideways: " + describe(el) + " " + el.scrollWidth + " > " + el.clientWidth);
        }
    }
    const targets = [...document.querySelectorAll(controls)].filter(shown);
    const boxes = targets.map((el) => el.getBoundingClientRect());
    for (let i = 0; i < targets.length; i++) {
        for (let j = i + 1; j < targets.length; j++) {
            if (targets[i].contains(targets[j]) || targets[j].contains(targets[i])) continue;
            const a = boxes[i], b = boxes[j];
            const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5
                && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
            if (overlap) problems.push("overlap: " + describe(targets[i]) + " / " + describe(targets[j]));
        }
    }
    return {problems, targets: targets.map((el, i) => ({
        name: describe(el), width: Math.round(boxes[i].width), height: Math.round(boxes[i].height),
    }))};
}"""


def _layout(page):
    return page.evaluate(LAYOUT_PROBLEMS, CONTROLS)


def _look_at(page, mode: str, name: str, *, elder_sized: bool):
    """axe, layout and a screenshot of the page as it is now; returns the problems found."""
    page.wait_for_load_state("load")
    problems = [f"{name}: {problem}" for problem in _serious_problems(page)]
    layout = _layout(page)
    problems += [f"{name}: {problem}" for problem in layout["problems"]]
    if elder_sized:
        problems += [
            f"{name}: target smaller than 48×48: {t['name']} {t['width']}×{t['height']}"
            for t in layout["targets"]
            if t["width"] < 48 or t["height"] < 48
        ]
    _screenshot(page, f"{mode}-{name}")
    return problems


def _screenshot(page, name: str):
    """A full-page picture; lazy pictures load as a person scrolls, so load them all first."""
    page.evaluate(
        """async () => {
            for (const image of document.images) { image.loading = "eager"; }
            await Promise.all([...document.images].map((image) => image.decode().catch(() => null)));
        }"""
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.parametrize("mode", MODES)
def test_every_resident_page_passes_axe_and_fits_a_small_phone(live_server, resident_site, small_phone, mode):
    page = small_phone()
    page.goto(resident_site["visitor"]["home-visitor"])
    _choose_mode(page, mode)
    elder_sized = mode == "elder"
    problems = []

    for name, url in resident_site["visitor"].items():
        page.goto(url)
        problems += _look_at(page, mode, name, elder_sized=elder_sized)
    page.goto(resident_site["visitor"]["sign-in"])
    page.locator("input[name=phone]").fill(RESIDENT_PHONE)
    page.locator("input[name=pin]").fill("000000")
    _tap(page, page.get_by_role("main").get_by_role("button", name="登录"))
    problems += _look_at(page, mode, "sign-in-refused", elder_sized=elder_sized)

    _sign_in(page, live_server.url)
    for name, url in resident_site["resident"].items():
        page.goto(url)
        problems += _look_at(page, mode, name, elder_sized=elder_sized)
    page.goto(resident_site["resident"]["survey"])
    _tap(page, page.get_by_role("button", name="提交我的回答"))
    expect(page.locator("#answer-errors")).to_be_visible()
    problems += _look_at(page, mode, "survey-with-errors", elder_sized=elder_sized)

    assert problems == [], "\n".join(problems)


SMALLEST_TEXT = """() => {
    let smallest = null;
    for (const el of document.body.querySelectorAll("*")) {
        const ownText = [...el.childNodes].some((node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim());
        const box = el.getBoundingClientRect();
        if (!ownText || box.width < 2 || box.height < 2 || el.closest(".visually-hidden, .skip-link, thead")) continue;
        const size = parseFloat(getComputedStyle(el).fontSize);
        if (smallest === null || size < smallest.size) smallest = {size, text: el.textContent.trim().slice(0, 20)};
    }
    return smallest;
}"""


@pytest.mark.browser
def test_in_age_friendly_mode_no_text_on_a_resident_page_is_below_18_px(live_server, resident_site, small_phone):
    page = small_phone()
    _sign_in(page, live_server.url)
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "18px"  # the standard size
    _choose_mode(page, "elder", largest=False)
    smallest = {}

    for name, url in resident_site["resident"].items():
        page.goto(url)
        found = page.evaluate(SMALLEST_TEXT)
        smallest[name] = found["size"]

    assert page.evaluate("getComputedStyle(document.body).fontSize") == "22px"
    assert {name: size for name, size in smallest.items() if size < 18} == {}
    assert min(smallest.values()) == pytest.approx(0.9 * 22)  # badges, help and the footer


@pytest.mark.browser
def test_at_the_largest_text_a_resident_registers_and_checks_in_on_a_small_phone(
    live_server, resident_site, small_phone
):
    world = resident_site["world"]
    page = small_phone()
    _sign_in(page, live_server.url)
    _choose_mode(page, "elder")

    page.goto(resident_site["resident"]["activities"])
    card = page.locator(f"#activity-{world.upcoming.pk}")
    _tap(page, card.get_by_role("button", name="报名"))
    expect(page.locator(".messages")).to_contain_text("报名成功")
    expect(page.locator(f"#activity-{world.upcoming.pk}")).to_contain_text("已报名")
    assert _layout(page)["problems"] == []
    page.goto(resident_site["resident"]["check-in"])
    _tap(page, page.get_by_role("button", name="签到"))
    expect(page.locator("#check-in-result")).to_contain_text("张秀英")
    assert _layout(page)["problems"] == []
    _screenshot(page, "elder-check-in-done")

    assert Registration.objects.filter(activity=world.upcoming, person=world.people["zhang"]).count() == 1
    assert AttendanceEntry.objects.filter(activity=world.lecture, person=world.people["zhang"]).count() == 1


@pytest.mark.browser
def test_without_scripts_the_mode_registration_and_check_in_still_work(live_server, resident_site, small_phone):
    world = resident_site["world"]
    page = small_phone(java_script_enabled=False)
    _sign_in(page, live_server.url)

    _choose_mode(page, "elder", largest=False)
    expect(page.locator("html")).to_have_class("elder text-22")
    page.goto(resident_site["resident"]["activity"])
    _tap(page, page.get_by_role("button", name="报名"))
    page.goto(resident_site["resident"]["check-in"])
    _tap(page, page.get_by_role("button", name="签到"))

    expect(page.locator("#check-in-result")).to_contain_text("张秀英")
    assert Registration.objects.filter(activity=world.upcoming, person=world.people["zhang"]).count() == 1
    assert AttendanceEntry.objects.filter(activity=world.lecture, person=world.people["zhang"]).count() == 1


@pytest.mark.browser
def test_the_mode_is_remembered_on_the_next_visit(live_server, resident_site, browser):
    context = browser.new_context(viewport=SMALL_PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/portal/")
    _choose_mode(page, "elder", largest=False)
    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    page.close()

    again = context.new_page()
    again.goto(f"{live_server.url}/news/")

    assert (cookies["reading_mode"]["value"], cookies["text_size"]["value"]) == ("elder", "22")
    assert cookies["reading_mode"]["expires"] > (timezone.now() + timedelta(days=364)).timestamp()
    expect(again.locator("html")).to_have_class("elder text-22")
    expect(again.locator(".elder-nav a")).to_have_text(["近期活动", "签到", "学习", "我的记录", "新闻与公告", "首页"])
    context.close()


@pytest.mark.browser
def test_read_aloud_is_hidden_where_the_browser_has_no_chinese_voice(live_server, resident_site, small_phone):
    page = small_phone()
    _sign_in(page, live_server.url)
    page.goto(resident_site["resident"]["article"])
    page.wait_for_load_state("load")

    has_chinese_voice = page.evaluate("speechSynthesis.getVoices().some(v => /^(zh|cmn)/i.test(v.lang))")

    assert has_chinese_voice is False  # Debian's headless Chromium brings no voice
    expect(page.locator("button.read-aloud")).to_be_hidden()


# The browser's speech engine as a phone with a Chinese voice has it. Debian's headless Chromium has
# no voice at all, so the test puts this engine in its place and records what the page asks it to say.
CHINESE_VOICE = """
(() => {
  const said = [];
  window.__said = said;
  const voice = {name: "Ting-Ting", lang: "zh-CN", default: true, localService: true, voiceURI: "Ting-Ting"};
  const engine = {
    speaking: false,
    getVoices: () => [voice],
    speak: (utterance) => { said.push({text: utterance.text, lang: utterance.lang, voice: utterance.voice.name}); },
    cancel: () => { said.push("cancel"); },
    addEventListener: () => {},
  };
  class Utterance {
    constructor(text) { this.text = text; this.lang = ""; this.voice = null; this.rate = 1; }
    addEventListener() {}
  }
  Object.defineProperty(window, "speechSynthesis", {value: engine, configurable: true});
  Object.defineProperty(window, "SpeechSynthesisUtterance", {value: Utterance, configurable: true});
})();
"""


@pytest.mark.browser
def test_read_aloud_reads_the_article_with_a_chinese_voice(live_server, resident_site, small_phone):
    page = small_phone()
    page.add_init_script(CHINESE_VOICE)
    _sign_in(page, live_server.url)
    page.goto(resident_site["resident"]["article"])

    button = page.get_by_role("button", name="朗读")
    expect(button).to_be_visible()
    button.click()
    expect(page.locator("button.read-aloud")).to_have_text("停止朗读")
    expect(page.locator("button.read-aloud")).to_have_attribute("aria-pressed", "true")
    said = page.evaluate("window.__said")
    page.locator("button.read-aloud").click()

    assert said[0] == "cancel"
    assert [piece["text"] for piece in said[1:]] == ["老年人防跌倒小常识", "在家里防跌倒的四个办法。", *ARTICLE]
    assert {(piece["lang"], piece["voice"]) for piece in said[1:]} == {("zh-CN", "Ting-Ting")}
    assert page.evaluate("window.__said.at(-1)") == "cancel"
    expect(page.locator("button.read-aloud")).to_have_text("朗读")


@pytest.mark.browser
def test_the_activity_notice_is_read_aloud_without_its_buttons(live_server, resident_site, small_phone):
    world = resident_site["world"]
    page = small_phone()
    page.add_init_script(CHINESE_VOICE)
    _sign_in(page, live_server.url)
    page.goto(resident_site["resident"]["activity"])

    page.get_by_role("button", name="朗读").click()
    texts = [piece["text"] for piece in page.evaluate("window.__said") if piece != "cancel"]

    assert texts[0] == "太极拳培训"
    assert texts[-1] == "培训 · 弋阳村文化广场"
    assert len(texts) == 3
    assert texts[1].startswith(f"{timezone.localtime(world.upcoming.starts_at).month}月")


@pytest.mark.browser
def test_every_control_is_reached_by_keyboard_with_a_visible_focus(live_server, resident_site, small_phone):
    page = small_phone()
    _sign_in(page, live_server.url)
    _choose_mode(page, "elder", largest=False)
    page.goto(resident_site["resident"]["home"])
    expected = page.evaluate(
        """() => [...document.querySelectorAll("*")].map((el, index) => [el, index])
            .filter(([el]) => el.matches("a[href], button:not([disabled]):not([hidden]), input:not([type=hidden]), select, textarea, summary"))
            .filter(([el]) => el.getBoundingClientRect().width > 0 || el.classList.contains("skip-link"))
            .map(([, index]) => index)"""
    )
    reached = []
    for _ in range(len(expected)):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                """() => {
                    const el = document.activeElement;
                    const style = getComputedStyle(el);
                    const ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
                    const index = [...document.querySelectorAll("*")].indexOf(el);
                    return {index, label: (el.innerText || el.value || "").trim().split("\\n")[0], ring};
                }"""
            )
        )

    assert [item["index"] for item in reached] == expected  # every control, in reading order
    assert [item["label"] for item in reached if not item["ring"]] == []
    assert [item["label"] for item in reached[:5]] == ["跳到正文", "社区教育", "近期活动", "签到", "学习"]


@pytest.mark.browser
def test_in_english_the_largest_text_still_fits_and_passes_axe(live_server, resident_site, small_phone):
    page = small_phone()
    _sign_in(page, live_server.url)
    _tap(page, page.get_by_role("button", name="English"))
    _choose_mode(page, "elder")
    problems = []

    for name in ("home", "activity", "record", "survey"):
        page.goto(resident_site["resident"][name])
        problems += _look_at(page, "elder-english", name, elder_sized=True)

    assert problems == [], "\n".join(problems)
    expect(page.locator(".elder-nav a")).to_have_text(
        ["Upcoming activities", "Check in", "Learn", "My record", "News and notices", "Surveys"]
    )
    page.goto(resident_site["resident"]["activity"])
    expect(page.locator(".when")).to_contain_text(
        timezone.localtime(resident_site["world"].upcoming.starts_at).strftime("%a")
    )


@pytest.mark.browser
def test_a_volunteers_pages_pass_axe_in_age_friendly_mode(live_server, resident_site, small_phone, sign_in):
    """Volunteers are staff accounts: their menu stays, the text grows; wide staff tables scroll
    inside a frame that the keyboard can reach, and the page itself never scrolls sideways."""
    page = sign_in(small_phone(), "volunteer")
    _choose_mode(page, "elder")
    addresses = page.evaluate("[...document.querySelectorAll('.main-nav a')].map(a => a.href)")
    problems = []

    for url in [*addresses, f"{live_server.url}/activities/{resident_site['world'].lecture.pk}/"]:
        page.goto(url)
        problems += [f"{url}: {problem}" for problem in _serious_problems(page)]
        if page.evaluate("document.documentElement.scrollWidth") > SMALL_PHONE["width"]:
            problems.append(f"{url}: the page scrolls sideways")
    page.goto(f"{live_server.url}/surveys/")

    assert len(addresses) == 5
    assert problems == [], "\n".join(problems)
    expect(page.locator(".table-wrap")).to_have_attribute("tabindex", "0")
    expect(page.locator(".table-wrap")).to_have_attribute("role", "region")
