"""The demo town's funding, recognition and targets, loaded on its villages and units alone
(the residents and activities are the whole demo's test)."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from communityedu.core.models import AuditLogEntry
from communityedu.demo import data, loader
from communityedu.demo.funding import load_funding, load_recognition, load_targets
from communityedu.funding.selectors import funding_year, unit_funds
from communityedu.metrics.funding_figure import town_finance_per_capita
from communityedu.metrics.recognition_figures import recognition_rates
from communityedu.organization.targets import targets_for


def _load(town):
    load_funding(town)
    load_recognition(town)
    load_targets(town)


def test_the_demo_town_shows_its_funding_recognition_and_targets_and_a_second_load_adds_nothing(db):
    xinmiao = loader._load_town(data.XINMIAO, programme_start=date(2020, 5, 1))
    loader._load_xinmiao_units(xinmiao)
    _load(xinmiao)
    entries = AuditLogEntry.objects.count()

    _load(xinmiao)

    assert AuditLogEntry.objects.count() == entries
    figure = town_finance_per_capita(town=xinmiao, year=2020)
    population = sum(village[2] for village in data.XINMIAO["villages"])  # the 2020 resident populations
    assert (figure.town_finance_total, figure.population, figure.per_capita) == (
        Decimal("70000.00"),
        population,
        (Decimal("70000.00") / population).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
    )
    assert (figure.previous_year_total, figure.is_rising) == (Decimal("55000.00"), True)
    by_source = {row.key: row.amount for row in funding_year(town=xinmiao, year=2020).by_source}
    assert by_source == {
        "town_finance": Decimal("70000.00"),
        "higher_government": Decimal("30000.00"),
        "society": Decimal("8000.00"),  # entered twice, the second reversed
        "unit": Decimal("9000.00"),  # to 涪陵第十中学 5,000, the 弋阳村 centre 3,000, 民政办 1,000
        "individual": Decimal("1000.00"),
    }
    units = {
        row.unit.name: (row.allocated, row.spent, row.balance)
        for row in unit_funds(town=xinmiao, year=2020, unit_ids=None)
    }
    assert (units["弋阳村社区学习中心"], units["民政办"]) == (
        (Decimal("3000.00"), Decimal("1850.00"), Decimal("1150.00")),
        (Decimal("1000.00"), Decimal("600.00"), Decimal("400.00")),
    )
    rates = recognition_rates(town=xinmiao, as_of=date(2020, 12, 31))
    assert (rates.learning_communities.recognised, rates.learning_communities.total) == (14, 19)
    assert (rates.learning_organs.recognised, rates.learning_organs.total) == (3, 7)
    assert rates.demonstration_villages == 2
    participation = {
        key: value for key, value in targets_for(town=xinmiao, year=2020).items() if key[0] == "participation"
    }
    assert sorted(participation.values()).count(Decimal("75.00")) == 2
    assert len(participation) == 19
