from collections import Counter
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from communityedu.accounts.models import User
from communityedu.activities.constants import ActivityKind, EntryKind
from communityedu.activities.models import Activity, AttendanceEntry
from communityedu.core.models import AuditLogEntry
from communityedu.demo import data
from communityedu.demo.loader import DEMO_LECTURERS
from communityedu.funding.constants import GOVERNMENT_SOURCES, FundingSource
from communityedu.funding.models import Allocation
from communityedu.incentives.models import TeamMember, TeamMembership
from communityedu.metrics.figures import figures_for
from communityedu.organization.audience_groups import AudienceGroup
from communityedu.organization.constants import UnitType
from communityedu.organization.models import Town, Unit, UnitAlias, Village, VillagePopulation
from communityedu.organization.recurring_activities import RecurringActivity
from communityedu.organization.services import save_unit
from communityedu.people.models import Person, PersonTag
from communityedu.recognition.constants import RecognitionStatus, Track
from communityedu.recognition.models import StatusChange
from communityedu.surveys.constants import POSITIVE_SCALE_POINTS, YES, QuestionKind, StandardKey, SurveyStatus
from communityedu.surveys.models import Answer, Question, Survey

XINMIAO_VILLAGES = [
    "十字村", "平政村", "开平村", "庆林村", "游江村", "北门村", "弋阳村", "岔河村", "大岭村", "适园村",
    "白鹤村", "郑家村", "玉泉村", "德新村", "行政村", "互助村", "普陀村", "小坪村", "群护社区",
]  # fmt: skip


AS_OF = date(2020, 12, 31)


def _naive_figures(town, population: int) -> dict:
    """{figure key: (numerator, denominator, value)} of 2020 as of AS_OF, recounted row by row
    from the raw tables: the ledger, the activities, the allocations, the recognition changes and
    the survey answers (none of the rollups, selectors or figure code)."""
    tz = timezone.get_current_timezone()
    reversed_ = set(
        AttendanceEntry.objects.filter(town=town, entry_kind=EntryKind.REVERSAL).values_list(
            "activity_id", "person_id", "generation"
        )
    )
    participants = set()
    for entry in AttendanceEntry.objects.filter(town=town, entry_kind=EntryKind.CHECK_IN).select_related(
        "activity", "person"
    ):
        held_on = timezone.localtime(entry.activity.starts_at, tz).date()
        if (
            (entry.activity_id, entry.person_id, entry.generation) not in reversed_
            and not entry.activity.is_cancelled
            and date(2020, 1, 1) <= held_on <= AS_OF
            and entry.person.is_resident
            and entry.person.village_id is not None
        ):
            participants.add(entry.person_id)
    lectures = Counter()
    for lecture in Activity.objects.filter(town=town, kind=ActivityKind.LECTURE_HALL, is_cancelled=False):
        starts, ends = timezone.localtime(lecture.starts_at, tz).date(), timezone.localtime(lecture.ends_at, tz).date()
        if starts >= town.programme_start.replace(day=1) and starts.year == 2020 and ends <= AS_OF:
            lectures[starts.month] += 1
    months = range(town.programme_start.month, 13)
    allocations = [a for a in Allocation.objects.filter(town=town, year=2020) if a.dated_on <= AS_OF]
    government = sum(a.amount for a in allocations if a.source in GOVERNMENT_SOURCES)
    town_finance = sum(
        allocation.amount
        for allocation in Allocation.objects.filter(town=town, year=2020, source=FundingSource.TOWN_FINANCE)
        if allocation.dated_on <= AS_OF
    )
    latest = {}
    for change in StatusChange.objects.filter(town=town, effective_on__lte=AS_OF).order_by("effective_on", "id"):
        latest[(change.track, change.village_id or change.unit_id)] = change.status
    villages = list(Village.objects.filter(town=town).values_list("pk", flat=True))
    # The town's classification of its units (Unit.category), not their type: 教育管理中心 and
    # 综合文化服务中心 are public institutions (事业单位).
    organs = list(Unit.objects.filter(town=town, category="party_government_organ").values_list("pk", flat=True))
    unit_staff = _naive_unit_staff(town)
    teams = list(Unit.objects.filter(town=town, unit_type=UnitType.TEAM).values_list("pk", flat=True))
    teams_with_members = {
        membership.team_id
        for membership in TeamMembership.objects.filter(town=town, team_id__in=teams)
        if membership.joined_on <= AS_OF and (membership.left_on is None or membership.left_on >= AS_OF)
    }

    def recognised(track, ids):
        return sum(latest.get((track, pk)) == RecognitionStatus.RECOGNISED for pk in ids)

    survey = (
        Survey.objects.filter(town=town, year=2020, is_standard=True, status=SurveyStatus.CLOSED, closes_on__lte=AS_OF)
        .order_by("-closes_on", "-id")
        .first()
    )

    def answers(key):
        question = Question.objects.get(survey=survey, standard_key=key)
        values = [answer.value for answer in Answer.objects.filter(question=question) if answer.value is not None]
        if question.kind == QuestionKind.YES_NO:
            return sum(value == YES for value in values), len(values)
        return sum(value in POSITIVE_SCALE_POINTS for value in values), len(values)

    def ratio(numerator, denominator):
        return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    in_groups, _members = _naive_audience_groups(town)
    recurring_held, recurring_due = _naive_recurring_activities(town)
    counted = {
        "participation": (len(participants), population),
        "lecture_hall": (sum(lectures[month] >= 2 for month in months), len(months)),
        "funding_per_capita": (int(town_finance * 100), population),
        "government_funding_share": (int(government * 100), int(sum(a.amount for a in allocations) * 100)),
        "learning_communities": (recognised(Track.LEARNING_COMMUNITY, villages), len(villages)),
        "learning_organs": (recognised(Track.LEARNING_ORGAN, organs), len(organs)),
        "demonstration_villages": (recognised(Track.DEMONSTRATION, villages), 2),
        "unit_staff_participation": unit_staff,
        "team_membership": (len(teams_with_members), len(teams)),
        "audience_participation": (len(in_groups & participants), len(in_groups)),
        "recurring_activities": (recurring_held, recurring_due),
        "awareness": answers(StandardKey.AWARENESS),
        "recognition": answers(StandardKey.RECOGNITION),
        "satisfaction": answers(StandardKey.SATISFACTION),
    }
    return {
        key: (
            numerator,
            denominator,
            (Decimal(numerator) / 100 / denominator).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if key == "funding_per_capita"
            else ratio(numerator, denominator),
        )
        for key, (numerator, denominator) in counted.items()
    }


def _counts():
    return {
        model._meta.label: model.objects.count()
        for model in (
            Town,
            Village,
            VillagePopulation,
            Unit,
            UnitAlias,
            Person,
            User,
            AuditLogEntry,
            Activity,
            AttendanceEntry,
        )
    }


def _naive_unit_staff(town) -> tuple[int, int]:
    """The units' own people (posts, staff accounts' persons, employed team members) of the units that
    take targets, and those of them with an effective check-in at a held activity of 2020 by AS_OF."""
    from communityedu.organization.constants import TARGET_UNIT_TYPES
    from communityedu.organization.models import Position, RoleAssignment

    tz = timezone.get_current_timezone()
    units = set(Unit.objects.filter(town=town, unit_type__in=TARGET_UNIT_TYPES).values_list("pk", flat=True))
    people = {
        person
        for unit, person in Position.objects.filter(unit_id__in=units).values_list("unit_id", "person_id")
        if person
    }
    accounts = set(RoleAssignment.objects.filter(unit_id__in=units).values_list("user_id", flat=True))
    people |= set(Person.objects.filter(town=town, account_id__in=accounts).values_list("pk", flat=True))
    people |= set(
        TeamMember.objects.filter(town=town, employer_id__in=units, is_active=True).values_list("person_id", flat=True)
    )
    reversed_ = set(
        AttendanceEntry.objects.filter(town=town, entry_kind=EntryKind.REVERSAL).values_list(
            "activity_id", "person_id", "generation"
        )
    )
    took_part = {
        entry.person_id
        for entry in AttendanceEntry.objects.filter(
            town=town, entry_kind=EntryKind.CHECK_IN, person_id__in=people
        ).select_related("activity")
        if (entry.activity_id, entry.person_id, entry.generation) not in reversed_
        and not entry.activity.is_cancelled
        and date(2020, 1, 1) <= timezone.localtime(entry.activity.starts_at, tz).date() <= AS_OF
    }
    return len(took_part), len(people)


def _naive_audience_groups(town) -> tuple[set[int], dict[str, set[int]]]:
    """The people of the register in any audience group at AS_OF, and each group's, person by person."""
    tags = {}
    for person_id, name in PersonTag.objects.filter(town=town).values_list("person_id", "tag__name"):
        tags.setdefault(person_id, set()).add(name)
    members: dict[str, set[int]] = {}
    register = list(Person.objects.filter(town=town, is_resident=True, village__isnull=False))
    for group in AudienceGroup.objects.filter(town=town):
        members[group.name] = set()
        for person in register:
            if person.left_register_on is not None and person.left_register_on <= AS_OF:
                continue
            age = person.age_on(AS_OF)
            checks = []
            if group.min_age is not None or group.max_age is not None:
                checks.append(
                    age is not None
                    and (group.min_age is None or age >= group.min_age)
                    and (group.max_age is None or age <= group.max_age)
                )
            if group.sex:
                checks.append(person.sex == group.sex)
            if group.tag_name:
                checks.append(group.tag_name in tags.get(person.pk, set()))
            if any(checks) if group.match == "any" else all(checks):
                members[group.name].add(person.pk)
    return set().union(*members.values()), members


def _naive_recurring_activities(town) -> tuple[int, int]:
    """(occurrences held with evidence, occurrences due) of 2020 at AS_OF, activity by activity."""
    tz = timezone.get_current_timezone()
    held, due = 0, 0
    for recurring in RecurringActivity.objects.filter(town=town, active_from_year__lte=2020):
        day = date(2020, recurring.month, recurring.day)
        if day > AS_OF:
            continue
        due += 1
        for activity in Activity.objects.filter(town=town, organiser=recurring.unit, is_cancelled=False):
            starts = timezone.localtime(activity.starts_at, tz).date()
            if (
                abs((starts - day).days) <= 15
                and timezone.localtime(activity.ends_at, tz).date() <= AS_OF
                and (not recurring.activity_kind or activity.kind == recurring.activity_kind)
                and recurring.keyword in activity.title
                and activity.evidence.filter(is_removed=False).exists()
            ):
                held += 1
                break
    return held, due


def test_the_demo_town_loads_once_a_second_load_changes_nothing_and_its_accounts_sign_in(db, client):
    call_command("load_demo", stdout=StringIO())
    first = _counts()
    # People try the product between two `make run`s: a unit renamed through its service.
    office = User.objects.get(username="office")
    renamed = Unit.objects.get(town__slug="xinmiao", name="民政办")
    save_unit(unit=renamed, town=renamed.town, values={"name": "民政和社会事务办"}, actor=office)
    first["core.AuditLogEntry"] += 1
    out = StringIO()

    call_command("load_demo", stdout=out)

    assert out.getvalue().splitlines()[0] == "新妙镇、南沱镇: already loaded, left as they are"
    assert _counts() == first
    assert not Unit.objects.filter(town__slug="xinmiao", name="民政办").exists()
    Unit.objects.filter(pk=renamed.pk).update(name="民政办")  # as the rest of this test expects
    xinmiao = Town.objects.get(slug="xinmiao")
    assert sorted(Village.objects.filter(town=xinmiao).values_list("name", flat=True)) == sorted(XINMIAO_VILLAGES)
    population_2020 = VillagePopulation.objects.filter(town=xinmiao, year=2020).aggregate(
        total=Sum("resident_population")
    )
    assert population_2020["total"] == sum(village[2] for village in data.XINMIAO["villages"])
    # one generated person per resident, and the demo resident, teacher and volunteer
    assert Person.objects.filter(town=xinmiao).count() == population_2020["total"] + 1 + len(DEMO_LECTURERS)
    yiyang = Village.objects.get(town=xinmiao, name="弋阳村")
    assert Person.objects.filter(village=yiyang).count() == 1842
    assert Unit.objects.filter(town=xinmiao, unit_type=UnitType.LEARNING_CENTRE).count() == 19
    assert Unit.objects.filter(town=xinmiao, unit_type=UnitType.TEAM).count() == 7
    assert sorted(Unit.objects.filter(town=xinmiao, unit_type=UnitType.BASE).values_list("name", flat=True)) == [
        "新妙社区教育弋阳基地",
        "新妙镇社区教育玉皇观基地",
    ]
    assert UnitAlias.objects.get(town=xinmiao, name="教管中心").unit.name == "教育管理中心"
    assert Town.objects.get(slug="nantuo").district == xinmiao.district
    held_2020 = Activity.objects.filter(town=xinmiao, starts_at__year=2020)
    assert held_2020.filter(kind="lecture_hall").count() == 15  # two a month May–December, one in August
    attendees_2020 = AttendanceEntry.objects.filter(activity__in=held_2020).values("person").distinct().count()
    assert 0.70 < attendees_2020 / population_2020["total"] < 0.75
    # The plan's figures at the evaluation date, as the dashboard and the API give them.
    figures = figures_for(towns=[xinmiao], year=2020, as_of=AS_OF)[xinmiao.pk]
    # Each figure equals a naive recount from the raw tables (so that other demo data changes the
    # expected figures with it, while a wrong figure still fails).
    recounts = _naive_figures(xinmiao, population_2020["total"])
    assert [(f.key, f.numerator, f.denominator) for f in figures] == [
        (key, numerator, denominator) for key, (numerator, denominator, _) in recounts.items()
    ]
    assert [(f.key, f.value) for f in figures] == [(key, value) for key, (_, _, value) in recounts.items()]
    # before the evaluation date, a figure below its threshold is at risk, never failed
    assert [f.status for f in figures] == ["met" if f.value >= f.threshold else "at_risk" for f in figures]
    assert figures[0].flags["villages_below_target"] == 2
    # 涪十中's four festivals: 五四 has no activity in 2020 and is flagged; the three others were held.
    recurring = next(f for f in figures if f.key == "recurring_activities")
    assert [(line.label, line.status) for line in recurring.villages] == [
        ("05-04 涪陵第十中学 五四青年节活动", "not_held"),
        ("06-01 涪陵第十中学 六一儿童节活动", "held"),
        ("10-01 涪陵第十中学 国庆主题活动", "held"),
        ("12-31 涪陵第十中学 元旦联欢活动", "held"),
    ]
    audience = next(f for f in figures if f.key == "audience_participation")
    assert [line.label for line in audience.villages] == ["老年人", "青少年/留守儿童", "妇女", "农民工"]
    assert [line.denominator for line in audience.villages] == [
        len(members) for members in _naive_audience_groups(xinmiao)[1].values()
    ]
    # Every demo account signs in with the password and PIN the README gives (one load serves both
    # checks: loading the demo is the slowest thing the suite does).
    for username in [
        "office",
        "school",
        "center",
        "dept",
        "teacher",
        "volunteer",
        "moderator",
        "auditor",
        "evaluator",
        "admin",
    ]:
        assert client.login(username=username, password="Xinmiao@2020"), username
    assert client.login(phone="13800000000", pin="202020")
