"""The three standard figures: positive answers among the valid ones, from the latest closed
standard survey of the year, as of a date, in one town."""

from __future__ import annotations

from datetime import date

import pytest

from communityedu.metrics.survey_figures import StandardRate, standard_rates
from communityedu.surveys.tests.factories import close, paper, standard_survey


def _answered(world, survey):
    # awareness yes/no, recognition 1-5, satisfaction 1-5 ("" = left blank where optional)
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


def test_rates_count_the_top_two_points_or_yes_among_valid_answers(world):
    survey = standard_survey(world)
    _answered(world, survey)
    close(world, survey, date(2020, 11, 30))

    rates = standard_rates(town=world.xinmiao, year=2020, as_of=date(2020, 12, 31))

    assert rates["awareness"] == StandardRate("awareness", 3, 5, 5, survey.pk)
    assert rates["recognition"] == StandardRate("recognition", 3, 5, 5, survey.pk)
    assert rates["satisfaction"] == StandardRate("satisfaction", 3, 5, 5, survey.pk)
    assert rates["awareness"].rate == pytest.approx(0.6)


def test_rates_narrow_to_villages(world):
    survey = standard_survey(world)
    _answered(world, survey)
    close(world, survey, date(2020, 11, 30))

    rates = standard_rates(town=world.xinmiao, year=2020, as_of=date(2020, 12, 31), village_ids=[world.shizi.pk])

    assert rates["awareness"] == StandardRate("awareness", 1, 2, 2, survey.pk)
    assert rates["satisfaction"] == StandardRate("satisfaction", 1, 2, 2, survey.pk)


def test_an_open_survey_gives_no_figure(world):
    survey = standard_survey(world)
    _answered(world, survey)

    rates = standard_rates(town=world.xinmiao, year=2020, as_of=date(2020, 12, 31))

    assert rates["awareness"] == StandardRate("awareness", 0, 0, 0, None)
    assert rates["awareness"].rate is None


def test_only_the_latest_closed_standard_survey_counts(world):
    first = standard_survey(world, title="上半年调查")
    paper(world, first, [("A1", world.yiyang, ("否", "1", "1"))])
    close(world, first, date(2020, 6, 30))
    second = standard_survey(world, title="下半年调查")
    paper(world, second, [("B1", world.yiyang, ("是", "5", "5")), ("B2", world.shizi, ("是", "4", "2"))])
    close(world, second, date(2020, 12, 20))

    rates = standard_rates(town=world.xinmiao, year=2020, as_of=date(2020, 12, 31))

    assert rates["awareness"] == StandardRate("awareness", 2, 2, 2, second.pk)
    assert rates["satisfaction"] == StandardRate("satisfaction", 1, 2, 2, second.pk)


def test_as_of_reads_the_survey_closed_by_that_date(world):
    first = standard_survey(world, title="上半年调查")
    paper(world, first, [("A1", world.yiyang, ("否", "1", "1"))])
    close(world, first, date(2020, 6, 30))
    second = standard_survey(world, title="下半年调查")
    paper(world, second, [("B1", world.yiyang, ("是", "5", "5"))])
    close(world, second, date(2020, 12, 20))

    rates = standard_rates(town=world.xinmiao, year=2020, as_of=date(2020, 9, 1))

    assert rates["awareness"] == StandardRate("awareness", 0, 1, 1, first.pk)
    assert standard_rates(town=world.xinmiao, year=2020, as_of=date(2020, 6, 29))["awareness"].survey_id is None


def test_a_survey_not_marked_standard_does_not_count(world):
    survey = standard_survey(world)
    survey.is_standard = False
    survey.save(update_fields=["is_standard"])
    paper(world, survey, [("001", world.yiyang, ("是", "5", "5"))])
    close(world, survey, date(2020, 11, 30))

    assert standard_rates(town=world.xinmiao, year=2020, as_of=date(2020, 12, 31))["awareness"].valid_answers == 0


def test_nantuo_sees_nothing_of_xinmiao(world):
    survey = standard_survey(world)
    _answered(world, survey)
    close(world, survey, date(2020, 11, 30))

    rates = standard_rates(town=world.nantuo, year=2020, as_of=date(2020, 12, 31))

    assert {key: rate.valid_answers for key, rate in rates.items()} == {
        "awareness": 0,
        "recognition": 0,
        "satisfaction": 0,
    }
