"""Messaging: text messages (SMS) to residents' phones, and the one-time codes they carry.

A message is sent from a named template (``templates.py``: Chinese, registered with the provider,
length-checked) through the backend ``settings.SMS_BACKEND`` chooses: a file on this machine by
default, Tencent Cloud in production (``backends.py``). Every send leaves an ``SmsRecord``: to whom
(the phone masked, ``138****8000``), which template, why, and what the provider answered. A record
never holds the full phone or the parameters, so never a code.

A ``VerificationCode`` is a short one-time code sent by SMS to prove that a person holds a phone
(a forgotten PIN). Only its keyed hash is kept, with the phone's keyed hash; it works once, for a
few minutes, and a few wrong tries end it (``codes.py``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from communityedu.core.models import TownScopedModel


class SmsStatus(models.TextChoices):
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class SmsRecord(TownScopedModel):
    """One message handed to the SMS backend, and what came of it."""

    phone_masked = models.CharField(_("phone (masked)"), max_length=20)
    template = models.CharField(_("template"), max_length=40)
    purpose = models.CharField(_("purpose"), max_length=40)
    backend = models.CharField(_("backend"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=SmsStatus.choices)
    provider_message_id = models.CharField(_("provider message id"), max_length=100, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        indexes = [models.Index(fields=["town", "created_at"], name="sms_record_town_time")]

    def __str__(self) -> str:
        return f"{self.template} → {self.phone_masked} ({self.status})"


class VerificationCode(TownScopedModel):
    """A one-time code sent to a phone for ``purpose``; only hashes are kept."""

    purpose = models.CharField(_("purpose"), max_length=40)
    phone_lookup = models.CharField(_("phone lookup hash"), max_length=64)
    code_hash = models.CharField(_("code hash"), max_length=64)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        indexes = [models.Index(fields=["phone_lookup", "purpose", "created_at"], name="verification_code_phone")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.expires_at:%Y-%m-%d %H:%M}"
