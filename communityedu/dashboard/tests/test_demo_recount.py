"""The demo town's figures recounted from the raw tables, and its drill-downs walked.

One load of the demo (``load_demo``, about 40 s) serves every case of this module: it is loaded
once inside a transaction that is rolled back when the module ends, and each case runs inside it.

The recount is written here in plain SQL over the tables (attendance ledger, activities,
evidence, headcounts, allocations, recognition changes, survey answers, populations, posts and
their holders, role assignments, the team register and its memberships, duties, the register's
birth dates, sexes and tags, the audience groups and the recurring activities as configured):
none of the product's rollups, selectors or figure code. It is compared with
``GET /api/v1/metrics`` for 2020 at two dates, part by part: numerators, denominators, the
numbers beside and flagged, and for the figures with lines (per unit, per team, per audience
group, per occurrence, per source) every line by its name. The drill-down walk opens every link
of the targets page's figures and checks that the records behind it make the number shown.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from communityedu.accounts.models import User
from communityedu.dashboard.tests.test_drilldowns import figure_sections
from communityedu.organization.models import Town

AS_OF_DATES = [date(2020, 6, 30), date(2020, 12, 31)]
YEAR = 2020


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo towns, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield Town.objects.get(slug="xinmiao")
        transaction.set_rollback(True)


@pytest.fixture
def demo_client(demo, db, client):
    def signed_in(username: str):
        client.force_login(User.objects.get(username=username))
        return client

    return signed_in


def _local_date(column: str) -> str:
    """The Asia/Shanghai calendar day of a timestamp column (UTC+8, no summer time since 1991)."""
    if connection.vendor == "postgresql":
        return f"CAST(({column} AT TIME ZONE 'Asia/Shanghai') AS DATE)"
    return f"DATE({column}, '+8 hours')"


def _contains(column: str) -> str:
    """``column`` holds the parameter as a substring (case-sensitive, no LIKE wildcards)."""
    if connection.vendor == "postgresql":
        return f"STRPOS({column}, %s) > 0"
    return f"INSTR({column}, %s) > 0"


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _day(value: date | str | None) -> date | None:
    """A DATE column as read (SQLite answers text)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _one(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return int(row[0] or 0) if row else 0


def _population(town_id: int) -> int:
    return _one(
        "SELECT SUM(resident_population) FROM organization_villagepopulation WHERE town_id = %s AND year = %s",
        [town_id, YEAR],
    )


def _participation(town_id: int, cut: date) -> dict:
    starts, ends = _local_date("a.starts_at"), _local_date("a.ends_at")
    participants = _one(
        f"""
        SELECT COUNT(DISTINCT e.person_id)
        FROM activities_attendanceentry e
        JOIN activities_activity a ON a.id = e.activity_id
        JOIN people_person p ON p.id = e.person_id
        WHERE a.town_id = %s AND e.entry_kind = 'check_in' AND NOT a.is_cancelled
          AND {starts} >= %s AND {starts} <= %s
          AND p.is_resident AND p.village_id IS NOT NULL
          AND NOT EXISTS (
            SELECT 1 FROM activities_attendanceentry r
            WHERE r.activity_id = e.activity_id AND r.person_id = e.person_id
              AND r.generation = e.generation AND r.entry_kind = 'reversal')
        """,  # noqa: S608
        [town_id, date(YEAR, 1, 1), cut],
    )
    headcounts = _one(
        f"""
        SELECT SUM(h.count) FROM activities_headcount h JOIN activities_activity a ON a.id = h.activity_id
        WHERE h.town_id = %s AND NOT a.is_cancelled AND {starts} >= %s AND {starts} <= %s
        """,  # noqa: S608
        [town_id, date(YEAR, 1, 1), cut],
    )
    without_evidence = _one(
        f"""
        SELECT COUNT(*) FROM activities_activity a
        WHERE a.town_id = %s AND NOT a.is_cancelled AND {starts} >= %s AND {ends} <= %s
          AND NOT EXISTS (SELECT 1 FROM activities_evidence v WHERE v.activity_id = a.id AND NOT v.is_removed)
        """,  # noqa: S608
        [town_id, date(YEAR, 1, 1), cut],
    )
    return {
        "numerator": participants,
        "denominator": _population(town_id),
        "beside.headcount_person_times": headcounts,
        "flags.activities_without_evidence": without_evidence,
    }


def _lecture_hall(town_id: int, cut: date) -> dict:
    starts, ends = _local_date("a.starts_at"), _local_date("a.ends_at")
    with connection.cursor() as cursor:
        cursor.execute("SELECT programme_start FROM organization_town WHERE id = %s", [town_id])
        programme_start = cursor.fetchone()[0]
        if isinstance(programme_start, str):
            programme_start = date.fromisoformat(programme_start)
        first_month = max(programme_start, date(YEAR, 1, 1)).replace(day=1)
        held = f"""
            FROM activities_activity a
            WHERE a.town_id = %s AND a.kind = 'lecture_hall' AND NOT a.is_cancelled
              AND {starts} >= %s AND {ends} <= %s
        """
        cursor.execute(
            f"SELECT SUBSTR(CAST({starts} AS TEXT), 1, 7), COUNT(*) {held} GROUP BY SUBSTR(CAST({starts} AS TEXT), 1, 7)",
            [town_id, first_month, cut],
        )
        per_month = dict(cursor.fetchall())
    without_evidence = _one(
        f"""SELECT COUNT(*) {held}
        AND NOT EXISTS (SELECT 1 FROM activities_evidence v WHERE v.activity_id = a.id AND NOT v.is_removed)""",  # noqa: S608
        [town_id, date(YEAR, 1, 1), cut],
    )
    # Every month from the programme's first to the cut-off's (both dates are a month's last day:
    # every month counted is over).
    months = [f"{YEAR}-{month:02d}" for month in range(first_month.month, cut.month + 1)]
    with_two = sum(1 for month in months if per_month.get(month, 0) >= 2)
    return {
        "numerator": with_two,
        "denominator": len(months),
        "beside.lectures_held": sum(per_month.values()),
        "flags.months_below_two": len(months) - with_two,
        "flags.lectures_without_evidence": without_evidence,
    }


def _town_finance_fen(town_id: int, year: int, cut: date) -> int:
    return _one(
        """
        SELECT SUM(CAST(ROUND(amount * 100) AS INTEGER)) FROM funding_allocation
        WHERE town_id = %s AND year = %s AND source = 'town_finance' AND dated_on <= %s
        """,
        [town_id, year, cut],
    )


def _funding(town_id: int, cut: date) -> dict:
    return {
        "numerator": _town_finance_fen(town_id, YEAR, cut),
        "denominator": _population(town_id),
        "beside.previous_year_town_finance_fen": _town_finance_fen(town_id, YEAR - 1, cut),
    }


RECOGNISED_ON = """
    (SELECT s.status FROM recognition_statuschange s
     WHERE s.town_id = %s AND s.track = %s AND s.{subject}_id = {table}.id AND s.effective_on <= %s
     ORDER BY s.effective_on DESC, s.id DESC LIMIT 1) = 'recognised'
"""


def _recognised_villages(town_id: int, track: str, cut: date) -> int:
    condition = RECOGNISED_ON.format(subject="village", table="organization_village")
    return _one(
        f"SELECT COUNT(*) FROM organization_village WHERE town_id = %s AND {condition}",  # noqa: S608
        [town_id, town_id, track, cut],
    )


def _organs(town_id: int) -> str:
    """The units the town classifies as party and government organs (their category, not their type)."""
    return "organization_unit.town_id = %s AND organization_unit.category = 'party_government_organ'"


def _recognition(town_id: int, cut: date) -> dict:
    villages = _one("SELECT COUNT(*) FROM organization_village WHERE town_id = %s", [town_id])
    organ_condition = RECOGNISED_ON.format(subject="unit", table="organization_unit")
    return {
        "learning_communities": {
            "numerator": _recognised_villages(town_id, "learning_community", cut),
            "denominator": villages,
        },
        "learning_organs": {
            "numerator": _one(
                f"SELECT COUNT(*) FROM organization_unit WHERE {_organs(town_id)} AND {organ_condition}",  # noqa: S608
                [town_id, town_id, "learning_organ", cut],
            ),
            "denominator": _one(f"SELECT COUNT(*) FROM organization_unit WHERE {_organs(town_id)}", [town_id]),  # noqa: S608
        },
        # The plan asks for two demonstration villages/communities.
        "demonstration_villages": {
            "numerator": _recognised_villages(town_id, "demonstration", cut),
            "denominator": 2,
            "beside.recognised": _recognised_villages(town_id, "demonstration", cut),
        },
    }


def _surveys(town_id: int, cut: date) -> dict:
    survey = _one(
        """
        SELECT id FROM surveys_survey
        WHERE town_id = %s AND year = %s AND is_standard AND status = 'closed' AND closes_on <= %s
        ORDER BY closes_on DESC, id DESC LIMIT 1
        """,
        [town_id, YEAR, cut],
    )
    respondents = _one("SELECT COUNT(*) FROM surveys_response WHERE survey_id = %s", [survey])
    answers = """
        SELECT COUNT(*) FROM surveys_answer n JOIN surveys_question q ON q.id = n.question_id
        WHERE q.survey_id = %s AND q.standard_key = %s AND n.value IS NOT NULL
    """
    positive = " AND ((q.kind = 'yes_no' AND n.value = 1) OR (q.kind <> 'yes_no' AND n.value IN (4, 5)))"
    return {
        key: {
            "numerator": _one(answers + positive, [survey, key]),
            "denominator": _one(answers, [survey, key]),
            "beside.respondents": respondents,
        }
        for key in ("awareness", "recognition", "satisfaction")
    }


# ---- the five figures of issue 19 ---------------------------------------------------------------


def _ratio(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / denominator).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _status(value: Decimal | None, threshold: Decimal, *, as_of: date, deadline: date, above: bool = False) -> str:
    """The plan's status: met at the threshold (only above it for "more than half"), else at risk
    up to the deadline and not met after it; no data without a denominator."""
    if value is None:
        return "no_data"
    if value > threshold or (value == threshold and not above):
        return "met"
    return "at_risk" if as_of <= deadline else "not_met"


def _deadline(town_id: int) -> date:
    due = _day(_rows("SELECT targets_due_on FROM organization_town WHERE id = %s", [town_id])[0][0])
    return due if due is not None and due.year == YEAR else date(YEAR, 12, 31)


def _took_part(town_id: int, cut: date, *, residents_only: bool) -> tuple[str, list]:
    """The people with an effective check-in (any role; no reversal of its generation) at an
    activity of the town not cancelled that started between 1 January and ``cut`` (local days):
    a derived table of ``person_id``, with its parameters."""
    starts = _local_date("a.starts_at")
    resident = " JOIN people_person p ON p.id = e.person_id AND p.is_resident AND p.village_id IS NOT NULL"
    return (
        f"""
        SELECT DISTINCT e.person_id
        FROM activities_attendanceentry e
        JOIN activities_activity a ON a.id = e.activity_id{resident if residents_only else ""}
        WHERE a.town_id = %s AND e.entry_kind = 'check_in' AND NOT a.is_cancelled
          AND {starts} >= %s AND {starts} <= %s
          AND NOT EXISTS (
            SELECT 1 FROM activities_attendanceentry r
            WHERE r.activity_id = e.activity_id AND r.person_id = e.person_id
              AND r.generation = e.generation AND r.entry_kind = 'reversal')
        """,  # noqa: S608
        [town_id, date(YEAR, 1, 1), cut],
    )


# The units that take targets (party/government organs, mass organisations, the school and the
# village committees, by type), and the 本单位人员参与率 target none is set for (70 %).
TARGET_UNIT_TYPES = ("party_government_organ", "mass_organization", "school", "village_committee")
UNIT_PARTICIPATION_TARGET = Decimal("70")


def _unit_staff_participation(town_id: int, cut: date, deadline: date) -> dict:
    """Each target unit's own people (named on a post, holding a post in the year up to the
    cut-off, linked to an account with a role on the unit, or active team members it employs) and
    of them those who took part; the figure counts everyone once."""
    took_part, took_part_params = _took_part(town_id, cut, residents_only=False)
    unit_types = ", ".join(f"'{unit_type}'" for unit_type in TARGET_UNIT_TYPES)
    own = f"""
        WITH own(unit_id, person_id) AS (
            SELECT unit_id, person_id FROM organization_position WHERE town_id = %s AND person_id IS NOT NULL
            UNION
            SELECT pos.unit_id, h.person_id FROM people_positionholder h
            JOIN organization_position pos ON pos.id = h.position_id
            WHERE h.town_id = %s AND h.person_id IS NOT NULL AND h.starts_on <= %s
              AND (h.ends_on IS NULL OR h.ends_on >= %s)
            UNION
            SELECT ra.unit_id, p.id FROM organization_roleassignment ra
            JOIN organization_unit u ON u.id = ra.unit_id
            JOIN people_person p ON p.account_id = ra.user_id AND p.town_id = u.town_id
            WHERE u.town_id = %s
            UNION
            SELECT employer_id, person_id FROM incentives_teammember
            WHERE town_id = %s AND is_active AND employer_id IS NOT NULL
        ),
        took_part AS ({took_part})
    """  # noqa: S608
    own_params = [town_id, town_id, cut, date(YEAR, 1, 1), town_id, town_id, *took_part_params]
    targets = {
        unit_id: Decimal(str(value))
        for unit_id, value in _rows(
            """SELECT unit_id, value FROM organization_target
            WHERE town_id = %s AND year = %s AND figure_key = 'unit_participation' AND unit_id IS NOT NULL""",
            [town_id, YEAR],
        )
    }
    lines = {}
    units = _rows(
        f"""{own}
        SELECT u.id, u.name, COUNT(own.person_id), COUNT(took_part.person_id)
        FROM organization_unit u
        LEFT JOIN own ON own.unit_id = u.id
        LEFT JOIN took_part ON took_part.person_id = own.person_id
        WHERE u.town_id = %s AND u.unit_type IN ({unit_types})
        GROUP BY u.id, u.name
        """,  # noqa: S608
        [*own_params, town_id],
    )
    for unit_id, name, people, numerator in units:
        value, target = _ratio(numerator, people), targets.get(unit_id, UNIT_PARTICIPATION_TARGET) / 100
        lines[name] = {
            "numerator": numerator,
            "denominator": people,
            "value": value,
            "target": target,
            "status": _status(value, target, as_of=cut, deadline=deadline),
        }
    people, numerator = _rows(
        f"""{own}
        SELECT COUNT(DISTINCT own.person_id), COUNT(DISTINCT took_part.person_id)
        FROM own JOIN organization_unit u ON u.id = own.unit_id AND u.unit_type IN ({unit_types})
        LEFT JOIN took_part ON took_part.person_id = own.person_id
        """,  # noqa: S608
        own_params,
    )[0]
    threshold = Decimal("0.70")
    return {
        "numerator": numerator,
        "denominator": people,
        "threshold": threshold,
        "status": _status(_ratio(numerator, people), threshold, as_of=cut, deadline=deadline),
        "flags.units_below_target": sum(line["status"] in ("at_risk", "not_met") for line in lines.values()),
        "flags.units_without_people": sum(1 for line in lines.values() if not line["denominator"]),
        "lines": lines,
    }


def _team_membership(town_id: int, cut: date, deadline: date) -> dict:
    """The volunteer teams, their members on the cut-off day and their activities of the year up
    to it: organised by the team, or with a member of the team on that day on duty or checked in
    as a volunteer (a check-in no reversal cancels); held = not cancelled, ended by the cut-off."""
    starts, ends = _local_date("a.starts_at"), _local_date("a.ends_at")
    held = f"a.town_id = %s AND NOT a.is_cancelled AND {starts} >= %s AND {ends} <= %s"
    held_params = [town_id, date(YEAR, 1, 1), cut]
    member_on_the_day = f"""
        JOIN incentives_teammember m ON m.person_id = {{person}}
        JOIN incentives_teammembership ms ON ms.member_id = m.id
          AND ms.joined_on <= {starts} AND (ms.left_on IS NULL OR ms.left_on >= {starts})
    """
    team_activities = f"""
        SELECT a.organiser_id AS team_id, a.id AS activity_id FROM activities_activity a WHERE {held}
        UNION
        SELECT ms.team_id, a.id FROM activities_activityduty d
        JOIN activities_activity a ON a.id = d.activity_id
        {member_on_the_day.format(person="d.person_id")}
        WHERE d.role = 'volunteer' AND {held}
        UNION
        SELECT ms.team_id, a.id FROM activities_attendanceentry e
        JOIN activities_activity a ON a.id = e.activity_id
        {member_on_the_day.format(person="e.person_id")}
        WHERE e.entry_kind = 'check_in' AND e.role = 'volunteer' AND {held}
          AND NOT EXISTS (
            SELECT 1 FROM activities_attendanceentry r
            WHERE r.activity_id = e.activity_id AND r.person_id = e.person_id
              AND r.generation = e.generation AND r.entry_kind = 'reversal')
    """  # noqa: S608
    members = """
        SELECT ms.team_id, m.person_id FROM incentives_teammembership ms
        JOIN incentives_teammember m ON m.id = ms.member_id
        WHERE ms.joined_on <= %s AND (ms.left_on IS NULL OR ms.left_on >= %s)
    """
    teams = "SELECT id, name FROM organization_unit WHERE town_id = %s AND unit_type = 'team'"
    lines = {}
    for name, member_count, activity_count in _rows(
        f"""
        SELECT t.name,
          (SELECT COUNT(DISTINCT members.person_id) FROM ({members}) members WHERE members.team_id = t.id),
          (SELECT COUNT(DISTINCT held.activity_id) FROM ({team_activities}) held WHERE held.team_id = t.id)
        FROM ({teams}) t
        """,  # noqa: S608
        [cut, cut, *held_params, *held_params, *held_params, town_id],
    ):
        has_members = int(member_count > 0)
        lines[name] = {
            "numerator": has_members,
            "denominator": 1,
            "value": Decimal(has_members),
            "status": _status(Decimal(has_members), Decimal(1), as_of=cut, deadline=deadline),
            "counts": {"members": member_count, "activities": activity_count},
        }
    all_members = _one(
        f"""SELECT COUNT(DISTINCT members.person_id) FROM ({members}) members
        JOIN ({teams}) t ON t.id = members.team_id""",  # noqa: S608
        [cut, cut, town_id],
    )
    all_activities = _one(
        f"""SELECT COUNT(DISTINCT held.activity_id) FROM ({team_activities}) held
        JOIN ({teams}) t ON t.id = held.team_id""",  # noqa: S608
        [*held_params, *held_params, *held_params, town_id],
    )
    numerator = sum(line["numerator"] for line in lines.values())
    return {
        "numerator": numerator,
        "denominator": len(lines),
        "threshold": Decimal(1),
        "status": _status(_ratio(numerator, len(lines)), Decimal(1), as_of=cut, deadline=deadline),
        "beside.members": all_members,
        "beside.team_activities": all_activities,
        "flags.teams_without_members": len(lines) - numerator,
        "lines": lines,
    }


def _audience_participation(town_id: int, cut: date, deadline: date) -> dict:
    """Each audience group's people of the register (residents with a home village who had not
    left it by the cut-off) — age in full years on the cut-off day, sex, tag, by all or any of the
    group's conditions — and of them those who took part; the figure: people in any group."""
    took_part, took_part_params = _took_part(town_id, cut, residents_only=True)
    birth = "CAST(p.birth_date AS TEXT)"
    # Full years on the cut-off day: the years between, less one before the birthday.
    age = f"""%s - CAST(SUBSTR({birth}, 1, 4) AS INTEGER) - CASE
        WHEN CAST(SUBSTR({birth}, 6, 2) AS INTEGER) * 100 + CAST(SUBSTR({birth}, 9, 2) AS INTEGER) > %s
        THEN 1 ELSE 0 END"""
    has_age = """(r.age IS NOT NULL AND (g.min_age IS NULL OR r.age >= g.min_age)
        AND (g.max_age IS NULL OR r.age <= g.max_age))"""
    has_tag = """EXISTS (SELECT 1 FROM people_persontag pt JOIN people_tag t ON t.id = pt.tag_id
        WHERE pt.town_id = g.town_id AND pt.person_id = r.id AND t.name = g.tag_name)"""
    age_set, sex_set, tag_set = "(g.min_age IS NOT NULL OR g.max_age IS NOT NULL)", "g.sex <> ''", "g.tag_name <> ''"
    in_group = f"""(
        (g.match = 'all' AND (NOT {age_set} OR {has_age}) AND (NOT {sex_set} OR r.sex = g.sex)
          AND (NOT {tag_set} OR {has_tag}))
        OR (g.match = 'any' AND (({age_set} AND {has_age}) OR ({sex_set} AND r.sex = g.sex)
          OR ({tag_set} AND {has_tag}))))"""
    members = f"""
        WITH register AS (
            SELECT p.id, p.sex, CASE WHEN p.birth_date IS NULL THEN NULL ELSE {age} END AS age,
              CASE WHEN took_part.person_id IS NULL THEN 0 ELSE 1 END AS took_part
            FROM people_person p LEFT JOIN ({took_part}) took_part ON took_part.person_id = p.id
            WHERE p.town_id = %s AND p.is_resident AND p.village_id IS NOT NULL
              AND (p.left_register_on IS NULL OR p.left_register_on > %s)
        ),
        members AS (
            SELECT g.id AS group_id, r.id AS person_id, r.took_part
            FROM organization_audiencegroup g JOIN register r ON {in_group}
            WHERE g.town_id = %s
        )
    """  # noqa: S608
    params = [cut.year, cut.month * 100 + cut.day, *took_part_params, town_id, cut, town_id]
    threshold = Decimal("0.70")
    lines = {}
    for name, people, numerator in _rows(
        f"""{members}
        SELECT g.name, COUNT(members.person_id), COALESCE(SUM(members.took_part), 0)
        FROM organization_audiencegroup g LEFT JOIN members ON members.group_id = g.id
        WHERE g.town_id = %s GROUP BY g.id, g.name
        """,  # noqa: S608
        [*params, town_id],
    ):
        value = _ratio(numerator, people)
        lines[name] = {
            "numerator": int(numerator),
            "denominator": people,
            "value": value,
            "target": threshold,
            "status": _status(value, threshold, as_of=cut, deadline=deadline),
        }
    people, numerator = _rows(
        f"""{members}
        SELECT COUNT(DISTINCT person_id), COUNT(DISTINCT CASE WHEN took_part = 1 THEN person_id END) FROM members
        """,  # noqa: S608
        params,
    )[0]
    return {
        "numerator": numerator,
        "denominator": people,
        "threshold": threshold,
        "status": _status(_ratio(numerator, people), threshold, as_of=cut, deadline=deadline),
        "beside.groups": len(lines),
        "flags.groups_below_target": sum(line["status"] in ("at_risk", "not_met") for line in lines.values()),
        "lines": lines,
    }


RECURRING_WINDOW = timedelta(days=15)


def _recurring_activities(town_id: int, cut: date, deadline: date) -> dict:
    """Each required recurring activity's occurrence in the year: not due after the cut-off; else
    held (with live evidence), held without evidence or not held, by the unit responsible's
    activities not cancelled, ended by the cut-off, starting within 15 days either side of the
    day, of the kind and/or with the keyword required."""
    starts, ends = _local_date("a.starts_at"), _local_date("a.ends_at")
    lines = {}
    for unit_id, unit, title, month, day_of_month, kind, keyword in _rows(
        """
        SELECT r.unit_id, u.name, r.title, r.month, r.day, r.activity_kind, r.keyword
        FROM organization_recurringactivity r JOIN organization_unit u ON u.id = r.unit_id
        WHERE r.town_id = %s AND r.active_from_year <= %s
        """,
        [town_id, YEAR],
    ):
        day = date(YEAR, month, day_of_month)  # 2020 is a leap year: every day of the year is one
        status = "not_due"
        if day <= cut:
            condition, params = "", []
            if kind:
                condition, params = " AND a.kind = %s", [kind]
            if keyword:
                condition, params = f"{condition} AND {_contains('a.title')}", [*params, keyword]
            held, with_evidence = _rows(
                f"""
                SELECT COUNT(*), COUNT(CASE WHEN EXISTS (
                    SELECT 1 FROM activities_evidence v WHERE v.activity_id = a.id AND NOT v.is_removed)
                  THEN 1 END)
                FROM activities_activity a
                WHERE a.organiser_id = %s AND NOT a.is_cancelled AND {ends} <= %s
                  AND {starts} >= %s AND {starts} <= %s{condition}
                """,  # noqa: S608
                [unit_id, cut, day - RECURRING_WINDOW, day + RECURRING_WINDOW, *params],
            )[0]
            status = "held" if with_evidence else "missing_evidence" if held else "not_held"
        lines[f"{day:%m-%d} {unit} {title}"] = {
            "numerator": int(status == "held"),
            "denominator": int(status != "not_due"),
            "value": None if status == "not_due" else Decimal(int(status == "held")),
            "status": status,
        }
    numerator = sum(line["numerator"] for line in lines.values())
    denominator = sum(line["denominator"] for line in lines.values())
    return {
        "numerator": numerator,
        "denominator": denominator,
        "threshold": Decimal(1),
        "status": _status(_ratio(numerator, denominator), Decimal(1), as_of=cut, deadline=deadline),
        "beside.not_yet_due": sum(line["status"] == "not_due" for line in lines.values()),
        "flags.occurrences_not_held": sum(line["status"] == "not_held" for line in lines.values()),
        "flags.occurrences_without_evidence": sum(line["status"] == "missing_evidence" for line in lines.values()),
        "lines": lines,
    }


# The plan's sources of funding; the government's are town finance and higher government.
FUNDING_SOURCES = ("town_finance", "higher_government", "society", "unit", "individual")
GOVERNMENT_SOURCES = ("town_finance", "higher_government")


def _government_funding_share(town_id: int, cut: date, deadline: date) -> dict:
    """The year's allocations dated up to the cut-off, reversals included (negative amounts), by
    source in fen: the government's ÷ all, met only above the town's threshold (else half)."""
    by_source = dict.fromkeys(FUNDING_SOURCES, 0)
    for source, fen in _rows(
        """
        SELECT source, SUM(CAST(ROUND(amount * 100) AS INTEGER)) FROM funding_allocation
        WHERE town_id = %s AND year = %s AND dated_on <= %s GROUP BY source
        """,
        [town_id, YEAR, cut],
    ):
        by_source[source] = int(fen)
    own = _rows("SELECT threshold FROM funding_governmentsharesetting WHERE town_id = %s", [town_id])
    threshold = Decimal(str(own[0][0])) if own else Decimal("0.5")
    numerator = sum(by_source[source] for source in GOVERNMENT_SOURCES)
    denominator = sum(by_source.values())
    return {
        "numerator": numerator,
        "denominator": denominator,
        "threshold": threshold,
        "status": _status(_ratio(numerator, denominator), threshold, as_of=cut, deadline=deadline, above=True),
        "lines": {
            source: {"numerator": fen, "denominator": denominator, "value": _ratio(fen, denominator)}
            for source, fen in by_source.items()
        },
    }


def _recount(town_id: int, as_of: date) -> dict[str, dict]:
    cut = min(as_of, date(YEAR, 12, 31))
    deadline = _deadline(town_id)
    return {
        "participation": _participation(town_id, cut),
        "lecture_hall": _lecture_hall(town_id, cut),
        "funding_per_capita": _funding(town_id, cut),
        "government_funding_share": _government_funding_share(town_id, cut, deadline),
        **_recognition(town_id, cut),
        "unit_staff_participation": _unit_staff_participation(town_id, cut, deadline),
        "team_membership": _team_membership(town_id, cut, deadline),
        "audience_participation": _audience_participation(town_id, cut, deadline),
        "recurring_activities": _recurring_activities(town_id, cut, deadline),
        **_surveys(town_id, cut),
    }


def _value(key: str, numerator: int, denominator: int) -> str | None:
    if not denominator:
        return None
    if key == "funding_per_capita":
        return str((Decimal(numerator) / 100 / denominator).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    return str((Decimal(numerator) / denominator).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def _fen(amount: int | str) -> int:
    """An amount of the API in fen: the API answers money as yuan with two places ("70000.00")."""
    return amount if isinstance(amount, int) else int(Decimal(amount) * 100)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


# The lines of a figure are named by their label (a unit's, a team's, a group's name; an
# occurrence's day, unit and title), never by a database id; a source by its code.
LINES_NAMED_BY_KEY = {"government_funding_share"}


def _answered_lines(figure: dict, recounted: dict) -> dict:
    """The API's lines of ``figure`` by name, each reduced to the parts the recount has (amounts
    in fen, rates and targets as numbers)."""
    name = "key" if figure["key"] in LINES_NAMED_BY_KEY else "label"
    parts = {part for line in recounted.values() for part in line}
    lines = {}
    for line in figure["villages"]:
        answered = {
            "numerator": _fen(line["numerator"]),
            "denominator": _fen(line["denominator"]),
            "value": _decimal(line["value"]),
            "target": _decimal(line["target"]),
            "status": line["status"],
            "counts": line["counts"],
        }
        lines[line[name]] = {part: answered[part] for part in parts}
    assert len(lines) == len(figure["villages"]), f"{figure['key']}: two lines of one name"
    return lines


def _answered(figure: dict, recounted: dict) -> dict:
    """The API's figure, reduced to the parts the recount has (amounts in fen, as recounted)."""
    answered = {}
    for part in recounted:
        where, _dot, name = part.partition(".")
        if part == "lines":
            answered[part] = _answered_lines(figure, recounted[part])
        elif part == "status":
            answered[part] = figure[part]
        elif part == "threshold":
            answered[part] = Decimal(figure[part])
        elif not name:
            answered[part] = _fen(figure[part])
        elif name.endswith("_fen") and name not in figure[where]:
            answered[part] = _fen(figure[where][name.removesuffix("_fen") + "_yuan"])
        else:
            answered[part] = figure[where][name]
    return answered


@pytest.mark.parametrize("as_of", AS_OF_DATES, ids=str)
def test_every_demo_figure_equals_its_plain_sql_recount(demo, demo_client, as_of):
    response = demo_client("office").get(f"/api/v1/metrics?town=xinmiao&year={YEAR}&as_of={as_of}")
    figures = {figure["key"]: figure for figure in response.json()["figures"]}

    recounted = _recount(demo.pk, as_of)

    for key, parts in recounted.items():
        assert _answered(figures[key], parts) == parts, key
        assert figures[key]["value"] == _value(key, parts["numerator"], parts["denominator"]), key


def test_the_demo_recount_reads_the_years_known_totals(demo, db):
    """The recount itself, pinned where the plan's own numbers are known (issue 19: participation
    22,252 of 30,975 residents, ¥70,000 of town finance, 7 activities counted without evidence,
    3 of 7 learning organs at the year's end, the seven teams, 五四 missing from the demo)."""
    recounted = _recount(demo.pk, date(2020, 12, 31))

    assert (recounted["participation"]["numerator"], recounted["participation"]["denominator"]) == (22252, 30975)
    assert recounted["funding_per_capita"]["numerator"] == 7_000_000
    assert recounted["participation"]["flags.activities_without_evidence"] == 7
    # 党政机关 by the town's classification: not the 教育管理中心 nor the 综合文化服务中心.
    assert (recounted["learning_organs"]["numerator"], recounted["learning_organs"]["denominator"]) == (3, 7)
    # 政府投放为主: ¥100,000 of the town's and higher government's of ¥118,000 in all.
    government = recounted["government_funding_share"]
    assert (government["numerator"], government["denominator"]) == (10_000_000, 11_800_000)
    # The seven volunteer teams all have members; 涪十中's 五四 was not held, and is flagged.
    assert (recounted["team_membership"]["numerator"], recounted["team_membership"]["denominator"]) == (7, 7)
    recurring = recounted["recurring_activities"]
    assert {name: line["status"] for name, line in recurring["lines"].items()} == {
        "05-04 涪陵第十中学 五四青年节活动": "not_held",
        "06-01 涪陵第十中学 六一儿童节活动": "held",
        "10-01 涪陵第十中学 国庆主题活动": "held",
        "12-31 涪陵第十中学 元旦联欢活动": "held",
    }
    # The plan's four audience groups, each counted.
    assert sorted(recounted["audience_participation"]["lines"]) == sorted(
        ["老年人", "青少年/留守儿童", "妇女", "农民工"]
    )


LINK = re.compile(r'<a href="(?P<url>/staff/targets/(?:records|participants)/[^"#]*)">(?P<text>[^<]+)</a>')


def _number(text: str) -> Decimal:
    return Decimal(text.strip().replace("¥", "").replace(",", ""))


@pytest.mark.parametrize("as_of", AS_OF_DATES, ids=str)
def test_every_number_of_the_demo_targets_page_equals_the_records_behind_its_link(demo, demo_client, as_of):
    client = demo_client("office")
    page = client.get(f"/staff/targets/?town=xinmiao&year={YEAR}&as_of={as_of}").content.decode()
    links = [
        (html.unescape(match["url"]), match["text"])
        for section in figure_sections(page)
        for match in LINK.finditer(section)
    ]

    behind = {}
    for url, text in links:
        assert f"year={YEAR}&as_of={as_of}" in url, url
        records = client.get(url).content.decode()
        behind[url] = (
            _number(text),
            Decimal(
                re.search(r'id="(?:figure-records|participants-count)" data-(?:total|count)="([^"]+)"', records)[1]
            ),
        )

    assert len(behind) >= 40
    assert {url: shown for url, (shown, _rows) in behind.items()} == {
        url: rows for url, (_shown, rows) in behind.items()
    }


def test_every_demo_figure_link_opens_for_the_centre_director(demo, demo_client):
    client = demo_client("center")
    page = client.get(f"/staff/targets/?town=xinmiao&year={YEAR}&as_of=2020-12-31").content.decode()
    urls = {
        html.unescape(url) for section in figure_sections(page) for url in re.findall(r'<a href="([^"#]+)"', section)
    }

    statuses = {url: client.get(url).status_code for url in urls}

    assert len(statuses) >= 40
    assert set(statuses.values()) == {200}, {url: status for url, status in statuses.items() if status != 200}
