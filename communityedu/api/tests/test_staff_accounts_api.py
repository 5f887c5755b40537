"""Staff accounts over the API: the same rules as the pages, one error shape."""

import hashlib

from django.contrib.auth import get_user_model
from django.test import Client

from communityedu.accounts.models import ApiToken, User
from communityedu.accounts.services import create_api_token
from communityedu.core.models import AuditAction, AuditLogEntry
from communityedu.organization.models import RoleAssignment, Town, Unit, Village


def _api(username: str) -> Client:
    """A client calling with a token of ``username`` (as a device or script would)."""
    token = create_api_token(user=get_user_model().objects.get(username=username), name="script")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _state() -> str:
    rows = [
        list(get_user_model().objects.order_by("pk").values_list()),
        list(RoleAssignment.objects.order_by("pk").values_list()),
        list(ApiToken.objects.order_by("pk").values_list("pk", "is_active")),
        AuditLogEntry.objects.count(),
        Town.objects.count(),
        Village.objects.count(),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_the_office_lists_its_towns_accounts_with_roles_and_masked_phones(world):
    response = _api("office").get("/api/v1/accounts?town=xinmiao")

    assert response.status_code == 200
    body = response.json()
    usernames = [item["username"] for item in body["items"] if item["kind"] == "staff"]
    assert usernames == ["auditor", "center", "dept", "moderator", "office", "school", "teacher", "volunteer"]
    resident = next(item for item in body["items"] if item["kind"] == "resident")
    assert resident["phone"] == "138****0000"
    assert "13800000000" not in response.content.decode()
    center = next(item for item in body["items"] if item["username"] == "center")
    assert [(r["role"], r["unit"], r["town"]) for r in center["roles"]] == [
        ("centre_director", "弋阳村社区学习中心", "xinmiao")
    ]
    office = next(item for item in body["items"] if item["username"] == "office")
    assert office["active_api_tokens"] == 1


def test_another_towns_office_sees_none_of_its_accounts_and_touches_none(world):
    nantuo = _api("nantuo")
    volunteer = world.accounts["volunteer"]
    create_api_token(user=volunteer)
    before = _state()

    assert nantuo.get("/api/v1/accounts?town=xinmiao").status_code == 404
    for path, body in [
        ("disable", {"reason": "试试"}),
        ("enable", {}),
        ("password-reset", {}),
        ("revoke-tokens", {}),
        ("roles", {"role": "teacher"}),
    ]:
        response = nantuo.post(f"/api/v1/accounts/{volunteer.pk}/{path}", body, content_type="application/json")

        assert response.status_code == 404, path
        assert response.json() == {"detail": "未找到。", "errors": []}
    assert _state() == before


def test_the_office_opens_a_staff_account_that_must_change_its_password(world):
    shizi_centre = Unit.objects.get(town=world.xinmiao, name="十字村社区学习中心")

    response = _api("office").post(
        "/api/v1/accounts",
        {
            "town": "xinmiao",
            "username": "shizi",
            "display_name": "十字村主任",
            "password": "Shizi#2020",
            "role": "centre_director",
            "unit_id": shizi_centre.pk,
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["username"], body["town"], body["must_change_password"], body["is_active"]) == (
        "shizi",
        "xinmiao",
        True,
        True,
    )
    assert [(r["role"], r["unit_id"]) for r in body["roles"]] == [("centre_director", shizi_centre.pk)]


def test_a_taken_username_and_a_weak_password_are_refused_field_by_field(world):
    before = _state()
    office = _api("office")
    before = _state()

    response = office.post(
        "/api/v1/accounts",
        {"town": "xinmiao", "username": "school", "display_name": "某某", "password": "Qingshui#77", "role": "teacher"},
        content_type="application/json",
    )
    weak = office.post(
        "/api/v1/accounts",
        {"town": "xinmiao", "username": "new1", "display_name": "某某", "password": "password", "role": "teacher"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "username", "message": "这个用户名已经有人用了。"}]
    assert weak.status_code == 400
    assert {error["field"] for error in weak.json()["errors"]} == {"password"}
    assert _state() == before


def test_an_office_may_not_give_the_system_administrators_role(world):
    office = _api("office")
    before = _state()

    response = office.post(
        f"/api/v1/accounts/{world.accounts['volunteer'].pk}/roles",
        {"role": "system_admin"},
        content_type="application/json",
    )
    opened = office.post(
        "/api/v1/accounts",
        {
            "town": "xinmiao",
            "username": "boss",
            "display_name": "某某",
            "password": "Qingshui#77",
            "role": "system_admin",
        },
        content_type="application/json",
    )

    assert response.status_code == 403
    assert response.json()["errors"] == []
    assert opened.status_code == 403
    assert _state() == before


def test_nobody_disables_their_own_account_over_the_api(world):
    admin = _api("admin")
    before = _state()

    response = admin.post(f"/api/v1/accounts/{world.accounts['admin'].pk}/disable", content_type="application/json")

    assert response.status_code == 403
    assert response.json()["detail"] == "不能对自己的账号这样做：请另一位管理员或镇办公室办理。"
    assert _state() == before


def test_a_disabled_accounts_token_and_session_are_refused_on_the_next_request(world):
    volunteer_device = _api("volunteer")
    volunteer_session = Client()
    volunteer_session.post("/accounts/sign-in/", {"username": "volunteer", "password": "Xinmiao@2020"})
    assert volunteer_device.get("/api/v1/towns").status_code == 200

    response = _api("admin").post(
        f"/api/v1/accounts/{world.accounts['volunteer'].pk}/disable",
        {"reason": "调离岗位"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert (response.json()["is_active"], response.json()["disabled_reason"]) == (False, "调离岗位")
    assert response.json()["active_api_tokens"] == 0
    assert volunteer_device.get("/api/v1/towns").status_code == 401
    assert volunteer_session.get("/api/v1/towns").status_code == 401
    enabled = _api("admin").post(f"/api/v1/accounts/{world.accounts['volunteer'].pk}/enable")
    assert enabled.json()["is_active"] is True
    assert volunteer_device.get("/api/v1/towns").status_code == 401  # revoked tokens stay revoked


def test_a_forced_password_reset_answers_the_new_password_once_never_cached(world):
    school = world.accounts["school"]

    response = _api("office").post(f"/api/v1/accounts/{school.pk}/password-reset")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert (body["id"], body["must_change_password"], len(body["initial_password"])) == (school.pk, True, 12)
    school.refresh_from_db()
    assert school.check_password(body["initial_password"])
    assert school.must_change_password is True


def test_a_residents_pin_is_not_reset_as_a_staff_password(world):
    before = _state()
    office = _api("office")
    before = _state()

    response = office.post(f"/api/v1/accounts/{world.accounts['resident'].pk}/password-reset")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "account"
    assert _state() == before


def test_roles_are_given_and_withdrawn_over_the_api(world):
    office = _api("office")
    volunteer = world.accounts["volunteer"]

    given = office.post(f"/api/v1/accounts/{volunteer.pk}/roles", {"role": "teacher"}, content_type="application/json")

    assert given.status_code == 201
    assert (given.json()["role"], given.json()["town"]) == ("teacher", "xinmiao")
    withdrawn = office.post(f"/api/v1/accounts/{volunteer.pk}/roles/{given.json()['id']}/withdraw")
    assert withdrawn.status_code == 200
    assert [r["role"] for r in withdrawn.json()["roles"]] == ["volunteer"]
    assert (
        AuditLogEntry.objects.filter(action=AuditAction.DELETE, object_type="organization.RoleAssignment").count() == 1
    )


def test_revoking_tokens_says_how_many_were_active(world):
    school = world.accounts["school"]
    token = create_api_token(user=school)

    response = _api("admin").post(f"/api/v1/accounts/{school.pk}/revoke-tokens")

    assert response.json() == {"id": school.pk, "revoked": 1}
    assert Client().get("/api/v1/towns", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert User.objects.get(pk=school.pk).is_active is True
