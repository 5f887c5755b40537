"""The plan over the API: the same rules as the pages, answered in JSON."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from communityedu.planning.constants import NoticeStatus, RectificationStatus
from communityedu.planning.models import Meeting, Notice, RectificationItem, Task
from communityedu.planning.tests.factories import plan_world, second_office_account
from conftest import PASSWORD, png_bytes

JSON = "application/json"


@pytest.fixture
def plan(world):
    return plan_world(world)


def test_progress_per_phase_and_unit_as_of_a_date(world, plan, sign_in):
    body = sign_in("office").get("/api/v1/planning/progress?town=xinmiao&as_of=2020-08-01").json()

    assert body["overall"] == {"total": 2, "done": 0, "overdue": 2, "percent": 0}
    assert [(row["phase"]["number"], row["phase"]["ends_on"], row["progress"]["total"]) for row in body["phases"]] == [
        (1, "2020-04-30", 0),
        (2, "2020-05-31", 0),
        (3, "2020-07-31", 2),
        (4, "2020-09-30", 0),
        (5, "2020-10-31", 0),
    ]
    assert [row["unit"] for row in body["units"]] == ["新妙镇社区学校", "民政办"]


def test_the_office_creates_a_task_and_a_unit_marks_it_done(world, plan, sign_in, client):
    created = sign_in("office").post(
        "/api/v1/planning/tasks",
        {
            "town": "xinmiao",
            "phase_id": plan.phases[4].pk,
            "unit_id": world.civil_affairs.pk,
            "title": "自查自评",
            "due_on": "2020-09-20",
            "owner": "民政办主任",
        },
        content_type=JSON,
    )
    assert created.status_code == 201
    task_id = created.json()["id"]
    assert created.json()["status"] == "not_started"

    client.logout()
    client.post("/accounts/sign-in/", {"username": "dept", "password": PASSWORD})
    done = client.post(
        f"/api/v1/planning/tasks/{task_id}/status", {"status": "done", "done_on": "2020-09-18"}, content_type=JSON
    )
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["done_on"], done.json()["is_done_late"]) == ("done", "2020-09-18", False)
    refused = client.post(
        f"/api/v1/planning/tasks/{plan.school_task.pk}/status", {"status": "in_progress"}, content_type=JSON
    )
    assert refused.status_code == 404


def test_a_task_for_a_unit_of_another_town_is_refused_with_a_reason(world, plan, sign_in):
    response = sign_in("office").post(
        "/api/v1/planning/tasks",
        {"town": "xinmiao", "phase_id": plan.phases[3].pk, "unit_id": 999999, "title": "x", "due_on": "2020-07-01"},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "unit_id: unit 999999 is not a unit of xinmiao",
        "errors": [{"field": "unit_id", "message": "unit 999999 is not a unit of xinmiao"}],
    }
    assert Task.objects.filter(title="x").count() == 0


def test_done_without_a_date_is_refused(world, plan, sign_in):
    response = sign_in("office").post(
        f"/api/v1/planning/tasks/{plan.task.pk}/status", {"status": "done"}, content_type=JSON
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "done_on: 请填写任务完成的日期。",
        "errors": [{"field": "done_on", "message": "请填写任务完成的日期。"}],
    }


def test_task_evidence_is_uploaded(world, plan, sign_in):
    response = sign_in("dept").post(
        f"/api/v1/planning/tasks/{plan.task.pk}/evidence",
        {"file": SimpleUploadedFile("照片.png", png_bytes(), content_type="image/png")},
    )
    assert response.status_code == 201
    assert response.json()["original_name"] == "照片.png"
    refused = sign_in("dept").post(
        f"/api/v1/planning/tasks/{plan.task.pk}/evidence", {"file": SimpleUploadedFile("x.exe", b"MZ\x90")}
    )
    assert refused.status_code == 400
    assert plan.task.files.count() == 1


def test_the_office_records_a_joint_meeting_with_an_action_item_and_closes_it(world, plan, sign_in):
    client = sign_in("office")
    meeting = client.post(
        "/api/v1/planning/meetings",
        {
            "town": "xinmiao",
            "kind": "joint",
            "title": "2020年第二次联席会议",
            "held_on": "2020-11-10",
            "invited_unit_ids": [world.civil_affairs.pk, world.school.pk],
            "attended_unit_ids": [world.school.pk],
            "decisions": "12月底前完成整改。",
        },
        content_type=JSON,
    )
    assert meeting.status_code == 201
    assert sorted((row["unit"], row["attended"]) for row in meeting.json()["invitations"]) == [
        ("新妙镇社区学校", True),
        ("民政办", False),
    ]
    meeting_id = meeting.json()["id"]
    item = client.post(
        f"/api/v1/planning/meetings/{meeting_id}/action-items",
        {"unit_id": world.school.pk, "description": "补齐讲座签到表", "due_on": "2020-12-31"},
        content_type=JSON,
    )
    assert item.status_code == 201
    assert (item.json()["source"], item.json()["meeting_id"], item.json()["status"]) == ("meeting", meeting_id, "open")

    closed = client.post(
        f"/api/v1/planning/rectification/{item.json()['id']}/close",
        {"closing_note": "已补齐", "closed_on": "2020-12-20"},
        content_type=JSON,
    )
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["closed_on"]) == ("closed", "2020-12-20")
    years = client.get("/api/v1/planning/joint-meetings?town=xinmiao&as_of=2021-01-05").json()["items"]
    assert years == [
        {"year": 2020, "held": 2, "status": "held", "is_flagged": False},
        {"year": 2021, "held": 0, "status": "not_yet", "is_flagged": True},
    ]


def test_rectification_lists_by_state(world, plan, sign_in):
    client = sign_in("dept")
    overdue = client.get("/api/v1/planning/rectification?town=xinmiao&state=overdue&as_of=2020-08-15").json()["items"]
    open_items = client.get("/api/v1/planning/rectification?town=xinmiao&state=open&as_of=2020-07-15").json()["items"]
    assert [item["description"] for item in overdue] == ["指导十字村建成学习中心"]
    assert [item["description"] for item in open_items] == ["指导十字村建成学习中心"]
    assert client.get("/api/v1/planning/rectification?town=xinmiao&state=later").status_code == 400

    noted = client.post(
        f"/api/v1/planning/rectification/{plan.action_item.pk}/notes", {"text": "已指导"}, content_type=JSON
    )
    assert noted.json()["status"] == RectificationStatus.IN_PROGRESS


def test_a_notice_is_approved_by_another_account_and_published(world, plan, sign_in, client):
    office = sign_in("office")
    same = office.post(f"/api/v1/planning/notices/{plan.notice.pk}/approve")
    assert same.status_code == 400
    assert same.json() == {
        "detail": "通报须由起草人以外的另一个账号审核。",
        "errors": [{"field": "", "message": "通报须由起草人以外的另一个账号审核。"}],
    }

    second_office_account(world)
    client.logout()
    client.post("/accounts/sign-in/", {"username": "office2", "password": PASSWORD})
    assert client.post(f"/api/v1/planning/notices/{plan.notice.pk}/approve").json()["status"] == "approved"
    published = client.post(f"/api/v1/planning/notices/{plan.notice.pk}/publish")

    assert published.status_code == 200
    assert Notice.objects.get(pk=plan.notice.pk).status == NoticeStatus.PUBLISHED
    assert list(RectificationItem.objects.filter(notice=plan.notice).values_list("unit__name", "due_on")) == [
        ("民政办", date(2020, 9, 15))
    ]


def test_a_commendation_of_an_individual_is_drafted(world, plan, sign_in):
    response = sign_in("office").post(
        "/api/v1/planning/notices",
        {
            "town": "xinmiao",
            "kind": "commendation",
            "title": "表扬通报",
            "body": "特予表扬。",
            "subjects": [{"unit_id": plan.committee.pk}, {"unit_id": plan.committee.pk, "person_name": "刘芳"}],
        },
        content_type=JSON,
    )
    assert response.status_code == 201
    assert [(s["unit"], s["person_name"]) for s in response.json()["subjects"]] == [
        ("弋阳村村委会", ""),
        ("弋阳村村委会", "刘芳"),
    ]


def test_the_evaluation_is_recorded_and_raises_items(world, plan, sign_in):
    client = sign_in("office")
    evaluation = client.post(
        "/api/v1/planning/evaluations",
        {
            "town": "xinmiao",
            "held_on": "2020-10-20",
            "evaluators": "涪陵区评估组",
            "score": "91.5",
            "conclusion": "通过验收",
            "is_accepted": True,
        },
        content_type=JSON,
    )
    assert evaluation.status_code == 201
    item = client.post(
        f"/api/v1/planning/evaluations/{evaluation.json()['id']}/items",
        {"unit_id": world.school.pk, "description": "完善学习平台", "due_on": "2020-12-31"},
        content_type=JSON,
    )
    assert item.status_code == 201
    listed = client.get("/api/v1/planning/evaluations?town=xinmiao").json()["items"]
    assert [(e["score"], [i["description"] for i in e["rectification_items"]]) for e in listed] == [
        ("91.50", ["完善学习平台"])
    ]


def test_the_overview_is_for_the_office_and_evaluators(world, plan, sign_in, client):
    body = sign_in("evaluator").get("/api/v1/planning/overview?town=xinmiao&as_of=2020-12-31").json()
    assert [phase["name"] for phase in body["phases"]] == ["机构建立", "动员部署", "全面实施", "自查总结", "评估验收"]
    assert [(m["title"], m["invited"], m["attended"]) for m in body["meetings"]] == [
        ("2020年第一次联席会议", ["民政办", "弋阳村村委会"], ["民政办"])
    ]
    client.logout()
    client.post("/accounts/sign-in/", {"username": "dept", "password": PASSWORD})
    assert client.get("/api/v1/planning/overview?town=xinmiao").status_code == 403


def test_a_unit_sees_only_the_meetings_it_was_invited_to(world, plan, sign_in):
    assert sign_in("school").get("/api/v1/planning/meetings?town=xinmiao").json() == {"items": [], "count": 0}
    assert Meeting.objects.count() == 1
