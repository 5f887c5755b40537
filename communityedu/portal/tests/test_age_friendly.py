"""长辈模式 (age-friendly mode): one tap from every resident page, remembered in a cookie, larger
text in steps up to 30 px, a short menu of what residents do most, no pop-ups and no auto-play."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from communityedu.portal.reading import ReadingPreferences, changed_preferences, preferences_from_cookies

RESIDENT_PAGES = [
    "/portal/",
    "/portal/activities/",
    "/portal/card/",
    "/learning/",
    "/learning/search/?q=太极",
    "/learning/record/",
    "/news/",
    "/surveys/mine/",
]
SWITCH = re.compile(
    r'<form action="/portal/reading/" method="post" class="reading-form" id="reading-form">.*?'
    r'<button type="submit" name="mode" value="elder" id="reading-mode">长辈模式</button>',
    re.DOTALL,
)


def _html_class(response) -> str:
    return re.search(r'<html lang="[^"]+" class="([^"]*)">', response.content.decode()).group(1)


def _menu(response) -> list[tuple[str, str]]:
    nav = re.search(r'<ul class="elder-nav">(.*?)</ul>', response.content.decode(), re.DOTALL).group(1)
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav)


@pytest.mark.parametrize("path", RESIDENT_PAGES)
def test_every_resident_page_offers_the_age_friendly_switch_as_a_plain_form(world, sign_in, path):
    response = sign_in("resident").get(path)

    assert response.status_code == 200
    assert SWITCH.search(response.content.decode()), path
    assert _html_class(response) == "text-18"


def test_visitors_get_the_switch_on_the_home_page_and_the_sign_in_page(world, client):
    for path in ("/portal/", "/portal/activities/", "/accounts/resident-sign-in/", "/news/"):
        assert SWITCH.search(client.get(path).content.decode()), path


def test_switching_on_is_remembered_for_a_year_and_returns_to_the_same_page(world, client):
    response = client.post("/portal/reading/", {"mode": "elder", "next": "/portal/activities/?page=1"})

    assert response.status_code == 302
    assert response["Location"] == "/portal/activities/?page=1"
    assert response.cookies["reading_mode"].value == "elder"
    assert response.cookies["text_size"].value == "22"
    assert response.cookies["reading_mode"]["max-age"] == 31536000
    assert response.cookies["reading_mode"]["samesite"] == "Lax"
    page = client.get("/portal/activities/")
    assert _html_class(page) == "elder text-22"
    assert (
        '<button type="submit" name="mode" value="standard" id="reading-mode">标准模式</button>'
        in page.content.decode()
    )


def test_the_short_menu_puts_activities_check_in_learning_and_the_record_first(world, sign_in):
    client = sign_in("resident")
    client.post("/portal/reading/", {"mode": "elder"})

    menu = _menu(client.get("/portal/"))

    assert menu == [
        ("/portal/activities/", "近期活动"),
        ("/portal/card/", "签到"),
        ("/learning/", "学习"),
        ("/learning/record/", "我的记录"),
        ("/news/", "新闻与公告"),
        ("/surveys/mine/", "问卷调查"),
    ]


def test_at_the_largest_text_the_menu_and_controls_fold_behind_one_menu_button(world, sign_in):
    client = sign_in("resident")
    client.post("/portal/reading/", {"mode": "elder"})
    client.post("/portal/reading/", {"size": "larger"})
    at_26 = client.get("/portal/").content.decode()
    client.post("/portal/reading/", {"size": "larger"})

    at_30 = client.get("/portal/").content.decode()
    staff = sign_in("volunteer")
    volunteer_at_30 = staff.get("/activities/").content.decode()

    assert '<details class="folded-menu"' not in at_26
    assert '<details class="folded-menu" id="folded-menu"><summary class="menu-button">菜单</summary>' in at_30
    folded = at_30.split('<div class="folded-menu-body">', 1)[1].split("</details>", 1)[0]
    assert '<ul class="elder-nav">' in folded
    assert 'id="text-smaller"' in folded
    assert 'name="language"' in folded
    assert '<summary class="menu-button">菜单</summary>' in volunteer_at_30


def test_staff_keep_their_own_menu_in_age_friendly_mode(world, sign_in):
    client = sign_in("office")
    client.post("/portal/reading/", {"mode": "elder"})

    page = client.get("/activities/").content.decode()

    assert 'class="elder-nav"' not in page
    assert '<html lang="zh-CN" class="elder text-22">' in page


def test_text_grows_in_steps_to_30_px_and_shrinks_to_18_px(world, client):
    client.post("/portal/reading/", {"mode": "elder"})
    sizes = []
    for step in ("larger", "larger", "larger", "larger", "smaller", "smaller", "smaller", "smaller", "smaller"):
        response = client.post("/portal/reading/", {"size": step, "next": "/portal/"})
        sizes.append(response.cookies["text_size"].value)

    assert sizes == ["26", "30", "30", "30", "26", "22", "18", "18", "18"]
    page = client.get("/portal/").content.decode()
    assert '<button type="submit" name="size" value="smaller" id="text-smaller" disabled>' in page


def test_switching_back_returns_to_the_standard_size(world, client):
    client.post("/portal/reading/", {"mode": "elder"})
    client.post("/portal/reading/", {"size": "larger"})

    response = client.post("/portal/reading/", {"mode": "standard"})

    assert (response.cookies["reading_mode"].value, response.cookies["text_size"].value) == ("standard", "18")
    assert _html_class(client.get("/portal/")) == "text-18"


@pytest.mark.parametrize("next_url", ["https://example.com/", "//example.com/portal/", "javascript:alert(1)", ""])
def test_an_address_outside_the_site_is_never_followed(world, client, next_url):
    response = client.post("/portal/reading/", {"mode": "elder", "next": next_url})

    assert response["Location"] == "/portal/"


def test_the_switch_is_a_post_only_so_a_link_cannot_change_it(world, client):
    assert client.get("/portal/reading/?mode=elder").status_code == 405


@pytest.mark.parametrize(
    ("cookies", "expected"),
    [
        ({}, ReadingPreferences(is_elder=False, text_size=18)),
        ({"reading_mode": "elder"}, ReadingPreferences(is_elder=True, text_size=22)),
        ({"reading_mode": "elder", "text_size": "30"}, ReadingPreferences(is_elder=True, text_size=30)),
        ({"reading_mode": "elder", "text_size": "31"}, ReadingPreferences(is_elder=True, text_size=22)),
        ({"reading_mode": "elder", "text_size": "x<script>"}, ReadingPreferences(is_elder=True, text_size=22)),
        ({"reading_mode": 'ELDER" onload=', "text_size": "26"}, ReadingPreferences(is_elder=False, text_size=26)),
    ],
)
def test_cookie_values_outside_the_known_ones_fall_back_to_defaults(cookies, expected):
    assert preferences_from_cookies(cookies) == expected


def test_a_tap_without_a_known_choice_changes_nothing():
    current = ReadingPreferences(is_elder=True, text_size=26)

    assert changed_preferences(current, mode="bigger", size="huge") == current


def test_the_preference_is_on_the_html_element_for_the_stylesheet():
    assert ReadingPreferences(is_elder=True, text_size=30).html_class == "elder text-30"
    assert ReadingPreferences(is_elder=False, text_size=18).html_class == "text-18"


def _resident_templates() -> list[Path]:
    base = Path(settings.BASE_DIR)
    folders = ["communityedu/portal", "communityedu/learning", "communityedu/news", "communityedu/surveys"]
    found = [path for folder in folders for path in (base / folder / "templates").rglob("*.html")]
    return [*found, base / "templates/base.html", base / "templates/accounts/resident_sign_in.html"]


def test_no_page_plays_by_itself_or_opens_a_pop_up():
    offending = []
    for path in _resident_templates():
        text = path.read_text()
        if re.search(r"\bautoplay\b|target=\"_blank\"|<dialog\b|\bstyle=|<script>|\son[a-z]+=", text):
            offending.append(path.name)
    scripts = list((Path(settings.BASE_DIR) / "static/js").glob("*.js"))
    # Staff-only pages' scripts: the offline check-in plays the camera's picture once staff tap 扫码.
    staff_only = {"offline-check-in.js", "unit-picker.js"}
    for path in scripts:
        if path.name in staff_only:
            continue
        if re.search(r"window\.open\(|\balert\(|\bconfirm\(|\bprompt\(|\.play\(\)", path.read_text()):
            offending.append(path.name)

    # Every script of static/js is scanned; the list is named so that a new one is looked at here.
    assert sorted(path.name for path in scripts) == [
        "app.js",
        "learning.js",
        "offline-check-in.js",
        "read-aloud.js",
        "unit-picker.js",
    ]
    assert offending == []
