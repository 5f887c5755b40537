"""Sending a text message: the file backend by default, Tencent Cloud against a fake endpoint."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from communityedu.messaging import sms
from communityedu.messaging.backends import read_file_outbox
from communityedu.messaging.checks import check_sms_settings
from communityedu.messaging.models import SmsRecord
from communityedu.messaging.templates import (
    ACTIVATION_CODE,
    ACTIVITY_REMINDER,
    MAX_SIGN_NAME_LENGTH,
    PIN_RESET_CODE,
    SMS_MAX_LENGTH,
    TEMPLATES,
)

PHONE = "13912345678"


class FakeTencentSms:
    """A local HTTP server answering like Tencent Cloud's SendSms; keeps what it was sent."""

    def __init__(self, answer: dict):
        self.answer = answer
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                fake.requests.append({"headers": dict(self.headers), "body": json.loads(self.rfile.read(length))})
                body = json.dumps(fake.answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _sent(serial: str = "2433:102839129312") -> dict:
    return {
        "Response": {
            "SendStatusSet": [
                {
                    "SerialNo": serial,
                    "PhoneNumber": f"+86{PHONE}",
                    "Fee": 1,
                    "SessionContext": "",
                    "Code": "Ok",
                    "Message": "send success",
                    "IsoCode": "CN",
                }
            ],
            "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279",
        }
    }


@pytest.fixture
def tencent(settings):
    settings.SMS_BACKEND = "tencent"
    settings.SMS_SIGN_NAME = "新庙镇社区教育"
    settings.SMS_TENCENT_SECRET_ID = "AKIDtest"
    settings.SMS_TENCENT_SECRET_KEY = "test-secret"
    settings.SMS_TENCENT_SDK_APP_ID = "1400000001"
    settings.SMS_TENCENT_TEMPLATE_IDS = {"pin_reset_code": "2000001"}
    settings.SMS_TENCENT_TIMEOUT_SECONDS = 5
    return settings


def test_the_file_backend_writes_the_message_as_the_phone_would_show_it(world, settings):
    settings.SMS_SIGN_NAME = "新庙镇社区教育"

    record = sms.send(
        phone=PHONE,
        template=PIN_RESET_CODE,
        params={"code": "482910", "minutes": "5"},
        town=world.xinmiao,
        purpose="pin_reset",
    )

    [message] = read_file_outbox()
    assert message["phone"] == PHONE
    assert message["template"] == "pin_reset_code"
    assert message["text"] == (
        "【新庙镇社区教育】您的验证码是482910，5分钟内有效，用于重设社区学习账号的密码。如非本人操作，请忽略。"
    )
    assert message["message_id"] == record.provider_message_id
    assert (record.status, record.backend, record.phone_masked, record.town) == (
        "sent",
        "file",
        "139****5678",
        world.xinmiao,
    )


def test_the_file_backend_counts_as_configured_only_when_told(settings):
    settings.SMS_FILE_COUNTS_AS_SENT = False
    assert sms.is_configured() is False
    settings.SMS_FILE_COUNTS_AS_SENT = True
    assert sms.is_configured() is True


def test_the_tencent_backend_sends_phone_template_id_sign_and_parameters(world, tencent):
    with FakeTencentSms(_sent()) as fake:
        tencent.SMS_TENCENT_ENDPOINT = fake.endpoint
        record = sms.send(
            phone=PHONE,
            template=PIN_RESET_CODE,
            params={"code": "482910", "minutes": "5"},
            town=world.xinmiao,
            purpose="pin_reset",
        )

    [request] = fake.requests
    assert request["headers"]["X-TC-Action"] == "SendSms"
    assert request["headers"]["X-TC-Version"] == "2021-01-11"
    assert request["headers"]["Authorization"].startswith("TC3-HMAC-SHA256 Credential=AKIDtest/")
    assert request["body"] == {
        "PhoneNumberSet": ["+8613912345678"],
        "SmsSdkAppId": "1400000001",
        "TemplateId": "2000001",
        "SignName": "新庙镇社区教育",
        "TemplateParamSet": ["482910", "5"],
    }
    assert (record.status, record.backend, record.provider_message_id, record.error) == (
        "sent",
        "tencent",
        "2433:102839129312",
        "",
    )


def test_a_refusal_by_tencent_is_recorded_as_failed_without_raising(world, tencent):
    refusal = _sent()
    refusal["Response"]["SendStatusSet"][0].update(
        {"Code": "LimitExceeded.PhoneNumberDailyLimit", "Message": f"the number +86{PHONE} reached its daily limit"}
    )
    with FakeTencentSms(refusal) as fake:
        tencent.SMS_TENCENT_ENDPOINT = fake.endpoint
        record = sms.send(
            phone=PHONE,
            template=PIN_RESET_CODE,
            params={"code": "482910", "minutes": "5"},
            town=world.xinmiao,
            purpose="pin_reset",
        )

    assert record.status == "failed"
    assert record.error == "LimitExceeded.PhoneNumberDailyLimit: the number +861**** reached its daily limit"


def test_an_api_error_of_tencent_is_recorded_as_failed(world, tencent):
    answer = {
        "Response": {
            "Error": {"Code": "AuthFailure.SecretIdNotFound", "Message": "The SecretId is not found"},
            "RequestId": "b1",
        }
    }
    with FakeTencentSms(answer) as fake:
        tencent.SMS_TENCENT_ENDPOINT = fake.endpoint
        record = sms.send(
            phone=PHONE,
            template=PIN_RESET_CODE,
            params={"code": "482910", "minutes": "5"},
            town=world.xinmiao,
            purpose="pin_reset",
        )

    assert (record.status, record.error) == ("failed", "AuthFailure.SecretIdNotFound: The SecretId is not found")


def test_an_unreachable_tencent_endpoint_is_recorded_as_failed(world, tencent):
    with FakeTencentSms(_sent()) as fake:
        endpoint = fake.endpoint
    tencent.SMS_TENCENT_ENDPOINT = endpoint  # closed: nothing listens there now

    record = sms.send(
        phone=PHONE,
        template=PIN_RESET_CODE,
        params={"code": "482910", "minutes": "5"},
        town=world.xinmiao,
        purpose="pin_reset",
    )

    assert record.status == "failed"
    assert record.error.startswith("ClientNetworkError")


def test_a_template_without_a_tencent_id_is_not_configured_and_not_sent(world, tencent):
    assert sms.is_configured() is True
    assert sms.is_configured(PIN_RESET_CODE) is True
    assert sms.is_configured(ACTIVITY_REMINDER) is False

    record = sms.send(
        phone=PHONE,
        template=ACTIVITY_REMINDER,
        params={"title": "太极拳", "starts_at": "12月5日 09:00", "place": "文化广场"},
        town=world.xinmiao,
        purpose="reminder",
    )

    assert (record.status, record.error) == (
        "failed",
        "not configured: no Tencent Cloud template id for activity_reminder",
    )


def test_every_template_fits_one_message_with_its_longest_parameters_and_signature():
    lengths = {name: template.longest_length() for name, template in TEMPLATES.items()}

    assert lengths == {"pin_reset_code": 60, "activation_code": 63, "activity_reminder": 69}
    assert all(length <= SMS_MAX_LENGTH for length in lengths.values())
    assert MAX_SIGN_NAME_LENGTH == 12


def test_a_parameter_longer_than_its_template_allows_is_refused_before_sending(world):
    with pytest.raises(ValueError, match="code is 9 characters, at most 8"):
        sms.send(
            phone=PHONE,
            template=ACTIVATION_CODE,
            params={"code": "123456789", "expires_on": "2027年3月4日"},
            town=world.xinmiao,
            purpose="activation",
        )
    with pytest.raises(ValueError, match=r"takes the parameters \['code', 'minutes'\]"):
        sms.send(phone=PHONE, template=PIN_RESET_CODE, params={"code": "1"}, town=world.xinmiao, purpose="pin_reset")

    assert read_file_outbox() == []
    assert SmsRecord.objects.count() == 0


def test_no_sms_record_holds_a_full_phone_or_a_code(world, settings):
    sms.send(
        phone=PHONE,
        template=PIN_RESET_CODE,
        params={"code": "482910", "minutes": "5"},
        town=world.xinmiao,
        purpose="pin_reset",
    )

    stored = json.dumps(list(SmsRecord.objects.values()), default=str, ensure_ascii=False)
    assert PHONE not in stored
    assert "482910" not in stored
    assert "139****5678" in stored


def test_an_unknown_backend_stops_the_start_and_a_half_configured_tencent_is_reported(settings):
    settings.SMS_BACKEND = "carrier-pigeon"
    assert [problem.id for problem in check_sms_settings()] == ["messaging.E001"]
    settings.SMS_BACKEND = "tencent"
    settings.SMS_TENCENT_TEMPLATE_IDS = {"pin_reset_code": "2000001"}
    assert [(problem.id, problem.msg) for problem in check_sms_settings()][1:] == [
        (
            "messaging.W002",
            "SMS_TENCENT_TEMPLATE_IDS has no id for: activation_code, activity_reminder; those messages are not sent.",
        )
    ]
    assert check_sms_settings()[0].id == "messaging.W001"
