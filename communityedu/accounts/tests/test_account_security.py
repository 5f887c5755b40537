"""Account security: initial and expired passwords, trivial PINs, signing out everywhere, the second factor."""

from datetime import date, timedelta

import pyotp
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from communityedu.accounts import services, two_factor
from communityedu.accounts.models import User
from communityedu.accounts.validators import validate_pin
from communityedu.core import crypto
from communityedu.core.models import AuditLogEntry
from conftest import PASSWORD, RESIDENT_PHONE, RESIDENT_PIN

NEW_PASSWORD = "Gengxin#2026"


def _staff_client(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    client.post("/accounts/sign-in/", {"username": username, "password": password})
    return client


@pytest.mark.parametrize("pin", ["000000", "888888", "123456", "654321", "234567", "560301", "030156"])
def test_trivial_pins_and_the_birth_date_are_refused(pin):
    with pytest.raises(ValidationError) as refused:
        validate_pin(pin, birth_date=date(1956, 3, 1))

    assert [problem.code for problem in refused.value.error_dict["pin"]] == ["pin_too_simple"]


def test_an_ordinary_pin_is_accepted():
    validate_pin("202020", birth_date=date(1956, 3, 1))
    validate_pin("730914")


def test_an_initial_password_must_be_changed_before_anything_else(world):
    services.create_staff_account(username="newclerk", password="Chushi#2026", town=world.xinmiao)
    client = _staff_client("newclerk", "Chushi#2026")

    blocked = client.get("/people/")
    changed = client.post(
        "/accounts/password/",
        {"old_password": "Chushi#2026", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert (blocked.status_code, blocked["Location"]) == (302, "/accounts/password/")
    assert (changed.status_code, changed["Location"]) == (302, "/accounts/security/")
    assert client.get("/org/").status_code in (200, 403)  # no longer sent to the password page
    assert client.get("/org/").get("Location") is None
    user = User.objects.get(username="newclerk")
    assert (user.must_change_password, user.check_password(NEW_PASSWORD)) == (False, True)
    assert AuditLogEntry.objects.filter(object_id=str(user.pk), changes__has_key="password").count() == 1


def test_a_new_password_must_follow_the_policy(world):
    client = _staff_client("office")

    response = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": "office123", "new_password2": "office123"}
    )

    assert response.status_code == 200
    problems = response.context["form"].errors.as_data()
    assert {problem.code for problem in problems["new_password2"]} == {"password_too_similar", "password_too_simple"}
    assert User.objects.get(username="office").check_password(PASSWORD)


def test_an_expired_password_sends_staff_to_the_password_page_and_the_expiry_is_configurable(world, settings):
    User.objects.filter(username="office").update(password_changed_at=timezone.now() - timedelta(days=91))
    client = _staff_client("office")

    expired = client.get("/org/")
    settings.PASSWORD_EXPIRY_DAYS = 0
    never = client.get("/org/")

    assert (expired.status_code, expired["Location"]) == (302, "/accounts/password/")
    assert never.status_code == 200


def test_residents_change_their_pin_and_trivial_ones_are_refused(world):
    client = Client()
    client.post("/accounts/resident-sign-in/", {"phone": RESIDENT_PHONE, "pin": RESIDENT_PIN})

    trivial = client.post(
        "/accounts/password/", {"current_pin": RESIDENT_PIN, "new_pin": "111111", "new_pin_again": "111111"}
    )
    changed = client.post(
        "/accounts/password/", {"current_pin": RESIDENT_PIN, "new_pin": "730914", "new_pin_again": "730914"}
    )

    assert trivial.status_code == 200
    assert [problem.code for problem in trivial.context["form"].errors.as_data()["new_pin"]] == ["pin_too_simple"]
    assert changed.status_code == 302
    assert services.find_resident_by_phone(RESIDENT_PHONE).check_password("730914")


def test_signing_out_everywhere_ends_the_sessions_on_other_devices(world):
    phone, computer = _staff_client("school"), _staff_client("school")
    assert computer.get("/activities/").status_code == 200

    phone.post("/accounts/sign-out-everywhere/")

    after = computer.get("/activities/")
    assert (after.status_code, after["Location"]) == (302, "/accounts/sign-in/?next=/activities/")
    assert _staff_client("school").get("/activities/").status_code == 200  # signing in again works


def _enrol(user: User) -> pyotp.TOTP:
    secret = two_factor.start_enrolment(user=user)
    totp = pyotp.TOTP(secret)
    two_factor.confirm_enrolment(user=user, code=totp.now())
    return totp


def test_with_a_second_factor_the_sign_in_asks_for_a_code_that_works_once(world):
    user = User.objects.get(username="school")
    totp = _enrol(user)
    assert crypto.decrypt(user.totp_secret_encrypted) == totp.secret
    client = Client()

    password_step = client.post("/accounts/sign-in/", {"username": "school", "password": PASSWORD})
    not_yet = client.get("/activities/")
    wrong = client.post("/accounts/sign-in/code/", {"code": "000000" if totp.now() != "000000" else "111111"})
    failures_after_wrong_code = User.objects.get(pk=user.pk).failed_sign_in_count
    later = timezone.now() + timedelta(seconds=30)  # the next code: the current one was spent enrolling
    right = client.post("/accounts/sign-in/code/", {"code": totp.at(later)})

    assert (password_step.status_code, password_step["Location"]) == (302, "/accounts/sign-in/code/")
    assert not_yet.status_code == 302
    assert list(wrong.context["form"].errors) == ["code"]
    assert failures_after_wrong_code == 1
    assert (right.status_code, right["Location"]) == (302, "/")
    assert client.get("/activities/").status_code == 200
    # the same code a second time does not open another session
    replay = Client()
    replay.post("/accounts/sign-in/", {"username": "school", "password": PASSWORD})
    refused = replay.post("/accounts/sign-in/code/", {"code": totp.at(later)})
    assert (refused.status_code, list(refused.context["form"].errors)) == (200, ["code"])


def test_when_required_the_town_office_must_enrol_before_going_on_but_a_teacher_need_not(world, settings):
    settings.REQUIRE_2FA_FOR_STAFF = True
    office, teacher = _staff_client("office"), _staff_client("teacher")

    office_home = office.get("/org/")
    teacher_home = teacher.get("/portal/")

    assert (office_home.status_code, office_home["Location"]) == (302, "/accounts/two-factor/")
    assert teacher_home.status_code == 200
    office.post("/accounts/two-factor/", {"action": "start"})
    secret = crypto.decrypt(User.objects.get(username="office").totp_secret_encrypted)
    office.post("/accounts/two-factor/", {"action": "confirm", "code": pyotp.TOTP(secret).now()})
    assert office.get("/org/").status_code == 200
