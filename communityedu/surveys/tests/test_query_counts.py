"""The survey list, the results and the answer page take a fixed number of queries, however many
surveys, villages, questions and responses there are."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from communityedu.organization import services as org_services
from communityedu.surveys import services
from communityedu.surveys.tests.factories import paper, standard_survey


def _grow(world, survey, extra: int) -> None:
    start = survey.responses.count()
    for index in range(extra):
        village = org_services.ensure_village(town=world.xinmiao, name=f"新村{start + index}")
        org_services.set_population(village=village, year=2020, resident_population=100, actor=None)
        paper(world, survey, [(f"S{start + index}", village, ("是", "5", "4"))])


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_survey_pages_take_a_fixed_number_of_queries(world, sign_in):
    survey = standard_survey(world)
    client = sign_in("office")
    _grow(world, survey, 1)
    paths = ["/surveys/", f"/surveys/{survey.pk}/", f"/surveys/{survey.pk}/results/", f"/surveys/{survey.pk}/paper/"]
    for path in paths:
        client.get(path)  # warm the session
    before = {path: _queries(client, path) for path in paths}

    _grow(world, survey, 3)
    services.add_question(
        actor=None, survey=standard_survey(world, title="另一项调查", opened=False), text="备注", kind="free_text"
    )

    assert {path: _queries(client, path) for path in paths} == before
