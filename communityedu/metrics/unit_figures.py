"""The figures of the units' own people and of the volunteer teams (docs/design.md, "The figures").

``unit_staff_participation``: the participation of each unit's own people against its
本单位人员参与率 target (``organization.targets``, figure ``unit_participation``). A unit's own
people are the persons holding its posts (``organization.Position.person``, and
``people.PositionHolder``: whoever held the post in the year up to the cut-off), the persons linked to
the accounts holding a role on it (``RoleAssignment.unit`` → ``people.Person.account``) and the
team members, teachers and volunteers it employs (``incentives.TeamMember.employer``, active).
One of them took part when they have a participation row for the year (``activities.rollups.
YearlyParticipant``: an effective attendance, in any role, at an organised activity that was not
cancelled) dated on or before the cut-off — the town participation figure's definition, for these
people whether or not they are registered residents of a village. The units are those that take
targets (``TARGET_UNIT_TYPES``); the figure itself counts every unit's own people once.

``team_membership``: the town's volunteer teams (units of the team type) with at least one member
on the cut-off day ÷ all of them. Each team's line counts its members on that day and its
activities of the year up to the cut-off: activities held (not cancelled, ended by the cut-off)
that the team organised, or at which a volunteer who was a member of the team on the activity's
day was on duty as a volunteer (``ActivityDuty``) or checked in as a volunteer (an attendance
entry in the volunteer role that no reversal cancels).

Each reads every town in a fixed number of queries, whatever the number of towns: five (six when
any unit has own people) and two (three when there are teams, five when any team has members).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import TypedDict

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communityedu.activities.constants import AttendanceRole, EntryKind
from communityedu.activities.models import Activity, ActivityDuty, AttendanceEntry, DutyRole, YearlyParticipant
from communityedu.incentives.models import TeamMember, TeamMembership
from communityedu.metrics.base import (
    FIGURES,
    Figure,
    Line,
    Status,
    deadline_for,
    effective_as_of,
    figure,
    placeholders,
    quoted_table,
    ratio,
    status_of,
    targets_of,
)
from communityedu.organization.constants import TARGET_UNIT_TYPES, FigureKey, UnitType
from communityedu.organization.models import Position, RoleAssignment, Town, Unit
from communityedu.organization.targets import default_target
from communityedu.people.models import Person, PositionHolder

# The plan's 70 % (DEFAULT_TARGETS["unit_participation"]): the threshold of the town-wide figure.
UNIT_STAFF_PARTICIPATION_THRESHOLD = (default_target(FigureKey.UNIT_PARTICIPATION) / 100).quantize(Decimal("0.01"))
TEAM_MEMBERSHIP_THRESHOLD = Decimal("1")


BY_POST = "post"
BY_ACCOUNT = "account"
EMPLOYED = "employed"


def _own_people(*, town_ids: list[int], unit_ids: set[int], year: int, cut: date) -> dict[int, dict[int, set[str]]]:
    """{unit id: {person id: how they belong}} of the units' own people: by post (``BY_POST``: the
    person named on the post, and whoever held it in ``year`` up to ``cut``), by staff account
    (``BY_ACCOUNT``: the person of the unit's own town linked to an account with a role in the
    unit), employed (``EMPLOYED``: active team members it employs). One query, written as SQL: as
    four ORM queries their building cost a town's dashboard more than their reading."""
    people: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    towns, dates = placeholders(town_ids), connection.ops.adapt_datefield_value
    sql = (
        f"SELECT %s, p.unit_id, p.person_id FROM {quoted_table(Position)} p"  # noqa: S608 (names of the models)
        f" WHERE p.person_id IS NOT NULL AND p.town_id IN ({towns})"
        f" UNION ALL SELECT %s, p.unit_id, h.person_id FROM {quoted_table(PositionHolder)} h"
        f" JOIN {quoted_table(Position)} p ON p.id = h.position_id"
        f" WHERE h.person_id IS NOT NULL AND h.town_id IN ({towns}) AND h.starts_on <= %s"
        " AND (h.ends_on IS NULL OR h.ends_on >= %s)"
        f" UNION ALL SELECT %s, r.unit_id, e.id FROM {quoted_table(Person)} e"
        f" JOIN {quoted_table(RoleAssignment)} r ON r.user_id = e.account_id JOIN {quoted_table(Unit)} u ON u.id = r.unit_id"
        f" WHERE e.town_id IN ({towns}) AND u.town_id = e.town_id"
        f" UNION ALL SELECT %s, t.employer_id, t.person_id FROM {quoted_table(TeamMember)} t"
        f" WHERE t.town_id IN ({towns}) AND t.is_active = %s"
    )
    params: list = [
        *(BY_POST, *town_ids),
        *(BY_POST, *town_ids, dates(cut), dates(date(year, 1, 1))),
        *(BY_ACCOUNT, *town_ids),
        *(EMPLOYED, *town_ids, True),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for how, unit_id, person_id in cursor.fetchall():
            if unit_id in unit_ids:
                people[unit_id][person_id].add(how)
    return people


class UnitRow(TypedDict):
    """A unit as ``_target_units`` and ``_team_facts`` read it (``.values("pk", "town_id", "name")``)."""

    pk: int
    town_id: int
    name: str


def _target_units(town_ids: list[int]) -> list[UnitRow]:
    return list(
        Unit.objects.filter(town_id__in=town_ids, unit_type__in=TARGET_UNIT_TYPES)
        .order_by("town_id", "unit_type", "name")
        .values("pk", "town_id", "name")
    )


def _first_attended(*, town_ids: list[int], year: int, cut: date, person_ids: Collection[int]) -> dict[int, date]:
    """{person id: first day of attendance in ``year``} of those of ``person_ids`` who took part by
    ``cut`` (one query, written as SQL: see ``_own_people``)."""
    if not person_ids:
        return {}
    people = sorted(person_ids)
    sql = (
        f"SELECT person_id, first_attended_on FROM {quoted_table(YearlyParticipant)}"  # noqa: S608 (names of the models)
        f" WHERE town_id IN ({placeholders(town_ids)}) AND year = %s AND first_attended_on <= %s"
        f" AND person_id IN ({placeholders(people)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*town_ids, year, connection.ops.adapt_datefield_value(cut), *people])
        return dict(cursor.fetchall())


@figure("unit_staff_participation", _("participation of the units' own people"))
def unit_staff_participation(
    *, towns: list[Town], year: int, as_of: date, detail_town_ids: set[int] | None = None
) -> dict[int, Figure]:
    """Of each unit's own people (by post, by staff account, employed), those who took part in an
    organised activity between 1 January and ``as_of`` ÷ all of them, against the unit's
    本单位人员参与率 target; the figure counts every unit's own people once. Three queries and the shared
    read of the targets."""
    town_ids = [town.pk for town in towns]
    evaluated_on, cut = as_of, effective_as_of(year, as_of)
    units = _target_units(town_ids)
    people = _own_people(town_ids=town_ids, unit_ids={unit["pk"] for unit in units}, year=year, cut=cut)
    everyone = {person_id for own in people.values() for person_id in own}
    took_part = set(_first_attended(town_ids=town_ids, year=year, cut=cut, person_ids=everyone))
    stored_targets = targets_of(town_ids=town_ids, year=year, figure_key=FigureKey.UNIT_PARTICIPATION)
    units_of_town = defaultdict(list)
    for unit in units:
        units_of_town[unit["town_id"]].append(unit)
    no_people = str(_("no own people recorded"))  # translated once, not once a unit
    result = {}
    for town in towns:
        deadline = deadline_for(town, year)
        lines, town_people = [], set()
        for unit in units_of_town.get(town.pk, []):
            own = set(people.get(unit["pk"], {}))
            town_people |= own
            numerator = len(own & took_part)
            value = ratio(numerator, len(own))
            target = stored_targets.get(unit["pk"], default_target(FigureKey.UNIT_PARTICIPATION)) / 100
            lines.append(
                Line(
                    key=unit["pk"],
                    label=unit["name"],
                    numerator=numerator,
                    denominator=len(own),
                    value=value,
                    status=status_of(value, target, as_of=evaluated_on, deadline=deadline),
                    note="" if own else no_people,
                    target=target,
                )
            )
        result[town.pk] = Figure(
            key="unit_staff_participation",
            label=str(FIGURES["unit_staff_participation"][0]),
            town_id=town.pk,
            year=year,
            as_of=evaluated_on,
            numerator=len(town_people & took_part),
            denominator=len(town_people),
            threshold=UNIT_STAFF_PARTICIPATION_THRESHOLD,
            deadline=deadline,
            beside={"lines_label": str(_("Units (their own people)"))},
            flags={
                "units_below_target": sum(line.status in (Status.AT_RISK, Status.NOT_MET) for line in lines),
                "units_without_people": sum(1 for line in lines if not line.denominator),
            },
            villages=lines,
        )
    return result


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _team_facts(
    *, town_ids: list[int], year: int, cut: date
) -> tuple[list[UnitRow], dict[int, set[int]], dict[int, set[int]]]:
    """The towns' volunteer teams, {team id: person ids of its members on ``cut``} and {team id:
    ids of its activities of ``year`` up to ``cut``}. Two queries, three when there are teams, five when any
    team has members."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(date(year, 1, 1), time.min, tz)
    end = min(datetime.combine(cut, time.max, tz), timezone.now())
    teams = list(
        Unit.objects.filter(town_id__in=town_ids, unit_type=UnitType.TEAM)
        .order_by("town_id", "name")
        .values("pk", "town_id", "name")
    )
    # Memberships that overlap the year up to the cut-off: who is in a team on the cut-off day, and
    # on the day of each activity.
    memberships = list(
        TeamMembership.objects.filter(town_id__in=town_ids, joined_on__lte=cut)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=date(year, 1, 1)))
        .values_list("team_id", "member__person_id", "joined_on", "left_on")
        .order_by()
    )
    held = Q(
        activity__town_id__in=town_ids,
        activity__is_cancelled=False,
        activity__starts_at__gte=start,
        activity__ends_at__lte=end,
    )
    activities: dict[int, set[int]] = defaultdict(set)
    # The teams read above, by id: no join of every activity of the district with its organiser.
    organised = Activity.objects.filter(
        town_id__in=town_ids,
        organiser_id__in=[team["pk"] for team in teams],
        is_cancelled=False,
        starts_at__gte=start,
        ends_at__lte=end,
    ).values_list("organiser_id", "pk")
    for team_id, activity_id in organised.order_by():
        activities[team_id].add(activity_id)
    person_ids = sorted({person_id for _team, person_id, _joined, _left in memberships})
    if person_ids:
        reversed_later = AttendanceEntry.objects.filter(
            town_id=OuterRef("town_id"),
            activity_id=OuterRef("activity_id"),
            person_id=OuterRef("person_id"),
            generation=OuterRef("generation"),
            entry_kind=EntryKind.REVERSAL,
        )
        volunteered = (
            AttendanceEntry.objects.filter(
                held, person_id__in=person_ids, entry_kind=EntryKind.CHECK_IN, role=AttendanceRole.VOLUNTEER
            )
            .filter(~Exists(reversed_later))
            .values_list("person_id", "activity_id", "activity__starts_at")
        )
        on_duty = ActivityDuty.objects.filter(held, person_id__in=person_ids, role=DutyRole.VOLUNTEER).values_list(
            "person_id", "activity_id", "activity__starts_at"
        )
        by_person = defaultdict(list)
        for team_id, person_id, joined_on, left_on in memberships:
            by_person[person_id].append((team_id, joined_on, left_on))
        for rows in (volunteered, on_duty):
            for person_id, activity_id, starts_at in rows.order_by():
                day = _local_day(starts_at)
                for team_id, joined_on, left_on in by_person[person_id]:
                    if joined_on <= day and (left_on is None or left_on >= day):
                        activities[team_id].add(activity_id)
    members: dict[int, set[int]] = defaultdict(set)
    for team_id, person_id, joined_on, left_on in memberships:
        if joined_on <= cut and (left_on is None or left_on >= cut):
            members[team_id].add(person_id)
    return teams, members, activities


@figure("team_membership", _("volunteer teams with members"))
def team_membership(
    *, towns: list[Town], year: int, as_of: date, detail_town_ids: set[int] | None = None
) -> dict[int, Figure]:
    """Volunteer teams with at least one member on the cut-off day ÷ all the town's volunteer
    teams; each team's line with its members and its activities of the year up to the cut-off.
    Two queries, three when there are teams, five when any team has members."""
    town_ids = [town.pk for town in towns]
    evaluated_on, cut = as_of, effective_as_of(year, as_of)
    teams, members, activities = _team_facts(town_ids=town_ids, year=year, cut=cut)
    teams_of_town = defaultdict(list)
    for team in teams:
        teams_of_town[team["town_id"]].append(team)
    result = {}
    members_and_activities = str(_("%(members)s members, %(activities)s activities"))  # translated once
    for town in towns:
        deadline = deadline_for(town, year)
        lines = []
        for team in teams_of_town.get(town.pk, []):
            count, held_count = len(members[team["pk"]]), len(activities[team["pk"]])
            lines.append(
                Line(
                    key=team["pk"],
                    label=team["name"],
                    numerator=int(count > 0),
                    denominator=1,
                    value=Decimal(int(count > 0)),
                    status=status_of(
                        Decimal(int(count > 0)), TEAM_MEMBERSHIP_THRESHOLD, as_of=evaluated_on, deadline=deadline
                    ),
                    note=members_and_activities % {"members": count, "activities": held_count},
                    counts={"members": count, "activities": held_count},
                )
            )
        result[town.pk] = Figure(
            key="team_membership",
            label=str(FIGURES["team_membership"][0]),
            town_id=town.pk,
            year=year,
            as_of=evaluated_on,
            numerator=sum(line.numerator for line in lines),
            denominator=len(lines),
            threshold=TEAM_MEMBERSHIP_THRESHOLD,
            deadline=deadline,
            beside={
                "lines_label": str(_("Volunteer teams")),
                "members": len({person for team in teams_of_town.get(town.pk, []) for person in members[team["pk"]]}),
                "team_activities": len(
                    set().union(*(activities[team["pk"]] for team in teams_of_town.get(town.pk, [])))
                    if teams_of_town.get(town.pk)
                    else set()
                ),
            },
            flags={"teams_without_members": sum(1 for line in lines if not line.numerator)},
            villages=lines,
        )
    return result


# ---- the records behind the two figures (their drill-down pages) ---------------------------------

WAY_LABELS = {BY_POST: _("by post"), BY_ACCOUNT: _("staff account"), EMPLOYED: _("employed (工作单位)")}


@dataclass(frozen=True)
class UnitPerson:
    """One of a unit's own people, how they belong to it and the day they first took part (or None)."""

    unit_id: int
    unit: str
    person_id: int
    name: str
    ways: tuple[str, ...]
    first_attended_on: date | None

    @property
    def ways_label(self) -> str:
        return "、".join(str(WAY_LABELS[way]) for way in self.ways)


def unit_people(*, town: Town, year: int, as_of: date, unit_id: int | None = None) -> list[UnitPerson]:
    """The people ``unit_staff_participation`` counts, unit by unit (or of one unit), each with the
    day they first took part up to the cut-off: the denominator's rows; those with a day are the
    numerator's. Four queries."""
    cut = effective_as_of(year, as_of)
    units = [unit for unit in _target_units([town.pk]) if unit_id is None or unit["pk"] == unit_id]
    people = _own_people(town_ids=[town.pk], unit_ids={unit["pk"] for unit in units}, year=year, cut=cut)
    everyone = {person_id for own in people.values() for person_id in own}
    first = _first_attended(town_ids=[town.pk], year=year, cut=cut, person_ids=everyone)
    names = dict(Person.objects.filter(pk__in=sorted(everyone)).values_list("pk", "name")) if everyone else {}
    return [
        UnitPerson(
            unit_id=unit["pk"],
            unit=unit["name"],
            person_id=person_id,
            name=names.get(person_id, ""),
            ways=tuple(way for way in (BY_POST, BY_ACCOUNT, EMPLOYED) if way in ways),
            first_attended_on=first.get(person_id),
        )
        for unit in units
        for person_id, ways in sorted(people.get(unit["pk"], {}).items(), key=lambda item: names.get(item[0], ""))
    ]


@dataclass(frozen=True)
class TeamRecords:
    """A volunteer team with its members on the cut-off day and the activities counted for it."""

    team_id: int
    name: str
    members: list[str]
    activities: list[Activity]


def team_records(*, town: Town, year: int, as_of: date, team_id: int | None = None) -> list[TeamRecords]:
    """The records behind ``team_membership``: every volunteer team of ``town`` (or one), its members
    on the cut-off day by name and its activities of the year up to the cut-off. Seven queries at most."""
    cut = effective_as_of(year, as_of)
    teams, members, activities = _team_facts(town_ids=[town.pk], year=year, cut=cut)
    teams = [team for team in teams if team_id is None or team["pk"] == team_id]
    person_ids = sorted({person for team in teams for person in members[team["pk"]]})
    activity_ids = sorted({activity for team in teams for activity in activities[team["pk"]]})
    names = dict(Person.objects.filter(pk__in=person_ids).values_list("pk", "name")) if person_ids else {}
    held = {activity.pk: activity for activity in Activity.objects.filter(pk__in=activity_ids)} if activity_ids else {}
    return [
        TeamRecords(
            team_id=team["pk"],
            name=team["name"],
            members=sorted(names[person] for person in members[team["pk"]]),
            activities=sorted((held[pk] for pk in activities[team["pk"]]), key=lambda activity: activity.starts_at),
        )
        for team in teams
    ]
