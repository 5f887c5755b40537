"""The school issues a certificate; a stranger opens its QR link and sees it confirmed."""

from datetime import date

import pytest
from playwright.sync_api import expect

from communityedu.incentives import services
from communityedu.incentives.models import Certificate
from communityedu.incentives.tests.test_points import YEAR, _lecture


@pytest.mark.browser
def test_the_school_issues_a_certificate_and_a_stranger_verifies_it(
    live_server, live_world, new_page, sign_in, screenshot
):
    li = live_world.people["li"]
    services.save_team_member(
        actor=None,
        town=live_world.xinmiao,
        person=li,
        values={"category": "volunteer", "specialities": "", "employer": live_world.civil_affairs},
    )
    _lecture(live_world, li, date(YEAR, 5, 9))
    staff = new_page()
    sign_in(staff, "school")

    staff.goto(f"{live_server.url}/incentives/people/{li.pk}/?year={YEAR}")
    expect(staff.locator("#granted")).to_have_text("1")
    with staff.expect_navigation():
        staff.locator("#certificates form button[type=submit]").last.click()
    certificate = Certificate.objects.get(person=li)
    expect(staff.locator("#certificates")).to_contain_text(certificate.serial)

    stranger = new_page()
    response = stranger.goto(f"{live_server.url}/verify/{certificate.code}")

    assert response.status == 200
    expect(stranger.get_by_role("main")).to_contain_text("真实有效")
    expect(stranger.get_by_role("main")).to_contain_text("李德福")
    expect(stranger.get_by_role("main")).to_contain_text(certificate.serial)
    screenshot(stranger, "certificate-verified")
