"""The services that take a year refuse one outside 2000–2100 the same way: core.parsing.check_year,
a ValidationError on ``year`` that names the bounds, and nothing written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from communityedu.assessment import dossier
from communityedu.assessment import services as assessment_services
from communityedu.assessment.models import DossierExport, UnitConditions
from communityedu.core.models import AuditLogEntry
from communityedu.funding import services as funding_services
from communityedu.funding.constants import ExpenseCategory, FundingSource
from communityedu.funding.models import Allocation, Expense
from communityedu.organization import populations, targets
from communityedu.organization.models import VillagePopulation

YEAR_MESSAGE = "year：请填写 2000 到 2100 之间的年份。"


def _calls(world):
    office = world.accounts["office"]
    town = world.xinmiao
    return {
        "allocation": lambda year: funding_services.record_allocation(
            town=town,
            year=year,
            source=FundingSource.TOWN_FINANCE,
            amount=Decimal("100.00"),
            dated_on=date(2020, 3, 1),
            actor=office,
        ),
        "expense": lambda year: funding_services.record_expense(
            town=town,
            year=year,
            category=ExpenseCategory.OTHER,
            amount=Decimal("100.00"),
            dated_on=date(2020, 3, 1),
            actor=office,
        ),
        "conditions": lambda year: assessment_services.conditions_of(unit=world.school, year=year),
        "dossier": lambda year: dossier.start_export(actor=office, town=town, year=year, as_of=date(2101, 1, 1)),
        "targets": lambda year: targets.set_targets(town=town, year=year, values={}, actor=office),
        "populations": lambda year: populations.set_populations(
            town=town, year=year, populations={world.yiyang: 1000}, actor=office
        ),
    }


@pytest.mark.parametrize("service", ["allocation", "expense", "conditions", "dossier", "targets", "populations"])
@pytest.mark.parametrize("year", [1999, 2101])
def test_a_service_refuses_a_year_outside_2000_to_2100_naming_the_year_and_writes_nothing(world, service, year):
    tables = (Allocation, Expense, UnitConditions, DossierExport, VillagePopulation, AuditLogEntry)
    before = [model.objects.count() for model in tables]

    with pytest.raises(ValidationError) as refused:
        _calls(world)[service](year)

    assert refused.value.message_dict == {"year": [YEAR_MESSAGE]}
    assert [model.objects.count() for model in tables] == before
