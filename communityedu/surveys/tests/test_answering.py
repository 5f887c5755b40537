"""Residents answer online once per survey; staff enter paper sheets once per sheet number."""

from __future__ import annotations

import io

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from python_calamine import CalamineWorkbook

from communityedu.core.models import AuditLogEntry
from communityedu.surveys.models import Answer, Response
from communityedu.surveys.tests.factories import paper, questions_by_key, standard_survey


def _form(survey, awareness="1", recognition="5", satisfaction="4") -> dict:
    questions = questions_by_key(survey)
    return {
        f"q{questions['awareness'].pk}": awareness,
        f"q{questions['recognition'].pk}": recognition,
        f"q{questions['satisfaction'].pk}": satisfaction,
    }


def test_a_resident_answers_once_and_sees_the_earlier_answers_the_second_time(world, sign_in):
    survey = standard_survey(world)
    client = sign_in("resident")

    first = client.post(f"/surveys/{survey.pk}/answer/", _form(survey))
    second = client.post(f"/surveys/{survey.pk}/answer/", _form(survey, awareness="0", satisfaction="1"))
    page = client.get(f"/surveys/{survey.pk}/answer/")

    assert first.status_code == 302
    assert second.status_code == 200
    assert Response.objects.filter(survey=survey).count() == 1
    response = Response.objects.get(survey=survey)
    assert (response.channel, response.person, response.village) == ("online", world.people["zhang"], world.yiyang)
    assert sorted(Answer.objects.filter(response=response).values_list("value", flat=True)) == [1, 4, 5]
    text = page.content.decode()
    assert 'id="answered"' in text
    assert "比较满意" in text  # the satisfaction answer given the first time (4)
    assert '<form method="post" class="survey-form"' not in text


def test_a_required_question_left_blank_is_named_and_nothing_is_saved(world, sign_in):
    survey = standard_survey(world)
    client = sign_in("resident")

    response = client.post(f"/surveys/{survey.pk}/answer/", _form(survey, recognition=""))

    assert response.status_code == 400
    assert "这个问题需要回答" in response.content.decode()
    assert Response.objects.count() == 0


def test_a_draft_survey_cannot_be_answered(world, sign_in):
    survey = standard_survey(world, opened=False)

    response = sign_in("resident").post(f"/surveys/{survey.pk}/answer/", _form(survey))

    assert response.status_code == 404
    assert Response.objects.count() == 0


def test_residents_cannot_see_results(world, sign_in):
    survey = standard_survey(world)
    client = sign_in("resident")

    assert client.get(f"/surveys/{survey.pk}/results/").status_code == 403
    assert client.get(f"/surveys/{survey.pk}/results.xlsx").status_code == 403
    assert client.get(f"/api/v1/surveys/{survey.pk}/results").status_code == 403


def test_nantuo_office_sees_nothing_of_xinmiao(world, sign_in):
    survey = standard_survey(world)
    client = sign_in("nantuo")

    assert client.get(f"/surveys/{survey.pk}/").status_code == 404
    assert client.get(f"/surveys/{survey.pk}/results/").status_code == 404
    assert survey.title not in client.get("/surveys/").content.decode()
    assert client.get(f"/api/v1/surveys/{survey.pk}/results").status_code == 404


def _grid(survey, rows: list[tuple[str, str, str, str, str]]) -> dict:
    questions = questions_by_key(survey)
    data = {"rows": str(len(rows))}
    for index, (sheet, village, awareness, recognition, satisfaction) in enumerate(rows, start=1):
        data.update({f"sheet-{index}": sheet, f"village-{index}": village})
        data[f"q{questions['awareness'].pk}-{index}"] = awareness
        data[f"q{questions['recognition'].pk}-{index}"] = recognition
        data[f"q{questions['satisfaction'].pk}-{index}"] = satisfaction
    return data


def test_the_grid_enters_paper_sheets_and_refuses_a_sheet_entered_before(world, sign_in):
    survey = standard_survey(world)
    client = sign_in("office")

    entered = client.post(
        f"/surveys/{survey.pk}/paper/",
        _grid(survey, [("001", "弋阳村", "是", "5", "4"), ("002", "十字村", "否", "3", "2")]),
    )
    again = client.post(
        f"/surveys/{survey.pk}/paper/",
        _grid(survey, [("003", "弋阳村", "是", "4", "4"), ("001", "弋阳村", "是", "5", "4")]),
    )

    assert entered.status_code == 302
    assert again.status_code == 400
    assert "答卷 001 已经录入过。" in again.content.decode()
    assert sorted(Response.objects.filter(survey=survey).values_list("sheet_number", flat=True)) == ["001", "002"]


def test_a_sheet_number_twice_in_one_batch_is_refused_naming_both_rows(world, sign_in):
    survey = standard_survey(world)

    response = sign_in("office").post(
        f"/surveys/{survey.pk}/paper/",
        _grid(survey, [("007", "弋阳村", "是", "5", "4"), ("007", "十字村", "否", "3", "2")]),
    )

    assert response.status_code == 400
    assert "答卷 007 在第 1 行也有。" in response.content.decode()
    assert Response.objects.count() == 0


def _workbook(rows: list[list], header: list[str]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, header)
    for number, row in enumerate(rows, start=1):
        sheet.write_row(number, 0, row)
    workbook.close()
    return SimpleUploadedFile("纸质问卷.xlsx", buffer.getvalue())


def _header(survey) -> list[str]:
    return ["答卷编号", "村（社区）"] + [f"{n}. {q.text}" for n, q in enumerate(survey.questions.all(), start=1)]


def test_an_upload_with_errors_names_row_and_column_and_writes_nothing(world, sign_in):
    survey = standard_survey(world)
    rows = [
        ["101", "弋阳村", "是", 5, 4],
        ["102", "新村", "是", 5, 4],
        ["103", "十字村", "也许", 7, ""],
    ]

    response = sign_in("office").post(
        f"/surveys/{survey.pk}/paper/upload/", {"workbook": _workbook(rows, _header(survey))}
    )

    assert response.status_code == 400
    problems = [(p.row, p.column, p.reason) for p in response.context["problems"]]
    questions = list(survey.questions.all())
    assert problems == [
        (3, "村（社区）", "“新村”不是本镇的村或社区。"),
        (4, f"1. {questions[0].text}", "请填 是（1）或 否（0）。"),
        (4, f"2. {questions[1].text}", "请填 1 到 5 的分数（5 为最好）。"),
        (4, f"3. {questions[2].text}", "这个问题需要回答。"),
    ]
    assert Response.objects.count() == 0
    assert Answer.objects.count() == 0


def test_re_uploading_the_same_sheets_is_refused_with_the_rows_named(world, sign_in):
    survey = standard_survey(world)
    client = sign_in("office")
    rows = [["201", "弋阳村", "是", 5, 4], ["202", "十字村", "否", 2, 3]]

    first = client.post(f"/surveys/{survey.pk}/paper/upload/", {"workbook": _workbook(rows, _header(survey))})
    second = client.post(f"/surveys/{survey.pk}/paper/upload/", {"workbook": _workbook(rows, _header(survey))})

    assert first.status_code == 302
    assert second.status_code == 400
    assert [(p.row, p.reason) for p in second.context["problems"]] == [
        (2, "答卷 201 已经录入过。"),
        (3, "答卷 202 已经录入过。"),
    ]
    assert Response.objects.filter(survey=survey).count() == 2


def test_the_template_workbook_has_a_column_per_question_and_uploads_back(world, sign_in):
    survey = standard_survey(world)
    client = sign_in("office")

    template = client.get(f"/surveys/{survey.pk}/paper/template.xlsx")
    header = CalamineWorkbook.from_filelike(io.BytesIO(template.content)).get_sheet_by_index(0).to_python()[0]

    assert header == _header(survey)
    uploaded = client.post(
        f"/surveys/{survey.pk}/paper/upload/", {"workbook": _workbook([["301", "弋阳村", "1", "4", "5"]], header)}
    )
    assert uploaded.status_code == 302
    assert Response.objects.get().sheet_number == "301"


def test_results_show_counts_per_answer_and_respondents_per_village(world, sign_in):
    survey = standard_survey(world)
    paper(world, survey, [("1", world.yiyang, ("是", "5", "4")), ("2", world.yiyang, ("否", "3", "5"))])
    paper(world, survey, [("3", world.shizi, ("是", "4", "1"))])

    response = sign_in("evaluator").get(f"/surveys/{survey.pk}/results/")

    results = response.context["results"]
    assert results.respondents == 3
    by_key = {r.question.standard_key: r for r in results.questions}
    assert [(o.label, o.count) for o in by_key["awareness"].options] == [("是", 2), ("否", 1)]
    assert [o.count for o in by_key["satisfaction"].options] == [1, 1, 0, 0, 1]
    assert (by_key["satisfaction"].positive, by_key["satisfaction"].answered) == (2, 3)
    villages = {v.name: (v.respondents, v.population) for v in results.villages}
    assert villages == {"弋阳村": (2, 1840), "十字村": (1, 1720)}
    assert "张秀英" not in response.content.decode()


def test_the_results_export_is_audited(world, sign_in):
    survey = standard_survey(world)
    paper(world, survey, [("1", world.yiyang, ("是", "5", "4"))])

    response = sign_in("office").get(f"/surveys/{survey.pk}/results.xlsx")

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_name("各村").to_python()
    assert [row[:3] for row in sheet[1:]] == [["十字村", 0, 1720], ["弋阳村", 1, 1840]]
    assert AuditLogEntry.objects.filter(action="export", object_id=str(survey.pk)).count() == 1


def test_the_database_keeps_one_response_per_person_and_per_sheet(world):
    survey = standard_survey(world)
    paper(world, survey, [("900", world.yiyang, ("是", "5", "4"))])
    online = {"town": world.xinmiao, "survey": survey, "channel": "online", "submitted_at": timezone.now()}
    Response.objects.create(person=world.people["zhang"], **online)

    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(person=world.people["zhang"], **online)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(
            town=world.xinmiao, survey=survey, channel="paper", sheet_number="900", submitted_at=timezone.now()
        )
    assert Response.objects.filter(survey=survey).count() == 2
