"""Who reads the register: the town's office and school the whole town, a centre its village."""

import pytest


def _names(response):
    return sorted(person.name for person in response.context["page"])


def test_the_town_office_sees_every_person_of_its_town_only(world, sign_in):
    response = sign_in("office").get("/people/")

    assert _names(response) == ["张秀英", "李德福", "王志明", "王桂芬"]


def test_a_centre_director_sees_only_the_residents_of_the_centres_village(world, sign_in):
    client = sign_in("center")

    assert _names(client.get("/people/")) == ["张秀英", "李德福"]
    assert client.get(f"/people/{world.people['li'].pk}/").status_code == 200
    assert client.get(f"/people/{world.people['wang'].pk}/").status_code == 404


def test_a_village_filter_cannot_widen_a_directors_view(world, sign_in):
    response = sign_in("center").get(f"/people/?village={world.shizi.pk}")

    assert _names(response) == []


def test_another_towns_staff_see_nothing_of_xinmiao(world, sign_in):
    client = sign_in("nantuo")

    assert _names(client.get("/people/")) == ["陈志强"]
    assert client.get(f"/people/{world.people['zhang'].pk}/").status_code == 404


def test_the_district_evaluator_reads_every_town_of_the_district(world, sign_in):
    client = sign_in("evaluator")

    client.post("/org/towns/switch/", {"town": "nantuo"})
    assert _names(client.get("/people/")) == ["陈志强"]
    client.post("/org/towns/switch/", {"town": "xinmiao"})
    assert _names(client.get("/people/")) == ["张秀英", "李德福", "王志明", "王桂芬"]


@pytest.mark.parametrize("username", ["dept", "teacher", "volunteer", "moderator", "auditor", "admin", "resident"])
def test_roles_without_register_access_are_refused(world, sign_in, username):
    client = sign_in(username)

    assert client.get("/people/").status_code == 403
    assert client.get(f"/people/{world.people['zhang'].pk}/").status_code == 403


def test_a_person_page_shows_roles_of_the_linked_account_and_a_masked_phone(world, sign_in):
    response = sign_in("office").get(f"/people/{world.people['zhang'].pk}/")

    page = response.content.decode()
    assert "138****0000" in page
    assert "13800000000" not in page
    assert [r.role for r in response.context["roles"]] == ["resident"]


def test_searching_by_name_finds_the_person(world, sign_in):
    assert _names(sign_in("office").get("/people/?q=桂芬")) == ["王桂芬"]
