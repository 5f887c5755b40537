"""Targets benchmark: the dashboard and the metrics API over a district, against the naive count.

Run: .venv/bin/python bench/bench_metrics.py [--people 1000000] [--rows 10000000] [--towns 27]

A throw-away SQLite database (WAL) in a temporary folder, `config.settings.local`. The district
is generated fast, in one transaction with `PRAGMA synchronous=OFF`: the towns, their villages
and accounts through the services (27 × 20 villages), then people, activities and attendance by
`INSERT … SELECT` over recursive CTEs (the ledger's indexes are dropped during the insert and
rebuilt after, as a bulk load would). Each attending resident comes to several activities of the
year; 1% of the check-ins are reversed. The participation rollup is then rebuilt with SQL
equivalent to `rebuild_participation` (one INSERT … SELECT … GROUP BY), and the command's own
Python logic is timed on one town.

Measured, with the Django test client in process (p50 and p95 of repeated requests):
- the town office's dashboard `/staff/targets/` today and at a past `as_of`;
- the evaluator's dashboard (every town of the district side by side);
- `GET /api/v1/metrics?town=…` today and at a past `as_of`;
- their query counts;
- the naive recomputation of one town's participation (today) straight from the raw ledger —
  distinct residents with a check-in not reversed at a held activity, per village — and of the
  whole district, in the same run: the ratio naive / rollup is the point of the rollup.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["COMMUNITYEDU_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-metrics-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

PASSWORD = "Xinmiao@2020"  # noqa: S105 (the throw-away accounts of the bench)
VILLAGES_PER_TOWN = 20
ACTIVITIES_PER_TOWN = 2000
ATTENDING_SHARE = 0.75  # of each town's residents attend at least once in the year


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def percentiles(function, repeat: int) -> tuple[float, float]:
    times = sorted(timed(function) for _ in range(repeat))
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * len(times)) - 1)]


def build_structure(towns: int, year: int):
    from communityedu.accounts import services as account_services
    from communityedu.organization import services as org_services
    from communityedu.organization.constants import Role

    made = []
    for number in range(towns):
        made.append(
            org_services.create_town(
                district_code="500102",
                district_name="涪陵区",
                slug=f"town{number:02d}",
                name=f"第{number + 1}镇",
                code=f"500102{100 + number}",
                villages=[
                    (f"第{number + 1}镇{v + 1}村", f"500102{100 + number}{200 + v}") for v in range(VILLAGES_PER_TOWN)
                ],
                programme_start=date(2020, 5, 1),
            )
        )
    office = account_services.create_staff_account(username="office", password=PASSWORD, town=made[0])
    org_services.assign_role(user=office, role=Role.TOWN_OFFICE, town=made[0])
    evaluator = account_services.create_staff_account(username="evaluator", password=PASSWORD, town=None)
    org_services.assign_role(user=evaluator, role=Role.DISTRICT_EVALUATOR, district=made[0].district)
    return made


def generate(people: int, rows: int, towns: int, year: int, as_of: date) -> dict:
    from communityedu.organization.models import Unit, Village, VillagePopulation

    made = build_structure(towns, year)
    per_town = people // towns
    rows_per_town = rows // towns
    attending = int(per_town * ATTENDING_SHARE)
    visits = -(-rows_per_town // attending)
    step = ACTIVITIES_PER_TOWN // visits
    now = timezone.now().strftime("%Y-%m-%d %H:%M:%S")
    days = (as_of - date(year, 1, 1)).days
    timings = {}
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-2000000")  # 2 GB of page cache: the indexes stay in memory
        cursor.execute("PRAGMA temp_store=MEMORY")
        index_sql = [
            sql
            for (sql,) in cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type='index' AND tbl_name='activities_attendanceentry'"
                " AND sql IS NOT NULL"
            ).fetchall()
        ]
        index_names = [sql.split('"')[1] for sql in index_sql]
        with transaction.atomic():
            start = time.perf_counter()
            for town in made:
                villages = list(Village.objects.filter(town=town).order_by("id").values_list("id", flat=True))
                VillagePopulation.objects.bulk_create(
                    [VillagePopulation(town=town, village_id=v, year=year, resident_population=per_town // len(villages))
                     for v in villages]
                )  # fmt: skip
                organiser = Unit.objects.filter(town=town).order_by("id").values_list("id", flat=True).first()
                cursor.execute(
                    "WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < %s)"
                    " INSERT INTO people_person (created_at, updated_at, town_id, name, sex, birth_date, village_id,"
                    " village_group, is_resident, id_number_encrypted, id_number_masked, phone_encrypted, phone_masked,"
                    " guardian_name, guardian_phone_encrypted)"
                    " SELECT %s, %s, %s, '居民' || i, CASE i % 2 WHEN 0 THEN 'F' ELSE 'M' END,"
                    " date('1940-01-01', '+' || (i % 25000) || ' days'), %s + (i % %s), (i % 9 + 1) || '组', 1,"
                    " '', '500102********' || printf('%%04d', i % 10000), '', '', '', '' FROM seq",
                    [per_town - 1, now, now, town.pk, villages[0], len(villages)],
                )
                cursor.execute(
                    "WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < %s)"
                    " INSERT INTO activities_activity (created_at, updated_at, town_id, title, kind, organiser_id,"
                    " venue_place, starts_at, ends_at, audience, summary, is_cancelled, cancel_reason, check_in_token)"
                    " SELECT %s, %s, %s, '活动' || i, CASE WHEN i % 40 = 0 THEN 'lecture_hall' ELSE 'team_activity' END,"
                    " %s, '文化广场', datetime(%s, '+' || ((i * %s) / %s) || ' days', '+1 hours'),"
                    " datetime(%s, '+' || ((i * %s) / %s) || ' days', '+3 hours'), '', '', 0, '', 'bench-' || %s || '-' || i"
                    " FROM seq",
                    [ACTIVITIES_PER_TOWN - 1, now, now, town.pk, organiser, f"{year}-01-01", days, ACTIVITIES_PER_TOWN,
                     f"{year}-01-01", days, ACTIVITIES_PER_TOWN, town.pk],
                )  # fmt: skip
            timings["structure, people and activities"] = time.perf_counter() - start
            start = time.perf_counter()
            for name in index_names:
                cursor.execute(f'DROP INDEX "{name}"')
            for town in made:
                first_person, first_activity = cursor.execute(
                    "SELECT (SELECT MIN(id) FROM people_person WHERE town_id = %s),"
                    " (SELECT MIN(id) FROM activities_activity WHERE town_id = %s)",
                    [town.pk, town.pk],
                ).fetchone()
                # Row i: attendee p = i mod attending, visit j = i div attending; the activities
                # of one attendee are j * step apart, so (activity, person) never repeats.
                cursor.execute(
                    "WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < %s)"
                    " INSERT INTO activities_attendanceentry (created_at, updated_at, town_id, activity_id, person_id,"
                    " entry_kind, generation, role, source, reason)"
                    " SELECT %s, %s, %s, %s + ((i %% %s) * 37 + (i / %s) * %s) %% %s, %s + (i %% %s), 'check_in', 0,"
                    " 'participant', 'roster', '' FROM seq",
                    [rows_per_town - 1, now, now, town.pk, first_activity, attending, attending, step,
                     ACTIVITIES_PER_TOWN, first_person, attending],
                )  # fmt: skip
            cursor.execute(
                "INSERT INTO activities_attendanceentry (created_at, updated_at, town_id, activity_id, person_id,"
                " entry_kind, generation, role, source, reason)"
                " SELECT created_at, updated_at, town_id, activity_id, person_id, 'reversal', 0, role, source, '更正'"
                " FROM activities_attendanceentry WHERE id % 100 = 0"
            )
            timings["attendance rows"] = time.perf_counter() - start
            start = time.perf_counter()
            for sql in index_sql:
                cursor.execute(sql)
            timings["attendance indexes"] = time.perf_counter() - start
            start = time.perf_counter()
            rebuild_rollup_sql(cursor)
            timings["rollup rebuild (SQL)"] = time.perf_counter() - start
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.execute("ANALYZE")
        counts = cursor.execute(
            "SELECT (SELECT COUNT(*) FROM people_person), (SELECT COUNT(*) FROM activities_activity),"
            " (SELECT COUNT(*) FROM activities_attendanceentry),"
            " (SELECT COUNT(*) FROM activities_attendanceentry WHERE entry_kind = 'reversal'),"
            " (SELECT COUNT(*) FROM activities_yearlyparticipant)"
        ).fetchone()
    return {"towns": made, "timings": timings, "counts": counts}


def rebuild_rollup_sql(cursor) -> None:
    """What `rebuild_participation` computes, as one statement: for each (town, year, person) the
    earliest local day (Asia/Shanghai, UTC+8) of an effective check-in, and on that day the lowest
    activity id."""
    cursor.execute("DELETE FROM activities_yearlyparticipant")
    cursor.execute(
        "INSERT INTO activities_yearlyparticipant (created_at, updated_at, town_id, year, person_id, village_id,"
        " first_attended_on, first_activity_id)"
        " SELECT datetime('now'), datetime('now'), town_id, CAST(substr(first_key, 1, 4) AS INTEGER), person_id,"
        " village_id, substr(first_key, 1, 10), CAST(substr(first_key, 11) AS INTEGER) FROM ("
        "  SELECT e.town_id, e.person_id, p.village_id,"
        "   MIN(date(a.starts_at, '+8 hours') || printf('%012d', a.id)) AS first_key"
        "  FROM activities_attendanceentry e JOIN activities_activity a ON a.id = e.activity_id"
        "  JOIN people_person p ON p.id = e.person_id"
        "  WHERE e.entry_kind = 'check_in' AND a.is_cancelled = 0 AND NOT EXISTS ("
        "   SELECT 1 FROM activities_attendanceentry r WHERE r.town_id = e.town_id AND r.activity_id = e.activity_id"
        "   AND r.person_id = e.person_id AND r.generation = e.generation AND r.entry_kind = 'reversal')"
        "  GROUP BY e.town_id, e.person_id, strftime('%Y', a.starts_at, '+8 hours'))"
    )


NAIVE_SQL = (
    "SELECT p.village_id, COUNT(DISTINCT e.person_id) FROM activities_attendanceentry e"
    " JOIN activities_activity a ON a.id = e.activity_id JOIN people_person p ON p.id = e.person_id"
    " WHERE e.town_id IN ({towns}) AND e.entry_kind = 'check_in' AND a.is_cancelled = 0"
    " AND a.starts_at >= %s AND a.starts_at <= %s AND p.is_resident AND p.village_id IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM activities_attendanceentry r WHERE r.town_id = e.town_id"
    "  AND r.activity_id = e.activity_id AND r.person_id = e.person_id AND r.generation = e.generation"
    "  AND r.entry_kind = 'reversal') GROUP BY p.village_id"
)


def naive(town_ids: list[int], year: int, as_of: date) -> dict:
    start = f"{year - 1}-12-31 16:00:00"  # 1 January, local midnight, in UTC
    end = f"{as_of.isoformat()} 15:59:59.999999"
    with connection.cursor() as cursor:
        return dict(cursor.execute(NAIVE_SQL.format(towns=",".join(str(t) for t in town_ids)), [start, end]).fetchall())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--towns", type=int, default=27)
    parser.add_argument("--repeat", type=int, default=40)
    options = parser.parse_args()
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    today = timezone.localdate()
    year, past = today.year, today - timedelta(days=120)
    started = time.perf_counter()
    data = generate(options.people, options.rows, options.towns, year, today)
    generated = time.perf_counter() - started
    people, activities, entries, reversals, participants = data["counts"]
    print(f"generated in {generated:.1f} s: {options.towns} towns, {people:,} people, {activities:,} activities,"
          f" {entries:,} attendance rows ({reversals:,} reversals), {participants:,} rollup rows")  # fmt: skip
    for name, seconds in data["timings"].items():
        print(f"  {name}: {seconds:.1f} s")

    from communityedu.activities.rollups import rebuild_participation

    town = data["towns"][0]
    python_rebuild = timed(lambda: rebuild_participation(town_id=town.pk))
    print(f"rebuild_participation (the command's Python logic) for one town: {python_rebuild:.1f} s")

    from communityedu.metrics.figures import figures_for

    figure = next(f for f in figures_for(towns=[town], year=year, as_of=today)[town.pk] if f.key == "participation")
    naive_villages = naive([town.pk], year, today)
    assert {line.key: line.numerator for line in figure.villages if line.numerator} == naive_villages, "drifted"
    print(f"town 1 participation {figure.numerator:,} / {figure.denominator:,} = {figure.percent}"
          " (the rollup agrees with the naive count, village by village)")  # fmt: skip

    office, evaluator, health_client = Client(), Client(), Client()
    assert office.login(username="office", password=PASSWORD)
    assert evaluator.login(username="evaluator", password=PASSWORD)
    health = percentiles(lambda: health_client.get("/healthz"), options.repeat)
    print(f"/healthz p50 {health[0] * 1000:.1f} ms, p95 {health[1] * 1000:.1f} ms")
    targets = [
        ("office dashboard, today", office, "/staff/targets/"),
        ("office dashboard, past as_of", office, f"/staff/targets/?as_of={past.isoformat()}"),
        ("evaluator dashboard (district side by side), today", evaluator, f"/staff/targets/?town={town.slug}"),
        ("API /metrics, today", office, f"/api/v1/metrics?town={town.slug}"),
        ("API /metrics, past as_of", office, f"/api/v1/metrics?town={town.slug}&as_of={past.isoformat()}"),
    ]
    results = {}
    for label, client, path in targets:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        queries = []
        with connection.execute_wrapper(
            lambda execute, sql, *args, seen=queries: seen.append(sql) or execute(sql, *args)
        ):
            client.get(path)
        p50, p95 = percentiles(lambda client=client, path=path: client.get(path), options.repeat)
        results[label] = p50
        print(f"{label}: p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, {len(queries)} queries")
    one = percentiles(lambda: naive([town.pk], year, today), 5)
    ratio = one[0] / results["API /metrics, today"]
    print(f"naive participation of one town from the raw ledger: p50 {one[0] * 1000:.0f} ms, p95 {one[1] * 1000:.0f} ms;"
          f" naive / API = {ratio:.1f}x")  # fmt: skip
    district = timed(lambda: naive([t.pk for t in data["towns"]], year, today))
    ratio = district / results["evaluator dashboard (district side by side), today"]
    print(f"naive participation of the whole district: {district * 1000:.0f} ms;"
          f" naive / evaluator dashboard = {ratio:.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
