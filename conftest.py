"""Fixtures shared by the whole suite: a small district of two towns, built through the services."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import timezone, translation
from PIL import Image

from communityedu.accounts import services as account_services
from communityedu.activities import services as activity_services
from communityedu.activities.constants import ActivityKind
from communityedu.organization import services as org_services
from communityedu.organization.constants import Role, UnitType
from communityedu.organization.models import District, Town, Unit, Village
from communityedu.people import services as people_services
from communityedu.people.models import Person, Sex

PASSWORD = "Xinmiao@2020"
RESIDENT_PHONE = "13800000000"
RESIDENT_PIN = "202020"


@dataclass
class World:
    district: District
    xinmiao: Town
    nantuo: Town
    yiyang: Village
    shizi: Village
    guandong: Village
    yiyang_centre: Unit
    civil_affairs: Unit
    school: Unit
    accounts: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)
    batch: object = None
    lecture: object = None
    upcoming: object = None
    evidence: object = None  # attached by the tests that need a file


ZHANG_ID = "500102196005010026"  # 张秀英, born 1960-05-01, female


def _person(town, village, name, sex=Sex.FEMALE, born=date(1960, 5, 1), **numbers) -> Person:
    return people_services.create_person(
        town=town,
        values={"name": name, "sex": sex, "birth_date": born, "village": village, "village_group": "1组"},
        **numbers,
    )


def build_world() -> World:
    xinmiao = org_services.create_town(
        district_code="500102",
        district_name="涪陵区",
        slug="xinmiao",
        name="新妙镇",
        code="500102118",
        villages=[("弋阳村", "500102118207"), ("十字村", "500102118201")],
        programme_start=date(2020, 5, 1),
    )
    nantuo = org_services.create_town(
        district_code="500102",
        district_name="涪陵区",
        slug="nantuo",
        name="南沱镇",
        villages=[("关东村", "500102119201")],
    )
    villages = {v.name: v for v in Village.objects.all()}
    for name, population in (("弋阳村", 1840), ("十字村", 1720), ("关东村", 1350)):
        org_services.set_population(village=villages[name], year=2020, resident_population=population, actor=None)
    civil_affairs = org_services.save_unit(
        unit=None,
        town=xinmiao,
        values={"name": "民政办", "unit_type": UnitType.PARTY_GOVERNMENT_ORGAN},
        duties=["指导全镇开展多种形式的社区教育活动"],
        actor=None,
    )
    school = org_services.save_unit(
        unit=None, town=xinmiao, values={"name": "新妙镇社区学校", "unit_type": UnitType.COMMUNITY_SCHOOL}, actor=None
    )
    world = World(
        district=xinmiao.district,
        xinmiao=xinmiao,
        nantuo=nantuo,
        yiyang=villages["弋阳村"],
        shizi=villages["十字村"],
        guandong=villages["关东村"],
        yiyang_centre=Unit.objects.get(town=xinmiao, name="弋阳村社区学习中心"),
        civil_affairs=civil_affairs,
        school=school,
    )
    roles = [
        ("office", Role.TOWN_OFFICE, xinmiao, None),
        ("school", Role.SCHOOL_STAFF, xinmiao, None),
        ("center", Role.CENTRE_DIRECTOR, xinmiao, world.yiyang_centre),
        ("dept", Role.DEPARTMENT_STAFF, xinmiao, civil_affairs),
        ("teacher", Role.TEACHER, xinmiao, None),
        ("volunteer", Role.VOLUNTEER, xinmiao, None),
        ("moderator", Role.MODERATOR, xinmiao, None),
        ("auditor", Role.AUDITOR, xinmiao, None),
        ("evaluator", Role.DISTRICT_EVALUATOR, None, None),
        ("admin", Role.SYSTEM_ADMIN, None, None),
        ("nantuo", Role.TOWN_OFFICE, nantuo, None),
    ]
    for username, role, town, unit in roles:
        user = account_services.create_staff_account(
            username=username, password=PASSWORD, town=town, must_change_password=False
        )
        org_services.assign_role(
            user=user,
            role=role,
            town=town,
            unit=unit,
            district=world.district if role == Role.DISTRICT_EVALUATOR else None,
        )
        world.accounts[username] = user
    resident = account_services.create_resident_account(
        phone=RESIDENT_PHONE, pin=RESIDENT_PIN, display_name="张秀英", town=xinmiao
    )
    org_services.assign_role(user=resident, role=Role.RESIDENT, town=xinmiao)
    world.accounts["resident"] = resident
    world.people = {
        "zhang": _person(xinmiao, world.yiyang, "张秀英", id_number=ZHANG_ID, phone=RESIDENT_PHONE),
        "li": _person(xinmiao, world.yiyang, "李德福", Sex.MALE, date(1948, 2, 9)),
        "wang": _person(xinmiao, world.shizi, "王桂芬"),
        "chen": _person(nantuo, world.guandong, "陈志强", Sex.MALE, date(1975, 8, 30)),
    }
    people_services.link_account(person=world.people["zhang"], account=resident)
    world.people["teacher"] = _person(xinmiao, world.shizi, "王志明", Sex.MALE, date(1972, 8, 16))
    people_services.link_account(person=world.people["teacher"], account=world.accounts["teacher"])
    world.batch = people_services.upload_roster(
        actor=world.accounts["office"],
        town=xinmiao,
        file_name="弋阳村新增.csv",
        content="姓名,性别,出生日期,村\n刘大山,男,1961-04-05,弋阳村\n".encode(),
    )
    now = timezone.now()
    world.lecture = activity_services.schedule_activity(
        actor=world.accounts["office"],
        town=xinmiao,
        values={
            "title": "防诈骗知识讲座",
            "kind": ActivityKind.LECTURE_HALL,
            "organiser": school,
            "venue_place": "综合文化服务中心",
            "starts_at": now - timedelta(minutes=30),
            "ends_at": now + timedelta(minutes=90),
        },
    )
    world.upcoming = activity_services.schedule_activity(
        actor=world.accounts["office"],
        town=xinmiao,
        values={
            "title": "太极拳培训",
            "kind": ActivityKind.TRAINING,
            "organiser": school,
            "venue_place": "弋阳村文化广场",
            "starts_at": now + timedelta(days=3),
            "ends_at": now + timedelta(days=3, hours=2),
            "capacity": 30,
        },
    )
    return world


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files and text messages of a test go to its own folder, never to var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SMS_FILE_DIR = tmp_path / "sms"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: what one test's database kept (the audience groups'
    counts under a register revision) means nothing to the next test's, rolled back and rebuilt."""
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request that asked for English (Accept-Language)
    leaves it active in the thread, and the next test's messages would come out in English."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def world(db) -> World:
    return build_world()


@dataclass
class DemoTown:
    town: Town
    media_root: object


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo towns, loaded once for a test module (the demo takes tens of seconds to load) and
    rolled back after it; each test's own changes roll back at its end as usual. The demo's files
    live in their own folder: a test using it reads them through ``demo_town``."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    media_root = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield DemoTown(town=Town.objects.get(slug="xinmiao"), media_root=media_root)
        transaction.set_rollback(True)


@pytest.fixture
def demo_town(demo_module, db, settings) -> Town:
    """Xinmiao of the demo, loaded once for the module, its files where the demo put them."""
    settings.MEDIA_ROOT = demo_module.media_root
    return demo_module.town


@pytest.fixture
def sign_in(client):
    """Sign the test client in as one of the world's accounts and return it."""

    def _sign_in(username: str):
        if username == "resident":
            response = client.post("/accounts/resident-sign-in/", {"phone": RESIDENT_PHONE, "pin": RESIDENT_PIN})
        else:
            response = client.post("/accounts/sign-in/", {"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.content[:500]
        return client

    return _sign_in
