"""Check-in without signal: the roll a phone keeps for offline use, and the upload of its queue.

Venue staff open an activity's offline page while they still have signal; the page keeps the
activity and its expected residents (name, 村民小组 and the keyed hash of each learning card — never
an ID number or a phone) on the phone. At the venue each scan or tick is queued on the phone with
an id the phone made (``client_id``) and the time of the scan, and uploaded in batches once the
signal is back. Each item goes through ``services.check_in`` like any other check-in: exactly once
per person, judged by the time of its scan, and a retried ``client_id`` finds the entry it made.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.activities import roll, services
from communityedu.activities.constants import (
    OFFLINE_CLOCK_TOLERANCE_SECONDS,
    OFFLINE_ROLL_KEPT_DAYS,
    AttendanceRole,
    AttendanceSource,
    EntryKind,
)
from communityedu.activities.models import Activity, AttendanceEntry, LearningCard
from communityedu.people.models import Person

if TYPE_CHECKING:
    from communityedu.accounts.models import User

RECORDED = "recorded"
ALREADY_RECORDED = "already_recorded"
REFUSED = "refused"


@dataclass(frozen=True)
class Scan:
    """One queued check-in as the phone uploads it: a person's id or a card's token."""

    client_id: uuid.UUID
    scanned_at: datetime
    person_id: int | None = None
    card: str | None = None
    role: str = AttendanceRole.PARTICIPANT


@dataclass(frozen=True)
class ScanResult:
    client_id: uuid.UUID
    status: str
    reason: str = ""


def clock_correction(sent_at: datetime | None, now: datetime) -> timedelta:
    """What to add to a device's times: nothing within two minutes of the server's clock, else the
    difference (a phone whose clock runs an hour late had its scans an hour later than it says)."""
    if sent_at is None:
        return timedelta(0)
    skew = now - sent_at
    return skew if abs(skew) > timedelta(seconds=OFFLINE_CLOCK_TOLERANCE_SECONDS) else timedelta(0)


def upload_scans(
    *, activity: Activity, scans: list[Scan], sent_at: datetime | None, recorded_by: User, people: QuerySet[Person]
) -> list[ScanResult]:
    """Check in each queued scan, in order: one result per scan. ``people`` are those the uploader may
    name by id. A refusal of one scan (a replaced card, a scan outside the window) refuses only it."""
    now = timezone.now()
    correction = clock_correction(sent_at, now)
    named = {
        person.pk: person
        for person in people.filter(
            town_id=activity.town_id, pk__in={scan.person_id for scan in scans if scan.person_id}
        ).only("town_id", "name")
    }
    carded = services.people_for_cards(
        tokens=[scan.card for scan in scans if scan.card is not None], town_id=activity.town_id
    )
    results = []
    # One transaction: a batch is written whole or (on a database error) not at all, and fast.
    with transaction.atomic():
        # A client id heard before answers at once, as check_in would (a replayed queue costs one query).
        heard = set(
            AttendanceEntry.objects.filter(
                town_id=activity.town_id,
                activity=activity,
                client_id__in={scan.client_id for scan in scans},
                entry_kind=EntryKind.CHECK_IN,
            ).values_list("client_id", flat=True)
        )
        for scan in scans:
            if scan.client_id in heard:
                results.append(ScanResult(scan.client_id, ALREADY_RECORDED))
                continue
            if scan.card is not None:
                person = carded.get(scan.card.strip())
                missing = _("Unknown or replaced learning card.")
            else:
                person = named.get(scan.person_id or 0)
                missing = _("No such person in this town's register.")
            if person is None:
                results.append(ScanResult(scan.client_id, REFUSED, missing))
                continue
            try:
                result = services.check_in(
                    activity=activity,
                    person=person,
                    source=AttendanceSource.OFFLINE_SYNC,
                    recorded_by=recorded_by,
                    role=scan.role,
                    now=now,
                    client_id=scan.client_id,
                    scanned_at=scan.scanned_at + correction,
                )
            except services.CheckInError as error:
                results.append(ScanResult(scan.client_id, REFUSED, str(error)))
                continue
            results.append(ScanResult(scan.client_id, RECORDED if result.created else ALREADY_RECORDED))
    return results


# ---- the roll kept on the phone ------------------------------------------------------------------


def roll_key(activity: Activity) -> bytes:
    """The key of this activity's card hashes: derived from the server's secret and the activity, so
    a phone's copy says nothing of the cards' tokens nor of another activity's hashes."""
    return hmac.new(
        settings.LOOKUP_HASH_KEY.encode(), f"offline-roll:{activity.pk}:{activity.check_in_token}".encode(), "sha256"
    ).digest()


def card_hash(key: bytes, token: str) -> str:
    return hmac.new(key, token.strip().encode(), hashlib.sha256).hexdigest()


def kept_until(activity: Activity) -> datetime:
    return activity.ends_at + timedelta(days=OFFLINE_ROLL_KEPT_DAYS)


def offline_roll(*, activity: Activity, visible: QuerySet[Person]) -> dict:
    """What the phone keeps: the activity and its expected residents (registered, lecturers and the
    village's residents on the register), each with the keyed hashes of their active cards."""
    expected = roll.expected_ids(activity)
    people = visible.filter(town_id=activity.town_id, left_register_on__isnull=True)
    area = people.filter(pk__in=expected)
    if activity.village_id:
        area = area | people.filter(village_id=activity.village_id)
    rows = list(area.distinct().only("pk", "name", "village_group"))
    key = roll_key(activity)
    hashes: dict[int, list[str]] = {}
    for person_id, token in LearningCard.objects.filter(
        town_id=activity.town_id, is_active=True, person_id__in=[person.pk for person in rows]
    ).values_list("person_id", "token"):
        hashes.setdefault(person_id, []).append(card_hash(key, token))
    rows.sort(key=lambda person: (person.pk not in expected, roll.name_keys(person.name)[0], person.pk))
    opens, closes = services.check_in_window(activity)
    return {
        "activity": {
            "id": activity.pk,
            "title": activity.title,
            "starts_at": activity.starts_at.isoformat(),
            "ends_at": activity.ends_at.isoformat(),
            "opens_at": opens.isoformat(),
            "closes_at": closes.isoformat(),
            "kept_until": kept_until(activity).isoformat(),
        },
        "key": key.hex(),
        "people": [
            {"id": person.pk, "name": person.name, "group": person.village_group, "cards": hashes.get(person.pk, [])}
            for person in rows
        ],
    }
