"""Where a text message goes: ``settings.SMS_BACKEND`` names one of these.

- ``file`` (the default): each message is one JSON line appended to a file per day in
  ``settings.SMS_FILE_DIR`` (``var/sms/``), with the phone and the text as the phone would show
  it. It stands in for the phone on ``make run`` and in the tests; it is the only place a code is
  written, so the folder is kept like the rest of ``var/``.
- ``tencent``: Tencent Cloud SMS through its SDK (``tencentcloud-sdk-python-sms``), with the keys,
  application, signature and template ids from the environment (docs/settings.md).

A backend answers a ``Delivery``: sent or not, the provider's message id, the provider's error.
It raises nothing for a provider's refusal or a network failure: the record says so.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from communityedu.messaging.templates import SmsTemplate


@dataclass(frozen=True)
class Delivery:
    is_sent: bool
    provider_message_id: str = ""
    error: str = ""


_LONG_NUMBER = re.compile(r"\d{7,}")


def _without_numbers(text: str) -> str:
    """A provider's error text may quote the phone: keep no run of seven digits or more."""
    return _LONG_NUMBER.sub(lambda match: match.group()[:3] + "****", text)[:300]


class FileBackend:
    name = "file"

    def is_configured(self, template: SmsTemplate | None = None) -> bool:
        return bool(settings.SMS_FILE_COUNTS_AS_SENT)

    def send(self, *, phone: str, template: SmsTemplate, params: dict[str, str]) -> Delivery:
        now = timezone.localtime()
        directory = Path(settings.SMS_FILE_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        line = {
            "sent_at": now.isoformat(),
            "phone": phone,
            "template": template.name,
            "params": params,
            "text": template.render(params, sign_name=settings.SMS_SIGN_NAME),
        }
        message_id = f"file-{now:%Y%m%d%H%M%S%f}"
        line["message_id"] = message_id
        with (directory / f"sms-{now:%Y-%m-%d}.jsonl").open("a", encoding="utf-8") as outbox:
            outbox.write(json.dumps(line, ensure_ascii=False) + "\n")
        return Delivery(is_sent=True, provider_message_id=message_id)


def read_file_outbox(directory: Path | str | None = None) -> list[dict]:
    """Every message the file backend wrote, oldest first (for ``make run`` and the tests)."""
    folder = Path(directory or settings.SMS_FILE_DIR)
    messages: list[dict] = []
    for day_file in sorted(folder.glob("sms-*.jsonl")):
        messages.extend(json.loads(line) for line in day_file.read_text(encoding="utf-8").splitlines() if line)
    return sorted(messages, key=lambda message: datetime.fromisoformat(message["sent_at"]))


class TencentBackend:
    """Tencent Cloud SMS, API version 2021-01-11 (``SendSms``)."""

    name = "tencent"

    def is_configured(self, template: SmsTemplate | None = None) -> bool:
        required = (
            settings.SMS_TENCENT_SECRET_ID,
            settings.SMS_TENCENT_SECRET_KEY,
            settings.SMS_TENCENT_SDK_APP_ID,
            settings.SMS_SIGN_NAME,
        )
        if not all(required):
            return False
        return template is None or bool(settings.SMS_TENCENT_TEMPLATE_IDS.get(template.name))

    def _client(self):
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        endpoint = settings.SMS_TENCENT_ENDPOINT
        parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
        http_profile = HttpProfile(
            protocol=parts.scheme, endpoint=parts.netloc, reqTimeout=settings.SMS_TENCENT_TIMEOUT_SECONDS
        )
        credentials = credential.Credential(settings.SMS_TENCENT_SECRET_ID, settings.SMS_TENCENT_SECRET_KEY)
        return sms_client.SmsClient(credentials, settings.SMS_TENCENT_REGION, ClientProfile(httpProfile=http_profile))

    def send(self, *, phone: str, template: SmsTemplate, params: dict[str, str]) -> Delivery:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.sms.v20210111 import models

        template_id = settings.SMS_TENCENT_TEMPLATE_IDS.get(template.name, "")
        if not self.is_configured(template):
            return Delivery(is_sent=False, error=f"not configured: no Tencent Cloud template id for {template.name}")
        request = models.SendSmsRequest()
        request.SmsSdkAppId = settings.SMS_TENCENT_SDK_APP_ID
        request.SignName = settings.SMS_SIGN_NAME
        request.TemplateId = template_id
        request.TemplateParamSet = template.ordered_values(params)
        request.PhoneNumberSet = [f"+86{phone}"]
        try:
            response = self._client().SendSms(request)
        except TencentCloudSDKException as error:
            return Delivery(is_sent=False, error=_without_numbers(f"{error.get_code()}: {error.get_message()}"))
        except (OSError, ValueError) as error:  # the network, or an answer that is not the API's
            return Delivery(is_sent=False, error=_without_numbers(f"{type(error).__name__}: {error}"))
        statuses = response.SendStatusSet or []
        if not statuses:
            return Delivery(is_sent=False, error="no send status in the answer")
        status = statuses[0]
        if status.Code != "Ok":
            return Delivery(
                is_sent=False,
                provider_message_id=status.SerialNo or "",
                error=_without_numbers(f"{status.Code}: {status.Message}"),
            )
        return Delivery(is_sent=True, provider_message_id=status.SerialNo or "")


BACKENDS = {"file": FileBackend, "tencent": TencentBackend}


def current_backend():
    name = settings.SMS_BACKEND
    if name not in BACKENDS:
        raise ValueError(f"SMS_BACKEND is {name!r}: choose one of {', '.join(BACKENDS)}")
    return BACKENDS[name]()
