"""A phone's offline queue uploaded at once: ``POST /api/v1/activities/{id}/attendance/batch`` with
500 items on SQLite, in wall time, first as 500 new check-ins and then as the same batch replayed.

Run: .venv/bin/python bench/bench_offline_batch.py

A throw-away SQLite database (WAL) in a temporary folder (``COMMUNITYEDU_VAR_DIR``,
``config.settings.local``): ``migrate``, a town with one village of 500 residents (half of them
with a learning card), its community school and the town office's account, one activity that
started 30 minutes ago. The batch is posted through the whole Django stack (middleware, session,
API, services) with the test client signed in as the office, the way the offline page posts it:
250 items by ``card`` and 250 by ``person``, each with its ``client_id`` and a ``scanned_at`` in the
window, ``sent_at`` now. Each run is checked: 500 ``recorded`` the first time and 500 rows; 500
``already_recorded`` on the replay and still 500 rows. Timed around the request only; the best
of three fresh activities is printed beside the median (the machine is shared: 2 cores).

Target (issue 18): ≤ 2 s for a 500-item batch on SQLite.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ITEMS = 500


def main() -> None:
    folder = tempfile.mkdtemp(prefix="bench-offline-")
    try:
        sys.path.insert(0, str(ROOT))
        os.environ["COMMUNITYEDU_VAR_DIR"] = folder
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
        os.environ.pop("DATABASE_URL", None)  # the figures are for SQLite
        import django

        django.setup()
        run()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run() -> None:
    from datetime import date, timedelta

    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from communityedu.accounts import services as account_services
    from communityedu.activities import services
    from communityedu.activities.constants import ActivityKind
    from communityedu.activities.models import AttendanceEntry
    from communityedu.organization import services as org_services
    from communityedu.organization.constants import Role, UnitType
    from communityedu.organization.models import Village
    from communityedu.people.models import Person, Sex

    call_command("migrate", verbosity=0)
    town = org_services.create_town(
        district_code="500102",
        district_name="涪陵区",
        slug="xinmiao",
        name="新妙镇",
        code="500102118",
        villages=[("弋阳村", "500102118207")],
        programme_start=date(2020, 5, 1),
    )
    office = account_services.create_staff_account(
        username="office", password="Xinmiao@2020", town=town, must_change_password=False
    )
    org_services.assign_role(user=office, role=Role.TOWN_OFFICE, town=town)
    school = org_services.save_unit(
        unit=None, town=town, values={"name": "新妙镇社区学校", "unit_type": UnitType.COMMUNITY_SCHOOL}, actor=None
    )
    village = Village.objects.get(town=town)
    people = Person.objects.bulk_create(
        Person(town=town, village=village, name=f"村民{n}", sex=Sex.FEMALE, birth_date=date(1960, 1, 1))
        for n in range(ITEMS)
    )
    cards = {person.pk: services.issue_learning_card(person=person, actor=office).token for person in people[::2]}
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(office)
    durations = {"new": [], "replay": []}
    cpu = {"new": [], "replay": []}
    for _round in range(3):
        now = timezone.now()
        activity = services.schedule_activity(
            actor=office,
            town=town,
            values={
                "title": "离线签到测试",
                "kind": ActivityKind.LECTURE_HALL,
                "organiser": school,
                "venue_place": "文化广场",
                "starts_at": now - timedelta(minutes=30),
                "ends_at": now + timedelta(hours=2),
            },
        )
        scanned = timezone.localtime(now - timedelta(minutes=5)).isoformat()
        items = [
            ({"card": cards[person.pk]} if person.pk in cards else {"person": person.pk})
            | {"client_id": str(uuid.uuid4()), "scanned_at": scanned}
            for person in people
        ]
        body = json.dumps({"sent_at": timezone.localtime(now).isoformat(), "items": items})
        for phase, expected in (("new", "recorded"), ("replay", "already_recorded")):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.post(
                f"/api/v1/activities/{activity.pk}/attendance/batch", body, content_type="application/json"
            )
            durations[phase].append(time.perf_counter() - started)
            cpu[phase].append(time.process_time() - started_cpu)
            assert response.status_code == 200, response.content[:300]
            statuses = {item["status"] for item in response.json()["items"]}
            assert statuses == {expected}, statuses
            assert AttendanceEntry.objects.filter(activity=activity).count() == ITEMS
    load = os.getloadavg()[0]
    for phase, times in durations.items():
        print(
            f"{ITEMS}-item batch, {phase:6}: best {min(times):.2f} s, median {statistics.median(times):.2f} s, "
            f"CPU {statistics.median(cpu[phase]):.2f} s (load average {load:.1f})"
        )


if __name__ == "__main__":
    main()
