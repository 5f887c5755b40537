"""Sign-in throttling, exact: one account's failures lock that account only, an address is throttled
only after fifty failures (residents and staff apart), the address comes from a trusted proxy only
when one is configured, and nothing tells whether an account exists."""

from datetime import timedelta

import pyotp
from django.test import Client
from django.utils import timezone

from communityedu.accounts import two_factor
from communityedu.accounts.models import User
from communityedu.core.models import AuditAction, AuditLogEntry, RateCounter
from conftest import PASSWORD, RESIDENT_PHONE, RESIDENT_PIN

LOCKED = "登录失败次数太多，账号已被锁定。请15分钟后再试，或请社区教育办公室解锁。"
WRONG_STAFF = "用户名或密码不对。"
WRONG_RESIDENT = "手机号码或6位数字密码不对。"


def _staff(client, username, password):
    return client.post("/accounts/sign-in/", {"username": username, "password": password})


def _resident(client, phone, pin):
    return client.post("/accounts/resident-sign-in/", {"phone": phone, "pin": pin})


def _form_errors(response) -> list[str]:
    return response.context["form"].non_field_errors()


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_failures_lock_the_account_but_others_at_the_same_address_still_sign_in(world):
    attacker = Client(REMOTE_ADDR="10.8.0.1")
    for _ in range(5):
        assert _form_errors(_staff(attacker, "office", "Wrong#Pass1")) in ([WRONG_STAFF], [LOCKED])

    right_password = _staff(attacker, "office", PASSWORD)
    colleague = Client(REMOTE_ADDR="10.8.0.1")
    colleague_answer = _staff(colleague, "school", PASSWORD)

    assert (right_password.status_code, _form_errors(right_password)) == (200, [LOCKED])
    assert not _signed_in(attacker)
    assert colleague_answer.status_code == 302
    assert _signed_in(colleague)
    assert AuditLogEntry.objects.filter(action=AuditAction.LOCKED_OUT).count() == 1


def test_failures_further_apart_than_fifteen_minutes_do_not_add_up_to_a_lock(world):
    client = Client(REMOTE_ADDR="10.8.0.2")
    for _ in range(4):
        _staff(client, "office", "Wrong#Pass1")
    # The four failures happened sixteen minutes ago.
    for counter in RateCounter.objects.all():
        counter.window_start -= timedelta(minutes=16)
        counter.save(update_fields=["window_start"])

    fifth = _staff(client, "office", "Wrong#Pass1")
    locked_after_fifth = User.objects.get(username="office").is_locked()
    for _ in range(4):
        _staff(client, "office", "Wrong#Pass1")

    assert _form_errors(fifth) == [WRONG_STAFF]
    assert not locked_after_fifth
    assert User.objects.get(username="office").is_locked()


def test_fifty_staff_failures_from_one_address_throttle_staff_sign_in_there_but_not_residents(world):
    shared_network = Client(REMOTE_ADDR="10.8.0.3")
    for number in range(50):
        assert _staff(shared_network, f"guess{number % 10}", "Wrong#Pass1").status_code == 200

    staff_there = _staff(Client(REMOTE_ADDR="10.8.0.3"), "school", PASSWORD)
    resident_there = Client(REMOTE_ADDR="10.8.0.3")
    resident_answer = _resident(resident_there, RESIDENT_PHONE, RESIDENT_PIN)
    staff_elsewhere = _staff(Client(REMOTE_ADDR="10.8.0.4"), "school", PASSWORD)

    assert staff_there.status_code == 429
    assert 1 <= int(staff_there["Retry-After"]) <= 900
    assert resident_answer.status_code == 302
    assert _signed_in(resident_there)
    assert staff_elsewhere.status_code == 302


def test_forty_nine_failures_do_not_throttle_an_address(world):
    shared_network = Client(REMOTE_ADDR="10.8.0.5")
    for number in range(49):
        _resident(shared_network, f"1390000{number:04d}", "111111")

    assert _resident(Client(REMOTE_ADDR="10.8.0.5"), RESIDENT_PHONE, RESIDENT_PIN).status_code == 302


def test_x_forwarded_for_is_ignored_unless_a_trusted_proxy_is_configured(world, settings):
    settings.SIGN_IN_ADDRESS_MAX_FAILURES = 2
    proxy = "10.8.0.6"
    for forwarded in ("192.0.2.1", "192.0.2.2"):
        _staff(Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forwarded), "nobody", "x")

    spoofed = _staff(Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="192.0.2.3"), "school", PASSWORD)

    assert spoofed.status_code == 429
    assert set(AuditLogEntry.objects.filter(action=AuditAction.SIGN_IN_FAILED).values_list("source_ip", flat=True)) == {
        proxy
    }


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted_and_audited(world, settings):
    settings.SIGN_IN_ADDRESS_MAX_FAILURES = 2
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.8.0.7"
    for _ in range(2):
        # The client wrote a false address first; the proxy appended the one it saw.
        _staff(Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9, 192.0.2.1"), "nobody", "x")

    same_client = _staff(Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="192.0.2.1"), "school", PASSWORD)
    other_client = _staff(Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="192.0.2.2"), "school", PASSWORD)

    assert same_client.status_code == 429
    assert other_client.status_code == 302
    assert set(AuditLogEntry.objects.filter(action=AuditAction.SIGN_IN_FAILED).values_list("source_ip", flat=True)) == {
        "192.0.2.1"
    }
    assert AuditLogEntry.objects.get(action=AuditAction.SIGN_IN).source_ip == "192.0.2.2"


def test_an_unknown_username_and_a_wrong_password_get_the_same_message_and_the_same_lock(world):
    client = Client(REMOTE_ADDR="10.8.0.8")
    unknown = [_form_errors(_staff(client, "no-such-clerk", "Wrong#Pass1")) for _ in range(6)]
    known = [_form_errors(_staff(client, "school", "Wrong#Pass1")) for _ in range(6)]

    assert unknown == known == [[WRONG_STAFF]] * 4 + [[LOCKED]] * 2


def test_an_unknown_phone_and_a_wrong_pin_get_the_same_message(world):
    client = Client(REMOTE_ADDR="10.8.0.9")

    unknown = _resident(client, "13912345678", "111111")
    wrong_pin = _resident(client, RESIDENT_PHONE, "111111")

    assert _form_errors(unknown) == _form_errors(wrong_pin) == [WRONG_RESIDENT]


def _enrol(user: User) -> pyotp.TOTP:
    totp = pyotp.TOTP(two_factor.start_enrolment(user=user))
    two_factor.confirm_enrolment(user=user, code=totp.now())
    return totp


def _lock(username: str) -> None:
    client = Client(REMOTE_ADDR="10.8.1.1")
    for _ in range(5):
        _staff(client, username, "Wrong#Pass1")
    assert User.objects.get(username=username).is_locked()


def test_the_right_password_and_the_second_factor_lift_a_lock(world):
    office = User.objects.get(username="office")
    totp = _enrol(office)
    _lock("office")
    client = Client(REMOTE_ADDR="10.8.1.2")
    later = timezone.now() + timedelta(seconds=30)  # the current code was spent enrolling

    password_step = _staff(client, "office", PASSWORD)
    code_step = client.post("/accounts/sign-in/code/", {"code": totp.at(later)})

    assert (password_step.status_code, password_step["Location"]) == (302, "/accounts/sign-in/code/")
    assert (code_step.status_code, code_step["Location"]) == (302, "/")
    assert _signed_in(client)
    office.refresh_from_db()
    assert (office.locked_until, office.failed_sign_in_count) == (None, 0)
    lifted = AuditLogEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(office.pk)).latest("id")
    assert (lifted.actor_label, lifted.changes) == (
        "office",
        {"locked": [True, False], "unlocked_by": [None, "second factor"]},
    )


def test_a_wrong_code_does_not_lift_a_lock_and_five_send_back_to_the_password(world):
    office = User.objects.get(username="office")
    totp = _enrol(office)
    _lock("office")
    client = Client(REMOTE_ADDR="10.8.1.3")
    wrong = "000000" if totp.now() != "000000" else "111111"

    _staff(client, "office", PASSWORD)
    answers = [client.post("/accounts/sign-in/code/", {"code": wrong}) for _ in range(5)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 302]
    assert answers[-1]["Location"] == "/accounts/sign-in/"
    assert client.get("/accounts/sign-in/code/")["Location"] == "/accounts/sign-in/"
    assert not _signed_in(client)
    assert User.objects.get(username="office").is_locked()


def test_wrong_codes_after_the_right_password_add_up_to_a_lock(world):
    totp = _enrol(User.objects.get(username="office"))
    client = Client(REMOTE_ADDR="10.8.1.4")
    wrong = "000000" if totp.now() != "000000" else "111111"

    for _ in range(2):
        _staff(client, "office", PASSWORD)  # the right password does not forget the wrong codes
        for _ in range(2):
            client.post("/accounts/sign-in/code/", {"code": wrong})
    locked_after_four = User.objects.get(username="office").is_locked()
    _staff(client, "office", PASSWORD)
    client.post("/accounts/sign-in/code/", {"code": wrong})

    assert not locked_after_four
    assert User.objects.get(username="office").is_locked()


def test_after_five_more_failures_on_a_locked_account_only_time_or_the_office_lifts_it(world):
    totp = _enrol(User.objects.get(username="office"))
    _lock("office")
    client = Client(REMOTE_ADDR="10.8.1.5")
    wrong = "000000" if totp.now() != "000000" else "111111"
    _staff(client, "office", PASSWORD)
    for _ in range(5):
        client.post("/accounts/sign-in/code/", {"code": wrong})

    again = _staff(client, "office", PASSWORD)

    assert (again.status_code, _form_errors(again)) == (200, [LOCKED])
    assert not _signed_in(client)


def test_the_office_unlocks_a_locked_account_on_the_accounts_page_and_it_is_audited(world, sign_in):
    school = User.objects.get(username="school")
    _lock("school")
    office = sign_in("office")

    page = office.get("/people/accounts/").content.decode()
    answer = office.post(f"/people/accounts/{school.pk}/unlock/")
    after = _staff(Client(REMOTE_ADDR="10.8.1.1"), "school", PASSWORD)

    assert f'action="/people/accounts/{school.pk}/unlock/"' in page
    assert (answer.status_code, answer["Location"]) == (302, "/people/accounts/")
    assert after.status_code == 302
    entry = AuditLogEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(school.pk)).latest("id")
    assert (entry.actor_label, entry.changes) == ("office", {"locked": [True, False], "unlocked_by": [None, "office"]})


def test_an_office_account_cannot_unlock_itself(world, sign_in):
    office_client = sign_in("office")
    office = User.objects.get(username="office")
    User.objects.filter(pk=office.pk).update(locked_until=timezone.now() + timedelta(minutes=15))

    page = office_client.post(f"/people/accounts/{office.pk}/unlock/")
    api = office_client.post(f"/api/v1/accounts/{office.pk}/unlock")

    assert (page.status_code, api.status_code) == (403, 403)
    assert User.objects.get(pk=office.pk).is_locked()


def test_the_api_unlocks_a_locked_account_for_the_office_only(world, client):
    school = User.objects.get(username="school")
    _lock("school")
    path = f"/api/v1/accounts/{school.pk}/unlock"
    statuses = {}
    for username in ("teacher", "nantuo"):
        client.logout()
        _staff(client, username, PASSWORD)
        statuses[username] = client.post(path).status_code
    still_locked = User.objects.get(pk=school.pk).is_locked()
    client.logout()
    _staff(client, "office", PASSWORD)

    answer = client.post(path)

    assert statuses == {"teacher": 403, "nantuo": 404}
    assert still_locked
    assert (answer.status_code, answer.json()) == (200, {"id": school.pk, "is_locked": False, "unlocked": True})
    assert not User.objects.get(pk=school.pk).is_locked()
    entry = AuditLogEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(school.pk)).latest("id")
    assert (entry.actor_label, entry.changes) == ("office", {"locked": [True, False], "unlocked_by": [None, "office"]})
