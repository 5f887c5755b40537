from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.utils import timezone

from communityedu.accounts.models import User
from communityedu.core.models import AuditAction, AuditLogEntry
from conftest import PASSWORD, RESIDENT_PHONE


def test_staff_sign_in_is_audited_with_the_source_ip(world, client):
    response = client.post("/accounts/sign-in/", {"username": "office", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")

    assert response.status_code == 302
    entry = AuditLogEntry.objects.filter(action=AuditAction.SIGN_IN).get()
    assert (entry.actor_label, entry.source_ip, entry.town) == ("office", "10.1.2.3", world.xinmiao)


def test_five_failed_attempts_lock_the_account_for_fifteen_minutes(world, client):
    for _attempt in range(5):
        response = client.post("/accounts/sign-in/", {"username": "office", "password": "wrong-Pass1"})
        assert response.status_code == 200

    office = User.objects.get(username="office")
    assert office.locked_until is not None
    assert timedelta(minutes=14) < office.locked_until - timezone.now() <= timedelta(minutes=15)
    response = client.post("/accounts/sign-in/", {"username": "office", "password": PASSWORD})
    assert response.status_code == 200
    assert "15" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditLogEntry.objects.filter(action=AuditAction.SIGN_IN_FAILED, object_id=str(office.pk)).count() == 6
    assert AuditLogEntry.objects.filter(action=AuditAction.LOCKED_OUT, object_id=str(office.pk)).count() == 1


def test_a_lock_ends_after_fifteen_minutes(world, client):
    office = User.objects.get(username="office")
    office.locked_until = timezone.now() - timedelta(seconds=1)
    office.save(update_fields=["locked_until"])

    response = client.post("/accounts/sign-in/", {"username": "office", "password": PASSWORD})

    assert response.status_code == 302
    office.refresh_from_db()
    assert office.locked_until is None


def test_a_resident_signs_in_with_phone_and_pin(world, client):
    response = client.post("/accounts/resident-sign-in/", {"phone": "138 0000 0000", "pin": "202020"})

    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    assert client.session["_auth_user_id"] == str(world.accounts["resident"].pk)


def test_a_wrong_pin_is_refused_and_counted(world, client):
    response = client.post("/accounts/resident-sign-in/", {"phone": RESIDENT_PHONE, "pin": "111111"})

    assert response.status_code == 200
    assert User.objects.get(pk=world.accounts["resident"].pk).failed_sign_in_count == 1


def test_a_resident_cannot_use_the_staff_form(world, client):
    resident = world.accounts["resident"]
    response = client.post("/accounts/sign-in/", {"username": resident.username, "password": "202020"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_phone_is_stored_encrypted_and_shown_masked(world):
    resident = User.objects.get(pk=world.accounts["resident"].pk)

    assert RESIDENT_PHONE not in resident.phone_encrypted
    assert RESIDENT_PHONE not in resident.phone_lookup
    assert resident.masked_phone == "138****0000"


@pytest.mark.parametrize(
    ("password", "accepted"),
    [("Xinmiao@2020", True), ("short1A", False), ("alllowercase1", False), ("Password1", False), ("Abcdefg12", True)],
)
def test_staff_passwords_need_eight_characters_of_three_classes_and_not_common(password, accepted):
    try:
        validate_password(password, User(username="clerk"))
    except ValidationError:
        assert not accepted
    else:
        assert accepted


def test_a_session_ends_after_thirty_idle_minutes(world, sign_in):
    client = sign_in("office")
    assert client.get("/org/").status_code == 200
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/org/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_sign_out_ends_the_session_and_is_audited(world, sign_in):
    client = sign_in("office")

    response = client.post("/accounts/sign-out/")

    assert response.status_code == 302
    assert client.get("/org/").status_code == 302
    assert AuditLogEntry.objects.filter(action=AuditAction.SIGN_OUT, actor_label="office").count() == 1
