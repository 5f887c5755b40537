"""The demo's 2020 standard survey gives realistic figures, the same on every load."""

from __future__ import annotations

from datetime import date
from io import StringIO

from django.core.management import call_command

from communityedu.organization.models import Town
from communityedu.surveys.models import Response
from communityedu.surveys.selectors import standard_rates


def test_the_demo_survey_gives_the_2020_figures_and_loads_once(db):
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    xinmiao = Town.objects.get(slug="xinmiao")

    rates = standard_rates(town=xinmiao, year=2020, as_of=date(2020, 12, 31))

    assert Response.objects.filter(town=xinmiao, channel="paper").count() == 3100
    assert {key: rate.valid_answers for key, rate in rates.items()} == {
        "awareness": 3100,
        "recognition": 3100,
        "satisfaction": 3100,
    }
    assert 0.79 <= rates["awareness"].rate <= 0.85
    assert 0.75 <= rates["recognition"].rate <= 0.81
    assert 0.82 <= rates["satisfaction"].rate <= 0.88
