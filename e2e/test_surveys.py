"""Surveys in the browser: a resident answers the standard survey on a small phone, once; the
office enters two paper sheets and reads the results."""

import pytest
from playwright.sync_api import expect

from communityedu.surveys.models import Response
from communityedu.surveys.tests.factories import standard_survey

SMALL_PHONE = {"width": 360, "height": 640}


@pytest.fixture
def small_page(browser):
    context = browser.new_context(viewport=SMALL_PHONE, locale="zh-CN")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.mark.browser
def test_a_resident_answers_the_standard_survey_on_a_small_phone_once(
    live_server, live_world, small_page, sign_in, screenshot
):
    survey = standard_survey(live_world, year=2026, title="2026年社区教育居民问卷")
    page = sign_in(small_page, "resident")

    page.goto(f"{live_server.url}/portal/")
    page.get_by_role("link", name="问卷调查").first.click()
    page.get_by_role("link", name="参加调查").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2026年社区教育居民问卷")
    page.get_by_role("radio", name="是").check()
    page.locator("section.question").nth(1).get_by_role("radio", name="比较认同").check()
    page.locator("section.question").nth(2).get_by_role("radio", name="非常满意").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    screenshot(page, "survey-answer-small-phone")
    with page.expect_navigation():
        page.get_by_role("button", name="提交我的回答").click()

    expect(page.locator("#answered")).to_be_visible()
    expect(page.locator("#given")).to_contain_text("非常满意")
    page.goto(f"{live_server.url}/surveys/{survey.pk}/answer/")
    expect(page.get_by_role("button", name="提交我的回答")).to_have_count(0)
    assert Response.objects.filter(survey=survey).count() == 1


@pytest.mark.browser
def test_the_office_enters_two_paper_sheets_and_sees_the_results(live_server, live_world, page, sign_in, screenshot):
    survey = standard_survey(live_world, year=2026, title="2026年社区教育居民问卷")
    sign_in(page, "office")
    questions = list(survey.questions.order_by("position"))

    page.goto(f"{live_server.url}/surveys/{survey.pk}/paper/")
    for row, (sheet, village, answers) in enumerate(
        [("0001", "弋阳村", ("1", "5", "4")), ("0002", "十字村", ("0", "3", "5"))], start=1
    ):
        page.locator(f"#sheet-{row}").fill(sheet)
        page.locator(f"#village-{row}").select_option(village)
        for question, answer in zip(questions, answers, strict=True):
            page.locator(f"#q{question.pk}-{row}").fill(answer)
    with page.expect_navigation():
        page.get_by_role("button", name="录入这些答卷").click()
    expect(page.locator(".messages")).to_contain_text("已录入 2 份纸质答卷")

    page.get_by_role("link", name="调查结果").first.click()
    expect(page.locator("#respondents")).to_have_text("2")
    expect(page.locator(f"#result-{questions[2].pk}")).to_contain_text("2 / 2 = 100%")
    expect(page.locator("#villages")).to_contain_text("弋阳村")
    screenshot(page, "survey-results")


@pytest.mark.browser
def test_the_office_builds_and_opens_a_standard_survey(live_server, live_world, page, sign_in, screenshot):
    sign_in(page, "office")

    page.goto(f"{live_server.url}/surveys/")
    page.get_by_role("link", name="新建调查").click()
    page.locator("#id_title").fill("2026年社区教育居民问卷")
    page.locator("#id_year").fill("2026")
    page.locator("#id_is_standard").check()
    with page.expect_navigation():
        page.get_by_role("button", name="创建调查").click()
    with page.expect_navigation():
        page.get_by_role("button", name="添加三道标准题").click()
    expect(page.locator("#questions > li")).to_have_count(3)
    screenshot(page, "survey-builder")
    with page.expect_navigation():
        page.get_by_role("button", name="开始调查").click()

    expect(page.locator("#survey-status")).to_have_text("进行中")
