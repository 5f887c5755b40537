"""Browser tests: Chromium driven through Playwright against pytest-django's live server."""

import os

# Playwright's sync API runs an event loop in this thread; Django's ORM would then refuse to run.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

from config.database import SQLITE_OPTIONS
from conftest import PASSWORD, RESIDENT_PHONE, RESIDENT_PIN, build_world

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PHONE_VIEWPORT = {"width": 375, "height": 740}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, the live server gets a database file in WAL mode with the busy timeout, as in
    production, not the shared in-memory database of the unit tests: the server answers a page's
    requests in threads of its own, and the in-memory database's table locks fail at once
    ("database table is locked") when two of them meet — a video and its captions, a progress
    beacon and the next page — where a file waits for the other writer."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("e2e-database") / "test.sqlite3")
        database["OPTIONS"]["init_command"] = SQLITE_OPTIONS["init_command"]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=settings.CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live_world(transactional_db):
    """The shared two-town world, committed so that the live server's thread sees it."""
    return build_world()


@pytest.fixture
def new_page(browser):
    """Open a page in a fresh phone-sized Chinese context; options go to ``new_context``."""
    contexts = []

    def _new_page(**options):
        context = browser.new_context(**({"viewport": PHONE_VIEWPORT, "locale": "zh-CN"} | options))
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def _submit(page):
    # The sign-in form's own button: the only button inside <main> (the header has the language button).
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button").click()


@pytest.fixture
def sign_in(live_server):
    """Sign a page in through the real form: ``sign_in(page, "office")`` or ``sign_in(page, "resident")``."""

    def _sign_in(page, username: str):
        if username == "resident":
            page.goto(f"{live_server.url}/accounts/resident-sign-in/")
            page.locator("input[name=phone]").fill(RESIDENT_PHONE)
            page.locator("input[name=pin]").fill(RESIDENT_PIN)
        else:
            page.goto(f"{live_server.url}/accounts/sign-in/")
            page.locator("input[name=username]").fill(username)
            page.locator("input[name=password]").fill(PASSWORD)
        _submit(page)
        return page

    return _sign_in


@pytest.fixture
def screenshot():
    """Save a full-page screenshot to test-artifacts/<name>.png."""

    def _screenshot(page, name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return _screenshot
