"""Startup checks of the SMS settings: a backend that does not exist stops every command; a Tencent
backend missing a key is reported (pages then offer nothing by SMS)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Warning, register

from communityedu.messaging.backends import BACKENDS, TencentBackend
from communityedu.messaging.templates import TEMPLATES


@register()
def check_sms_settings(app_configs=None, **kwargs):
    if settings.SMS_BACKEND not in BACKENDS:
        return [
            Error(
                f"SMS_BACKEND is {settings.SMS_BACKEND!r}; it must be one of: {', '.join(BACKENDS)}.",
                hint="docs/settings.md, Text messages (SMS).",
                id="messaging.E001",
            )
        ]
    if settings.SMS_BACKEND != "tencent":
        return []
    problems = []
    if not TencentBackend().is_configured():
        problems.append(
            Warning(
                "SMS_BACKEND is tencent but SMS_TENCENT_SECRET_ID, SMS_TENCENT_SECRET_KEY, SMS_TENCENT_SDK_APP_ID "
                "or SMS_SIGN_NAME is empty: no text message will be offered or sent.",
                id="messaging.W001",
            )
        )
    missing = sorted(set(TEMPLATES) - set(settings.SMS_TENCENT_TEMPLATE_IDS))
    if missing:
        problems.append(
            Warning(
                f"SMS_TENCENT_TEMPLATE_IDS has no id for: {', '.join(missing)}; those messages are not sent.",
                id="messaging.W002",
            )
        )
    return problems
