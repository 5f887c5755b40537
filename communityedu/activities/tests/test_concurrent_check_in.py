"""Exactly once under concurrency: many devices scanning the same person at the same moment.

Real threads, released together by a barrier, each post the check-in through the API on its own
database connection, against committed data (``transactional_db``). On PostgreSQL (CI's second
pass) the threads share the test database as it is. On SQLite the unit suite's in-memory database
would fail the second writer at once ("database table is locked"), so the test's data is copied
(SQLite's backup) into a database file in WAL mode with the busy timeout, as in production, and
every thread opens that file instead.
"""

from __future__ import annotations

import sqlite3
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.utils import timezone

from communityedu.activities.constants import EntryKind
from communityedu.activities.models import AttendanceEntry
from communityedu.activities.rollups import ParticipantDayCount, YearlyParticipant
from communityedu.core.models import AuditLogEntry
from config.database import SQLITE_OPTIONS
from conftest import build_world

THREADS = 200


@pytest.fixture
def shared_world(transactional_db, tmp_path):
    """The two-town world and a check-in device's token, committed where every thread sees them."""
    world = build_world()
    out = StringIO()
    call_command("create_api_token", "school", stdout=out)
    world.token = out.getvalue().strip()
    original = connections["default"]
    if original.vendor != "sqlite":
        yield world
        return
    original.ensure_connection()
    path = tmp_path / "threads.sqlite3"
    target = sqlite3.connect(path)
    original.connection.backup(target)
    target.close()
    original_settings = connections.settings["default"]
    file_settings = {
        **original_settings,
        "NAME": str(path),
        "OPTIONS": {**original_settings["OPTIONS"], "init_command": SQLITE_OPTIONS["init_command"]},
    }
    connections.settings["default"] = file_settings
    connections["default"] = original.__class__(file_settings, "default")
    try:
        yield world
    finally:
        connections["default"].close()
        connections["default"] = original  # the in-memory database stays open for the flush
        connections.settings["default"] = original_settings


def _check_in_together(activity_id: int, body: dict, token: str) -> list:
    barrier = threading.Barrier(THREADS, timeout=120)
    answers: list = [None] * THREADS

    def device(index: int) -> None:
        client = Client()
        try:
            barrier.wait()
            response = client.post(
                f"/api/v1/activities/{activity_id}/attendance",
                body,
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
            answers[index] = (response.status_code, response.json())
        except Exception as error:
            answers[index] = (None, repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=device, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return answers


def test_the_same_person_scanned_by_two_hundred_devices_at_once_is_checked_in_exactly_once(shared_world):
    world = shared_world
    li = world.people["li"]
    audit_before = AuditLogEntry.objects.count()

    answers = _check_in_together(world.lecture.pk, {"person": li.pk}, world.token)

    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * (THREADS - 1) + [201], answers
    entries = AttendanceEntry.objects.filter(activity=world.lecture)
    assert [(e.person_id, e.entry_kind, e.generation) for e in entries] == [(li.pk, EntryKind.CHECK_IN, 0)]
    # every device got the one record back, whether it created it or found it
    assert {body["id"] for _, body in answers} == {entries.get().pk}
    year = timezone.localdate(world.lecture.starts_at).year
    assert list(YearlyParticipant.objects.filter(town=world.xinmiao).values_list("year", "person")) == [(year, li.pk)]
    assert list(ParticipantDayCount.objects.filter(town=world.xinmiao).values_list("village", "people")) == [
        (world.yiyang.pk, 1)
    ]
    # check-ins are not copied into the audit log (the ledger carries its actor and time)
    assert AuditLogEntry.objects.count() == audit_before
