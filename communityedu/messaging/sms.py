"""The one way the product sends a text message: ``send(phone=…, template=…, params=…, town=…, purpose=…)``.

``send`` hands the message to the backend of ``settings.SMS_BACKEND`` and records it
(``SmsRecord``: masked phone, template, purpose, result, provider message id; never the full phone,
never a parameter). It raises nothing when the provider refuses or cannot be reached: the record
says ``failed`` with the provider's reason, and the caller reads ``record.status``.

``is_configured()`` tells pages whether to offer anything by SMS at all: True for the Tencent
backend when its keys, application id and signature are set (and, given a template, that
template's id); for the file backend only when ``SMS_FILE_COUNTS_AS_SENT`` is on (``make run``
and the tests), since a file on the server reaches nobody's phone.
"""

from __future__ import annotations

import logging

from communityedu.core import crypto
from communityedu.messaging.backends import current_backend
from communityedu.messaging.models import SmsRecord, SmsStatus
from communityedu.messaging.templates import TEMPLATES, SmsTemplate

logger = logging.getLogger(__name__)


def is_configured(template: SmsTemplate | str | None = None) -> bool:
    if isinstance(template, str):
        template = TEMPLATES[template]
    return current_backend().is_configured(template)


def send(*, phone: str, template: SmsTemplate | str, params: dict[str, str], town, purpose: str) -> SmsRecord:
    """Send ``template`` with ``params`` to ``phone`` (11 digits) for ``town``; the record of it.

    A wrong parameter (missing, unknown, too long for the template) is the caller's mistake and
    raises ValueError before anything is sent."""
    if isinstance(template, str):
        template = TEMPLATES[template]
    template.ordered_values(params)
    backend = current_backend()
    delivery = backend.send(phone=phone, template=template, params=params)
    record = SmsRecord.objects.create(
        town=town,
        phone_masked=crypto.mask_phone(phone),
        template=template.name,
        purpose=purpose[:40],
        backend=backend.name,
        status=SmsStatus.SENT if delivery.is_sent else SmsStatus.FAILED,
        provider_message_id=delivery.provider_message_id[:100],
        error=delivery.error[:300],
    )
    if not delivery.is_sent:
        logger.warning("SMS %s to %s not sent: %s", template.name, record.phone_masked, delivery.error)
    return record
