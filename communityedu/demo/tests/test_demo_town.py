from datetime import date
from io import StringIO

from django.core.management import call_command
from django.db.models import Sum

from communityedu.accounts.models import User
from communityedu.activities.models import Activity, AttendanceEntry
from communityedu.core.models import AuditLogEntry
from communityedu.metrics.figures import figures_for
from communityedu.organization.constants import UnitType
from communityedu.organization.models import Town, Unit, UnitAlias, Village, VillagePopulation
from communityedu.organization.services import save_unit
from communityedu.people.models import Person

XINMIAO_VILLAGES = [
    "十字村", "平政村", "开平村", "庆林村", "游江村", "北门村", "弋阳村", "岔河村", "大岭村", "适园村",
    "白鹤村", "郑家村", "玉泉村", "德新村", "行政村", "互助村", "普陀村", "小坪村", "群护社区",
]  # fmt: skip


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
    assert population_2020["total"] == 30975
    # one generated person per resident, and the demo resident, teacher and volunteer
    assert Person.objects.filter(town=xinmiao).count() == 30978
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
    figures = figures_for(towns=[xinmiao], year=2020, as_of=date(2020, 12, 31))[xinmiao.pk]
    assert [(f.key, f.numerator, f.denominator, str(f.value), f.status) for f in figures] == [
        ("participation", 22252, 30975, "0.7184", "met"),
        ("lecture_hall", 7, 8, "0.8750", "at_risk"),
        ("funding_per_capita", 7000000, 30975, "2.26", "met"),
        ("learning_communities", 14, 19, "0.7368", "met"),
        ("learning_organs", 5, 9, "0.5556", "at_risk"),
        ("demonstration_villages", 2, 2, "1.0000", "met"),
        ("awareness", 2578, 3100, "0.8316", "met"),
        ("recognition", 2429, 3100, "0.7835", "at_risk"),
        ("satisfaction", 2617, 3100, "0.8442", "met"),
    ]
    assert figures[0].flags["villages_below_target"] == 2
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
