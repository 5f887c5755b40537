"""Any interleaving of online check-ins, two phones' offline queues, retries and reversals leaves
exactly one attendance per person present, and the participation counts equal a naive recount."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from communityedu.activities import offline, services
from communityedu.activities.constants import AttendanceSource, EntryKind
from communityedu.activities.models import AttendanceEntry
from communityedu.activities.tests import test_participation_rollup as rollup_checks
from communityedu.activities.tests.factories import activity
from communityedu.people.models import Person

PEOPLE = ("zhang", "li", "wang", "teacher")

ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("online"), st.integers(0, 3), st.integers(0, 1)),
        st.tuples(st.just("scan"), st.integers(0, 3), st.integers(0, 1), st.integers(0, 1)),
        st.tuples(st.just("upload"), st.integers(0, 1)),
        st.tuples(st.just("retry"), st.integers(0, 1)),
        st.tuples(st.just("reverse"), st.integers(0, 3), st.integers(0, 1)),
    ),
    max_size=40,
)


@pytest.fixture
def two_activities(world):
    world.open_activities = [world.lecture, activity(world, starts_at=timezone.now() - timedelta(minutes=50), hours=1)]
    return world


def _effective(activity_id: int) -> Counter:
    """Check-ins not reversed, per person, straight from the ledger."""
    reversed_generations = set(
        AttendanceEntry.objects.filter(activity_id=activity_id, entry_kind=EntryKind.REVERSAL).values_list(
            "person_id", "generation"
        )
    )
    return Counter(
        person_id
        for person_id, generation in AttendanceEntry.objects.filter(
            activity_id=activity_id, entry_kind=EntryKind.CHECK_IN
        ).values_list("person_id", "generation")
        if (person_id, generation) not in reversed_generations
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_online_offline_retries_and_reversals_leave_one_attendance_per_person_and_true_counts(two_activities, actions):
    world = two_activities
    people = [world.people[name] for name in PEOPLE]
    activities = world.open_activities
    queues: list[list[tuple[int, offline.Scan]]] = [[], []]  # per phone: (activity index, scan) not yet answered
    last_batch: list[list[tuple[int, offline.Scan]]] = [[], []]
    # The model, in the order the server hears things: who is present, and which client ids made a row.
    present = {(a, p.pk): False for a in range(2) for p in people}
    made_rows: set[uuid.UUID] = set()
    counter = 0

    def hear(activity_index: int, scan: offline.Scan) -> None:
        key = (activity_index, scan.person_id)
        if scan.client_id in made_rows:
            return
        if not present[key]:
            present[key] = True
            made_rows.add(scan.client_id)

    def upload(phone: int, batch: list[tuple[int, offline.Scan]]) -> None:
        for activity_index in (0, 1):
            scans = [scan for index, scan in batch if index == activity_index]
            if not scans:
                continue
            results = offline.upload_scans(
                activity=activities[activity_index],
                scans=scans,
                sent_at=timezone.now(),
                recorded_by=world.accounts["school"],
                people=Person.objects.all(),
            )
            assert {result.status for result in results} <= {offline.RECORDED, offline.ALREADY_RECORDED}
            for scan in scans:
                hear(activity_index, scan)

    with transaction.atomic():
        for action in actions:
            kind = action[0]
            if kind == "online":
                _, person_index, activity_index = action
                person = people[person_index]
                services.check_in(
                    activity=activities[activity_index],
                    person=person,
                    source=AttendanceSource.DEVICE,
                    recorded_by=world.accounts["school"],
                )
                present[(activity_index, person.pk)] = True
            elif kind == "scan":
                _, person_index, activity_index, phone = action
                counter += 1
                scan = offline.Scan(
                    client_id=uuid.UUID(int=counter), scanned_at=timezone.now(), person_id=people[person_index].pk
                )
                queues[phone].append((activity_index, scan))
            elif kind == "upload":
                phone = action[1]
                batch, queues[phone] = queues[phone], []
                upload(phone, batch)
                last_batch[phone] = batch
            elif kind == "retry":
                # The answer to the last upload was lost: the phone sends the same items again.
                upload(action[1], last_batch[action[1]])
            elif kind == "reverse":
                _, person_index, activity_index = action
                person = people[person_index]
                try:
                    services.reverse_check_in(
                        activity=activities[activity_index], person=person, reason="点错", actor=None
                    )
                except ValidationError:
                    assert not present[(activity_index, person.pk)]  # nobody to reverse
                else:
                    present[(activity_index, person.pk)] = False
        for phone in (0, 1):
            upload(phone, queues[phone])

        for activity_index, lecture in enumerate(activities):
            effective = _effective(lecture.pk)
            assert {person.pk: effective[person.pk] for person in people} == {
                person.pk: int(present[(activity_index, person.pk)]) for person in people
            }
            client_ids = list(
                AttendanceEntry.objects.filter(activity=lecture, client_id__isnull=False).values_list(
                    "client_id", flat=True
                )
            )
            assert len(client_ids) == len(set(client_ids))
        assert rollup_checks._rollup(world.xinmiao) == rollup_checks._naive(world.xinmiao)
        assert rollup_checks._day_counts(world.xinmiao) == rollup_checks._naive_day_counts(world.xinmiao)
        transaction.set_rollback(True)
