"""When something goes wrong the answer is the product's own page: the status of what happened,
one plain sentence in Chinese (English by the language cookie), a way back to the home page, and
no redirect; under /api/ the API's one JSON shape instead."""

import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import Client
from django.urls import path

import config.urls
from communityedu.portal.reading import MODE_COOKIE, SIZE_COOKIE


def _explode(request):
    raise RuntimeError("a bug")


def _suspicious(request):
    raise SuspiciousOperation("a forged request")


# The project's addresses plus two that fail on purpose, with the project's handlers.
urlpatterns = [
    path("explode/", _explode),
    path("api/explode/", _explode),
    path("suspicious/", _suspicious),
    *config.urls.urlpatterns,
]
handler400 = config.urls.handler400
handler403 = config.urls.handler403
handler404 = config.urls.handler404
handler500 = config.urls.handler500


def _page(response) -> tuple[int, str, str, str]:
    """The status, the heading, the sentence and the way back of an error page."""
    html = response.content.decode()
    heading = html.split("<h1>", 1)[1].split("</h1>", 1)[0]
    sentence = html.split('id="error-message">', 1)[1].split("</p>", 1)[0]
    back = html.split('id="back-home" href="', 1)[1].split("</a>", 1)[0]
    return response.status_code, heading, sentence, back


def test_an_unknown_address_answers_404_in_chinese_with_a_way_home(client, db):
    response = client.get("/no-such-page/")

    assert _page(response) == (
        404,
        "找不到页面",
        "这个地址没有页面：可能是地址输错了，或者页面已被删除。",
        '/">返回首页',
    )
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="zh-CN"' in response.content.decode()


def test_the_language_cookie_turns_the_404_page_english(client, db):
    client.cookies["language"] = "en"

    response = client.get("/no-such-page/")

    assert _page(response) == (
        404,
        "Page not found",
        "There is no page at this address: it may be mistyped, or the page was removed.",
        '/">Back to the home page',
    )


def test_a_page_outside_the_accounts_reach_answers_403_not_a_redirect(world, sign_in):
    response = sign_in("resident").get("/people/")

    assert _page(response) == (
        403,
        "无权打开此页",
        "您的账号不能打开这个页面。如果您登录错了账号，请退出后用自己的账号登录。",
        '/">返回首页',
    )


def test_a_request_for_another_host_answers_400(client, db):
    response = client.get("/portal/", HTTP_HOST="evil.example")

    assert _page(response) == (
        400,
        "请求有误",
        "请求中有内容不正确，所以什么也没有做。请返回上一页再试一次。",
        '/">返回首页',
    )


@pytest.mark.urls("communityedu.portal.tests.test_error_pages")
def test_a_suspicious_request_answers_400(client, db):
    client.cookies["language"] = "en"

    response = client.get("/suspicious/")

    assert _page(response)[:2] == (400, "The request could not be handled")


@pytest.mark.urls("communityedu.portal.tests.test_error_pages")
def test_a_bug_answers_500_with_a_plain_sentence(db):
    client = Client(raise_request_exception=False)

    response = client.get("/explode/")

    assert _page(response) == (
        500,
        "出了点问题",
        "网站遇到问题，没有完成这次操作。请稍后再试。",
        '/">返回首页',
    )
    assert "a bug" not in response.content.decode()


@pytest.mark.urls("communityedu.portal.tests.test_error_pages")
def test_a_bug_under_the_api_answers_500_in_the_apis_shape(db):
    client = Client(raise_request_exception=False)

    response = client.get("/api/explode/")

    assert response.status_code == 500
    assert response.json() == {"detail": "网站遇到问题，没有完成这次操作。请稍后再试。", "errors": []}


def test_an_unknown_api_address_answers_404_in_the_apis_shape(client, db):
    response = client.get("/api/v1/no-such-operation")

    assert response.status_code == 404
    assert response.json() == {"detail": "这个地址没有页面：可能是地址输错了，或者页面已被删除。", "errors": []}


def test_a_form_sent_from_an_expired_page_answers_403_and_says_so(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/resident-sign-in/", {"phone": "13800000000", "pin": "202020"})

    assert _page(response) == (
        403,
        "页面已过期",
        "表单是从已过期的页面提交的，所以没有保存任何内容。请返回上一页，刷新后再试一次。",
        '/">返回首页',
    )


def test_error_pages_keep_the_age_friendly_mode_and_the_phone_viewport(client, db):
    client.cookies[MODE_COOKIE] = "elder"
    client.cookies[SIZE_COOKIE] = "30"

    html = client.get("/no-such-page/").content.decode()

    assert 'class="elder text-30"' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
