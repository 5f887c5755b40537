"""Loads the demo towns, once: in one transaction, so a load cut short leaves no demo town.

Once a demo town exists it belongs to the people trying the product: they rename units, edit
people, add activities. A later load (``make run`` loads the demo every time) leaves such a town
as it is and reads none of it back; it only keeps the demo accounts' documented password from
expiring. The loading steps are idempotent all the same (each finds what it made and adds
nothing), which their tests pin.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.apps import apps as django_apps
from django.db import transaction
from django.utils import timezone

from communityedu.accounts import services as account_services
from communityedu.accounts.models import User
from communityedu.activities.rollups import rebuild_participation
from communityedu.core import bulk
from communityedu.demo import data
from communityedu.demo.activities import load_activities, load_evidence_and_fees, load_team
from communityedu.demo.assessment import load_assessment
from communityedu.demo.data import DEMO_PASSWORD, DEMO_RESIDENT_PHONE, DEMO_RESIDENT_PIN
from communityedu.demo.exchange import load_exchange
from communityedu.demo.funding import load_funding, load_recognition, load_targets
from communityedu.demo.learning import load_learning
from communityedu.demo.news import load_news
from communityedu.demo.planning import load_planning
from communityedu.demo.surveys import load_surveys
from communityedu.organization import services as org_services
from communityedu.organization.constants import Role, UnitCategory, UnitType
from communityedu.organization.models import District, Town, Unit, Village
from communityedu.people import services as people_services
from communityedu.people.identity import age_on, id_check_digit
from communityedu.people.imports import CONSENT_AGE, ensure_standard_tags
from communityedu.people.models import Person, PersonTag, Sex, Tag

PLAN_YEAR = 2020
DEMO_TOWN_SLUGS = (data.XINMIAO["slug"], data.NANTUO["slug"])

# (username, display name, role, town slug, unit name or None)
DEMO_ACCOUNTS = [
    ("office", "社区教育办公室", Role.TOWN_OFFICE, "xinmiao", None),
    ("school", "社区学校", Role.SCHOOL_STAFF, "xinmiao", None),
    ("center", "弋阳村学习中心主任", Role.CENTRE_DIRECTOR, "xinmiao", "弋阳村社区学习中心"),
    ("dept", "民政办工作人员", Role.DEPARTMENT_STAFF, "xinmiao", "民政办"),
    ("teacher", "兼职教师", Role.TEACHER, "xinmiao", None),
    ("volunteer", "志愿者", Role.VOLUNTEER, "xinmiao", None),
    ("moderator", "交流版主", Role.MODERATOR, "xinmiao", None),
    ("auditor", "审计员", Role.AUDITOR, "xinmiao", None),
    ("evaluator", "区评估员", Role.DISTRICT_EVALUATOR, None, None),
    ("admin", "系统管理员", Role.SYSTEM_ADMIN, None, None),
    ("nantuo", "南沱镇社区教育办公室", Role.TOWN_OFFICE, "nantuo", None),
]


def load(*, stdout=None) -> dict[str, int]:
    say = stdout.write if stdout else (lambda _m: None)
    loaded = list(Town.objects.filter(slug__in=DEMO_TOWN_SLUGS).order_by("pk").values_list("name", flat=True))
    if loaded:
        _keep_demo_passwords_current()
        say(f"{'、'.join(loaded)}: already loaded, left as they are\n")
        return {"accounts": 0, **dict.fromkeys(DEMO_TOWN_SLUGS, 0)}
    with transaction.atomic():
        return _load_all(say)


def _load_all(say) -> dict[str, int]:
    xinmiao = _load_town(data.XINMIAO, programme_start=date(2020, 5, 1))
    nantuo = _load_town(data.NANTUO, programme_start=date(2020, 6, 1))
    _load_xinmiao_units(xinmiao)
    _load_small_town_units(nantuo)
    accounts = _load_accounts({"xinmiao": xinmiao, "nantuo": nantuo})
    counts = {"accounts": accounts}
    for town in (xinmiao, nantuo):
        added = _load_residents(town)
        counts[town.slug] = added
        say(f"{town.name}: {Person.objects.filter(town=town).count()} people ({added} new)\n")
    lecturers = _load_lecturers(xinmiao)
    activities = load_activities(xinmiao, lecturers=lecturers)
    load_evidence_and_fees(xinmiao)
    load_team(xinmiao)
    load_news(xinmiao)
    load_exchange(xinmiao)
    load_funding(xinmiao)
    load_recognition(xinmiao)
    load_targets(xinmiao)
    load_learning(xinmiao)
    load_surveys(xinmiao)
    load_planning(xinmiao)
    load_assessment(xinmiao)
    for town in (xinmiao, nantuo):
        # The demo writes its attendance in bulk, past the services: rebuild the rollups from it.
        rebuild_participation(town_id=town.pk)
    # Tens of thousands of rows were just written: PostgreSQL's planner learns of them now, not
    # when autovacuum next passes (and within a test's transaction, never).
    bulk.refresh_statistics(*django_apps.get_models())
    say(f"{xinmiao.name}: {len(activities)} activities\n")
    return counts


# (account, name, sex, birth date, ID number, village): the demo teacher and volunteer as people.
DEMO_LECTURERS = [
    ("teacher", "王志明", Sex.MALE, date(1972, 8, 16), "500102197208169138", "平政村"),
    ("volunteer", "刘芳", Sex.FEMALE, date(1985, 3, 21), "500102198503217387", "弋阳村"),
]


def _load_lecturers(town: Town) -> list[Person]:
    people = []
    for username, name, sex, born, id_number, village_name in DEMO_LECTURERS:
        person = Person.objects.filter(town=town, external_ref=f"demo-{username}").first()
        if person is None:
            person = people_services.create_person(
                town=town,
                values={
                    "name": name,
                    "sex": sex,
                    "birth_date": born,
                    "external_ref": f"demo-{username}",
                    "village": Village.objects.get(town=town, name=village_name),
                    "village_group": "1组",
                },
                id_number=id_number,
            )
        if person.account_id is None:
            people_services.link_account(person=person, account=User.objects.get(username=username))
        people.append(person)
    return people


def _load_town(spec: dict, *, programme_start: date) -> Town:
    town = org_services.create_town(
        district_code=data.DISTRICT["code"],
        district_name=data.DISTRICT["name"],
        slug=spec["slug"],
        name=spec["name"],
        code=spec["code"],
        villages=[(name, code) for name, code, _p2020, _pnow in spec["villages"]],
        programme_start=programme_start,
    )
    if town.targets_due_on is None:
        # The plan's targets are due by December 2020 (REQUIREMENTS R6).
        town.targets_due_on = date(PLAN_YEAR, 12, 31)
        town.save(update_fields=["targets_due_on", "updated_at"])
    this_year = timezone.localdate().year
    villages = {v.name: v for v in Village.objects.filter(town=town)}
    for name, _code, population_2020, population_now in spec["villages"]:
        for year, population in ((PLAN_YEAR, population_2020), (this_year, population_now)):
            village = villages[name]
            if not village.populations.filter(year=year).exists():
                org_services.set_population(village=village, year=year, resident_population=population, actor=None)
    return town


def _unit(town: Town, name: str, unit_type: str, *, aliases=(), duties=(), **values) -> Unit:
    existing = Unit.objects.filter(town=town, name=name).first()
    if existing:
        return existing
    return org_services.save_unit(
        unit=None,
        town=town,
        values={"name": name, "unit_type": unit_type, **values},
        aliases=aliases,
        duties=duties,
        actor=None,
    )


def _load_xinmiao_units(town: Town) -> None:
    group = _unit(
        town,
        "新妙镇社区教育工作领导小组",
        UnitType.LEADERSHIP_GROUP,
        aliases=["社区教育领导小组"],
        duties=["指导、督促、检查、协调全镇社区教育工作", "负责全镇社区教育工作管理和组织实施"],
    )
    org_services.ensure_position(unit=group, title="组长", held_by="镇长", position=0)
    org_services.ensure_position(unit=group, title="副组长", held_by="宣传组织委员", position=1)
    departments = {}
    for index, (name, unit_type, aliases, is_member, duties) in enumerate(data.DEPARTMENTS):
        departments[name] = _unit(
            town, name, unit_type, aliases=aliases, duties=duties, is_leadership_member=is_member, parent=None
        )
        if is_member:
            org_services.ensure_position(unit=group, title="成员", held_by=f"{name}负责人", position=10 + index)
    for name in data.PUBLIC_INSTITUTIONS:
        if departments[name].category != UnitCategory.PUBLIC_INSTITUTION:
            org_services.set_unit_category(unit=departments[name], category=UnitCategory.PUBLIC_INSTITUTION, actor=None)
    culture_centre = departments["综合文化服务中心"]
    office = _unit(
        town,
        "社区教育办公室",
        UnitType.OFFICE,
        aliases=["领导小组办公室"],
        duties=["承办领导小组日常工作", "具体负责社区教育日常工作"],
        parent=culture_centre,
    )
    org_services.ensure_position(unit=office, title="办公室主任", held_by="综合文化服务中心主任（兼任）", position=0)
    org_services.ensure_position(unit=office, title="具体负责人", held_by="社区教育专干", position=1)
    school = _unit(
        town,
        "新妙镇社区学校",
        UnitType.COMMUNITY_SCHOOL,
        aliases=["社区学校"],
        duties=["统筹指导管理全镇社区教育工作", "实施社区教育大讲堂，支付上课费", "为兼任教师、志愿者出具加分证明"],
        parent=culture_centre,
    )
    org_services.ensure_position(unit=school, title="校长", held_by="分管社区教育的镇领导", position=0)
    org_services.ensure_position(unit=school, title="副校长", held_by="综合文化服务中心主任", position=1)
    org_services.ensure_position(unit=school, title="副校长", held_by="教育管理中心主任", position=2)
    for team in data.TEAMS:
        _unit(town, team, UnitType.TEAM, parent=school)
    for base, aliases in data.BASES:
        _unit(town, base, UnitType.BASE, aliases=aliases)
    for centre in Unit.objects.filter(town=town, unit_type=UnitType.LEARNING_CENTRE).select_related("village"):
        org_services.ensure_position(unit=centre, title="学习中心主任", held_by=f"{centre.village.name}主任")


def _load_small_town_units(town: Town) -> None:
    _unit(town, "南沱镇社区教育工作领导小组", UnitType.LEADERSHIP_GROUP)
    _unit(town, "南沱镇社区学校", UnitType.COMMUNITY_SCHOOL)
    _unit(town, "南沱镇党政办", UnitType.PARTY_GOVERNMENT_ORGAN, aliases=["南沱党政办"])


def _load_accounts(towns: dict[str, Town]) -> int:
    created = 0
    district = District.objects.get(code=data.DISTRICT["code"])
    for username, display_name, role, town_slug, unit_name in DEMO_ACCOUNTS:
        town = towns.get(town_slug) if town_slug else None
        user = User.objects.filter(username=username).first()
        if user is None:
            user = account_services.create_staff_account(
                username=username,
                password=DEMO_PASSWORD,
                display_name=display_name,
                town=town,
                must_change_password=False,
            )
            created += 1
        unit = Unit.objects.get(town=town, name=unit_name) if unit_name else None
        org_services.assign_role(
            user=user,
            role=role,
            town=town,
            unit=unit,
            district=district if role == Role.DISTRICT_EVALUATOR else None,
        )
    _keep_demo_passwords_current()
    resident = account_services.find_resident_by_phone(DEMO_RESIDENT_PHONE)
    xinmiao = towns["xinmiao"]
    if resident is None:
        resident = account_services.create_resident_account(
            phone=DEMO_RESIDENT_PHONE, pin=DEMO_RESIDENT_PIN, display_name="张秀英", town=xinmiao
        )
        created += 1
    org_services.assign_role(user=resident, role=Role.RESIDENT, town=xinmiao)
    village = Village.objects.get(town=xinmiao, name="弋阳村")
    person = Person.objects.filter(town=xinmiao, external_ref="demo-resident").first()
    if person is None:
        person = people_services.create_person(
            town=xinmiao,
            values={
                "name": "张秀英",
                "sex": Sex.FEMALE,
                "birth_date": date(1956, 3, 2),
                "village": village,
                "village_group": "3组",
                "external_ref": "demo-resident",
            },
            id_number="50010219560302938X",
            phone=DEMO_RESIDENT_PHONE,
        )
    if person.account_id is None:
        people_services.link_account(person=person, account=resident)
    return created


def _keep_demo_passwords_current() -> None:
    # The demo accounts keep the documented password: each load restarts their expiry clock.
    User.objects.filter(username__in=[account[0] for account in DEMO_ACCOUNTS]).update(
        password_changed_at=timezone.now()
    )


def _load_residents(town: Town) -> int:
    """One generated person per resident of the plan year, deterministic per village.

    Each has a valid ID number (region 500102, GB 11643 check digit), most adults a mobile
    number, children under 14 a guardian with recorded consent, and tags where they apply.
    """
    people: list[Person] = []
    tags_by_ref: dict[str, list[str]] = {}
    sequences: dict[date, int] = {}
    today = timezone.localdate()
    for village in Village.objects.filter(town=town).order_by("code").prefetch_related("populations"):
        population = next((p.resident_population for p in village.populations.all() if p.year == PLAN_YEAR), 0)
        existing = Person.objects.filter(town=town, village=village, external_ref__startswith="demo-").count()
        if existing >= population:
            continue
        rng = random.Random(f"{town.slug}-{village.code}")  # noqa: S311 - synthetic demo data
        groups = max(3, population // 180)
        for number in range(1, population + 1):
            sex = Sex.MALE if rng.random() < 0.5 else Sex.FEMALE
            given = data.GIVEN_MALE if sex == Sex.MALE else data.GIVEN_FEMALE
            surname = rng.choice(data.SURNAMES)
            name = surname + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2))))
            born = _birth_date(rng)
            id_number = _id_number(town, born, sex, sequences)
            # Every draw is made whatever the age, so that the sequence (and so every later person
            # and the demo's attendance) does not change as birthdays pass.
            phone_digits = f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}"
            has_phone, is_party_member, is_left_behind = rng.random() < 0.7, rng.random() < 0.06, rng.random() < 0.3
            guardian = surname + rng.choice(data.GIVEN_MALE + data.GIVEN_FEMALE)
            age = age_on(born, today)
            phone = phone_digits if age >= 18 and has_phone else ""
            ref = f"demo-{village.code}-{number:05d}"
            tags = []
            if age >= 60:
                tags.append("老年人")
            if age >= 18 and is_party_member:
                tags.append("党员")
            is_child = age < CONSENT_AGE
            if is_child and is_left_behind:
                tags.append("留守儿童")
            # One working-age resident in ten works away as a 农民工 (from the sequence, no new draw).
            if 18 <= age < 60 and number % 10 == 0:
                tags.append("农民工")
            if tags:
                tags_by_ref[ref] = tags
            person = Person(
                town=town,
                village=village,
                name=name,
                sex=sex,
                birth_date=born,
                village_group=f"{rng.randint(1, groups)}组",
                external_ref=ref,
                guardian_name=guardian if is_child else "",
                guardian_consent_on=date(PLAN_YEAR, 6, 1) if is_child else None,
            )
            person.set_id_number(id_number)
            if phone:
                person.set_phone(phone)
            people.append(person)
    added = people_services.bulk_add_generated_residents(town=town, people=people)
    _tag_generated(town, tags_by_ref)
    return added


def _id_number(town: Town, born: date, sex: str, sequences: dict[date, int]) -> str:
    """A unique, valid ID number: odd sequence digits for men, even for women."""
    sequence = sequences.get(born, 0) + 1
    if (sequence % 2 == 1) != (sex == Sex.MALE):
        sequence += 1
    sequences[born] = sequence
    first17 = f"{town.district.code}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + id_check_digit(first17)


def _tag_generated(town: Town, tags_by_ref: dict[str, list[str]]) -> None:
    tags = ensure_standard_tags(town)
    tags["农民工"] = Tag.objects.get_or_create(town=town, name="农民工")[0]
    person_ids = dict(
        Person.objects.filter(town=town, external_ref__startswith="demo-").values_list("external_ref", "id")
    )
    PersonTag.objects.bulk_create(
        [
            PersonTag(town=town, person_id=person_ids[ref], tag=tags[name])
            for ref, names in tags_by_ref.items()
            if ref in person_ids
            for name in names
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )


def _birth_date(rng: random.Random) -> date:
    """Ages as in a Chongqing village: many elderly, fewer working-age people who stay."""
    band = rng.random()
    if band < 0.16:
        age = rng.randint(0, 17)
    elif band < 0.50:
        age = rng.randint(18, 59)
    else:
        age = rng.randint(60, 92)
    return date(PLAN_YEAR, 7, 1) - timedelta(days=age * 365 + rng.randint(0, 364))
