"""Each unit's side of the ledgers: a learning-centre director and a department's staff read what
was allocated to their unit and what it paid (page and API), nothing of other units; the office
and evaluators read every unit."""

from datetime import date
from decimal import Decimal

import pytest

from communityedu.funding import selectors, services
from communityedu.funding.constants import ExpenseCategory, FundingSource


@pytest.fixture
def ledgers(world):
    office = world.accounts["office"]

    def allocate(unit, amount, voucher, source=FundingSource.TOWN_FINANCE, year=2020):
        return services.record_allocation(
            town=world.xinmiao,
            year=year,
            source=source,
            amount=Decimal(amount),
            dated_on=date(year, 3, 2),
            voucher_number=voucher,
            receiving_unit=unit,
            description=f"{unit.name}经费",
            actor=office,
        )

    def spend(unit, amount, voucher, year=2020):
        return services.record_expense(
            town=world.xinmiao,
            year=year,
            category=ExpenseCategory.ACTIVITIES,
            amount=Decimal(amount),
            dated_on=date(year, 6, 12),
            voucher_number=voucher,
            paying_unit=unit,
            description="活动",
            actor=office,
        )

    allocate(world.yiyang_centre, "3000.00", "CZ-01")
    mistaken = allocate(world.yiyang_centre, "500.00", "CZ-02", source=FundingSource.UNIT)
    services.reverse_allocation(allocation=mistaken, reason="重复登记", actor=office)
    spend(world.yiyang_centre, "1200.50", "ZC-01")
    allocate(world.civil_affairs, "800.00", "CZ-03")
    allocate(world.school, "50000.00", "CZ-04")
    allocate(world.yiyang_centre, "9999.00", "CZ-2019", year=2019)  # another year
    return world


def _totals(funds) -> list[tuple]:
    return [(f.unit.name, f.allocated, f.spent, f.balance, len(f.allocations), len(f.expenses)) for f in funds]


def test_each_unit_gets_its_allocations_and_expenses_of_the_year_net_of_reversals(ledgers):
    world = ledgers
    everyone = selectors.unit_funds(town=world.xinmiao, year=2020, unit_ids=None)
    assert sorted(_totals(everyone)) == [
        ("弋阳村社区学习中心", Decimal("3000.00"), Decimal("1200.50"), Decimal("1799.50"), 3, 1),
        ("新妙镇社区学校", Decimal("50000.00"), Decimal("0.00"), Decimal("50000.00"), 1, 0),
        ("民政办", Decimal("800.00"), Decimal("0.00"), Decimal("800.00"), 1, 0),
    ]
    # A unit named is listed even with nothing recorded for the year.
    assert _totals(selectors.unit_funds(town=world.xinmiao, year=2021, unit_ids=[world.civil_affairs.pk])) == [
        ("民政办", Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), 0, 0)
    ]


def test_a_centre_director_reads_the_centre_s_funds_only(ledgers, sign_in):
    client = sign_in("center")
    page = client.get("/funding/units/?year=2020").content.decode()
    assert "<h1>2020 年本单位经费</h1>" in page
    assert "弋阳村社区学习中心" in page
    assert '<dd class="balance">¥1,799.50</dd>' in page
    assert "重复登记" in page  # the reversal is shown with its reason
    assert "民政办" not in page
    assert "新妙镇社区学校" not in page
    assert 'href="/funding/units/">本单位经费</a>' in page  # in the menu
    # The town's ledgers and another unit stay closed.
    assert client.get("/funding/?year=2020").status_code == 403
    assert client.get(f"/funding/units/?year=2020&unit={ledgers.civil_affairs.pk}").status_code == 404


def test_department_staff_read_their_department_over_the_api(ledgers, sign_in):
    client = sign_in("dept")
    response = client.get("/api/v1/funding/units?town=xinmiao&year=2020")
    assert response.status_code == 200
    (funds,) = response.json()["items"]
    assert (funds["unit"], funds["allocated"], funds["spent"], funds["balance"]) == (
        "民政办",
        "800.00",
        "0.00",
        "800.00",
    )
    assert [(row["voucher_number"], row["amount"]) for row in funds["allocations"]] == [("CZ-03", "800.00")]
    other = client.get(f"/api/v1/funding/units?town=xinmiao&year=2020&unit={ledgers.yiyang_centre.pk}")
    assert other.status_code == 404
    assert client.get("/api/v1/funding/allocations?town=xinmiao&year=2020").status_code == 403


def test_the_office_reads_every_unit_or_one_and_others_are_refused(ledgers, sign_in, client):
    office = sign_in("office")
    names = [row["unit"] for row in office.get("/api/v1/funding/units?town=xinmiao&year=2020").json()["items"]]
    assert sorted(names) == ["弋阳村社区学习中心", "新妙镇社区学校", "民政办"]
    one = office.get(f"/api/v1/funding/units?town=xinmiao&year=2020&unit={ledgers.school.pk}").json()["items"]
    assert [row["unit"] for row in one] == ["新妙镇社区学校"]
    page = office.get("/funding/?year=2020").content.decode()
    assert 'href="/funding/units/?year=2020">按单位查看</a>' in page
    assert "<h1>2020 年各单位经费</h1>" in office.get("/funding/units/?year=2020").content.decode()
    client.logout()
    teacher = sign_in("teacher")
    assert teacher.get("/funding/units/?year=2020").status_code == 403
    assert teacher.get("/api/v1/funding/units?town=xinmiao&year=2020").status_code == 403
