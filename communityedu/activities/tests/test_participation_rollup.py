"""The participation rollup: kept by the attendance services, never drifting from the raw ledger."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from communityedu.activities import services
from communityedu.activities.constants import AttendanceRole, AttendanceSource, EntryKind
from communityedu.activities.models import Activity, AttendanceEntry
from communityedu.activities.rollups import ParticipantDayCount, YearlyParticipant, rebuild_participation
from communityedu.activities.tests.factories import activity, at
from communityedu.organization.models import District, Town
from communityedu.people.models import RegisterRevision
from communityedu.people.revision_triggers import SQLITE_COUNTED_INSERTS

ROLES = list(AttendanceRole.values)


def _rollup(town) -> dict:
    return {
        (row.year, row.person_id): (row.first_attended_on, row.first_activity_id, row.village_id)
        for row in YearlyParticipant.objects.filter(town=town)
    }


def _naive(town) -> dict:
    """Straight from the raw ledger: each person's first effective attendance of each year."""
    reversed_generations = {
        (entry.activity_id, entry.person_id, entry.generation)
        for entry in AttendanceEntry.objects.filter(town=town, entry_kind=EntryKind.REVERSAL)
    }
    first: dict = {}
    entries = (
        AttendanceEntry.objects.filter(town=town, entry_kind=EntryKind.CHECK_IN)
        .select_related("activity", "person")
        .order_by("activity__starts_at", "activity_id")
    )
    for entry in entries:
        if (
            entry.activity.is_cancelled
            or (entry.activity_id, entry.person_id, entry.generation) in reversed_generations
        ):
            continue
        day = timezone.localtime(entry.activity.starts_at).date()
        village = entry.person.village_id if entry.person.is_resident else None
        key = (day.year, entry.person_id)
        if key not in first or (day, entry.activity_id) < first[key][:2]:
            first[key] = (day, entry.activity_id, village)
    return first


def _day_counts(town) -> dict:
    """The counts the triggers keep, without the days brought back to nobody."""
    return {
        (row.year, row.village_id, row.day): row.people
        for row in ParticipantDayCount.objects.filter(town=town).exclude(people=0)
    }


def _naive_day_counts(town) -> dict:
    counts: Counter = Counter()
    for (year, _person), (day, _activity, village) in _naive(town).items():
        if village is not None:
            counts[(year, village, day)] += 1
    return dict(counts)


def _check_in(world, lecture, person, role=AttendanceRole.PARTICIPANT):
    return services.check_in(
        activity=lecture, person=person, source=AttendanceSource.ROSTER, recorded_by=world.accounts["office"], role=role
    )


def test_a_first_check_in_writes_the_day_of_the_activity_and_the_home_village(world):
    lecture = activity(world, starts_at=at(2020, 6, 3, 20))
    _check_in(world, lecture, world.people["wang"])

    row = YearlyParticipant.objects.get()
    assert (row.year, row.first_attended_on, row.village_id) == (2020, date(2020, 6, 3), world.shizi.pk)


def test_an_earlier_check_in_moves_the_first_day_and_a_later_one_does_not(world):
    june, may, july = (activity(world, starts_at=at(2020, m, 10)) for m in (6, 5, 7))
    zhang = world.people["zhang"]
    for lecture in (june, may, july):
        _check_in(world, lecture, zhang)

    row = YearlyParticipant.objects.get()
    assert (row.first_attended_on, row.first_activity_id) == (date(2020, 5, 10), may.pk)


def test_reversing_the_only_attendance_removes_the_row_and_reversing_the_first_moves_it(world):
    may, june = activity(world, starts_at=at(2020, 5, 10)), activity(world, starts_at=at(2020, 6, 10))
    zhang, li = world.people["zhang"], world.people["li"]
    _check_in(world, may, zhang)
    _check_in(world, june, zhang)
    _check_in(world, may, li)

    services.reverse_check_in(activity=may, person=zhang, reason="点错", actor=world.accounts["office"])
    services.reverse_check_in(activity=may, person=li, reason="点错", actor=world.accounts["office"])

    assert _rollup(world.xinmiao) == {(2020, zhang.pk): (date(2020, 6, 10), june.pk, world.yiyang.pk)}


def test_cancelling_an_activity_takes_its_attendance_out_of_the_rollup(world):
    may = activity(world, starts_at=at(2020, 5, 10))
    _check_in(world, may, world.people["zhang"])

    services.cancel_activity(actor=world.accounts["office"], activity=may, reason="暴雨")

    assert YearlyParticipant.objects.count() == 0


def test_moving_an_activity_to_another_year_moves_the_row(world):
    december = activity(world, starts_at=at(2020, 12, 30))
    _check_in(world, december, world.people["zhang"])

    services.update_activity(
        actor=world.accounts["office"],
        activity=december,
        values={"starts_at": at(2021, 1, 5), "ends_at": at(2021, 1, 5) + timedelta(hours=2)},
    )

    row = YearlyParticipant.objects.get()
    assert (row.year, row.first_attended_on) == (2021, date(2021, 1, 5))


def test_a_move_of_village_does_not_rewrite_a_year_already_counted(world):
    may, june = activity(world, starts_at=at(2020, 5, 10)), activity(world, starts_at=at(2020, 6, 10))
    zhang = world.people["zhang"]
    _check_in(world, june, zhang)
    zhang.village = world.shizi
    zhang.save(update_fields=["village"])

    _check_in(world, may, zhang)
    rebuild_participation(town_id=world.xinmiao.pk)

    assert YearlyParticipant.objects.get().village_id == world.yiyang.pk


def test_the_rebuild_command_restores_rows_written_past_the_services(world):
    may = activity(world, starts_at=at(2020, 5, 10))
    AttendanceEntry.objects.create(
        town=world.xinmiao, activity=may, person=world.people["wang"], source=AttendanceSource.ROSTER
    )
    YearlyParticipant.objects.create(
        town=world.xinmiao, year=2019, person=world.people["li"], first_attended_on=date(2019, 3, 1), first_activity=may
    )

    call_command("rebuild_participation", "--town", "xinmiao", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert _rollup(world.xinmiao) == _naive(world.xinmiao)
    assert list(YearlyParticipant.objects.values_list("person_id", flat=True)) == [world.people["wang"].pk]


# ---- the counts per village and day ---------------------------------------------------------------


def test_the_counts_per_day_follow_check_ins_moves_and_reversals(world):
    may, june = activity(world, starts_at=at(2020, 5, 10)), activity(world, starts_at=at(2020, 6, 10))
    zhang, li = world.people["zhang"], world.people["li"]  # both of 弋阳村
    _check_in(world, june, zhang)
    _check_in(world, june, li)
    assert _day_counts(world.xinmiao) == {(2020, world.yiyang.pk, date(2020, 6, 10)): 2}

    _check_in(world, may, zhang)  # zhang's first day moves to May
    assert _day_counts(world.xinmiao) == {
        (2020, world.yiyang.pk, date(2020, 5, 10)): 1,
        (2020, world.yiyang.pk, date(2020, 6, 10)): 1,
    }

    services.reverse_check_in(activity=june, person=li, reason="点错", actor=world.accounts["office"])
    assert _day_counts(world.xinmiao) == {(2020, world.yiyang.pk, date(2020, 5, 10)): 1}


def test_deleting_a_person_takes_them_out_of_the_counts(world):
    may = activity(world, starts_at=at(2020, 5, 10))
    wang, zhang = world.people["wang"], world.people["zhang"]
    _check_in(world, may, wang)
    _check_in(world, may, zhang)

    AttendanceEntry.objects.filter(person=wang).delete()
    wang.delete()

    assert _day_counts(world.xinmiao) == {(2020, world.yiyang.pk, date(2020, 5, 10)): 1}


def test_the_migrated_database_has_the_triggers_that_keep_the_counts(world):
    """A later migration that makes SQLite copy one of these tables would drop its triggers: this
    says so. The yearly rows keep the counts per day and, with the register's tables, the towns'
    register revisions (``people.revision_triggers``)."""
    revision = ["revision_delete", "revision_insert", "revision_update"]
    expected = {
        YearlyParticipant._meta.db_table: (
            ["participant_day_delete", "participant_day_insert", "participant_day_update"],
            ["participant_day_insert_delete", "participant_day_update"],
        ),
        "people_person": ([], []),
        "people_persontag": ([], []),
        "people_tag": ([], []),
    }
    with connection.cursor() as cursor:
        for table, (sqlite_names, pg_names) in expected.items():
            if connection.vendor == "sqlite":
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
                # A roster's inserts raise the tables' id counters instead (people.revision_triggers).
                own = [name for name in revision if not (table in SQLITE_COUNTED_INSERTS and name == "revision_insert")]
                names = sqlite_names + [f"{table}_{name}" for name in own]
            else:
                cursor.execute(
                    "SELECT DISTINCT trigger_name FROM information_schema.triggers WHERE event_object_table = %s",
                    [table],
                )
                names = pg_names + [f"{table}_{name}" for name in revision]
            assert sorted(name for (name,) in cursor.fetchall()) == sorted(names), table
        # Every town gets its revision row when it is created, whatever creates it.
        cursor.execute(
            "SELECT COUNT(*) FROM organization_town t WHERE NOT EXISTS"
            " (SELECT 1 FROM people_registerrevision r WHERE r.town_id = t.id)"
        )
        assert cursor.fetchone() == (0,)
    town = Town.objects.create(district=District.objects.first(), slug="zhenxi", name="珍溪镇", code="500102120")
    assert RegisterRevision.objects.filter(town=town).count() == 1


# ---- the rollup never drifts from the ledger ------------------------------------------------------

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["check_in", "check_in", "check_in", "reverse", "reverse", "cancel", "move"]),
        st.integers(0, 3),  # person
        st.integers(0, 4),  # activity
        st.sampled_from(ROLES),
        st.integers(-400, 400),  # days to move by
    ),
    max_size=30,
)


@pytest.fixture
def stream_world(world):
    # Around the turn of a year, late in the evening (a UTC date differs from the local one).
    world.stream_activities = [
        activity(world, starts_at=at(2020, 12, 31, 22), hours=1),
        activity(world, starts_at=at(2021, 1, 1, 7)),
        activity(world, starts_at=at(2021, 1, 1, 9)),
        activity(world, starts_at=at(2020, 3, 15)),
        activity(world, starts_at=at(2021, 6, 1)),
    ]
    world.people["outsider"] = world.people["teacher"]
    world.people["teacher"].is_resident = False
    world.people["teacher"].save(update_fields=["is_resident"])
    return world


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_the_rollup_equals_the_naive_recomputation_after_any_stream_of_corrections(stream_world, actions):
    world = stream_world
    people = [world.people[name] for name in ("zhang", "li", "wang", "teacher")]
    with transaction.atomic():
        for action, person_index, activity_index, role, days in actions:
            person = people[person_index]
            lecture = Activity.objects.get(pk=world.stream_activities[activity_index].pk)
            try:
                if action == "check_in":
                    _check_in(world, lecture, person, role)
                elif action == "reverse":
                    services.reverse_check_in(activity=lecture, person=person, reason="更正", actor=None)
                elif action == "cancel" and not lecture.is_cancelled:
                    services.cancel_activity(actor=None, activity=lecture, reason="取消")
                elif action == "move":
                    starts_at = lecture.starts_at + timedelta(days=days)
                    services.update_activity(
                        actor=None,
                        activity=lecture,
                        values={"starts_at": starts_at, "ends_at": starts_at + timedelta(hours=1)},
                    )
            except (services.CheckInError, ValidationError):
                pass  # refused (a cancelled activity, nobody to reverse): the ledger did not change
            assert _rollup(world.xinmiao) == _naive(world.xinmiao)
            assert _day_counts(world.xinmiao) == _naive_day_counts(world.xinmiao)
        rebuild_participation(town_id=world.xinmiao.pk)
        assert _rollup(world.xinmiao) == _naive(world.xinmiao)
        assert _day_counts(world.xinmiao) == _naive_day_counts(world.xinmiao)
        transaction.set_rollback(True)
