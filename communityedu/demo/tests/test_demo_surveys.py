"""The demo's 2020 standard survey gives realistic figures, the same on every load."""

from __future__ import annotations

from datetime import date

from communityedu.demo.surveys import load_surveys
from communityedu.metrics.survey_figures import standard_rates
from communityedu.surveys.models import Response, Survey


def test_the_demo_survey_gives_the_2020_figures_and_loads_once(world):
    load_surveys(world.xinmiao)
    load_surveys(world.xinmiao)

    rates = standard_rates(town=world.xinmiao, year=2020, as_of=date(2020, 12, 31))

    assert Survey.objects.filter(town=world.xinmiao).count() == 2
    assert Response.objects.filter(town=world.xinmiao, channel="paper").count() == 3100
    assert {key: rate.valid_answers for key, rate in rates.items()} == {
        "awareness": 3100,
        "recognition": 3100,
        "satisfaction": 3100,
    }
    assert 0.80 <= rates["awareness"].rate <= 0.84
    assert 0.76 <= rates["recognition"].rate <= 0.80
    assert 0.83 <= rates["satisfaction"].rate <= 0.87
