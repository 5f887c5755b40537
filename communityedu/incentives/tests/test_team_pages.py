"""The team register, the ranking and each person's statement, as the town office and a teacher use them."""

from datetime import date
from decimal import Decimal
from io import BytesIO

from python_calamine import CalamineWorkbook

from communityedu.incentives.models import EmployerAssessment, TeamMember, TrainingRecord
from communityedu.incentives.tests.test_points import YEAR, _joined, _lecture


def _register(client, world, person, category="volunteer", employer=None):
    return client.post(
        "/incentives/members/new/",
        {
            "person": person.pk,
            "category": category,
            "specialities": "太极拳",
            "employer": (employer or world.civil_affairs).pk,
        },
    )


def test_the_office_registers_a_volunteer_and_sees_the_points(world, sign_in):
    client = sign_in("office")
    li = world.people["li"]

    response = _register(client, world, li)

    _lecture(world, li, date(YEAR, 5, 9))
    _joined(world, li, date(YEAR, 6, 5))
    page = client.get(f"/incentives/?year={YEAR}")

    assert response.status_code == 302
    assert TeamMember.objects.get(person=li).category == "volunteer"
    row = page.context["rows"][0]
    assert (row.member.person.name, row.statement.lectures, row.statement.activities, row.statement.granted) == (
        "李德福",
        1,
        1,
        Decimal("1.1"),
    )


def test_registering_twice_updates_the_entry(world, sign_in):
    client = sign_in("office")
    _register(client, world, world.people["li"])
    _register(client, world, world.people["li"], category="part_time_teacher")

    assert list(TeamMember.objects.values_list("category", flat=True)) == ["part_time_teacher"]


def test_the_employers_total_sets_the_cap(world, sign_in):
    client = sign_in("school")

    client.post("/incentives/assessment-totals/", {"employer": world.civil_affairs.pk, "year": YEAR, "total": "80"})
    client.post("/incentives/assessment-totals/", {"employer": world.civil_affairs.pk, "year": YEAR, "total": "90"})
    _register(client, world, world.people["li"])

    assert list(EmployerAssessment.objects.values_list("total", flat=True)) == [Decimal("90.00")]
    statement = client.get(f"/incentives/people/{world.people['li'].pk}/?year={YEAR}").context["statement"]
    assert statement.cap == Decimal("4.50")


def test_the_ranking_orders_each_employers_people_and_exports(world, sign_in):

    client = sign_in("office")
    _register(client, world, world.people["li"])
    _register(client, world, world.people["wang"])
    _register(client, world, world.people["teacher"], category="full_time_teacher")
    _lecture(world, world.people["wang"], date(YEAR, 5, 9))
    _lecture(world, world.people["wang"], date(YEAR, 5, 16))
    _lecture(world, world.people["li"], date(YEAR, 5, 23))

    groups = client.get(f"/incentives/ranking/?year={YEAR}").context["groups"]
    sheet = CalamineWorkbook.from_filelike(BytesIO(client.get(f"/incentives/ranking/export.xlsx?year={YEAR}").content))

    assert [(employer, [row.member.person.name for row in rows]) for employer, rows in groups] == [
        ("民政办", ["王桂芬", "李德福"])
    ]
    rows = sheet.get_sheet_by_index(0).to_python()
    assert [row[:3] for row in rows[1:]] == [["民政办", 1.0, "王桂芬"], ["民政办", 2.0, "李德福"]]
    assert rows[1][-1] == 2.0


def test_a_teacher_sees_their_own_figures_and_trainings(world, sign_in):

    office = sign_in("office")
    _register(office, world, world.people["teacher"], category="part_time_teacher")
    office.post(
        f"/incentives/people/{world.people['teacher'].pk}/trainings/",
        {"title": "社区教育骨干培训", "provider": "涪陵区社区教育学院", "attended_on": "2020-07-15", "hours": "16"},
    )
    _lecture(world, world.people["teacher"], date(YEAR, 5, 9))

    page = sign_in("teacher").get(f"/incentives/me/?year={YEAR}")

    assert page.context["person"] == world.people["teacher"]
    assert page.context["statement"].lectures == 1
    assert [t.title for t in page.context["trainings"]] == ["社区教育骨干培训"]
    assert TrainingRecord.objects.get().hours == Decimal("16.0")


def test_the_points_api_gives_decimals_as_strings(world, sign_in):

    office = sign_in("office")
    _register(office, world, world.people["li"])
    _lecture(world, world.people["li"], date(YEAR, 5, 9))
    _joined(world, world.people["li"], date(YEAR, 6, 5))

    body = office.get(f"/api/v1/people/{world.people['li'].pk}/points?year={YEAR}").json()

    assert body == {"year": YEAR, "lectures": 1, "activities": 1, "earned": "1.1", "cap": "5.00", "granted": "1.1"}
