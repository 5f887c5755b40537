"""The assessment over the API."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from communityedu.assessment.indicator_sheet import DEFAULT_INDICATORS
from communityedu.assessment.models import CriterionWeight, EvidenceFile, IndicatorSystem, ManualScore
from conftest import png_bytes


def _load_default(client):
    return client.post(
        "/api/v1/assessment/indicators?town=xinmiao",
        {"file": SimpleUploadedFile("default.csv", DEFAULT_INDICATORS.read_bytes()), "name": "默认指标"},
    )


def test_the_office_loads_the_tree_and_reads_it_back(world, sign_in):
    client = sign_in("office")

    response = _load_default(client)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["version"], body["name"], body["total_points"], len(body["indicators"])) == (
        1,
        "默认指标",
        "100.00",
        20,
    )
    tree = client.get("/api/v1/assessment/indicators?town=xinmiao").json()
    assert [(i["code"], i["parent_code"], i["level"]) for i in tree["indicators"][:3]] == [
        ("1", None, 1),
        ("1.1", "1", 2),
        ("1.2", "1", 2),
    ]


def test_a_bad_sheet_answers_400_with_its_problems_and_loads_nothing(world, sign_in):
    client = sign_in("office")
    content = "编码,名称,分值,评分方式\n1,组织,10,人工\n1.1,下级,5,人工\n".encode()

    response = client.post(
        "/api/v1/assessment/indicators?town=xinmiao",
        {"file": SimpleUploadedFile("bad.csv", content)},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    problems = response.json()["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [(2, "评分方式"), (2, "分值")]
    assert IndicatorSystem.objects.count() == 0


def test_a_manual_score_changes_the_self_assessment_total(world, sign_in):
    client = sign_in("office")
    _load_default(client)
    before = client.get("/api/v1/assessment/self-assessment?town=xinmiao&year=2020&as_of=2020-12-31").json()

    response = client.post(
        "/api/v1/assessment/self-assessment/scores",
        {"town": "xinmiao", "code": "1.1", "year": 2020, "as_of": "2020-12-31", "points": "4.5", "comment": "已成立"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    after = client.get("/api/v1/assessment/self-assessment?town=xinmiao&year=2020&as_of=2020-12-31").json()
    assert Decimal(after["total"]) - Decimal(before["total"]) == Decimal("4.5")
    leaf = next(node for node in after["indicators"] if node["code"] == "1.1")
    assert (leaf["score"], leaf["comment"]) == ("4.50", "已成立")
    assert "1.1" not in [gap["code"] for gap in after["gaps"]] or after["gaps"][0]["code"] != "1.1"
    conditions_gap = next(gap for gap in after["gaps"] if gap["code"] == "1.2")
    assert conditions_gap["fix_path"] == "/assessment/conditions/"


def test_a_score_above_the_points_or_of_an_automatic_leaf_is_refused(world, sign_in):
    client = sign_in("office")
    _load_default(client)
    for code, points in (("1.1", "6"), ("3.1", "10")):
        response = client.post(
            "/api/v1/assessment/self-assessment/scores",
            {"town": "xinmiao", "code": code, "year": 2020, "as_of": "2020-12-31", "points": points, "comment": "x"},
            content_type="application/json",
        )
        assert response.status_code == 400
    assert ManualScore.objects.count() == 0


def test_conditions_are_set_with_evidence_and_the_missing_items_named(world, sign_in):
    client = sign_in("office")
    centre = world.yiyang_centre
    path = f"/api/v1/assessment/conditions/{centre.pk}?town=xinmiao&year=2020"

    response = client.put(
        path,
        {"venue_place": "弋阳村便民服务中心", "venue_area": "90", "staff": "主任", "staff_count": 2},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["states"] == {
        "venue": "no_evidence",
        "staff": "no_evidence",
        "funds": "no_value",
        "equipment": "no_value",
    }
    upload = client.post(
        f"/api/v1/assessment/conditions/{centre.pk}/evidence?town=xinmiao&year=2020",
        {"item": "venue", "file": SimpleUploadedFile("场地.png", png_bytes())},
    )
    assert upload.status_code == 201
    refused = client.post(
        f"/api/v1/assessment/conditions/{centre.pk}/evidence?town=xinmiao&year=2020",
        {"item": "venue", "file": SimpleUploadedFile("场地.png", b"not a picture")},
    )
    assert refused.status_code == 400
    assert EvidenceFile.objects.count() == 1

    listed = client.get("/api/v1/assessment/conditions?town=xinmiao&year=2020").json()["items"]
    line = next(line for line in listed if line["unit_id"] == centre.pk)
    assert (line["missing"], [f["original_name"] for f in line["files"]]) == (
        ["staff", "funds", "equipment"],
        ["场地.png"],
    )


def test_a_centre_director_reads_the_own_centre_and_the_own_village_committee_only(world, sign_in):
    client = sign_in("center")

    conditions = client.get("/api/v1/assessment/conditions?town=xinmiao&year=2020").json()["items"]
    units = client.get("/api/v1/assessment/units?town=xinmiao&year=2020&as_of=2020-12-31").json()

    assert [line["unit"] for line in conditions] == ["弋阳村社区学习中心"]
    assert [line["unit"] for line in units["units"]] == ["弋阳村村委会"]
    assert client.get("/api/v1/assessment/self-assessment?town=xinmiao").status_code == 403


def test_weights_are_set_all_or_none(world, sign_in):
    client = sign_in("office")

    refused = client.put(
        "/api/v1/assessment/weights?town=xinmiao&year=2020",
        {"weights": {"activities_with_evidence": "20", "bogus": "5"}},
        content_type="application/json",
    )
    accepted = client.put(
        "/api/v1/assessment/weights?town=xinmiao&year=2020",
        {"weights": {"activities_with_evidence": "20"}},
        content_type="application/json",
    )

    assert refused.status_code == 400
    assert accepted.json() == {
        "year": 2020,
        "weights": {
            "activities_with_evidence": "20",
            "village_participation": "30",
            "tasks_on_time": "20",
            "meeting_attendance": "10",
        },
    }
    assert list(CriterionWeight.objects.values_list("criterion", "weight")) == [
        ("activities_with_evidence", Decimal("20.00"))
    ]
    ranking = client.get("/api/v1/assessment/units?town=xinmiao&year=2020&as_of=2020-12-31").json()
    assert ranking["weights"] == {
        "activities_with_evidence": "20.00",
        "village_participation": "30",
        "tasks_on_time": "20",
        "meeting_attendance": "10",
    }
    assert [line["share_points"] for line in ranking["units"]] == ["5.00", "5.00", "5.00"]
