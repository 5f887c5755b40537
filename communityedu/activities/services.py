"""Writes for activities: scheduling, registration, the attendance ledger, headcounts, cards.

Every function here is the only writer of its rows, atomic and audited (the attendance ledger
carries its own actor and time, so its entries are not copied into the audit log one by one).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.activities import permissions, rollups
from communityedu.activities.constants import (
    CHECK_IN_CLOSES_AFTER_MINUTES,
    CHECK_IN_OPENS_BEFORE_MINUTES,
    OFFLINE_CLOCK_TOLERANCE_SECONDS,
    OFFLINE_UPLOAD_HOURS,
    AttendanceRole,
    AttendanceSource,
    CheckInState,
    EntryKind,
)
from communityedu.activities.models import (
    Activity,
    ActivityDuty,
    ActivityLecturer,
    ActivitySeries,
    AttendanceEntry,
    DutyRole,
    Headcount,
    LearningCard,
    Registration,
)
from communityedu.core import audit
from communityedu.core.models import AuditAction
from communityedu.organization.constants import Role
from communityedu.organization.models import RoleAssignment, Town
from communityedu.people.models import Person

if TYPE_CHECKING:
    from communityedu.accounts.models import User

ACTIVITY_FIELDS = [
    "title", "kind", "organiser", "venue_unit", "venue_place", "village", "starts_at", "ends_at",
    "audience", "capacity", "summary",
]  # fmt: skip
MAX_SERIES_WEEKS = 60


class CheckInError(Exception):
    """A check-in that cannot be taken; the message says why, in plain words."""


def _check_village_scope(actor: User | None, town: Town, village) -> None:
    """A learning-centre director schedules in their own village only, never town-wide."""
    if actor is None:
        return
    allowed = permissions.village_limit(actor, town)
    if allowed is not None and (village is None or village.pk not in allowed):
        raise ValidationError({"village": _("A learning centre schedules activities in its own village only.")})


def _validate_links(town: Town, values: dict, lecturers: list[Person]) -> None:
    for name in ("organiser", "venue_unit", "village"):
        value = values.get(name)
        if value is not None and value.town_id != town.pk:
            raise ValidationError({name: _("Choose one from the same town.")})
    if any(person.town_id != town.pk for person in lecturers):
        raise ValidationError({"lecturers": _("Lecturers must be people of this town's register.")})


def _set_lecturers(activity: Activity, lecturers: list[Person]) -> None:
    wanted = {person.pk for person in lecturers}
    ActivityLecturer.objects.filter(activity=activity).exclude(person_id__in=wanted).delete()
    ActivityLecturer.objects.bulk_create(
        [ActivityLecturer(town_id=activity.town_id, activity=activity, person_id=pk) for pk in wanted],
        ignore_conflicts=True,
    )


@transaction.atomic
def schedule_activity(
    *, actor: User, town: Town, values: dict, lecturers: Iterable[Person] = (), series=None
) -> Activity:
    lecturers = list(lecturers)
    _validate_links(town, values, lecturers)
    _check_village_scope(actor, town, values.get("village"))
    activity = Activity(town=town, created_by=actor, series=series, check_in_token=secrets.token_urlsafe(16), **values)
    activity.full_clean(exclude=["created_by", "series"])
    activity.save()
    _set_lecturers(activity, lecturers)
    audit.record_change(
        actor=actor, obj=activity, created=True, changes=audit.diff({}, audit.snapshot(activity, ACTIVITY_FIELDS))
    )
    return activity


@transaction.atomic
def schedule_series(
    *,
    actor: User,
    town: Town,
    values: dict,
    first_date: date,
    last_date: date,
    start_time: time,
    end_time: time,
    lecturers: Iterable[Person] = (),
) -> list[Activity]:
    """One activity a week on ``first_date``'s weekday, from ``first_date`` to ``last_date``."""
    if last_date < first_date:
        raise ValidationError({"last_date": _("The last date comes before the first.")})
    if (last_date - first_date).days > MAX_SERIES_WEEKS * 7:
        raise ValidationError(
            {"last_date": _("A series may run for at most %(weeks)s weeks.") % {"weeks": MAX_SERIES_WEEKS}}
        )
    series = ActivitySeries.objects.create(
        town=town, title=values["title"], weekday=first_date.weekday(), first_date=first_date, last_date=last_date
    )
    tz = timezone.get_current_timezone()
    activities = []
    day = first_date
    while day <= last_date:
        occurrence = {
            **values,
            "starts_at": datetime.combine(day, start_time, tz),
            "ends_at": datetime.combine(day, end_time, tz),
        }
        activities.append(
            schedule_activity(actor=actor, town=town, values=occurrence, lecturers=lecturers, series=series)
        )
        day += timedelta(days=7)
    return activities


@transaction.atomic
def update_activity(
    *, actor: User, activity: Activity, values: dict, lecturers: list[Person] | None = None
) -> Activity:
    _validate_links(activity.town, values, list(lecturers or []))
    _check_village_scope(actor, activity.town, values.get("village", activity.village))
    before = audit.snapshot(activity, ACTIVITY_FIELDS)
    moved_from = activity.starts_at
    for name, value in values.items():
        setattr(activity, name, value)
    activity.full_clean(exclude=["created_by", "series"])
    activity.save(update_fields=[*values, "updated_at"])
    if activity.starts_at != moved_from:
        # Its attendees' first dates may move, in the old year and the new.
        rollups.refresh_participation(
            town_id=activity.town_id,
            person_ids=rollups.people_of(activity.pk),
            years={rollups.local_day(moved_from).year, rollups.local_day(activity.starts_at).year},
        )
    if lecturers is not None:
        _set_lecturers(activity, list(lecturers))
    changes = audit.diff(before, audit.snapshot(activity, ACTIVITY_FIELDS))
    if changes:
        audit.record_change(actor=actor, obj=activity, created=False, changes=changes)
    return activity


@transaction.atomic
def cancel_activity(*, actor: User, activity: Activity, reason: str) -> Activity:
    if not reason.strip():
        raise ValidationError({"cancel_reason": _("Say why the activity is cancelled.")})
    activity.is_cancelled, activity.cancel_reason = True, reason.strip()[:200]
    activity.save(update_fields=["is_cancelled", "cancel_reason", "updated_at"])
    # A cancelled activity no longer counts: its attendees' first dates move later or go.
    rollups.refresh_participation(
        town_id=activity.town_id,
        person_ids=rollups.people_of(activity.pk),
        years={rollups.local_day(activity.starts_at).year},
    )
    audit.record_change(actor=actor, obj=activity, created=False, changes={"is_cancelled": [False, True]})
    return activity


# ---- registration ------------------------------------------------------------------------------


@transaction.atomic
def register(*, person: Person, activity: Activity, actor: User) -> Registration:
    """Reserve a place; registering twice is one registration. Refused when the activity is full."""
    if activity.is_cancelled or activity.ends_at <= timezone.now():
        raise ValidationError(_("Registration is closed for this activity."))
    if person.town_id != activity.town_id:
        raise ValidationError(_("This activity is for residents of another town."))
    # Lock the activity row so two last places are not given away at once (PostgreSQL; SQLite
    # serialises writers anyway).
    Activity.objects.select_for_update().filter(pk=activity.pk).first()
    existing = Registration.objects.filter(activity=activity, person=person).first()
    if existing is not None and not existing.is_cancelled:
        return existing
    taken = Registration.objects.filter(activity=activity, is_cancelled=False).count()
    if activity.capacity is not None and taken >= activity.capacity:
        raise ValidationError(_("Sorry, this activity is full."))
    if existing is not None:
        existing.is_cancelled = False
        existing.save(update_fields=["is_cancelled", "updated_at"])
        registration = existing
    else:
        registration = Registration.objects.create(town_id=activity.town_id, activity=activity, person=person)
    audit.record_change(actor=actor, obj=registration, created=existing is None, changes={"registered": [False, True]})
    return registration


@transaction.atomic
def cancel_registration(*, person: Person, activity: Activity, actor: User) -> None:
    updated = Registration.objects.filter(activity=activity, person=person, is_cancelled=False).update(
        is_cancelled=True, updated_at=timezone.now()
    )
    if updated:
        audit.record(
            actor=actor, action=AuditAction.UPDATE, obj=activity, changes={"registration_cancelled": [None, person.pk]}
        )


# ---- attendance ----------------------------------------------------------------------------------


def check_in_window(activity: Activity) -> tuple[datetime, datetime]:
    return (
        activity.starts_at - timedelta(minutes=CHECK_IN_OPENS_BEFORE_MINUTES),
        activity.ends_at + timedelta(minutes=CHECK_IN_CLOSES_AFTER_MINUTES),
    )


def is_open_for_check_in(activity: Activity, now=None) -> bool:
    opens, closes = check_in_window(activity)
    return not activity.is_cancelled and opens <= (now or timezone.now()) <= closes


def check_in_state(activity: Activity, now=None) -> CheckInState:
    """What the venue code's page tells a resident before they tap: not yet open, open or closed."""
    if activity.is_cancelled:
        return CheckInState.CANCELLED
    opens, closes = check_in_window(activity)
    now = now or timezone.now()
    if now < opens:
        return CheckInState.NOT_YET_OPEN
    return CheckInState.OPEN if now <= closes else CheckInState.CLOSED


@dataclass(frozen=True)
class CheckIn:
    entry: AttendanceEntry
    created: bool


def _current_generation(activity: Activity, person: Person) -> int:
    return AttendanceEntry.objects.filter(activity=activity, person=person, entry_kind=EntryKind.REVERSAL).count()


def check_in(
    *,
    activity: Activity,
    person: Person,
    source: str,
    recorded_by,
    role: str = AttendanceRole.PARTICIPANT,
    now=None,
    client_id: uuid.UUID | None = None,
    scanned_at: datetime | None = None,
) -> CheckIn:
    """Record that ``person`` attended ``activity``: once, however often they are scanned.

    A resident's own scan of the venue code is accepted only while the activity runs (from an
    hour before to an hour after); staff may record attendance of a past activity from its roster.
    A check-in taken offline (``scanned_at``, the device's ``client_id``) is judged by the time of
    its scan instead, and accepted up to 72 hours after the window closed; the same ``client_id``
    again finds the entry it made.
    """
    if client_id is not None:
        made = (
            AttendanceEntry.objects.filter(
                town_id=activity.town_id, activity=activity, client_id=client_id, entry_kind=EntryKind.CHECK_IN
            )
            .select_related("person")
            .first()
        )
        if made is not None:
            made.activity = activity
            return CheckIn(entry=made, created=False)
    if person.town_id != activity.town_id:
        raise CheckInError(_("This person belongs to another town."))
    if activity.is_cancelled:
        raise CheckInError(_("This activity was cancelled."))
    if scanned_at is not None:
        _check_offline_times(activity, scanned_at, now or timezone.now())
    elif source in (
        AttendanceSource.VENUE_QR,
        AttendanceSource.CARD_SCAN,
        AttendanceSource.DEVICE,
        AttendanceSource.OFFLINE_SYNC,
    ) and not is_open_for_check_in(activity, now):
        raise CheckInError(_("Check-in is open only from an hour before the activity until an hour after it ends."))
    if activity.starts_at > (now or timezone.now()) + timedelta(minutes=CHECK_IN_OPENS_BEFORE_MINUTES):
        raise CheckInError(_("This activity has not started yet."))
    if role not in AttendanceRole.values:
        raise CheckInError(_("Unknown role."))
    # A repeat (the usual case at the door: a queue scanned twice, a resident tapping again) is
    # answered by a read, before any write lock.
    current = _current_check_in(activity.pk, person.pk)
    if current is not None:
        current.activity, current.person = activity, person
        return CheckIn(entry=current, created=False)
    recorded_at = timezone.now()
    values = {
        "created_at": recorded_at,
        "updated_at": recorded_at,
        "town": activity.town_id,
        "activity": activity.pk,
        "person": person.pk,
        "entry_kind": EntryKind.CHECK_IN,
        "role": role,
        "source": source,
        "recorded_by": recorded_by.pk if getattr(recorded_by, "pk", None) else None,
        "reason": "",
        "client_id": client_id,
        # In UTC, as the database gives it back: the first answer and every repeat read the same.
        "scanned_at": scanned_at.astimezone(UTC) if scanned_at is not None else None,
    }
    # One statement: the ledger row, and (by the trigger of migration 0009) the participation rollup.
    inserted = _insert_unless_checked_in(values)
    if inserted is not None:
        entry_id, generation = inserted
        entry = AttendanceEntry(pk=entry_id, generation=generation, **_attributes(values))
        created = True
    else:
        # Another scan of the same person won the race a moment ago (or, with a client id, another
        # upload of it): answer with the check-in it made.
        entry = (
            AttendanceEntry.objects.filter(
                activity=activity, client_id=client_id, entry_kind=EntryKind.CHECK_IN
            ).first()
            if client_id is not None
            else None
        ) or AttendanceEntry.objects.filter(activity=activity, person=person, entry_kind=EntryKind.CHECK_IN).latest(
            "generation"
        )
        created = False
    entry.activity, entry.person = activity, person
    return CheckIn(entry=entry, created=created)


def _check_offline_times(activity: Activity, scanned_at: datetime, now: datetime) -> None:
    """A check-in taken offline: scanned within the window, uploaded within 72 hours of its close."""
    opens, closes = check_in_window(activity)
    if scanned_at > now + timedelta(seconds=OFFLINE_CLOCK_TOLERANCE_SECONDS):
        raise CheckInError(_("The time of the scan lies in the future; check the device's clock."))
    if not opens <= scanned_at <= closes:
        raise CheckInError(
            _("Scanned outside the check-in window (from an hour before the activity until an hour after it ends).")
        )
    if now > closes + timedelta(hours=OFFLINE_UPLOAD_HOURS):
        raise CheckInError(
            _("Uploaded more than %(hours)s hours after check-in closed.") % {"hours": OFFLINE_UPLOAD_HOURS}
        )


def _attributes(values: dict) -> dict:
    return {
        (f"{name}_id" if name in ("town", "activity", "person", "recorded_by") else name): value
        for name, value in values.items()
    }


# Writers of one server process queue here rather than in SQLite's busy handler, which sleeps in
# steps of up to 100 ms; the lock is held only around the one INSERT (run in C, the interpreter
# lock released). Other processes still meet at SQLite's lock, for as short a time.
_sqlite_writers = threading.Lock()


@functools.cache
def _current_check_in_statement(vendor: str) -> tuple[str, list]:
    """The read of ``_current_check_in`` and each column's converters, built once."""
    meta = AttendanceEntry._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(f"e.{quote(cast(str, field.column))}" for field in meta.concrete_fields)
    sql = (
        f"SELECT {columns} FROM {table} e WHERE e.activity_id = %s AND e.person_id = %s AND e.entry_kind = %s"  # noqa: S608
        f" AND NOT EXISTS (SELECT 1 FROM {table} r WHERE r.activity_id = e.activity_id AND r.person_id = e.person_id"
        " AND r.generation = e.generation AND r.entry_kind = %s) ORDER BY e.generation DESC LIMIT 1"
    )
    converters = []
    for field in meta.concrete_fields:
        column = field.get_col(meta.db_table)
        converters.append((column, connection.ops.get_db_converters(column) + column.get_db_converters(connection)))
    return sql, converters


def _current_check_in(activity_id: int, person_id: int) -> AttendanceEntry | None:
    """The person's check-in of the current generation (one no reversal cancels), by one read.

    Written as SQL: it runs on every scan, and building the same query with the ORM cost more
    than running it."""
    sql, converters = _current_check_in_statement(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [activity_id, person_id, EntryKind.CHECK_IN, EntryKind.REVERSAL])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, (column, functions) in enumerate(converters):
        for function in functions:
            values[index] = function(values[index], column, connection)
    return AttendanceEntry.from_db(connection.alias, _LEDGER_NAMES, values)


_LEDGER_NAMES = [field.attname for field in AttendanceEntry._meta.concrete_fields]


def _insert_unless_checked_in(values: dict) -> tuple[int, int] | None:
    """Insert a check-in of the current generation (the count of earlier reversals) in one
    statement, or nothing when that check-in exists; the new row's id and generation, else None.

    Written as SQL (``INSERT … ON CONFLICT DO NOTHING RETURNING``, SQLite ≥ 3.35 and PostgreSQL)
    because Django's ``bulk_create(ignore_conflicts=True)`` does not return the id, and this is a
    check-in device's hot path: one statement, in autocommit, the unique rule on (town, activity,
    person, generation, entry) deciding between concurrent scans, and the trigger of migration 0009
    writing the participation rollup inside it. Within a transaction (an offline batch) it is part
    of that transaction.
    """
    meta = AttendanceEntry._meta
    quote = connection.ops.quote_name
    concrete_fields = {field.name: field for field in meta.concrete_fields}
    fields = [concrete_fields[name] for name in values]
    # A concrete field always has a column.
    columns = ", ".join(quote(cast(str, field.column)) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    parameters = [field.get_db_prep_save(values[field.name], connection) for field in fields]
    table = quote(meta.db_table)
    # Table and column names come from the model, values are parameters.
    sql = (
        f"INSERT INTO {table} ({columns}, {quote('generation')}) VALUES ({placeholders}, "  # noqa: S608
        f"(SELECT COUNT(*) FROM {table} WHERE {quote('activity_id')} = %s AND {quote('person_id')} = %s"
        f" AND {quote('entry_kind')} = %s)) ON CONFLICT DO NOTHING RETURNING {quote('id')}, {quote('generation')}"
    )
    parameters += [values["activity"], values["person"], EntryKind.REVERSAL]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            # Never inside a transaction: its holder may already have SQLite's lock, which the
            # thread holding this one waits for.
            with _sqlite_writers:
                cursor.execute(sql, parameters)
                row = cursor.fetchone()
        else:
            cursor.execute(sql, parameters)
            row = cursor.fetchone()
    return (row[0], row[1]) if row else None


@transaction.atomic
def reverse_check_in(*, activity: Activity, person: Person, reason: str, actor: User) -> AttendanceEntry:
    """Cancel a check-in by a reversing entry with a reason; the original stays in the ledger."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the check-in is reversed.")})
    generation = _current_generation(activity, person)
    original = AttendanceEntry.objects.filter(
        activity=activity, person=person, generation=generation, entry_kind=EntryKind.CHECK_IN
    ).first()
    if original is None:
        raise ValidationError(_("This person is not checked in."))
    reversal = AttendanceEntry.objects.create(
        town_id=activity.town_id,
        activity=activity,
        person=person,
        generation=generation,
        entry_kind=EntryKind.REVERSAL,
        role=original.role,
        source=original.source,
        recorded_by=actor,
        reason=reason[:200],
    )
    # The person's first date of that year moves to their next attendance, or the row goes.
    rollups.refresh_participation(
        town_id=activity.town_id, person_ids=[person.pk], years={rollups.local_day(activity.starts_at).year}
    )
    return reversal


@transaction.atomic
def record_headcount(*, activity: Activity, count: int, note: str, actor: User) -> Headcount:
    if count == 0:
        raise ValidationError({"count": _("Give the number of people counted.")})
    return Headcount.objects.create(
        town_id=activity.town_id, activity=activity, count=count, note=note[:200], recorded_by=actor
    )


# ---- learning cards ------------------------------------------------------------------------------


def _card_signature(random_part: str) -> str:
    return hmac.new(settings.LOOKUP_HASH_KEY.encode(), f"card:{random_part}".encode(), hashlib.sha256).hexdigest()[:12]


@transaction.atomic
def issue_learning_card(*, person: Person, actor: User) -> LearningCard:
    """The person's active card, made on first use; a re-issue replaces a lost one."""
    card = LearningCard.objects.filter(person=person, is_active=True).first()
    if card is not None:
        return card
    random_part = secrets.token_urlsafe(12)
    card = LearningCard.objects.create(
        town_id=person.town_id, person=person, token=f"{random_part}.{_card_signature(random_part)}"
    )
    audit.record_change(actor=actor, obj=card, created=True, changes={"person": [None, person.pk]})
    return card


@transaction.atomic
def reissue_learning_card(*, person: Person, actor: User) -> LearningCard:
    LearningCard.objects.filter(person=person, is_active=True).update(is_active=False, updated_at=timezone.now())
    return issue_learning_card(person=person, actor=actor)


def people_for_cards(*, tokens: Iterable[str], town_id: int) -> dict[str, Person]:
    """``person_for_card`` of many tokens in one query: each genuine, active token of this town to
    its person (a phone's queue of scans uploaded at once)."""
    genuine = set()
    for token in tokens:
        random_part, _dot, signature = token.strip().partition(".")
        if random_part and hmac.compare_digest(signature, _card_signature(random_part)):
            genuine.add(token.strip())
    cards = LearningCard.objects.select_related("person").filter(town_id=town_id, token__in=genuine, is_active=True)
    return {card.token: card.person for card in cards}


def person_for_card(*, token: str, town_id: int) -> Person | None:
    """The person a scanned card belongs to, if the token is genuine, active and of this town."""
    random_part, _dot, signature = token.strip().partition(".")
    if not random_part or not hmac.compare_digest(signature, _card_signature(random_part)):
        return None
    card = (
        LearningCard.objects.select_related("person")
        .filter(town_id=town_id, token=token.strip(), is_active=True)
        .first()
    )
    return card.person if card else None


DUTY_ROLES: dict[str, str] = {DutyRole.VOLUNTEER: Role.VOLUNTEER, DutyRole.TEACHER: Role.TEACHER}


@transaction.atomic
def assign_duty(*, actor: User, activity: Activity, person: Person, role: str) -> ActivityDuty:
    """Put a volunteer or a teacher of the town on duty at the activity (audited)."""
    if role not in DUTY_ROLES:
        raise ValidationError({"role": _("Choose volunteer or teacher.")})
    holds_role = (
        person.town_id == activity.town_id
        and person.account_id is not None
        and RoleAssignment.objects.filter(
            user_id=person.account_id, role=DUTY_ROLES[role], town_id=activity.town_id
        ).exists()
    )
    if not holds_role:
        raise ValidationError({"person": _("Only a volunteer or teacher of this town can be put on duty as one.")})
    duty, created = ActivityDuty.objects.get_or_create(
        town_id=activity.town_id, activity=activity, person=person, defaults={"role": role}
    )
    if created:
        audit.record_change(
            actor=actor, obj=duty, created=True, changes={"person": [None, person.name], "role": [None, role]}
        )
    return duty


@transaction.atomic
def remove_duty(*, actor: User, activity: Activity, person: Person) -> bool:
    duty = ActivityDuty.objects.filter(activity=activity, person=person).first()
    if duty is None:
        return False
    audit.record_deletion(actor=actor, obj=duty)
    duty.delete()
    return True
