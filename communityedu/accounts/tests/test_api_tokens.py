from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from communityedu.accounts.models import ApiToken, User
from communityedu.accounts.services import token_hash
from communityedu.activities.models import AttendanceEntry
from communityedu.core.models import AuditAction, AuditLogEntry
from communityedu.organization.models import RoleAssignment
from conftest import RESIDENT_PHONE, ZHANG_ID

REASON = "核对低保发放名单"


def test_create_api_token_prints_a_token_that_authenticates_the_api(world, client):
    out = StringIO()
    call_command("create_api_token", "office", "--name", "check-in tablet", stdout=out)
    token = out.getvalue().strip()

    response = client.get("/api/v1/towns", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
    assert [t["slug"] for t in response.json()["items"]] == ["xinmiao"]
    stored = ApiToken.objects.get()
    assert token not in stored.token_hash
    assert stored.last_used_at is not None


def test_an_unknown_token_is_refused(world, client):
    response = client.get("/api/v1/towns", HTTP_AUTHORIZATION="Bearer not-a-token")

    assert response.status_code == 401


def _token_for(username: str) -> str:
    out = StringIO()
    call_command("create_api_token", username, stdout=out)
    return out.getvalue().strip()


def test_a_token_revoked_or_an_account_disabled_elsewhere_is_refused_at_its_next_request(world, client):
    """The rows change by a plain update, as another server process would change them: nothing
    in this process is told, and the account kept for the token is still not used."""
    token = _token_for("office")
    device = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    first, second = client.get("/api/v1/towns", **device), client.get("/api/v1/towns", **device)  # now kept

    ApiToken.objects.update(is_active=False)
    revoked = client.get("/api/v1/towns", **device)
    ApiToken.objects.update(is_active=True)
    again = client.get("/api/v1/towns", **device)
    User.objects.filter(username="office").update(is_active=False)
    disabled = client.get("/api/v1/towns", **device)

    assert [r.status_code for r in (first, second, revoked, again, disabled)] == [200, 200, 401, 200, 401]


def test_a_role_taken_elsewhere_narrows_a_kept_token_at_its_next_request(world, client):
    token = _token_for("office")
    device = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    before = client.get("/api/v1/towns", **device)

    RoleAssignment.objects.filter(user__username="office").delete()
    after = client.get("/api/v1/towns", **device)

    assert (before.status_code, [t["slug"] for t in before.json()["items"]]) == (200, ["xinmiao"])
    assert (after.status_code, after.json()["items"]) == (200, [])


def _scoped_token(username: str, scope: str | None = None) -> str:
    out = StringIO()
    call_command("create_api_token", username, *(["--scope", scope] if scope else []), stdout=out)
    return out.getvalue().splitlines()[-1]


def _bearer(token: str) -> Client:
    return Client(headers={"authorization": f"Bearer {token}", "accept-language": "en"})


def test_create_api_token_keeps_the_scope_asked_and_default_when_none_is(world):
    tokens = {scope: _scoped_token("office", scope) for scope in ("checkin", "unmask", None)}

    stored = {token.token_hash: token.scope for token in ApiToken.objects.all()}

    assert {scope: stored[token_hash(raw)] for scope, raw in tokens.items()} == {
        "checkin": "checkin",
        "unmask": "unmask",
        None: "default",
    }
    with pytest.raises(CommandError, match="invalid choice: 'all'"):
        call_command("create_api_token", "office", "--scope", "all", stdout=StringIO())


def test_a_check_in_token_records_attendance_and_reads_nothing_else(world):
    device = _bearer(_scoped_token("school", "checkin"))

    register = device.get("/api/v1/people?town=xinmiao")
    person = device.get(f"/api/v1/people/{world.people['li'].pk}")
    activities = device.get("/api/v1/activities?town=xinmiao")
    checked_in = device.post(
        f"/api/v1/activities/{world.lecture.pk}/attendance",
        {"person": world.people["li"].pk},
        content_type="application/json",
    )

    assert (register.status_code, person.status_code, activities.status_code) == (403, 403, 403)
    assert register.json() == {"detail": "This token may only record attendance.", "errors": []}
    assert checked_in.status_code == 201
    assert AttendanceEntry.objects.filter(activity=world.lecture).count() == 1


def test_a_default_token_reads_the_register_masked_but_may_not_unmask(world):
    device = _bearer(_scoped_token("office"))
    person = world.people["li"]

    listed = device.get("/api/v1/people?town=xinmiao")
    masked_export = device.get("/api/v1/exports/people?town=xinmiao")
    unmasked = device.post(f"/api/v1/people/{person.pk}/unmask", {"reason": REASON}, content_type="application/json")
    unmasked_export = device.get(f"/api/v1/exports/people?town=xinmiao&unmasked=true&reason={REASON}")

    assert (listed.status_code, masked_export.status_code) == (200, 200)
    assert (unmasked.status_code, unmasked_export.status_code) == (403, 403)
    assert "--scope unmask" in unmasked.json()["detail"]
    assert not AuditLogEntry.objects.filter(action=AuditAction.UNMASK).exists()


def test_an_unmask_token_unmasks_and_exports_unmasked(world):
    device = _bearer(_scoped_token("office", "unmask"))
    person = world.people["zhang"]

    unmasked = device.post(f"/api/v1/people/{person.pk}/unmask", {"reason": REASON}, content_type="application/json")
    unmasked_export = device.get(f"/api/v1/exports/people?town=xinmiao&unmasked=true&reason={REASON}")

    assert unmasked.status_code == 200
    assert (unmasked.json()["id_number"], unmasked.json()["phone"]) == (ZHANG_ID, RESIDENT_PHONE)
    assert unmasked_export.status_code == 200
    assert AuditLogEntry.objects.filter(action=AuditAction.UNMASK, object_id=str(person.pk)).count() == 1
