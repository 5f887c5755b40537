"""Staff build a questionnaire on pages while it is a draft, then open and close it."""

from __future__ import annotations

from django.test import Client

from communityedu.surveys.models import Question, Survey
from conftest import PASSWORD


def _new_survey(client) -> Survey:
    client.post("/surveys/new/", {"title": "2020年社区教育调查", "year": "2020", "is_standard": "on"})
    return Survey.objects.get()


def test_the_office_builds_a_questionnaire_with_the_standard_questions(world, sign_in):
    client = sign_in("office")
    survey = _new_survey(client)

    client.post(f"/surveys/{survey.pk}/standard-questions/")
    client.post(f"/surveys/{survey.pk}/standard-questions/")  # a second click adds nothing
    client.post(
        f"/surveys/{survey.pk}/questions/",
        {"text": "您从哪里知道社区教育活动？", "kind": "multiple_choice", "choices": "村广播\n微信群\n宣传栏"},
    )
    custom = Question.objects.get(standard_key="")
    client.post(f"/surveys/questions/{custom.pk}/move/", {"direction": "up"})
    client.post(f"/surveys/questions/{custom.pk}/choices/", {"text": "亲友介绍"})

    questions = list(survey.questions.order_by("position"))
    assert [(q.standard_key, q.kind) for q in questions] == [
        ("awareness", "yes_no"),
        ("recognition", "scale"),
        ("", "multiple_choice"),
        ("satisfaction", "scale"),
    ]
    assert questions[0].text == "您是否知道新妙镇正在创建重庆市社区教育示范区？"
    assert list(custom.choices.values_list("text", flat=True)) == ["村广播", "微信群", "宣传栏", "亲友介绍"]


def test_an_open_survey_keeps_its_questions(world, sign_in):
    client = sign_in("school")
    survey = _new_survey(client)
    client.post(f"/surveys/{survey.pk}/standard-questions/")

    client.post(f"/surveys/{survey.pk}/open/")
    response = client.post(f"/surveys/{survey.pk}/questions/", {"text": "新问题", "kind": "free_text"}, follow=True)

    survey.refresh_from_db()
    assert survey.status == "open"
    assert survey.questions.count() == 3
    assert "问卷只能在草稿状态下修改。" in response.content.decode()


def test_closing_records_the_day_it_closed(world, sign_in):
    client = sign_in("office")
    survey = _new_survey(client)
    client.post(f"/surveys/{survey.pk}/standard-questions/")
    client.post(f"/surveys/{survey.pk}/open/")

    client.post(f"/surveys/{survey.pk}/close/")

    survey.refresh_from_db()
    assert survey.status == "closed"
    assert survey.closes_on is not None


def test_a_teacher_reads_but_cannot_change_a_survey(world, sign_in):
    survey = _new_survey(sign_in("office"))
    teacher = Client()
    teacher.post("/accounts/sign-in/", {"username": "teacher", "password": PASSWORD})

    assert teacher.get(f"/surveys/{survey.pk}/").status_code == 200
    assert teacher.post(f"/surveys/{survey.pk}/standard-questions/").status_code == 403
    assert survey.questions.count() == 0
