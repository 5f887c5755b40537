"""The demo town's activities: the plan year 2020 from May, and the weeks around today.

Two lecture-hall lectures a month, except August 2020 (one: the month view flags it); monthly
trainings; a weekly square-dance evening in 弋阳村 and the weekly 4:30 classroom in the autumn; the
school festivals; mediation sessions and base visits. About seven in ten residents attended at
least one organised activity in 2020, which is what the participation figure will show.
Idempotent: activities are found by title and start, attendance by the ledger's unique rule.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from communityedu.activities import services
from communityedu.activities.constants import ActivityKind, AttendanceRole, AttendanceSource, EntryKind
from communityedu.activities.models import Activity, AttendanceEntry, Headcount
from communityedu.organization.models import Town, Unit, Village
from communityedu.people.models import Person

LECTURE_TOPICS = [
    "防范电信网络诈骗",
    "老年人慢性病防治",
    "新时代文明实践",
    "民法典与农村生活",
    "柑橘春季管理技术",
    "家庭教育与留守儿童",
    "垃圾分类与美丽乡村",
    "食品安全进农家",
    "消防安全常识",
    "中医养生与太极",
    "乡村振兴政策解读",
    "心理健康与家庭和睦",
    "农村电商入门",
    "禁毒知识讲座",
    "交通安全进村社",
    "重阳敬老讲座",
]
TRAINING_TOPICS = [
    "青菜头种植技术培训",
    "榨菜加工技能培训",
    "家政服务技能培训",
    "电工技能培训",
    "手机使用培训（长辈班）",
]
PARTICIPATION_2020 = 0.72


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), timezone.get_current_timezone())


def _schedule(town, title, kind, organiser, start, hours, *, lecturers=(), **values) -> Activity:
    existing = Activity.objects.filter(town=town, title=title, starts_at=start).first()
    if existing:
        return existing
    return services.schedule_activity(
        actor=None,
        town=town,
        values={
            "title": title,
            "kind": kind,
            "organiser": organiser,
            "starts_at": start,
            "ends_at": start + timedelta(hours=hours),
            "venue_place": values.pop("venue_place", ""),
            **values,
        },
        lecturers=list(lecturers),
    )


def load_activities(town: Town, *, lecturers: list[Person]) -> list[Activity]:
    units = {unit.name: unit for unit in Unit.objects.filter(town=town)}
    villages = {village.name: village for village in Village.objects.filter(town=town)}
    school = units["新妙镇社区学校"]
    culture_centre = units["综合文化服务中心"]
    topics = iter(LECTURE_TOPICS * 4)
    activities: list[Activity] = []
    for month in range(5, 13):
        days = (9, 23) if month != 8 else (18,)
        for day in days:
            activities.append(
                _schedule(
                    town,
                    f"大讲堂：{next(topics)}",
                    ActivityKind.LECTURE_HALL,
                    school,
                    _at(date(2020, month, day), 14, 30),
                    2,
                    lecturers=lecturers[:1] if day < 15 else lecturers[1:2],
                    venue_unit=culture_centre,
                    audience="全镇居民",
                )
            )
        activities.append(
            _schedule(
                town,
                TRAINING_TOPICS[month % len(TRAINING_TOPICS)],
                ActivityKind.TRAINING,
                units["人力社保所"],
                _at(date(2020, month, 15), 9),
                3,
                lecturers=lecturers[1:2],
                venue_unit=culture_centre,
                capacity=80,
            )
        )
    yiyang = villages["弋阳村"]
    dance_day = date(2020, 9, 4)
    while dance_day <= date(2020, 12, 25):
        activities.append(
            _schedule(
                town,
                "弋阳村坝坝舞",
                ActivityKind.TEAM_ACTIVITY,
                units["社区教育坝坝舞队"],
                _at(dance_day, 19, 30),
                1.5,
                village=yiyang,
                venue_place="弋阳村文化广场",
            )
        )
        dance_day += timedelta(days=7)
    school_unit = units["涪陵第十中学"]
    class_day = date(2020, 9, 7)
    while class_day <= date(2020, 12, 21):
        activities.append(
            _schedule(
                town,
                "四点半课堂",
                ActivityKind.AFTER_SCHOOL,
                school_unit,
                _at(class_day, 16, 30),
                1.5,
                venue_unit=school_unit,
                audience="小学生",
            )
        )
        class_day += timedelta(days=7)
    for day, title in (
        (date(2020, 6, 1), "六一儿童节文艺汇演"),
        (date(2020, 9, 30), "国庆主题教育活动"),
        (date(2020, 12, 31), "元旦联欢会"),
    ):
        activities.append(
            _schedule(town, title, ActivityKind.SCHOOL_FESTIVAL, school_unit, _at(day, 9), 3, venue_unit=school_unit)
        )
    _require_school_festivals(town, school_unit)
    for day, village in ((date(2020, 7, 10), "十字村"), (date(2020, 10, 16), "白鹤村")):
        activities.append(
            _schedule(
                town,
                f"{village}矛盾纠纷调解会",
                ActivityKind.MEDIATION,
                units["社区教育调解组"],
                _at(day, 9, 30),
                2,
                village=villages[village],
                venue_place=f"{village}村委会",
            )
        )
    for day, base in ((date(2020, 7, 1), "新妙镇社区教育玉皇观基地"), (date(2020, 10, 20), "新妙社区教育弋阳基地")):
        activities.append(
            _schedule(
                town,
                "红色教育基地参观",
                ActivityKind.BASE_VISIT,
                units["党群办"],
                _at(day, 9),
                4,
                venue_unit=units[base],
            )
        )
    activities.extend(_around_today(town, school, culture_centre, units, lecturers))
    _attendance_2020(town, [a for a in activities if a.starts_at.year == 2020])
    _headcounts(town, [a for a in activities if a.kind == ActivityKind.TEAM_ACTIVITY])
    return activities


def _require_school_festivals(town: Town, school_unit) -> None:
    """The plan's duty of 涪十中, 搞好“六一、五四、元旦、国庆”活动, as required recurring activities. The
    school holds its 元旦 party on the last day of the year, so 元旦 is kept on 31 December. The demo
    holds no 五四 activity in 2020: the recurring-activities figure flags it."""
    from communityedu.organization.recurring_activities import RecurringActivity, save_recurring_activity

    for title, month, day, keyword in (
        ("五四青年节活动", 5, 4, "五四"),
        ("六一儿童节活动", 6, 1, "六一"),
        ("国庆主题活动", 10, 1, "国庆"),
        ("元旦联欢活动", 12, 31, "元旦"),
    ):
        if not RecurringActivity.objects.filter(town=town, unit=school_unit, title=title).exists():
            values = {"title": title, "unit": school_unit, "month": month, "day": day, "keyword": keyword}
            values |= {"activity_kind": ActivityKind.SCHOOL_FESTIVAL, "active_from_year": 2020}
            save_recurring_activity(town=town, recurring=None, values=values, actor=None)


def _around_today(town, school, culture_centre, units, lecturers) -> list[Activity]:
    """A few held in the last weeks and a few announced, so that today's pages have something true."""
    today = timezone.localdate()
    plan = [
        (-12, "大讲堂：冬季防火与用电安全", ActivityKind.LECTURE_HALL, 14),
        (-5, "大讲堂：老年人防跌倒", ActivityKind.LECTURE_HALL, 14),
        (3, "大讲堂：医保政策与报销", ActivityKind.LECTURE_HALL, 14),
        (6, "手机使用培训（长辈班）", ActivityKind.TRAINING, 9),
        (10, "大讲堂：冬季养生", ActivityKind.LECTURE_HALL, 14),
    ]
    return [
        _schedule(
            town,
            title,
            kind,
            school,
            _at(today + timedelta(days=offset), hour, 30),
            2,
            lecturers=lecturers[:1],
            venue_unit=culture_centre,
            capacity=60 if kind == ActivityKind.TRAINING else None,
        )
        for offset, title, kind, hour in plan
    ]


def _attendance_2020(town: Town, activities: list[Activity]) -> None:
    """About 72% of the residents attended one to three activities of 2020, in their village's
    activities first; lecturers are recorded as lecturers."""
    if AttendanceEntry.objects.filter(town=town, activity__starts_at__year=2020).exists():
        return
    rng = random.Random(f"{town.slug}-attendance-2020")  # noqa: S311 - synthetic demo data
    held = [a for a in activities if not a.is_cancelled]
    town_wide = [a for a in held if a.village_id is None]
    by_village: dict[int, list[Activity]] = {}
    for activity in held:
        if activity.village_id:
            by_village.setdefault(activity.village_id, []).append(activity)
    entries: list[AttendanceEntry] = []
    seen: set[tuple[int, int]] = set()
    residents = Person.objects.filter(town=town, village__isnull=False).values_list("id", "village_id", "birth_date")
    for person_id, village_id, birth in residents.order_by("id").iterator(chunk_size=5000):
        if rng.random() >= PARTICIPATION_2020:
            continue
        is_child = birth is not None and birth.year >= 2008
        choices = [
            a
            for a in town_wide
            if (a.kind == ActivityKind.AFTER_SCHOOL) == is_child or a.kind == ActivityKind.SCHOOL_FESTIVAL
        ]
        choices = by_village.get(village_id, []) + (choices or town_wide)
        for activity in rng.sample(choices, k=min(len(choices), rng.choice((1, 1, 2, 3)))):
            if (activity.pk, person_id) in seen:
                continue
            seen.add((activity.pk, person_id))
            entries.append(
                AttendanceEntry(
                    town=town,
                    activity=activity,
                    person_id=person_id,
                    entry_kind=EntryKind.CHECK_IN,
                    generation=0,
                    role=AttendanceRole.VOLUNTEER if rng.random() < 0.03 else AttendanceRole.PARTICIPANT,
                    source=rng.choice((AttendanceSource.ROSTER, AttendanceSource.ROSTER, AttendanceSource.CARD_SCAN)),
                )
            )
    for activity in held:
        for link in activity.lecturer_links.all():
            if (activity.pk, link.person_id) not in seen:
                entries.append(
                    AttendanceEntry(
                        town=town,
                        activity=activity,
                        person_id=link.person_id,
                        role=AttendanceRole.LECTURER,
                        source=AttendanceSource.ROSTER,
                    )
                )
    with transaction.atomic():
        AttendanceEntry.objects.bulk_create(entries, batch_size=2000, ignore_conflicts=True)


def _headcounts(town: Town, activities: list[Activity]) -> None:
    rng = random.Random(f"{town.slug}-headcounts")  # noqa: S311 - synthetic demo data
    existing = set(Headcount.objects.filter(town=town).values_list("activity_id", flat=True))
    Headcount.objects.bulk_create(
        [
            Headcount(town=town, activity=a, count=rng.randint(25, 70), note="广场观众")
            for a in activities
            if a.pk not in existing and a.ends_at <= timezone.now()
        ]
    )


def load_evidence_and_fees(town: Town) -> None:
    """Photos or sign-in sheets for most held activities (a few are left without, to show the
    flag), the lecture-fee standard of 200 yuan, and the fees of 2020's lectures, paid."""
    from decimal import Decimal
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    from communityedu.activities import evidence
    from communityedu.activities.fees import models as fee_models
    from communityedu.activities.fees import services as fee_services
    from communityedu.activities.models import Evidence

    now = timezone.now()
    held = Activity.objects.filter(town=town, is_cancelled=False, ends_at__lte=now).order_by("starts_at")
    with_evidence = set(Evidence.objects.filter(town=town).values_list("activity_id", flat=True))
    for index, activity in enumerate(held):
        if activity.pk in with_evidence or index % 9 == 4:  # every ninth has none yet: flagged
            continue
        picture = Image.new("RGB", (800, 600), (236, 240, 232))
        draw = ImageDraw.Draw(picture)
        draw.rectangle((40, 40, 760, 560), outline=(120, 120, 120), width=4)
        for line in range(8):
            draw.line((80, 120 + line * 50, 720, 120 + line * 50), fill=(170, 170, 170), width=2)
        buffer = BytesIO()
        picture.save(buffer, "JPEG", quality=70)
        kind = "sign_in_sheet" if index % 2 else "photo"
        evidence.attach_evidence(
            actor=None,
            activity=activity,
            kind=kind,
            upload=SimpleUploadedFile(
                f"{activity.starts_at:%Y%m%d}-{kind}.jpg", buffer.getvalue(), content_type="image/jpeg"
            ),
        )
    if not fee_models.FeeStandard.objects.filter(town=town).exists():
        fee_services.set_fee_standard(town=town, amount=Decimal("200.00"), valid_from=date(2020, 5, 1), actor=None)
    lectures = held.filter(kind=ActivityKind.LECTURE_HALL)
    for lecture in lectures:
        for due in fee_services.record_fees_due(activity=lecture, actor=None):
            if lecture.starts_at.year == 2020:
                paid_on = timezone.localtime(lecture.ends_at).date() + timedelta(days=10)
                fee_services.mark_paid(
                    payment=due, voucher_number=f"SQXX-{paid_on:%Y%m%d}-{due.pk:03d}", paid_on=paid_on, actor=None
                )


def _join_teams(town: Town, units: dict, *, volunteer: Person, dancers: list[Person]) -> None:
    """The seven volunteer teams get members: the demo volunteer and the dancers join the square-dance
    team when the weekly evenings start; the volunteer and each dancer also join one other team."""
    from communityedu.demo.data import TEAMS
    from communityedu.incentives import services as incentive_services
    from communityedu.incentives.models import TeamMember, TeamMembership

    register = {member.person_id: member for member in TeamMember.objects.filter(town=town, category="volunteer")}
    others = [units[name] for name in TEAMS[1:]]
    joins = [(units[TEAMS[0]], person, date(2020, 9, 1)) for person in [volunteer, *dancers]]
    joins += [(team, person, date(2020, 6, 1)) for team, person in zip(others, [volunteer, *dancers], strict=False)]
    for team, person, joined_on in joins:
        member = register.get(person.pk)
        if member is not None and not TeamMembership.objects.filter(team=team, member=member).exists():
            incentive_services.add_to_team(actor=None, team=team, member=member, joined_on=joined_on)


def load_team(town: Town) -> None:
    """The team register: the demo teacher and volunteer, a few more volunteers of the dance team,
    full-time staff; employers' totals for 2020; a training record; 2020's certificates."""
    from decimal import Decimal

    from communityedu.incentives import services as incentive_services
    from communityedu.incentives.models import Certificate, TeamMember
    from communityedu.metrics.points import points_statement

    units = {unit.name: unit for unit in Unit.objects.filter(town=town)}
    teacher = Person.objects.get(town=town, external_ref="demo-teacher")
    volunteer = Person.objects.get(town=town, external_ref="demo-volunteer")
    members = [
        (teacher, "part_time_teacher", "防诈骗、法律常识", units["涪陵第十中学"]),
        (volunteer, "volunteer", "坝坝舞、文艺演出", units["弋阳村村委会"]),
    ]
    dancers = AttendanceEntry.objects.filter(town=town, activity__title="弋阳村坝坝舞").values_list(
        "person_id", flat=True
    )
    dancing_volunteers = list(Person.objects.filter(pk__in=list(dancers.distinct()[:6])).order_by("id"))
    for person in dancing_volunteers:
        members.append((person, "volunteer", "坝坝舞", units["弋阳村村委会"]))
    for person in Person.objects.filter(
        town=town, village__name="群护社区", birth_date__year__range=(1975, 1990)
    ).order_by("id")[:2]:
        members.append((person, "full_time_manager", "社区教育管理", units["综合文化服务中心"]))
    for person, category, specialities, employer in members:
        if not TeamMember.objects.filter(town=town, person=person).exists():
            incentive_services.save_team_member(
                actor=None,
                town=town,
                person=person,
                values={"category": category, "specialities": specialities, "employer": employer},
            )
    _join_teams(town, units, volunteer=volunteer, dancers=dancing_volunteers)
    incentive_services.set_assessment_total(actor=None, employer=units["涪陵第十中学"], year=2020, total=Decimal("100"))
    incentive_services.set_assessment_total(actor=None, employer=units["弋阳村村委会"], year=2020, total=Decimal("60"))
    if not teacher.training_records.exists():
        incentive_services.add_training_record(
            actor=None,
            person=teacher,
            title="社区教育骨干教师培训",
            provider="涪陵区社区教育学院",
            attended_on=date(2020, 7, 15),
            hours=Decimal("16"),
        )
    school = units["新妙镇社区学校"]
    for person in (teacher, volunteer):
        if not Certificate.objects.filter(person=person, year=2020).exists():
            statement = points_statement(person=person, year=2020)
            if statement.granted > 0:
                incentive_services.issue_certificate(
                    actor=None, person=person, year=2020, statement=statement, issuing_unit=school
                )
