"""The account policy holds on the API as on the pages, for page sessions and bearer tokens alike.

An office account that has not enrolled its required second factor, must change its initial
password, or whose password has expired is refused every API operation with 403 and a body naming
what to do; once it has done so the same calls pass. Signing out everywhere revokes its tokens.
"""

from datetime import timedelta
from io import StringIO

import pyotp
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from communityedu.accounts import two_factor
from communityedu.accounts.models import ApiToken, User
from communityedu.core.models import AuditAction, AuditLogEntry
from conftest import PASSWORD

NEW_PASSWORD = "Gengxin#2026"
REASON = "核对低保发放名单"


def _session(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    client.post("/accounts/sign-in/", {"username": username, "password": password})
    return client


def _token(username: str, *scope: str) -> str:
    out = StringIO()
    call_command("create_api_token", username, *scope, stdout=out)
    return out.getvalue().splitlines()[-1]


def _bearer(token: str) -> Client:
    return Client(headers={"authorization": f"Bearer {token}"})


def _list_people(client: Client):
    return client.get("/api/v1/people?town=xinmiao")


def _unmask(client: Client, person_id: int):
    return client.post(f"/api/v1/people/{person_id}/unmask", {"reason": REASON}, content_type="application/json")


def _require_second_factor(settings):
    settings.REQUIRE_2FA_FOR_STAFF = True


def _require_password_change(settings):
    User.objects.filter(username="office").update(must_change_password=True)


def _expire_password(settings):
    User.objects.filter(username="office").update(password_changed_at=timezone.now() - timedelta(days=91))


def _enrol_second_factor(session: Client) -> None:
    session.post("/accounts/two-factor/", {"action": "start"})
    user = User.objects.get(username="office")
    secret = two_factor.crypto.decrypt(user.totp_secret_encrypted)
    session.post("/accounts/two-factor/", {"action": "confirm", "code": pyotp.TOTP(secret).now()})


def _change_password(session: Client) -> None:
    session.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )


CONDITIONS = [
    ("second_factor_required", _require_second_factor, _enrol_second_factor),
    ("password_change_required", _require_password_change, _change_password),
    ("password_expired", _expire_password, _change_password),
]


@pytest.mark.parametrize(("code", "impose", "comply"), CONDITIONS, ids=[c[0] for c in CONDITIONS])
def test_the_api_refuses_a_session_the_policy_stops_until_the_account_complies(world, settings, code, impose, comply):
    impose(settings)
    session = _session("office")
    person = world.people["li"]

    listed, unmasked = _list_people(session), _unmask(session, person.pk)

    assert (listed.status_code, listed.json()["code"]) == (403, code)
    assert (unmasked.status_code, unmasked.json()["code"]) == (403, code)
    assert listed.json()["errors"] == []
    assert "/accounts/" in listed.json()["detail"]
    assert not AuditLogEntry.objects.filter(action=AuditAction.UNMASK).exists()
    comply(session)
    assert _list_people(session).status_code == 200
    assert _unmask(session, person.pk).status_code == 200
    assert AuditLogEntry.objects.filter(action=AuditAction.UNMASK, object_id=str(person.pk)).count() == 1


@pytest.mark.parametrize(("code", "impose", "comply"), CONDITIONS, ids=[c[0] for c in CONDITIONS])
def test_the_api_refuses_a_token_of_an_account_the_policy_stops_until_it_complies(
    world, settings, code, impose, comply
):
    impose(settings)
    device = _bearer(_token("office", "--scope", "unmask"))
    person = world.people["li"]

    listed, unmasked = _list_people(device), _unmask(device, person.pk)

    assert (listed.status_code, listed.json()) == (
        403,
        {"detail": listed.json()["detail"], "errors": [], "code": code},
    )
    assert (unmasked.status_code, unmasked.json()["code"]) == (403, code)
    assert not AuditLogEntry.objects.filter(action=AuditAction.UNMASK).exists()
    comply(_session("office"))
    assert _list_people(device).status_code == 200
    assert _unmask(device, person.pk).status_code == 200


def test_signing_out_everywhere_revokes_the_account_s_tokens_at_once(world, settings):
    token = _token("office")
    device = _bearer(token)
    assert _list_people(device).status_code == 200  # remembered by this process from now on

    _session("office").post("/accounts/sign-out-everywhere/")

    assert _list_people(device).status_code == 401
    assert list(ApiToken.objects.values_list("is_active", flat=True)) == [False]
    revoked = AuditLogEntry.objects.filter(action=AuditAction.SIGN_OUT, changes__api_tokens_revoked=1)
    assert list(revoked.values_list("object_id", flat=True)) == [str(world.accounts["office"].pk)]


def test_a_token_is_not_taken_by_the_pages(world):
    device = _bearer(_token("office", "--scope", "unmask"))

    register = device.get("/people/")

    assert (register.status_code, register["Location"]) == (302, "/accounts/sign-in/?next=/people/")
