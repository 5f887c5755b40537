"""What each account sees of the district: its own town, and inside it its own villages."""

import pytest
from playwright.sync_api import expect


def _row_names(page) -> list[str]:
    """The names in the first column of the page's table body, as the user reads them."""
    return sorted(page.locator("table tbody th[scope=row]").all_inner_texts())


@pytest.mark.browser
def test_town_office_sees_every_village_of_its_town_and_none_of_another(
    live_server, live_world, page, sign_in, screenshot
):
    sign_in(page, "office")
    assert page.url == f"{live_server.url}/"
    screenshot(page, "staff-home-office")

    response = page.goto(f"{live_server.url}/org/villages/")

    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("新妙镇")
    assert _row_names(page) == ["十字村", "弋阳村"]
    expect(page.get_by_text("关东村")).to_have_count(0)
    screenshot(page, "village-list-office")


@pytest.mark.browser
def test_learning_centre_director_sees_only_their_villages_people(live_server, live_world, page, sign_in):
    sign_in(page, "center")

    response = page.goto(f"{live_server.url}/people/")

    assert response.status == 200
    assert _row_names(page) == ["张秀英", "李德福"]
    expect(page.get_by_text("王桂芬")).to_have_count(0)


@pytest.mark.browser
def test_learning_centre_director_gets_404_for_a_person_of_another_village(live_server, live_world, page, sign_in):
    sign_in(page, "center")

    response = page.goto(f"{live_server.url}/people/{live_world.people['wang'].pk}/")

    assert response.status == 404
    expect(page.get_by_text("王桂芬")).to_have_count(0)


@pytest.mark.browser
def test_other_towns_staff_see_their_own_village_and_nothing_of_xinmiao(live_server, live_world, page, sign_in):
    sign_in(page, "nantuo")

    response = page.goto(f"{live_server.url}/org/villages/")

    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("南沱镇")
    assert _row_names(page) == ["关东村"]
    for name in ("新妙镇", "弋阳村", "十字村"):
        expect(page.get_by_text(name)).to_have_count(0)


@pytest.mark.browser
def test_other_towns_staff_see_only_their_own_people(live_server, live_world, page, sign_in):
    sign_in(page, "nantuo")

    response = page.goto(f"{live_server.url}/people/")

    assert response.status == 200
    assert _row_names(page) == ["陈志强"]
    expect(page.get_by_text("张秀英")).to_have_count(0)
