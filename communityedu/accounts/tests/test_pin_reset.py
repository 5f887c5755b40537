"""忘记密码: a code by SMS to the registered phone, then a new PIN; answers never tell who is registered."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import time_machine
from django.utils import timezone

from communityedu.accounts.models import AccountKind, User
from communityedu.core import crypto
from communityedu.core.models import AuditLogEntry
from communityedu.messaging.backends import read_file_outbox
from communityedu.messaging.models import SmsRecord, VerificationCode
from conftest import RESIDENT_PHONE, RESIDENT_PIN

ANSWER = "若该号码已登记，验证码已发送，5分钟内有效。"
AT_THE_CENTRE = "请到村学习中心重置"
UNREGISTERED = "13700001111"
NEW_PIN = "813579"


def _ask(client, phone=RESIDENT_PHONE):
    return client.post("/accounts/forgot-pin/", {"phone": phone})


def _code_page(client) -> str:
    """The second step's page, its per-request CSRF tokens left out."""
    page = client.get("/accounts/forgot-pin/code/").content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def _last_code() -> str:
    return read_file_outbox()[-1]["params"]["code"]


def _reset(client, code, pin=NEW_PIN, pin2=NEW_PIN, **extra):
    return client.post("/accounts/forgot-pin/code/", {"code": code, "pin": pin, "pin2": pin2, **extra})


def _second_account_on_the_phone(world) -> User:
    """王建国 shares his wife's phone (an elderly couple), with a PIN of his own."""
    husband = User(
        username="resident-wang",
        display_name="王建国",
        town=world.xinmiao,
        kind=AccountKind.RESIDENT,
        phone_encrypted=crypto.encrypt(RESIDENT_PHONE),
        phone_lookup=crypto.lookup_hash(RESIDENT_PHONE),
        activated_at=timezone.now(),
    )
    husband.set_password("468024")
    husband.save()
    return husband


def _signs_in(client, pin, phone=RESIDENT_PHONE) -> bool:
    response = client.post("/accounts/resident-sign-in/", {"phone": phone, "pin": pin})
    return response.status_code == 302


def test_the_resident_sign_in_page_links_to_forgot_pin(client, world):
    page = client.get("/accounts/resident-sign-in/").content.decode()

    assert '<a href="/accounts/forgot-pin/">忘记密码？</a>' in page


def test_a_code_from_the_sms_sets_a_new_pin_that_signs_in(client, world):
    response = _ask(client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/forgot-pin/code/"
    page = client.get("/accounts/forgot-pin/code/").content.decode()
    assert ANSWER in page
    assert AT_THE_CENTRE in page
    assert "138****0000" in page
    [message] = read_file_outbox()
    assert message["phone"] == RESIDENT_PHONE
    assert message["template"] == "pin_reset_code"
    assert len(message["params"]["code"]) == 6

    response = _reset(client, _last_code())

    assert response.status_code == 302
    assert response["Location"] == "/accounts/resident-sign-in/"
    assert _signs_in(client.__class__(), NEW_PIN)
    assert not _signs_in(client.__class__(), RESIDENT_PIN)


def test_the_code_is_kept_only_as_a_hash_and_works_once(client, world):
    _ask(client)
    code = _last_code()
    stored = json.dumps(list(VerificationCode.objects.values()), default=str)
    assert code not in stored

    _reset(client, code)
    _ask(client)  # the session asks again, but the old code is spent
    response = _reset(client, code, pin="924681", pin2="924681")

    assert "验证码不对或已过期" in response.content.decode()
    assert _signs_in(client.__class__(), NEW_PIN)


def test_a_wrong_code_is_refused_beside_its_field_and_the_pin_stays(client, world):
    _ask(client)
    wrong = "000000" if _last_code() != "000000" else "111111"

    response = _reset(client, wrong)

    assert response.status_code == 200
    assert '<p class="error" id="id_code_error">验证码不对或已过期。请重新获取验证码，或请到村学习中心重置。</p>' in (
        response.content.decode()
    )
    assert _signs_in(client.__class__(), RESIDENT_PIN)


def test_five_wrong_codes_end_the_code(client, world):
    _ask(client)
    code = _last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(5):
        _reset(client, wrong)

    response = _reset(client, code)

    assert response.status_code == 200
    assert "验证码不对或已过期" in response.content.decode()
    assert _signs_in(client.__class__(), RESIDENT_PIN)


def test_an_expired_code_is_refused(client, world):
    _ask(client)
    code = _last_code()

    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=1)):
        response = _reset(client, code)

    assert response.status_code == 200
    assert "验证码不对或已过期" in response.content.decode()
    assert _signs_in(client.__class__(), RESIDENT_PIN)


def test_a_code_within_its_five_minutes_works(client, world):
    _ask(client)

    with time_machine.travel(timezone.now() + timedelta(minutes=4, seconds=50)):
        response = _reset(client, _last_code())

    assert response.status_code == 302


def test_the_sixth_request_of_a_day_sends_nothing_and_answers_the_same(client, world):
    for _request in range(5):
        _ask(client)
    first_five = _code_page(client)

    response = _ask(client)

    assert response["Location"] == "/accounts/forgot-pin/code/"
    assert _code_page(client) == first_five
    assert len(read_file_outbox()) == 5
    assert SmsRecord.objects.count() == 5
    with time_machine.travel(timezone.localtime().replace(hour=0, minute=1) + timedelta(days=1)):
        _ask(client)
    assert len(read_file_outbox()) == 6


def test_an_unregistered_phone_gets_the_same_answer_and_no_sms(client, world):
    registered = client.__class__()
    _ask(registered)
    registered_page = _code_page(registered)

    response = _ask(client, UNREGISTERED)
    page = _code_page(client)

    assert response["Location"] == "/accounts/forgot-pin/code/"
    assert page == registered_page.replace("138****0000", "137****1111")
    assert len(read_file_outbox()) == 1
    assert SmsRecord.objects.count() == 1
    assert VerificationCode.objects.count() == 1


def test_a_code_entered_for_an_unregistered_phone_is_refused_like_a_wrong_one(client, world):
    _ask(client, UNREGISTERED)

    response = _reset(client, "123456")

    assert "验证码不对或已过期" in response.content.decode()


def test_a_number_that_is_no_mobile_number_is_named_as_such(client, world):
    response = _ask(client, "12345")

    assert response.status_code == 200
    assert '<p class="error" id="id_phone_error">请输入11位手机号码（中国大陆）。</p>' in response.content.decode()
    assert read_file_outbox() == []


def test_the_two_pins_must_match_and_the_code_stays_usable(client, world):
    _ask(client)
    code = _last_code()

    response = _reset(client, code, pin="813579", pin2="813570")

    assert "两次输入的密码不一样" in response.content.decode()
    assert _reset(client, code).status_code == 302


def test_the_pin_rules_apply_to_the_new_pin(client, world):
    _ask(client)

    response = _reset(client, _last_code(), pin="123456", pin2="123456")

    assert response.status_code == 200
    assert 'id="id_pin_error"' in response.content.decode()
    assert _signs_in(client.__class__(), RESIDENT_PIN)


def test_on_a_shared_phone_the_resident_picks_whose_pin_it_is_after_the_code(client, world):
    husband = _second_account_on_the_phone(world)
    _ask(client)
    code = _last_code()
    before = client.get("/accounts/forgot-pin/code/").content.decode()
    assert "王建国" not in before

    response = _reset(client, code)
    page = response.content.decode()
    assert "请选择新密码是谁的" in page
    assert "王建国" in page
    assert "张秀英" in page

    response = _reset(client, code, account=husband.pk)

    assert response.status_code == 302
    assert _signs_in(client.__class__(), NEW_PIN)
    husband.refresh_from_db()
    assert husband.check_password(NEW_PIN)
    assert User.objects.get(display_name="张秀英").check_password(RESIDENT_PIN)


def test_without_sms_the_page_only_sends_the_resident_to_the_centre(client, world, settings):
    settings.SMS_FILE_COUNTS_AS_SENT = False

    page = client.get("/accounts/forgot-pin/").content.decode()
    response = _ask(client)

    assert "忘记密码请到村学习中心重置，请带上身份证。" in page
    assert 'name="phone"' not in page
    assert response.status_code == 200
    assert read_file_outbox() == []


def test_requests_and_resets_are_audited_without_the_full_phone(client, world):
    _ask(client)
    _ask(client, UNREGISTERED)
    client.post("/accounts/forgot-pin/", {"phone": RESIDENT_PHONE})
    _reset(client, _last_code())

    entries = list(AuditLogEntry.objects.filter(object_label__contains="138****0000").values_list("changes", flat=True))
    assert {"pin_reset_code": "code sent"} in entries
    assert {"pin": ["…", "…"], "reset_by": [None, "SMS code"]} in entries
    assert AuditLogEntry.objects.filter(
        object_label__contains="137****1111", changes={"pin_reset_code": "no account"}
    ).exists()
    stored = json.dumps(list(AuditLogEntry.objects.values()), default=str, ensure_ascii=False)
    assert RESIDENT_PHONE not in stored
    assert UNREGISTERED not in stored


def test_an_address_asking_too_often_is_told_to_wait(client, world, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "pin-reset-code": (3, 3600)}
    for _request in range(3):
        assert _ask(client, UNREGISTERED).status_code == 302

    response = _ask(client, UNREGISTERED)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


# ---- the API: the same two steps ----------------------------------------------------------------


def test_the_api_answers_the_same_for_a_registered_and_an_unregistered_phone(client, world):
    registered = client.post("/api/v1/pin-reset/code", {"phone": RESIDENT_PHONE}, content_type="application/json")
    unregistered = client.post("/api/v1/pin-reset/code", {"phone": UNREGISTERED}, content_type="application/json")

    assert registered.status_code == unregistered.status_code == 202
    assert (
        registered.json()
        == unregistered.json()
        == {
            "detail": "若该号码已登记，验证码已发送，5分钟内有效。 也可以请到村学习中心重置，请带上身份证。",
            "sms_offered": True,
        }
    )
    assert len(read_file_outbox()) == 1


def test_the_api_resets_the_pin_with_the_code(client, world):
    client.post("/api/v1/pin-reset/code", {"phone": RESIDENT_PHONE}, content_type="application/json")

    response = client.post(
        "/api/v1/pin-reset",
        {"phone": RESIDENT_PHONE, "code": _last_code(), "pin": NEW_PIN, "pin2": NEW_PIN},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json() == {"detail": "新密码已设好，请用新密码登录。", "sms_offered": True}
    assert _signs_in(client.__class__(), NEW_PIN)


def test_the_api_refuses_a_wrong_code_in_the_one_error_shape(client, world):
    client.post("/api/v1/pin-reset/code", {"phone": RESIDENT_PHONE}, content_type="application/json")
    wrong = "000000" if _last_code() != "000000" else "111111"

    response = client.post(
        "/api/v1/pin-reset",
        {"phone": RESIDENT_PHONE, "code": wrong, "pin": NEW_PIN, "pin2": NEW_PIN},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "code: 验证码不对或已过期。请重新获取验证码，或请到村学习中心重置。",
        "errors": [{"field": "code", "message": "验证码不对或已过期。请重新获取验证码，或请到村学习中心重置。"}],
    }


def test_the_api_lists_the_accounts_of_a_shared_phone_once_the_code_is_right(client, world):
    husband = _second_account_on_the_phone(world)
    client.post("/api/v1/pin-reset/code", {"phone": RESIDENT_PHONE}, content_type="application/json")
    body = {"phone": RESIDENT_PHONE, "code": _last_code(), "pin": NEW_PIN, "pin2": NEW_PIN}

    refused = client.post("/api/v1/pin-reset", body, content_type="application/json")
    chosen = client.post("/api/v1/pin-reset", {**body, "account": husband.pk}, content_type="application/json")

    assert refused.status_code == 400
    [error] = refused.json()["errors"]
    assert error["field"] == "account"
    assert f"{husband.pk} 王建国" in error["message"]
    assert chosen.status_code == 200
    husband.refresh_from_db()
    assert husband.check_password(NEW_PIN)


def test_without_sms_the_api_sends_nothing_and_points_to_the_centre(client, world, settings):
    settings.SMS_FILE_COUNTS_AS_SENT = False

    response = client.post("/api/v1/pin-reset/code", {"phone": RESIDENT_PHONE}, content_type="application/json")

    assert response.status_code == 202
    assert response.json() == {"detail": "忘记密码请到村学习中心重置，请带上身份证。", "sms_offered": False}
    assert read_file_outbox() == []
    assert SmsRecord.objects.count() == 0
