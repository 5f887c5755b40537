"""Foundation benchmark: loading the demo register, and the register page at town scale.

Run: .venv/bin/python bench/bench_foundation.py
Uses a throw-away SQLite database (WAL) in a temporary folder. Figures are ratios against
baselines measured in the same run, because the machines are shared and noisy:
- demo load: `load_demo` (structure, accounts, ~35,600 generated residents, audit) against a raw
  `executemany` INSERT of the same number of person rows through the same connection;
- pages: median time of the register page (people list, 30,976 rows in the town) and of the
  village list, against the median time of `/healthz` (one trivial query), same client.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["COMMUNITYEDU_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-foundation-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def median_time(function, repeat: int) -> float:
    return statistics.median(timed(function) for _ in range(repeat))


def raw_insert_baseline(rows: int) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_person (id INTEGER PRIMARY KEY, town_id INT, village_id INT, name TEXT, sex TEXT, birth_date TEXT, village_group TEXT, external_ref TEXT)"
        )

        def insert():
            with connection.cursor() as c:
                c.executemany(
                    "INSERT INTO bench_person (town_id, village_id, name, sex, birth_date, village_group, external_ref) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(1, i % 19, "张秀英", "F", "1956-03-02", "3组", f"ref-{i}") for i in range(rows)],
                )

        return timed(insert)


def main() -> None:
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    load = timed(lambda: call_command("load_demo", stdout=open(os.devnull, "w")))  # noqa: SIM115
    reload = timed(lambda: call_command("load_demo", stdout=open(os.devnull, "w")))  # noqa: SIM115
    from communityedu.people.models import Person

    rows = Person.objects.count()
    baseline = raw_insert_baseline(rows)
    print(
        f"demo load: {load:.2f} s for {rows} people; second load {reload:.2f} s; raw INSERT baseline {baseline:.3f} s"
    )
    print(f"  ratio load / raw insert = {load / baseline:.1f}x ; second load / first = {reload / load:.2f}")

    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()
    assert client.login(username="office", password="Xinmiao@2020")
    health = median_time(lambda: client.get("/healthz"), 30)
    for path in ("/people/", "/people/?page=300", "/org/villages/", "/org/", "/api/v1/people?town=xinmiao&limit=100"):
        page = median_time(lambda path=path: client.get(path), 15)
        print(f"{path}: median {page * 1000:.1f} ms = {page / health:.1f}x /healthz ({health * 1000:.2f} ms)")


if __name__ == "__main__":
    main()
