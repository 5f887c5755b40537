"""Each role's first page shows that role's sections with the figures of the world, and no one else's;
the staff menu offers only the pages the role may open."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communityedu.activities import services as activity_services
from communityedu.activities.constants import ActivityKind, AttendanceSource
from communityedu.activities.evidence import attach_evidence
from communityedu.funding import services as funding_services
from communityedu.incentives import services as incentive_services
from communityedu.incentives.models import TeamCategory
from communityedu.organization import services as org_services
from communityedu.organization.constants import Role
from communityedu.people import resident_accounts
from communityedu.people.models import Sex
from communityedu.planning.tests.factories import plan_world
from communityedu.tests.test_role_matrix import PAGES, ROLES, _client_for
from conftest import _person, build_world, png_bytes

# A Wednesday: the week runs from Monday 8 June, the fortnight to Sunday 21 June.
NOW = datetime(2026, 6, 10, 10, 0, tzinfo=timezone.get_default_timezone())


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), timezone.get_default_timezone())


def _activity(world, title, starts_at, *, village=None, organiser=None, kind=ActivityKind.TRAINING, lecturers=()):
    return activity_services.schedule_activity(
        actor=world.accounts["office"],
        town=world.xinmiao,
        values={
            "title": title,
            "kind": kind,
            "organiser": organiser or world.yiyang_centre,
            "village": village if village is not None else world.yiyang,
            "venue_place": "村活动室",
            "starts_at": starts_at,
            "ends_at": starts_at + (NOW - NOW.replace(hour=8)),  # two hours
        },
        lecturers=lecturers,
    )


def _evidence(world, activity):
    attach_evidence(
        actor=world.accounts["office"],
        activity=activity,
        kind="photo",
        upload=SimpleUploadedFile("合影.png", png_bytes(), content_type="image/png"),
    )


@pytest.fixture
def village_world(db):
    """The shared world on 10 June 2026, with the 弋阳村 centre's fortnight, a teacher's lectures and
    民政办's plan and funds."""
    with time_machine.travel(NOW, tick=False):
        world = build_world()
        org_services.set_population(village=world.yiyang, year=2026, resident_population=10, actor=None)
        world.papercut = _activity(world, "剪纸培训", at(date(2026, 6, 9), 9))  # held, no evidence
        world.health = _activity(world, "健康讲座", at(date(2026, 6, 10), 9, 30))  # running now
        world.dance = _activity(world, "广场舞教学", at(date(2026, 6, 18), 19))  # next week
        _activity(world, "读书会", at(date(2026, 6, 25), 9))  # after the fortnight
        spring = _activity(world, "春耕技术培训", at(date(2026, 3, 2), 9))
        _evidence(world, spring)  # held with evidence: nothing missing
        _activity(world, "十字村坝坝舞", at(date(2026, 6, 10), 9), village=world.shizi, organiser=world.school)
        for name in ("zhang", "li"):
            activity_services.check_in(
                activity=world.health,
                person=world.people[name],
                source=AttendanceSource.ROSTER,
                recorded_by=world.accounts["center"],
            )
        pending = _person(world.xinmiao, world.yiyang, "孙桂兰", Sex.FEMALE, date(1958, 3, 3), phone="13911112222")
        resident_accounts.open_resident_account(person=pending, actor=world.accounts["office"])
        # The teacher (王志明): a part-time teacher of the school lecturing twice, one with evidence.
        teacher = world.people["teacher"]
        incentive_services.save_team_member(
            actor=world.accounts["office"],
            town=world.xinmiao,
            person=teacher,
            values={"category": TeamCategory.PART_TIME_TEACHER, "employer": world.school},
        )
        counted = _activity(
            world, "家庭教育讲座", at(date(2026, 6, 3), 14), organiser=world.school, kind=ActivityKind.LECTURE,
            village=world.shizi, lecturers=[teacher],
        )  # fmt: skip
        _evidence(world, counted)
        _activity(
            world, "法律知识讲座", at(date(2026, 6, 5), 14), organiser=world.school, kind=ActivityKind.LECTURE,
            village=world.shizi, lecturers=[teacher],
        )  # fmt: skip
        world.teaching = _activity(
            world,
            "书法入门",
            at(date(2026, 6, 16), 9),
            organiser=world.school,
            village=world.shizi,
            lecturers=[teacher],
        )
        world.plan = plan_world(world)
        funding_services.record_allocation(
            town=world.xinmiao,
            year=2026,
            source="town_finance",
            amount=Decimal("3000.00"),
            dated_on=date(2026, 3, 1),
            actor=world.accounts["office"],
            receiving_unit=world.civil_affairs,
            description="社区教育工作经费",
        )
    return world


def _home(world, role: str) -> str:
    with time_machine.travel(NOW, tick=False):
        response = _client_for(role, Client).get("/")
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, section_id: str) -> str:
    start = html.index(f'id="{section_id}"')
    return html[start : html.index("</section>", start)]


def _menu_links(html: str) -> list[str]:
    if 'id="staff-menu"' not in html:
        return []
    menu = html[html.index('id="staff-menu"') : html.index("</details>", html.index('id="staff-menu"'))]
    return re.findall(r'href="([^"]+)"', menu)


def test_a_centre_directors_first_page_shows_their_villages_fortnight_roll_evidence_target_and_cards(village_world):
    world = village_world
    html = _home(world, "center")
    section = _section(html, f"first-director-{world.yiyang.pk}")

    fortnight = _section(html, f"first-director-{world.yiyang.pk}").split(f'id="fortnight-{world.yiyang.pk}"')[1]
    assert re.findall(r"\d\d:\d\d ([^<]+)</a>", fortnight.split("</ul>")[0]) == ["剪纸培训", "健康讲座", "广场舞教学"]
    assert f'href="/activities/{world.health.pk}/roster/"' in section
    assert re.search(rf'id="roll-count-{world.yiyang.pk}">1<', section)
    assert re.search(rf'id="without-evidence-{world.yiyang.pk}">1<', section)
    evidence_list = section.split(f'id="evidence-list-{world.yiyang.pk}"')[1].split("</ul>")[0]
    assert re.findall(r"\d\d-\d\d ([^<]+)</a>", evidence_list) == ["剪纸培训"]
    # 2 of 10 residents took part; the target is 70 %: 7 are needed, 5 still missing.
    assert "参与率 20.00%（10 人中 2 人），目标 70.00%" in section
    assert re.search(rf'id="missing-{world.yiyang.pk}">还差 5 位居民<', section)
    # 李德福 has no account, 孙桂兰 a pending one; 张秀英's is in use.
    assert re.search(rf'id="cards-{world.yiyang.pk}">2<', section)
    assert 'href="/people/cards/"' in section
    assert re.search(
        r'id="join-requests-link" href="/people/join-requests/">[^<]*<span class="badge">0</span>', section
    )
    assert "十字村坝坝舞" not in html
    assert "读书会" not in html
    for other in ("first-duty", "first-unit", "first-moderation", "first-district", "first-overview"):
        assert f'id="{other}"' not in html


def test_a_teachers_first_page_shows_their_activities_points_and_what_is_missing(village_world):
    html = _home(village_world, "teacher")
    section = _section(html, "first-duty")

    activities = section.split('id="my-activities"')[1].split("</ul>")[0]
    assert re.findall(r"\d\d-\d\d \d\d:\d\d ([^<]+)</a>", activities) == ["家庭教育讲座", "法律知识讲座", "书法入门"]
    assert "1 分（上限 5.00）" in section  # one lecture with evidence; the cap is 5 % of 100
    missing = section.split('id="points-missing"')[1].split("</ul>")[0]
    assert "法律知识讲座" in missing
    assert "家庭教育讲座" not in missing
    assert "还没有证明" in section
    assert 'href="/incentives/me/"' in section
    assert "/incentives/me/" in _menu_links(html)
    for other in ("first-director", "first-unit", "first-moderation", "first-overview"):
        assert f'id="{other}' not in html


def test_a_volunteers_first_page_has_no_register_links_and_says_the_account_is_not_linked(village_world):
    html = _home(village_world, "volunteer")

    section = _section(html, "first-duty")
    assert "您的账号尚未关联名册中的人员" in section
    assert "/people/" not in html
    assert "/incentives/" not in html
    assert 'id="first-director' not in html


def test_department_staff_see_their_units_tasks_funds_and_share_of_the_assessment(village_world):
    world = village_world
    html = _home(world, "dept")
    section = _section(html, "first-unit")

    tasks = section.split('id="unit-tasks"')[1].split("</ul>")[0]
    assert f'href="/planning/tasks/{world.plan.task.pk}/"' in tasks
    assert "指导各村开展社区教育活动" in tasks
    assert "挂牌成立社区学校" not in tasks  # the community school's task
    assert "民政办：已拨 3000.00，已支出 0.00，结余 3000.00 元" in section
    assessment = section.split('id="unit-assessment"')[1].split("</ul>")[0]
    assert assessment.count("<li>") == 1
    assert "民政办" in assessment
    assert "/ 5.00 分" in assessment
    assert 'id="first-director' not in html
    assert 'id="first-overview"' not in html


def test_the_moderator_sees_the_queue_the_evaluator_the_district_and_the_office_the_overview(village_world):
    moderator = _home(village_world, "moderator")
    assert re.search(r'id="queue-pending">0<', moderator)
    assert 'id="first-overview"' not in moderator

    evaluator = _home(village_world, "evaluator")
    district = _section(evaluator, "first-district")
    assert re.findall(r'<th scope="row">([^<]+)</th><td class="number">([^<]+)</td>', district) == [
        ("南沱镇", "—"),  # no resident population recorded for 2026
        ("新妙镇", "20.00%"),  # 2 of the 10 residents of 弋阳村, the one village with a 2026 population
    ]

    office = _home(village_world, "office")
    assert 'id="first-overview"' in office
    assert 'id="first-director' not in office
    assert 'id="first-duty"' not in office


def test_the_auditors_first_page_is_the_audit_log(village_world):
    with time_machine.travel(NOW, tick=False):
        response = _client_for("auditor", Client).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/audit/"


def _matrix_rule(path: str, world):
    """The role-matrix rows of a GET of ``path``, if the matrix names that exact path (the menu's
    links take no object, so rows whose path needs one of the matrix's extra objects are skipped)."""
    rules = []
    for endpoints in PAGES.values():
        for endpoint in endpoints:
            try:
                endpoint_path = endpoint.path(world)
            except AttributeError:
                continue
            if endpoint.method == "GET" and endpoint_path == path:
                rules.append(endpoint.allowed)
    return rules


def test_the_staff_menu_offers_only_pages_the_role_may_open(world):
    """For every role: each menu link opens (no 403 or 404), and where the role matrix declares the
    page, the role is among those it allows."""
    offered = {}
    for role in ROLES:
        client = _client_for(role, Client)
        links = _menu_links(client.get("/", follow=True).content.decode())
        offered[role] = links
        for link in links:
            response = client.get(link)
            assert response.status_code in (200, 302), f"{role} is offered {link}: {response.status_code}"
            for allowed in _matrix_rule(link, world):
                assert role in allowed, f"{role} is offered {link}, which the role matrix refuses it"
    assert offered["anonymous"] == []
    assert offered["resident"] == []
    assert offered["volunteer"] == ["/", "/activities/", "/surveys/", "/org/", "/org/villages/"]
    assert "/incentives/me/" in offered["teacher"]
    assert "/assessment/units/" in offered["dept"]
    assert "/assessment/conditions/" not in offered["dept"]
    assert offered["auditor"] == ["/staff/audit/"]


def test_a_centre_directors_first_page_reads_in_the_same_number_of_queries_however_many_activities(
    village_world,
):
    world = village_world
    client = _client_for("center", Client)
    with time_machine.travel(NOW, tick=False):
        client.get("/")  # warm the session
        with CaptureQueriesContext(connection) as before:
            client.get("/")
        for day in (8, 11, 12, 15, 19):
            _evidence(world, _activity(world, f"村民夜校第{day}期", at(date(2026, 6, day), 19)))
        with CaptureQueriesContext(connection) as after:
            client.get("/")
    assert len(after.captured_queries) == len(before.captured_queries)


def test_an_account_with_several_roles_sees_each_of_their_sections(village_world):
    world = village_world
    org_services.assign_role(user=world.accounts["teacher"], role=Role.MODERATOR, town=world.xinmiao)

    html = _home(world, "teacher")

    assert re.findall(r'<section class="card first-section" id="(first-[a-z]+)"', html) == [
        "first-duty",
        "first-moderation",
    ]
