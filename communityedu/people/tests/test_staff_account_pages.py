"""The accounts pages: the administrator (every town) and the town office (its own) disable and
re-enable accounts, give and withdraw roles, force a password reset and revoke API tokens."""

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from communityedu.accounts.models import ApiToken, User
from communityedu.accounts.services import create_api_token
from communityedu.core.models import AuditAction, AuditLogEntry
from communityedu.organization.models import Role, RoleAssignment
from communityedu.organization.services import assign_role
from conftest import PASSWORD


def _signed_in(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/sign-in/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _accounts_state() -> str:
    """Every account row, role assignment, token and audit entry, as one digest."""
    rows = [
        list(get_user_model().objects.order_by("pk").values_list()),
        list(RoleAssignment.objects.order_by("pk").values_list()),
        list(ApiToken.objects.order_by("pk").values_list()),
        AuditLogEntry.objects.exclude(action__in=[AuditAction.SIGN_IN, AuditAction.SIGN_OUT]).count(),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_the_administrator_disables_an_account_and_its_session_and_token_stop_at_once(world):
    volunteer = world.accounts["volunteer"]
    volunteer_session = _signed_in("volunteer")
    token = create_api_token(user=volunteer)
    assert volunteer_session.get("/activities/").status_code == 200

    response = _signed_in("admin").post(f"/people/accounts/{volunteer.pk}/disable/", {"reason": "调离岗位"})

    assert response.status_code == 302
    assert response["Location"] == f"/people/accounts/{volunteer.pk}/"
    next_page = volunteer_session.get("/activities/")
    assert next_page.status_code == 302
    assert next_page["Location"].startswith("/accounts/sign-in/")
    assert Client().get("/api/v1/towns", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    volunteer.refresh_from_db()
    assert (volunteer.is_active, volunteer.disabled_reason) == (False, "调离岗位")
    entry = AuditLogEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(volunteer.pk)).latest("pk")
    assert entry.actor_label == "admin"
    assert entry.changes["is_active"] == [True, False]
    assert entry.changes["reason"] == [None, "调离岗位"]


def test_a_re_enabled_account_signs_in_again(world):
    office = _signed_in("office")
    volunteer = world.accounts["volunteer"]
    office.post(f"/people/accounts/{volunteer.pk}/disable/", {"reason": ""})
    assert Client().post("/accounts/sign-in/", {"username": "volunteer", "password": PASSWORD}).status_code == 200

    response = office.post(f"/people/accounts/{volunteer.pk}/enable/")

    assert response.status_code == 302
    assert _signed_in("volunteer").get("/activities/").status_code == 200
    entry = AuditLogEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(volunteer.pk)).latest("pk")
    assert (entry.actor_label, entry.changes) == ("office", {"is_active": [False, True]})


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("disable/", {"reason": "试试"}),
        ("enable/", {}),
        ("password-reset/", {}),
        ("revoke-tokens/", {}),
        ("roles/", {"role": "teacher"}),
        ("", None),
    ],
)
def test_an_office_cannot_touch_an_account_of_another_town(world, path, data):
    volunteer = world.accounts["volunteer"]
    create_api_token(user=volunteer)
    nantuo = _signed_in("nantuo")
    before = _accounts_state()

    url = f"/people/accounts/{volunteer.pk}/{path}"
    response = nantuo.get(url) if data is None else nantuo.post(url, data)

    assert response.status_code == 404
    assert _accounts_state() == before


def test_an_office_cannot_withdraw_a_role_of_another_towns_account(world):
    volunteer = world.accounts["volunteer"]
    role = RoleAssignment.objects.get(user=volunteer)
    nantuo = _signed_in("nantuo")
    before = _accounts_state()

    response = nantuo.post(f"/people/accounts/{volunteer.pk}/roles/{role.pk}/withdraw/")

    assert response.status_code == 404
    assert _accounts_state() == before


def test_nobody_disables_their_own_account(world):
    admin = _signed_in("admin")
    before = _accounts_state()

    response = admin.post(f"/people/accounts/{world.accounts['admin'].pk}/disable/", {"reason": ""})

    assert response.status_code == 403
    assert _accounts_state() == before
    page = admin.get(f"/people/accounts/{world.accounts['admin'].pk}/").content.decode()
    assert "/disable/" not in page


def test_an_office_cannot_disable_an_account_holding_a_district_role(world):
    """An account of the town that also evaluates the district is the administrator's to manage."""
    teacher = world.accounts["teacher"]
    assign_role(user=teacher, role=Role.DISTRICT_EVALUATOR, district=world.district)
    office = _signed_in("office")
    before = _accounts_state()

    response = office.post(f"/people/accounts/{teacher.pk}/disable/", {"reason": ""})

    assert response.status_code == 403
    assert _accounts_state() == before
    assert "/disable/" not in office.get(f"/people/accounts/{teacher.pk}/").content.decode()


def test_an_office_may_not_give_a_system_or_district_role(world):
    office = _signed_in("office")
    volunteer = world.accounts["volunteer"]
    before = _accounts_state()

    for role in ("system_admin", "district_evaluator"):
        response = office.post(f"/people/accounts/{volunteer.pk}/roles/", {"role": role})

        assert response.status_code == 400
        assert "role" in response.context["role_form"].errors
    assert _accounts_state() == before
    choices = [value for value, _label in office.get("/people/accounts/new/").context["form"].fields["role"].choices]
    assert "system_admin" not in choices
    assert "district_evaluator" not in choices


def test_the_office_gives_a_role_and_withdraws_it_and_the_account_feels_it_at_once(world):
    office = _signed_in("office")
    volunteer = world.accounts["volunteer"]
    volunteer_session = _signed_in("volunteer")
    assert volunteer_session.get("/people/").status_code == 403

    response = office.post(f"/people/accounts/{volunteer.pk}/roles/", {"role": "school_staff"})

    assert response.status_code == 302
    given = RoleAssignment.objects.get(user=volunteer, role=Role.SCHOOL_STAFF)
    assert given.town == world.xinmiao
    assert volunteer_session.get("/people/").status_code == 200

    response = office.post(f"/people/accounts/{volunteer.pk}/roles/{given.pk}/withdraw/")

    assert response.status_code == 302
    assert sorted(RoleAssignment.objects.filter(user=volunteer).values_list("role", flat=True)) == ["volunteer"]
    assert volunteer_session.get("/people/").status_code == 403
    entry = AuditLogEntry.objects.filter(object_type="organization.RoleAssignment", action=AuditAction.DELETE).get()
    assert entry.actor_label == "office"
    assert entry.changes["role"] == ["school_staff", None]


def test_a_unit_role_names_a_unit_of_the_accounts_town(world):
    office = _signed_in("office")
    volunteer = world.accounts["volunteer"]
    before = _accounts_state()

    response = office.post(f"/people/accounts/{volunteer.pk}/roles/", {"role": "centre_director"})

    assert response.status_code == 400
    assert response.context["role_form"].errors["unit"] == ["这个角色只负责一个单位，请选择这个单位。"]
    assert _accounts_state() == before


def test_a_forced_password_reset_shows_a_new_password_once_and_the_holder_must_change_it(world):
    school = world.accounts["school"]
    school_session = _signed_in("school")
    token = create_api_token(user=school)

    response = _signed_in("office").post(f"/people/accounts/{school.pk}/password-reset/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = response.context["new_password"]
    assert len(password) == 12
    assert password in response.content.decode()
    assert school_session.get("/activities/")["Location"].startswith("/accounts/sign-in/")
    assert Client().post("/accounts/sign-in/", {"username": "school", "password": PASSWORD}).status_code == 200
    fresh = Client()
    assert fresh.post("/accounts/sign-in/", {"username": "school", "password": password}).status_code == 302
    assert fresh.get("/activities/")["Location"] == "/accounts/password/"
    refused = Client().get("/api/v1/towns", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert (refused.status_code, refused.json()["code"]) == (403, "password_change_required")
    entry = AuditLogEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(school.pk)).latest("pk")
    assert entry.actor_label == "office"
    assert password not in str(entry.changes)
    assert entry.changes == {"password": ["…", "…"], "must_change_password": [None, True]}


def test_revoking_an_accounts_tokens_stops_them_and_says_how_many(world):
    school = world.accounts["school"]
    tokens = [create_api_token(user=school, name=name) for name in ("签到平板", "脚本")]
    office = _signed_in("office")

    response = office.post(f"/people/accounts/{school.pk}/revoke-tokens/", follow=True)

    assert "已吊销 API 令牌：2 个。" in response.content.decode()
    for token in tokens:
        assert Client().get("/api/v1/towns", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert not ApiToken.objects.filter(user=school, is_active=True).exists()
    entry = AuditLogEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(school.pk)).latest("pk")
    assert (entry.actor_label, entry.changes) == ("office", {"api_tokens_revoked": [None, 2]})


def test_the_administrator_opens_a_district_evaluator_account_of_no_town(world):
    response = _signed_in("admin").post(
        "/people/accounts/new/",
        {"username": "pinggu2", "display_name": "区评估组", "password": "Fuling#Check9", "role": "district_evaluator"},
    )

    assert response.status_code == 302
    account = User.objects.get(username="pinggu2")
    assert account.town is None
    assert account.must_change_password is True
    assert list(RoleAssignment.objects.filter(user=account).values_list("role", "district")) == [
        ("district_evaluator", world.district.pk)
    ]


def test_the_accounts_list_offers_each_account_its_actions_as_a_card_on_a_phone(world, sign_in):
    locked = world.accounts["school"]
    User.objects.filter(pk=locked.pk).update(locked_until="2099-01-01T00:00:00Z")

    page = sign_in("office").get("/people/accounts/").content.decode()

    assert 'class="table-wrap stack-table account-list"' in page
    assert f'href="/people/accounts/{world.accounts["volunteer"].pk}/"' in page
    assert f'action="/people/accounts/{locked.pk}/unlock/"' in page
    assert f'href="/people/accounts/{world.accounts["office"].pk}/"' not in page  # never one's own
