"""Surveys over the API: answers once, paper sheets all or none, results in aggregate."""

from __future__ import annotations

from communityedu.surveys.models import Response
from communityedu.surveys.tests.factories import paper, questions_by_key, standard_survey


def _answers(survey, awareness="1", recognition="4", satisfaction="5") -> dict:
    questions = questions_by_key(survey)
    return {
        str(questions["awareness"].pk): awareness,
        str(questions["recognition"].pk): recognition,
        str(questions["satisfaction"].pk): satisfaction,
    }


def test_a_resident_submits_once_and_a_repeat_returns_the_first_response(world, sign_in):
    survey = standard_survey(world)
    client = sign_in("resident")
    url = f"/api/v1/surveys/{survey.pk}/responses"

    first = client.post(url, {"answers": _answers(survey)}, content_type="application/json")
    repeat = client.post(url, {"answers": _answers(survey, awareness="0")}, content_type="application/json")

    assert first.status_code == 201
    assert repeat.status_code == 200
    assert repeat.json()["id"] == first.json()["id"]
    assert repeat.json()["created"] is False
    assert Response.objects.filter(survey=survey).count() == 1


def test_an_invalid_answer_is_named_by_question(world, sign_in):
    survey = standard_survey(world)
    recognition = questions_by_key(survey)["recognition"]

    response = sign_in("resident").post(
        f"/api/v1/surveys/{survey.pk}/responses",
        {"answers": _answers(survey, recognition="9")},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == [f"answers.{recognition.pk}"]
    assert Response.objects.count() == 0


def test_paper_sheets_in_bulk_are_all_or_none_and_never_twice(world, sign_in):
    survey = standard_survey(world)
    client = sign_in("school")
    url = f"/api/v1/surveys/{survey.pk}/paper-responses"
    sheets = [
        {"sheet_number": "A-1", "village": "弋阳村", "answers": _answers(survey)},
        {"sheet_number": "A-2", "village": "十字村", "answers": _answers(survey, satisfaction="2")},
    ]

    entered = client.post(url, {"sheets": sheets}, content_type="application/json")
    again = client.post(
        url,
        {"sheets": [{"sheet_number": "A-3", "village": "弋阳村", "answers": _answers(survey)}, sheets[1]]},
        content_type="application/json",
    )

    assert entered.status_code == 201
    assert entered.json() == {"entered": 2}
    assert again.status_code == 400
    assert again.json()["problems"] == [{"row": 2, "column": "答卷编号", "reason": "答卷 A-2 已经录入过。"}]
    assert Response.objects.filter(survey=survey).count() == 2


def test_results_over_the_api_are_aggregates(world, sign_in):
    survey = standard_survey(world)
    paper(world, survey, [("1", world.yiyang, ("是", "5", "4")), ("2", world.shizi, ("否", "2", "5"))])

    body = sign_in("office").get(f"/api/v1/surveys/{survey.pk}/results").json()

    assert body["respondents"] == 2
    awareness = next(q for q in body["questions"] if q["standard_key"] == "awareness")
    assert (awareness["positive"], awareness["answered"]) == (1, 2)
    assert [(v["name"], v["respondents"], v["population"]) for v in body["villages"]] == [
        ("十字村", 1, 1720),
        ("弋阳村", 1, 1840),
    ]


def test_residents_list_only_the_open_surveys_of_their_town(world, sign_in):
    open_survey = standard_survey(world, title="开放中的调查")
    standard_survey(world, title="草稿调查", opened=False)

    body = sign_in("resident").get("/api/v1/surveys?town=xinmiao").json()["items"]

    assert [s["id"] for s in body] == [open_survey.pk]
