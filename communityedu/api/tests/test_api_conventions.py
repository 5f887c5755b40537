"""The conventions every client of the API relies on (docs/api.md): one error shape, paged lists
with a bounded ``limit``, years from 2000 to 2100, ids beyond the database's range not found, no
5xx on bad input, and an OpenAPI document that says all of it."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from communityedu.activities.models import Activity
from communityedu.api.api import api
from communityedu.people.models import Person

HUGE = 2**70
BEYOND_POSTGRES = 2**31


def _post_json(client, path: str, body: dict | str):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(path, data, content_type="application/json")


def _activity_body(world, **changes) -> dict:
    return {
        "town": "xinmiao",
        "title": "防溺水讲座",
        "kind": "lecture",
        "organiser_id": world.school.pk,
        "starts_at": "2026-06-01T09:00:00+08:00",
        "ends_at": "2026-06-01T10:00:00+08:00",
    } | changes


# ---- the error shape ----------------------------------------------------------------------------


def test_a_refused_field_is_named_in_the_error_shape(world, sign_in):
    response = sign_in("office").get("/api/v1/funding/summary?town=xinmiao&year=0")

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert [error["field"] for error in body["errors"]] == ["year"]
    assert "year" in body["detail"]


def test_not_found_and_not_allowed_answer_the_error_shape(world, sign_in):
    client = sign_in("resident")

    assert client.get("/api/v1/towns/nowhere").json() == {"detail": "未找到。", "errors": []}
    refused = client.get("/api/v1/people?town=xinmiao")
    assert (refused.status_code, refused.json()) == (403, {"detail": "Not allowed", "errors": []})


def test_an_unauthenticated_call_answers_the_error_shape(client, db):
    response = client.get("/api/v1/towns")

    assert (response.status_code, response.json()) == (401, {"detail": "Unauthorized", "errors": []})


def test_a_service_refusal_without_a_field_answers_an_empty_field_name(world, sign_in):
    body = _activity_body(world, ends_at="2026-06-01T08:00:00+08:00")

    response = _post_json(sign_in("office"), "/api/v1/activities", body)

    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == [{"field": "", "message": body["detail"]}]
    assert not Activity.objects.filter(title="防溺水讲座").exists()


# ---- lists and their limit ----------------------------------------------------------------------


def test_a_list_answers_items_and_count(world, sign_in):
    body = sign_in("office").get("/api/v1/towns?limit=1").json()

    assert (len(body["items"]), body["count"]) == (1, 1)


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=501", "limit"), ("limit=-1", "limit"), ("limit=ten", "limit"), ("offset=-1", "offset"),
     ("offset=1.5", "offset"), (f"offset={HUGE}", "offset"), (f"limit={HUGE}", "limit")],
)  # fmt: skip
def test_a_limit_or_offset_out_of_bounds_is_a_400_naming_it(world, sign_in, query, field):
    response = sign_in("office").get(f"/api/v1/people?town=xinmiao&{query}")

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_a_limit_of_500_is_served(world, sign_in):
    response = sign_in("office").get("/api/v1/people?town=xinmiao&limit=500")

    assert (response.status_code, response.json()["count"]) == (200, Person.objects.filter(town=world.xinmiao).count())


# ---- years, ids and large numbers ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/api/v1/people/{zhang}/points?year=-696", "/api/v1/funding/summary?town=xinmiao&year=0",
     "/api/v1/planning/meetings?town=xinmiao&year=-2715", "/api/v1/metrics?town=xinmiao&year=2101",
     "/api/v1/assessment/conditions?town=xinmiao&year=1999"],
)  # fmt: skip
def test_a_year_outside_2000_to_2100_is_a_400_naming_the_year(world, sign_in, path):
    response = sign_in("office").get(path.format(zhang=world.people["zhang"].pk))

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["year"]


@pytest.mark.parametrize(
    ("path", "field"),
    [("/api/v1/metrics?town=xinmiao&as_of=9999-12-31", "as_of"), ("/api/v1/metrics?town=xinmiao&as_of=0001-01-01", "as_of"),
     ("/api/v1/activities?town=xinmiao&month=9999-12", "month"), ("/api/v1/activities?town=xinmiao&month=0001-01", "month")],
)  # fmt: skip
def test_a_date_or_month_in_a_year_outside_2000_to_2100_is_a_400_naming_it(world, sign_in, path, field):
    response = sign_in("office").get(path)

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_a_certificate_for_year_0_is_a_400_naming_the_year(world, sign_in):
    response = _post_json(sign_in("office"), f"/api/v1/people/{world.people['zhang'].pk}/certificates", {"year": 0})

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["year"]


@pytest.mark.parametrize("number", [0, -5, BEYOND_POSTGRES, 2**63, HUGE])
def test_an_id_beyond_the_database_range_is_not_found(world, sign_in, number):
    client = sign_in("office")

    for path in (f"/api/v1/people/{number}", f"/api/v1/activities/{number}", f"/api/v1/people/{number}/points"):
        response = client.get(path)
        assert (response.status_code, response.json()) == (404, {"detail": "未找到。", "errors": []}), path


@pytest.mark.parametrize("number", [BEYOND_POSTGRES, 2**63, HUGE])
def test_a_huge_number_in_a_filter_is_a_400_naming_it(world, sign_in, number):
    client = sign_in("office")

    for path, field in (
        (f"/api/v1/people?town=xinmiao&village_id={number}", "village_id"),
        (f"/api/v1/exports/people?town=xinmiao&tag_id={number}", "tag_id"),
        (f"/api/v1/planning/tasks?town=xinmiao&unit_id={number}", "unit_id"),
    ):
        response = client.get(path)
        assert response.status_code == 400, path
        assert [error["field"] for error in response.json()["errors"]] == [field], path


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:00:00+08:00"])
def test_an_activity_outside_the_plan_s_years_is_a_400_naming_its_start(world, sign_in, moment):
    body = _activity_body(
        world, starts_at=moment, ends_at=moment.replace("T00:00", "T00:30").replace("T23:00", "T23:30")
    )

    response = _post_json(sign_in("office"), "/api/v1/activities", body)

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["starts_at", "ends_at"]


def test_a_huge_number_in_a_body_is_a_400_naming_it(world, sign_in):
    response = _post_json(sign_in("office"), "/api/v1/activities", _activity_body(world, capacity=HUGE))

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["capacity"]


# ---- text ---------------------------------------------------------------------------------------


def test_a_lone_surrogate_in_json_text_is_a_400(world, sign_in):
    body = json.dumps(_activity_body(world), ensure_ascii=False).replace("防溺水讲座", "\\ud800")
    before = Activity.objects.count()

    response = _post_json(sign_in("office"), "/api/v1/activities", body)

    assert response.status_code == 400
    assert "surrogate" in response.json()["detail"]
    assert Activity.objects.count() == before


def test_an_overlong_title_is_a_400_naming_it_and_nothing_is_cut(world, sign_in):
    response = _post_json(sign_in("office"), "/api/v1/activities", _activity_body(world, title="讲" * 121))

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["title"]
    assert not Activity.objects.filter(title__startswith="讲讲").exists()


@pytest.mark.parametrize("title", ["防溺水\n讲座", "防溺水\x07讲座", "\u200b\u200b", "   ", "\u3164"])
def test_control_or_only_invisible_characters_in_a_title_are_a_400(world, sign_in, title):
    response = _post_json(sign_in("office"), "/api/v1/activities", _activity_body(world, title=title))

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["title"]


# ---- the OpenAPI document -----------------------------------------------------------------------


# ninja's containers of an operation's parameters and answers: never components of the document.
CONTAINERS = ("Params", "NinjaResponseSchema")


def _schemas_of(model, found: dict[str, dict], seen: set) -> None:
    if not (isinstance(model, type) and issubclass(model, BaseModel)) or model in seen:
        return
    seen.add(model)
    if not model.__name__.endswith(CONTAINERS):
        # Two classes of one name are one component: a problem when they differ (the document
        # then gives one operation the other's body).
        found.setdefault(model.__name__, {})[json.dumps(model.model_json_schema(), sort_keys=True)] = model
    for field in model.model_fields.values():
        for inner in _types_in(field.annotation):
            _schemas_of(inner, found, seen)


def _types_in(annotation) -> list:
    inner = [annotation]
    for argument in getattr(annotation, "__args__", ()) or ():
        inner += _types_in(argument)
    return inner


def test_every_schema_of_the_document_has_a_unique_name():
    found: dict[str, dict] = {}
    seen: set = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    _schemas_of(model, found, seen)
                for response_model in operation.response_models.values():
                    _schemas_of(response_model, found, seen)

    assert len(found) > 100
    assert {name: len(shapes) for name, shapes in found.items() if len(shapes) > 1} == {}


def test_the_attendance_operation_documents_its_own_body():
    schema = api.get_openapi_schema()
    body = schema["paths"]["/api/v1/activities/{activity_id}/attendance"]["post"]["requestBody"]
    reference = body["content"]["application/json"]["schema"]["$ref"].split("/")[-1]

    assert set(schema["components"]["schemas"][reference]["properties"]) == {
        "person",
        "card",
        "role",
        "client_id",
        "scanned_at",
    }


def test_every_operation_documents_its_error_statuses():
    schema = api.get_openapi_schema()
    missing = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            expected = {"400"} | ({"401", "403"} if operation.get("security") else set())
            if method in {"post", "put"}:
                expected |= {"404", "409"}
            if not expected <= set(operation["responses"]):
                missing.append(f"{method} {path}")

    assert missing == []


def test_every_whole_number_and_text_of_the_input_is_bounded():
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    unbounded = []

    def check(where: str, definition: dict) -> None:
        for option in definition.get("anyOf", [definition]):
            if option.get("type") == "integer" and "maximum" not in option:
                unbounded.append(where)
            if option.get("type") == "string" and not ({"maxLength", "format", "enum"} & set(option)):
                unbounded.append(where)
            if option.get("type") == "array":
                check(f"{where}[]", option.get("items", {}))
            if "$ref" in option:
                walk(option["$ref"].split("/")[-1])

    seen: set[str] = set()

    def walk(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        for field, definition in components[name].get("properties", {}).items():
            check(f"{name}.{field}", definition)

    for item in schema["paths"].values():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                if parameter["name"] not in {
                    "town",
                    "slug",
                    "q",
                    "target",
                    "code",
                    "kind",
                    "state",
                    "reason",
                    "unit_type",
                    "month",
                }:
                    check(f"{method} {parameter['name']}", parameter["schema"])
            for content in operation.get("requestBody", {}).get("content", {}).values():
                body = content["schema"]
                if "$ref" in body:
                    walk(body["$ref"].split("/")[-1])
                for field, definition in body.get("properties", {}).items():
                    check(f"{method} form {field}", definition)

    # Decimal amounts arrive as strings that pydantic reads as numbers (their bounds are the services').
    assert [where for where in unbounded if not where.endswith(DECIMAL_FIELDS)] == []


DECIMAL_FIELDS = (
    ".amount", ".value", ".participation", ".awareness", ".recognition", ".satisfaction", ".venue_area",
    ".yearly_funds", ".points", ".score", ".answers", ".threshold_percent", "file",
)  # fmt: skip
