"""Writes of reminders: a resident's SMS opt-in, and the periodic job that sends the day-before
SMS (see the package docstring)."""

from __future__ import annotations

import logging
from datetime import datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone

from communityedu.accounts.models import AccountKind, User
from communityedu.activities.models import Activity, Registration
from communityedu.activities.reminders import selectors
from communityedu.activities.reminders.models import ActivityReminder
from communityedu.core import audit, crypto
from communityedu.messaging import sms
from communityedu.messaging.templates import ACTIVITY_REMINDER

logger = logging.getLogger(__name__)

# Never at night: reminders go between 08:00 (included) and 21:00 (excluded), local time.
DAY_STARTS = time(8, 0)
DAY_ENDS = time(21, 0)
PURPOSE = "activity_reminder"


class NotAResidentError(ValueError):
    """Only a resident's own account carries the SMS reminder choice."""


@transaction.atomic
def set_sms_reminders(*, account: User, is_wanted: bool, actor: User) -> bool:
    """Turn the account's SMS reminders of tomorrow's activities on or off; the change is audited
    (PIPL: the opt-in and the opt-out are recorded). Answers whether anything changed."""
    if account.kind != AccountKind.RESIDENT:
        raise NotAResidentError("SMS reminders are a resident account's choice")
    changed = User.objects.filter(pk=account.pk).exclude(sms_reminders=is_wanted).update(sms_reminders=is_wanted)
    account.sms_reminders = is_wanted
    if changed:
        audit.record_change(
            actor=actor, obj=account, created=False, changes={"sms_reminders": [not is_wanted, is_wanted]}
        )
    return bool(changed)


def is_daytime(moment: datetime) -> bool:
    local = timezone.localtime(moment, timezone.get_default_timezone()).time()
    return DAY_STARTS <= local < DAY_ENDS


def sms_is_offered() -> bool:
    """Whether the installation can send the reminder at all (pages offer the opt-in only then)."""
    return sms.is_configured(ACTIVITY_REMINDER)


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _spoken_time(moment: datetime) -> str:
    """明天上午9点半, 明天下午3点15分: the time as people say it, for one short SMS."""
    local = timezone.localtime(moment, timezone.get_default_timezone())
    part = "凌晨" if local.hour < 6 else "上午" if local.hour < 12 else "中午" if local.hour < 13 else "下午"
    if local.hour >= 18:
        part = "晚上"
    hour = local.hour if local.hour in (0, 12) else local.hour % 12
    minutes = "半" if local.minute == 30 else f"{local.minute}分" if local.minute else ""
    return f"明天{part}{hour}点{minutes}"


def reminder_params(activity: Activity) -> dict[str, str]:
    """The ACTIVITY_REMINDER template's parameters, each cut to the length the template allows."""
    limits = {parameter.name: parameter.max_length for parameter in ACTIVITY_REMINDER.parameters}
    place = activity.venue_label or (activity.village.name if activity.village is not None else "")
    return {
        "title": _shortened(activity.title, limits["title"]),
        "starts_at": _spoken_time(activity.starts_at),
        "place": _shortened(place or "活动地点", limits["place"]),
    }


def _claim(registration: Registration, masked_phone: str) -> ActivityReminder | None:
    """The registration's reminder row, inserted now; None when a run already holds it (the unique
    rule answers, also for a second run at the same moment)."""
    try:
        with transaction.atomic():
            return ActivityReminder.objects.create(
                town_id=registration.town_id, registration=registration, masked_phone=masked_phone
            )
    except IntegrityError:
        return None


def send_tomorrows_reminders(*, now: datetime | None = None) -> int:
    """The periodic job: send the day-before SMS of every registration due for one; the number sent.

    Nothing at night (outside 08:00–21:00 local) and nothing where SMS is not configured. Each
    registration is claimed by its reminder row before the message goes, and the claim commits on
    its own: a rerun, or a run beside this one, skips it."""
    now = now or timezone.now()
    if not is_daytime(now) or not sms_is_offered():
        return 0
    sent = 0
    for registration in selectors.due_for_sms(now=now):
        account = registration.person.account
        if account is None:  # the selector asks for an account; this tells the type checker
            continue
        phone = crypto.decrypt(account.phone_encrypted)
        reminder = _claim(registration, crypto.mask_phone(phone))
        if reminder is None:
            continue
        record = sms.send(
            phone=phone,
            template=ACTIVITY_REMINDER,
            params=reminder_params(registration.activity),
            town=registration.town,
            purpose=PURPOSE,
        )
        reminder.sms_status = record.status
        reminder.save(update_fields=["sms_status", "updated_at"])
        sent += 1
    return sent
