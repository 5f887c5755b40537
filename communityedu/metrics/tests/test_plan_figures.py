"""Funding per capita, the recognition rates and the survey rates as registered figures, on a
small hand-made world, with exact numbers; and their cost, the same however much data there is.

新妙镇 in 2020: 弋阳村 1,840 residents and 十字村 1,720 (3,560); town finance 8,000 yuan (6,000 the
year before) and 5,000 from the district, which does not count; 弋阳村 recognised as a learning
community and a demonstration village, 十字村 applying; 民政办 a learning organ, 党政办 not; five
paper sheets of the standard survey, closed in November. 南沱镇: 关东村 1,350 residents, town
finance 2,000 (3,000 the year before), 关东村 a learning community, no organ, no survey.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communityedu.funding import services as funding_services
from communityedu.funding.constants import FundingSource
from communityedu.metrics.base import Status
from communityedu.metrics.figures import figures_for
from communityedu.organization import services as org_services
from communityedu.organization.constants import UnitType
from communityedu.organization.models import Village
from communityedu.recognition import services as recognition_services
from communityedu.recognition.constants import RecognitionStatus, Track
from communityedu.surveys.tests.factories import close, paper, standard_survey

YEAR_END = date(2020, 12, 31)


def _allocate(world, town, amount: str, *, year=2020, source=FundingSource.TOWN_FINANCE, number="001"):
    funding_services.record_allocation(
        town=town,
        year=year,
        source=source,
        amount=Decimal(amount),
        dated_on=date(year, 3, 2),
        voucher_number=f"{year}-{number}",
        receiving_unit=None,
        actor=world.accounts["office"],
    )


def _recognise(
    world, *, on, status=RecognitionStatus.RECOGNISED, track=Track.LEARNING_COMMUNITY, village=None, unit=None
):
    recognition_services.record_status(
        town=unit.town if unit else village.town,
        track=track,
        village=village,
        unit=unit,
        status=status,
        effective_on=on,
        actor=world.accounts["office"],
    )


@pytest.fixture
def plan_2020(world):
    _allocate(world, world.xinmiao, "8000.00")
    _allocate(world, world.xinmiao, "5000.00", source=FundingSource.HIGHER_GOVERNMENT, number="002")
    _allocate(world, world.xinmiao, "6000.00", year=2019)
    _allocate(world, world.nantuo, "2000.00")
    _allocate(world, world.nantuo, "3000.00", year=2019)
    party_office = org_services.save_unit(
        unit=None,
        town=world.xinmiao,
        values={"name": "党政办", "unit_type": UnitType.PARTY_GOVERNMENT_ORGAN},
        actor=None,
    )
    _recognise(world, on=date(2020, 7, 1), village=world.yiyang)
    _recognise(world, on=date(2020, 7, 1), village=world.shizi, status=RecognitionStatus.APPLYING)
    _recognise(world, on=date(2021, 1, 10), village=world.shizi)  # after the year: not counted
    _recognise(world, on=date(2020, 8, 1), village=world.yiyang, track=Track.DEMONSTRATION)
    _recognise(world, on=date(2020, 10, 1), unit=world.civil_affairs, track=Track.LEARNING_ORGAN)
    _recognise(
        world, on=date(2020, 10, 1), unit=party_office, track=Track.LEARNING_ORGAN, status=RecognitionStatus.APPLYING
    )
    _recognise(world, on=date(2020, 9, 1), village=world.guandong)
    survey = standard_survey(world)
    paper(
        world,
        survey,
        [
            ("001", world.yiyang, ("是", "5", "4")),
            ("002", world.yiyang, ("是", "4", "3")),
            ("003", world.yiyang, ("否", "3", "5")),
            ("004", world.shizi, ("1", "2", "5")),
            ("005", world.shizi, ("0", "5", "1")),
        ],
    )
    close(world, survey, date(2020, 11, 30))
    return world


def _figures(world, town):
    return {f.key: f for f in figures_for(towns=[world.xinmiao, world.nantuo], year=2020, as_of=YEAR_END)[town.pk]}


def _parts(figure):
    return (figure.numerator, figure.denominator, figure.value, figure.threshold, figure.status)


def test_funding_per_capita_is_town_finance_over_the_population(plan_2020):
    xinmiao = _figures(plan_2020, plan_2020.xinmiao)["funding_per_capita"]
    nantuo = _figures(plan_2020, plan_2020.nantuo)["funding_per_capita"]

    # 8,000 yuan ÷ 3,560 residents = 2.2472 → 2.25 yuan; the district's 5,000 does not count.
    assert _parts(xinmiao) == (800000, 3560, Decimal("2.25"), Decimal("2.00"), Status.MET)
    assert (xinmiao.unit, xinmiao.percent, xinmiao.threshold_percent) == ("yuan", "¥2.25", "¥2.00")
    assert xinmiao.beside == {
        "town_finance_fen": 800000,
        "previous_year_town_finance_fen": 600000,
        "rises_from_previous_year": 1,
    }
    assert xinmiao.flags == {}
    # 2,000 ÷ 1,350 = 1.4815 → 1.48, below 2 yuan up to the deadline; and less than the year before.
    assert _parts(nantuo) == (200000, 1350, Decimal("1.48"), Decimal("2.00"), Status.AT_RISK)
    assert nantuo.beside["rises_from_previous_year"] == 0
    assert nantuo.flags == {"town_finance_not_rising": 1}


def test_the_funding_figure_agrees_with_the_funding_page(plan_2020):
    from communityedu.metrics.funding_figure import town_finance_per_capita

    single = town_finance_per_capita(town=plan_2020.xinmiao, year=2020, as_of=YEAR_END)
    figure = _figures(plan_2020, plan_2020.xinmiao)["funding_per_capita"]

    assert (single.per_capita, single.population, single.town_finance_total) == (
        figure.value,
        figure.denominator,
        Decimal(figure.numerator) / 100,
    )


def test_recognition_figures_count_the_status_in_force_at_the_year_end(plan_2020):
    xinmiao = _figures(plan_2020, plan_2020.xinmiao)
    nantuo = _figures(plan_2020, plan_2020.nantuo)

    assert _parts(xinmiao["learning_communities"]) == (1, 2, Decimal("0.5000"), Decimal("0.70"), Status.AT_RISK)
    assert _parts(xinmiao["learning_organs"]) == (1, 2, Decimal("0.5000"), Decimal("0.80"), Status.AT_RISK)
    assert _parts(xinmiao["demonstration_villages"]) == (1, 2, Decimal("0.5000"), Decimal("1"), Status.AT_RISK)
    assert xinmiao["demonstration_villages"].beside == {"recognised": 1}
    assert _parts(nantuo["learning_communities"]) == (1, 1, Decimal("1.0000"), Decimal("0.70"), Status.MET)
    assert _parts(nantuo["learning_organs"]) == (0, 0, None, Decimal("0.80"), Status.NO_DATA)
    assert _parts(nantuo["demonstration_villages"]) == (0, 2, Decimal("0"), Decimal("1"), Status.AT_RISK)


def test_recognition_after_the_deadline_is_not_met(plan_2020):
    figures = {
        f.key: f
        for f in figures_for(towns=[plan_2020.xinmiao], year=2020, as_of=date(2021, 2, 1))[plan_2020.xinmiao.pk]
    }

    # Facts stop at 31 December 2020 (十字村's January recognition is not counted); the deadline has passed.
    assert _parts(figures["learning_communities"]) == (1, 2, Decimal("0.5000"), Decimal("0.70"), Status.NOT_MET)


def test_survey_figures_with_respondents_beside(plan_2020):
    xinmiao = _figures(plan_2020, plan_2020.xinmiao)
    nantuo = _figures(plan_2020, plan_2020.nantuo)

    assert _parts(xinmiao["awareness"]) == (3, 5, Decimal("0.6000"), Decimal("0.80"), Status.AT_RISK)
    assert _parts(xinmiao["recognition"]) == (3, 5, Decimal("0.6000"), Decimal("0.80"), Status.AT_RISK)
    assert _parts(xinmiao["satisfaction"]) == (3, 5, Decimal("0.6000"), Decimal("0.70"), Status.AT_RISK)
    # 5 respondents of 3,560 residents: 0.0014, 14 in ten thousand.
    assert xinmiao["awareness"].beside == {"respondents": 5, "resident_population": 3560, "respondents_share_bp": 14}
    assert _parts(nantuo["satisfaction"]) == (0, 0, None, Decimal("0.70"), Status.NO_DATA)
    assert nantuo["satisfaction"].beside == {"respondents": 0, "resident_population": 1350, "respondents_share_bp": 0}


def _queries(towns) -> int:
    with CaptureQueriesContext(connection) as captured:
        figures_for(towns=towns, year=2020, as_of=YEAR_END)
    return len(captured.captured_queries)


def test_the_figures_cost_the_same_however_many_towns_villages_and_rows(plan_2020):
    world = plan_2020
    before = _queries([world.xinmiao, world.nantuo])

    more = org_services.create_town(
        district_code="500102",
        district_name="涪陵区",
        slug="zhenxi",
        name="珍溪镇",
        villages=[("珍溪村", "500102120201"), ("西岸村", "500102120202"), ("杨柳村", "500102120203")],
    )
    new_villages = list(Village.objects.filter(town=more))
    for village in new_villages:
        org_services.set_population(village=village, year=2020, resident_population=900, actor=None)
        _recognise(world, on=date(2020, 6, 1), village=village)
        _recognise(world, on=date(2020, 6, 2), village=village, track=Track.DEMONSTRATION)
    _allocate(world, more, "4000.00")
    _allocate(world, more, "1000.00", year=2019)
    _allocate(world, world.xinmiao, "500.00", number="003")
    new_village = org_services.ensure_village(town=world.xinmiao, name="新立村")
    org_services.set_population(village=new_village, year=2020, resident_population=700, actor=None)
    from communityedu.organization.targets import set_targets

    set_targets(
        town=world.xinmiao,
        year=2020,
        values={("participation", new_village.pk): Decimal("75"), ("participation", world.yiyang.pk): Decimal("72")},
        actor=None,
    )
    second = standard_survey(world, title="2020年社区教育满意度复查")
    paper(world, second, [("101", new_village, ("是", "5", "5")), ("102", world.yiyang, ("否", "1", "2"))])
    close(world, second, date(2020, 12, 15))

    assert _queries([world.xinmiao, world.nantuo, more]) == before == 26


def test_the_dashboard_and_its_export_show_the_new_figures(plan_2020, sign_in):
    client = sign_in("office")
    page = client.get("/staff/targets/?year=2020&as_of=2020-12-31").content.decode()

    for key in ("funding_per_capita", "learning_communities", "learning_organs", "demonstration_villages"):
        assert f'id="figure-{key}"' in page
    for key in ("awareness", "recognition", "satisfaction"):
        assert f'id="figure-{key}"' in page
    assert "¥2.25" in page  # per resident
    assert "¥8,000.00" in page  # the year's town finance
    assert "¥6,000.00" in page  # the year before's
    assert client.get("/staff/targets/export.xlsx?year=2020&as_of=2020-12-31").status_code == 200
