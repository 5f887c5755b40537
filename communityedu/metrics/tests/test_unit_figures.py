"""The units' own people against their targets, the town's classification of party and government
organs behind the learning-organ rate, and the volunteer teams' members and activities."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from communityedu.activities import services
from communityedu.activities.constants import ActivityKind, AttendanceRole, AttendanceSource
from communityedu.activities.tests.factories import activity, at
from communityedu.incentives import services as incentive_services
from communityedu.incentives.models import TeamMembership
from communityedu.organization import services as org_services
from communityedu.organization.models import Position, Unit
from communityedu.organization.targets import set_targets
from communityedu.people import services as people_services
from communityedu.people.models import PositionHolder


def _check_in(world, held, person, role=AttendanceRole.PARTICIPANT):
    services.check_in(
        activity=held, person=person, source=AttendanceSource.ROSTER, recorded_by=world.accounts["office"], role=role
    )


def _figure(client, key, *, year, as_of):
    answer = client.get(f"/api/v1/metrics?town=xinmiao&year={year}&as_of={as_of}")
    assert answer.status_code == 200
    return next(figure for figure in answer.json()["figures"] if figure["key"] == key)


@pytest.fixture
def unit_people(world):
    """民政办's own people: 李德福 by post, 王桂芬 through the department account, 张秀英 employed."""
    post = org_services.ensure_position(unit=world.civil_affairs, title="主任", held_by="民政办主任")
    Position.objects.filter(pk=post.pk).update(person=world.people["li"])
    people_services.link_account(person=world.people["wang"], account=world.accounts["dept"])
    incentive_services.save_team_member(
        actor=None,
        town=world.xinmiao,
        person=world.people["zhang"],
        values={"category": "volunteer", "employer": world.civil_affairs},
    )
    set_targets(
        town=world.xinmiao,
        year=2021,
        values={("unit_participation", world.civil_affairs.pk): Decimal("60")},
        actor=world.accounts["office"],
    )
    _check_in(world, activity(world, starts_at=at(2021, 3, 10), title="防溺水安全讲座"), world.people["li"])
    _check_in(world, activity(world, starts_at=at(2021, 6, 1), title="健康养生讲座"), world.people["zhang"])
    return world


def test_unit_staff_participation_counts_post_account_and_employed_people_against_the_unit_target(unit_people, sign_in):
    client = sign_in("office")

    in_may = _figure(client, "unit_staff_participation", year=2021, as_of="2021-05-31")
    year_end = _figure(client, "unit_staff_participation", year=2021, as_of="2022-03-01")

    civil_affairs = next(line for line in in_may["villages"] if line["label"] == "民政办")
    assert (civil_affairs["numerator"], civil_affairs["denominator"]) == (1, 3)
    assert (civil_affairs["value"], civil_affairs["target"], civil_affairs["status"]) == ("0.3333", "0.60", "at_risk")
    assert (in_may["numerator"], in_may["denominator"], in_may["threshold"]) == (1, 3, "0.70")
    civil_affairs = next(line for line in year_end["villages"] if line["label"] == "民政办")
    assert (civil_affairs["numerator"], civil_affairs["value"], civil_affairs["status"]) == (2, "0.6667", "met")
    assert (year_end["numerator"], year_end["denominator"], year_end["value"]) == (2, 3, "0.6667")
    committees = [line for line in year_end["villages"] if line["label"] != "民政办"]
    assert [(line["label"], line["denominator"], line["status"]) for line in committees] == [
        ("十字村村委会", 0, "no_data"),
        ("弋阳村村委会", 0, "no_data"),
    ]
    assert year_end["flags"] == {"units_below_target": 0, "units_without_people": 2}


def test_the_learning_organ_rate_counts_the_units_the_town_classifies_as_party_and_government_organs(world, sign_in):
    education = org_services.save_unit(
        unit=None,
        town=world.xinmiao,
        values={"name": "教育管理中心", "unit_type": "party_government_organ"},
        actor=None,
    )
    client = sign_in("office")
    before = _figure(client, "learning_organs", year=2020, as_of="2020-12-31")

    answer = client.put(
        f"/api/v1/units/{education.pk}/category?town=xinmiao",
        json.dumps({"category": "public_institution"}),
        content_type="application/json",
    )

    assert answer.status_code == 200
    assert answer.json()["category"] == "public_institution"
    assert before["denominator"] == 2
    assert before["beside"]["counted_units"] == ["教育管理中心", "民政办"]
    after = _figure(client, "learning_organs", year=2020, as_of="2020-12-31")
    assert (after["numerator"], after["denominator"]) == (0, 1)
    assert after["beside"]["counted_units"] == ["民政办"]
    assert [line["label"] for line in after["villages"]] == ["民政办"]
    page = client.get(f"/org/units/{education.pk}/").content.decode()
    assert "事业单位" in page


def test_a_unit_category_must_be_one_of_the_four_and_only_the_office_sets_it(world, sign_in):
    url = f"/api/v1/units/{world.civil_affairs.pk}/category?town=xinmiao"
    body = json.dumps({"category": "ministry"})

    refused = sign_in("office").put(url, body, content_type="application/json")
    forbidden = sign_in("dept").put(url, json.dumps({"category": "other"}), content_type="application/json")

    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "category"
    assert "ministry" in refused.json()["detail"]
    assert forbidden.status_code == 403
    assert Unit.objects.get(pk=world.civil_affairs.pk).category == "party_government_organ"


@pytest.fixture
def teams(world):
    dance, tea = (
        org_services.save_unit(unit=None, town=world.xinmiao, values={"name": name, "unit_type": "team"}, actor=None)
        for name in ("社区教育坝坝舞队", "社区教育茶社")
    )
    li = incentive_services.save_team_member(
        actor=None,
        town=world.xinmiao,
        person=world.people["li"],
        values={"category": "volunteer", "employer": world.civil_affairs},
    )
    activity(world, starts_at=at(2021, 3, 10), kind=ActivityKind.TEAM_ACTIVITY, title="坝坝舞", organiser=dance)
    helped = activity(world, starts_at=at(2021, 4, 1), title="健康养生讲座")
    _check_in(world, helped, world.people["li"], AttendanceRole.VOLUNTEER)
    return dance, tea, li


def test_a_volunteer_joins_a_team_on_its_page_and_the_team_counts_its_members_and_activities(world, teams, sign_in):
    dance, _tea, li = teams
    client = sign_in("office")

    joined = client.post(f"/incentives/teams/{dance.pk}/members/", {"member": li.pk, "joined_on": "2021-02-01"})

    assert joined.status_code == 302
    figure = _figure(client, "team_membership", year=2021, as_of="2021-12-31")
    assert (figure["numerator"], figure["denominator"], figure["status"]) == (1, 2, "at_risk")
    assert [(line["label"], line["counts"]) for line in figure["villages"]] == [
        ("社区教育坝坝舞队", {"members": 1, "activities": 2}),
        ("社区教育茶社", {"members": 0, "activities": 0}),
    ]
    assert figure["flags"] == {"teams_without_members": 1}
    assert "李德福" in client.get(f"/org/units/{dance.pk}/").content.decode()


def test_a_volunteer_who_left_is_no_member_at_the_year_end_and_brings_no_later_activity(world, teams, sign_in):
    dance, _tea, li = teams
    client = sign_in("school")
    added = client.post(
        f"/api/v1/teams/{dance.pk}/members?town=xinmiao",
        json.dumps({"member_id": li.pk, "joined_on": "2021-02-01"}),
        content_type="application/json",
    )

    left = client.post(
        f"/api/v1/teams/{dance.pk}/members/{added.json()['id']}/leave?town=xinmiao",
        json.dumps({"left_on": "2021-03-31"}),
        content_type="application/json",
    )

    assert added.status_code == 201
    assert left.status_code == 200
    assert left.json()["left_on"] == "2021-03-31"
    figure = _figure(client, "team_membership", year=2021, as_of="2021-12-31")
    assert figure["villages"][0]["counts"] == {"members": 0, "activities": 1}
    in_march = _figure(client, "team_membership", year=2021, as_of="2021-03-31")
    assert in_march["villages"][0]["counts"] == {"members": 1, "activities": 1}
    assert (in_march["numerator"], in_march["denominator"]) == (1, 2)


def test_only_volunteers_of_the_register_join_a_team_and_a_refusal_names_why(world, teams, sign_in):
    dance, _tea, _li = teams
    teacher = incentive_services.save_team_member(
        actor=None,
        town=world.xinmiao,
        person=world.people["teacher"],
        values={"category": "part_time_teacher", "employer": world.civil_affairs},
    )
    client = sign_in("office")

    refused = client.post(
        f"/api/v1/teams/{dance.pk}/members?town=xinmiao",
        json.dumps({"member_id": teacher.pk, "joined_on": "2021-02-01"}),
        content_type="application/json",
    )
    not_a_team = client.post(
        f"/api/v1/teams/{world.civil_affairs.pk}/members?town=xinmiao",
        json.dumps({"member_id": teacher.pk, "joined_on": "2021-02-01"}),
        content_type="application/json",
    )

    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "member"
    assert "王志明" in refused.json()["detail"]
    assert not_a_team.status_code == 404
    assert TeamMembership.objects.count() == 0


def test_every_year_of_the_api_carries_the_unit_figures(world, sign_in):
    keys = [
        figure["key"] for figure in sign_in("office").get("/api/v1/metrics?town=xinmiao&year=2020").json()["figures"]
    ]

    assert "unit_staff_participation" in keys
    assert "team_membership" in keys


def test_the_units_figure_leads_to_the_people_it_counts(unit_people, sign_in):
    client = sign_in("office")

    everyone = client.get("/staff/targets/unit-people/?year=2021&as_of=2021-05-31").content.decode()
    counted = client.get(
        f"/staff/targets/unit-people/?year=2021&as_of=2021-05-31&unit={unit_people.civil_affairs.pk}&took_part=1"
    ).content.decode()

    for name in ("李德福", "王桂芬", "张秀英"):
        assert name in everyone
    assert "李德福" in counted
    assert "2021-03-10" in counted
    assert "王桂芬" not in counted
    assert "张秀英" not in counted
    assert sign_in("dept").get("/staff/targets/unit-people/?year=2021").status_code == 403


def test_the_team_figure_leads_to_each_team_s_members_and_activities(world, teams, sign_in):
    dance, tea, li = teams
    incentive_services.add_to_team(actor=None, team=dance, member=li, joined_on=date(2021, 2, 1))
    client = sign_in("office")

    page = client.get(f"/staff/targets/teams/?year=2021&as_of=2021-12-31&team={dance.pk}").content.decode()
    targets = client.get("/staff/targets/?year=2021&as_of=2021-12-31").content.decode()

    assert "李德福" in page
    assert page.count('<th scope="row"><a href="/activities/') == 2
    assert "社区教育茶社" not in page
    assert f"/staff/targets/teams/?town=xinmiao&amp;year=2021&amp;as_of=2021-12-31&amp;team={tea.pk}" in targets


def test_whoever_held_a_unit_s_post_in_the_year_is_one_of_its_own_people(unit_people, sign_in):
    post = Position.objects.get(unit=unit_people.civil_affairs, title="主任")
    PositionHolder.objects.create(
        town=unit_people.xinmiao,
        position=post,
        person_name="王志明",
        person=unit_people.people["teacher"],
        starts_on=date(2019, 1, 1),
        ends_on=date(2020, 12, 31),
    )
    client = sign_in("office")

    in_2020 = _figure(client, "unit_staff_participation", year=2020, as_of="2020-12-31")
    in_2021 = _figure(client, "unit_staff_participation", year=2021, as_of="2021-12-31")

    assert (in_2020["numerator"], in_2020["denominator"]) == (0, 4)
    assert (in_2021["numerator"], in_2021["denominator"]) == (2, 3)
    assert "王志明" in client.get("/staff/targets/unit-people/?year=2020&as_of=2020-12-31").content.decode()
