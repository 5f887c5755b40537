"""Check-in benchmark: ``POST /api/v1/activities/{id}/attendance`` under gunicorn with SQLite.

Run: .venv/bin/python bench/bench_check_in.py            (needs Debian's ``wrk``: apt-get install -y wrk)
     .venv/bin/python bench/bench_check_in.py --profile  (where a check-in's time goes)
     .venv/bin/python bench/bench_check_in.py --compare  (the layouts in short alternating runs)

Set-up, outside the timing, in a throw-away folder (``COMMUNITYEDU_VAR_DIR``, SQLite in WAL mode,
``config.settings.local``): ``migrate``, ``load_demo`` (30,976 people in ``xinmiao``),
``collectstatic``, one lecture-hall activity per server layout happening now (through
``services.schedule_activity``: organiser 新妙镇社区学校, started 30 minutes ago, ends in 3 hours), a
bearer token from ``manage.py create_api_token school``, and the person ids of the town.

Then gunicorn serves the app in each worker/thread layout, side by side on free local ports (same
env, access log to a file as ``make run`` writes one), and ``wrk`` drives each in turn, phase by
phase (so that the load of other processes on the shared machine falls on every layout alike),
with 50 connections and 2 threads for 15 s a run and a Lua script (written next to the database)
that
- GETs ``/healthz`` without credentials: the baseline, a trivial JSON answer of the same app;
- POSTs ``{"person": <id>}`` with the bearer token, each wrk thread walking its own slice of the
  town's (shuffled) person ids, so that every request creates a row (201);
- POSTs again for the people just checked in, so that every request is a repeat (200).
The figure is requests/s and p99 of each, and the ratio check-in / healthz of the same layout.
After each check-in run the script waits for the server to finish what was sent, and checks
that the attendance rows of the activity are exactly the persons sent (wrk calls ``request()``
once on its first thread before the run to check for pipelining: that id is never sent), that
every answer was 201 (or 200 for the repeats), and that wrk saw no socket error and no
non-2xx answer. The CPU time the gunicorn processes and wrk used during each run is read from
/proc and from wrk's rusage; 2 cores / (server + wrk CPU per request) is the "CPU-bound
capacity": what the machine could serve with nothing else running, a figure that the other
processes' load (also printed) barely moves.

Last, per layout, 200 threads (http.client, released together by a ``threading.Barrier``) check
in one new person at once: exactly one attendance row, exactly one 201, every answer 2xx with
that row's id.

Figures are ratios against the baseline measured in the same run, because the machine is shared
and noisy (2 cores, which the server and wrk share).

``--profile`` shows where a check-in's time goes: in process (Django test client, one request at a
time) by part, with no profiler overhead (functions timed in place), its SQL statements, and a
cProfile listing; then inside gunicorn's workers of each layout under wrk (a gunicorn config file
times every request, the CPU of the thread that served it, and the wait at BEGIN IMMEDIATE).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOWN = "xinmiao"
ORGANISER = "新妙镇社区学校"
ACCOUNT = "school"
VAR_ENV = "BENCH_CHECK_IN_VAR_DIR"

CORES = os.cpu_count() or 2
CONNECTIONS = 50
WRK_THREADS = 2
SECONDS = 15
ROUNDS = 5
ROUND_SECONDS = 10
ROTATION = 500  # residents of the activity the check-ins rotate over
CONCURRENT = 200
COMPARE_ROUNDS = 5  # --compare: short alternating runs per layout
COMPARE_SECONDS = 5
COMPARE_WAIT = 6  # before each round, wait at most this long for the other processes to calm down
QUIET_CORES = 0.25
RESERVED = 20  # person ids kept out of the load, for the concurrent check-ins

# How `make run` starts gunicorn (its layout is in config/gunicorn.py); `--layout ARGS...` adds to it.
MAKE_RUN = ["-c", "config/gunicorn.py"]

# (label, gunicorn arguments) for --profile and --compare
LAYOUTS = [
    ("2 workers x 4 threads (gthread)", ["--workers", "2", "--threads", "4", "--worker-class", "gthread"]),
    ("3 workers x 4 threads (gthread)", ["--workers", "3", "--threads", "4", "--worker-class", "gthread"]),
    ("2 workers x 8 threads (gthread)", ["--workers", "2", "--threads", "8", "--worker-class", "gthread"]),
    ("4 sync workers", ["--workers", "4", "--worker-class", "sync"]),
]

# targets from the issue
RPS = 500.0
P99_MS = 250.0
RATIO = 0.5

LUA = r"""
-- bench_check_in.py; args: mode (get | post), path, token, ids file, number of wrk threads
local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  mode, path = args[1], args[2]
  sent, s200, s201, other, first, per = 0, 0, 0, 0, 0, 0
  ids = {}
  if mode == "post" then
    headers = {["Authorization"] = "Bearer " .. args[3], ["Content-Type"] = "application/json"}
    for line in io.lines(args[4]) do ids[#ids + 1] = line end
    per = math.floor(#ids / tonumber(args[5]))
    first = index * per
  else
    plain = wrk.format("GET", path)
  end
end

function request()
  sent = sent + 1
  if mode ~= "post" then return plain end
  return wrk.format("POST", path, headers, '{"person": ' .. ids[first + (sent - 1) % per + 1] .. '}')
end

function response(status, hdrs, body)
  if status == 201 then s201 = s201 + 1 elseif status == 200 then s200 = s200 + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local parts = {}
  for _, t in ipairs(threads) do
    parts[#parts + 1] = string.format('{"index": %d, "sent": %d, "first": %d, "per": %d, "s200": %d, "s201": %d, "other": %d}',
      t:get("index"), t:get("sent"), t:get("first"), t:get("per"), t:get("s200"), t:get("s201"), t:get("other"))
  end
  local e = summary.errors
  io.write(string.format('BENCH-JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, '
    .. '"max_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, "threads": [%s]}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout, table.concat(parts, ", ")))
end
"""


# gunicorn configuration for ``--profile``: inside each worker, the wall time of every request, the
# CPU time of the thread that served it, and the wait at BEGIN IMMEDIATE for SQLite's write lock.
DIAGNOSE = r"""
import json, os, threading, time

_totals = {"requests": 0, "wall": 0.0, "thread_cpu": 0.0, "begin_wall": 0.0, "begins": 0}
_lock = threading.Lock()


def _add(**values):
    with _lock:
        for key, value in values.items():
            _totals[key] += value


class _Finish:
    def __init__(self, response, wall, cpu):
        self.response, self.wall, self.cpu = response, wall, cpu

    def __iter__(self):
        return iter(self.response)

    def close(self):
        try:
            if hasattr(self.response, "close"):
                self.response.close()  # Django's request_finished: the connection is closed here
        finally:
            _add(requests=1, wall=time.perf_counter() - self.wall, thread_cpu=time.thread_time() - self.cpu)


def post_worker_init(worker):
    from django.db.backends.sqlite3.base import DatabaseWrapper

    begin = DatabaseWrapper._start_transaction_under_autocommit

    def timed_begin(self):
        start = time.perf_counter()
        try:
            return begin(self)
        finally:
            _add(begin_wall=time.perf_counter() - start, begins=1)

    DatabaseWrapper._start_transaction_under_autocommit = timed_begin
    app = worker.wsgi

    def timed_app(environ, start_response):
        wall, cpu = time.perf_counter(), time.thread_time()
        return _Finish(app(environ, start_response), wall, cpu)

    worker.wsgi = timed_app


def worker_exit(server, worker):
    with open(os.path.join(os.environ["COMMUNITYEDU_VAR_DIR"], f"diagnose-{os.getpid()}.json"), "w") as out:
        json.dump(_totals, out)
"""


# ---------------------------------------------------------------------------------------------
# children: Django on the throw-away database, one JSON line out


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["COMMUNITYEDU_VAR_DIR"] = os.environ[VAR_ENV]
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    import django

    django.setup()


def child_prepare(count: int) -> dict:
    """``count`` lecture-hall activities happening now, and the town's person ids (shuffled)."""
    from datetime import timedelta

    from django.utils import timezone

    from communityedu.accounts.models import User
    from communityedu.activities import services
    from communityedu.activities.constants import ActivityKind
    from communityedu.organization.models import Town, Unit
    from communityedu.people.selectors import people_visible_to

    school = User.objects.get(username=ACCOUNT)
    town = Town.objects.get(slug=TOWN)
    organiser = Unit.objects.get(town=town, name=ORGANISER)
    now = timezone.now()
    activities = []
    for number in range(1, count + 1):
        values = {
            "title": f"大讲堂 签到压测 {number}",
            "kind": ActivityKind.LECTURE_HALL,
            "organiser": organiser,
            "venue_unit": organiser,
            "venue_place": "",
            "village": None,
            "starts_at": now - timedelta(minutes=30),
            "ends_at": now + timedelta(hours=3),
            "audience": "全镇居民",
            "capacity": None,
            "summary": "",
        }
        activities.append(services.schedule_activity(actor=school, town=town, values=values).pk)
    people = list(people_visible_to(school).filter(town=town).values_list("pk", flat=True))
    random.Random(20261129).shuffle(people)
    return {"activities": activities, "people": people}


class _Split:
    """Wall and CPU time spent inside named functions, by patching them in place (no profiler
    overhead). A function that calls itself (the SQL compiler does, for subqueries) counts once."""

    def __init__(self) -> None:
        self.totals: dict[str, list] = {}
        self.depth: dict[str, int] = {}

    def wrap(self, owner, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            if self.depth.get(label):
                return original(*args, **kwargs)
            self.depth[label] = 1
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.depth[label] = 0
                total = self.totals.setdefault(label, [0.0, 0.0, 0])
                total[0] += time.perf_counter() - wall
                total[1] += time.process_time() - cpu
                total[2] += 1

        setattr(owner, name, timed)


def child_profile(requests: int) -> dict:
    """The check-in and /healthz through the whole Django stack in this process, one request at a
    time (test client; after each request the connection is kept or closed as ``CONN_MAX_AGE``
    says, as gunicorn's request_finished does): time and queries per request, and where the time
    goes."""
    from django.conf import settings
    from django.db import close_old_connections, connection
    from django.db.backends.base import base as backend_base
    from django.db.backends.sqlite3 import base as sqlite_base
    from django.db.models.sql import compiler
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from ninja.operation import Operation

    from communityedu.accounts import middleware as bearer_middleware
    from communityedu.accounts import services as account_services
    from communityedu.accounts.models import User
    from communityedu.api import activities as api_activities
    from communityedu.organization import middleware as town_middleware

    settings.ALLOWED_HOSTS = ["testserver"]
    prepared = child_prepare(1)
    activity = prepared["activities"][0]
    people = prepared["people"]
    token = account_services.create_api_token(user=User.objects.get(username=ACCOUNT), name="bench profile")
    client = Client(headers={"authorization": f"Bearer {token}"})
    plain = Client()
    path = f"/api/v1/activities/{activity}/attendance"

    def post(person: int) -> int:
        response = client.post(path, {"person": person}, content_type="application/json")
        close_old_connections()
        return response.status_code

    def health() -> int:
        response = plain.get("/healthz")
        close_old_connections()
        return response.status_code

    for person in people[:50]:  # warm
        post(person)
        health()
    result: dict = {"queries": {}}
    for name, call, status in (
        ("create", lambda: post(people[50]), 201),
        ("repeat", lambda: post(people[50]), 200),
        ("healthz", health, 200),
    ):
        with CaptureQueriesContext(connection) as queries:
            assert call() == status
        result["queries"][name] = [query["sql"] for query in queries]

    # other new check-ins under cProfile (which roughly doubles the time: read it for proportions)
    import cProfile
    import io
    import pstats

    more = people[100 + requests : 100 + 2 * requests]
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [post(person) for person in more])
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs()
    stats.sort_stats("tottime").print_stats(20)
    stats.sort_stats("cumulative").print_stats(40)
    result["profile"] = text.getvalue()

    split = _Split()
    split.wrap(backend_base.BaseDatabaseWrapper, "connect", "open the connection and run its 4 PRAGMAs")
    split.wrap(sqlite_base.DatabaseWrapper, "_close", "close the connection")
    split.wrap(sqlite_base.DatabaseWrapper, "_commit", "COMMIT")
    split.wrap(sqlite_base.SQLiteCursorWrapper, "execute", "SQLite executing the statements")
    for klass in (compiler.SQLCompiler, compiler.SQLInsertCompiler, compiler.SQLAggregateCompiler):
        split.wrap(klass, "as_sql", "Django ORM compiling the SQL (as_sql)")
    split.wrap(bearer_middleware.services, "user_for_token", "[part] BearerTokenMiddleware: user_for_token")
    split.wrap(town_middleware, "current_town", "[part] CurrentTownMiddleware: current_town")
    split.wrap(Operation, "run", "[part] the ninja operation (body, view, response)")
    split.wrap(api_activities.selectors, "get_activity_for", "[part]   view: selectors.get_activity_for")
    split.wrap(api_activities.services, "check_in", "[part]   view: services.check_in")

    batch = people[100 : 100 + requests]
    result["runs"] = {}
    for name, calls, status in (
        ("create", [lambda person=person: post(person) for person in batch], 201),
        ("repeat", [lambda person=person: post(person) for person in batch], 200),
        ("healthz", [health] * len(batch), 200),
    ):
        split.totals.clear()
        wall, cpu = time.perf_counter(), time.process_time()
        for call in calls:
            assert call() == status
        result["runs"][name] = {
            "wall_ms": (time.perf_counter() - wall) / len(batch) * 1000,
            "cpu_ms": (time.process_time() - cpu) / len(batch) * 1000,
            "split": {
                label: [wall_s / len(batch) * 1000, cpu_s / len(batch) * 1000, calls_n / len(batch)]
                for label, (wall_s, cpu_s, calls_n) in split.totals.items()
            },
        }

    return result


def run_child(step: str, argument: int) -> None:
    _django()
    result = {"prepare": child_prepare, "profile": child_profile}[step](argument)
    print(json.dumps(result, ensure_ascii=False))


# ---------------------------------------------------------------------------------------------
# parent: no Django here; manage.py, gunicorn and wrk are child processes


def child_env(var_dir: str, database_url: str = "") -> dict:
    """The environment of manage.py, the children and gunicorn: SQLite in ``var_dir``, or the
    PostgreSQL database of ``database_url`` (emptied first: each run starts from a fresh one)."""
    env = {**os.environ, VAR_ENV: var_dir, "COMMUNITYEDU_VAR_DIR": var_dir}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
        import psycopg

        with psycopg.connect(database_url, autocommit=True) as db:
            db.execute("DROP SCHEMA public CASCADE")
            db.execute("CREATE SCHEMA public")
    return env


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - the project's manage.py, no shell
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def spawn(env: dict, step: str, argument: int) -> dict:
    done = subprocess.run(  # noqa: S603 - this same script, no shell
        [sys.executable, str(Path(__file__).resolve()), "--child", step, str(argument)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"step {step} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving config.wsgi on a free port, and the CPU time of its processes."""

    def __init__(self, env: dict, var_dir: str, arguments: list[str], number: int) -> None:
        self.port = free_port()
        self.log = open(Path(var_dir) / f"gunicorn-{number}.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - gunicorn from this virtualenv, no shell
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                *arguments,
                "--access-logfile",
                str(Path(var_dir) / f"access-{number}.log"),
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _body = self.get("/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start: {(Path(var_dir) / f'gunicorn-{number}.log').read_text()}")
            time.sleep(0.2)

    def get(self, path: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def pids(self) -> list[int]:
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [pid, *(int(child) for child in children)]

    def cpu_seconds(self) -> float:
        """User + system CPU time of the master and its workers so far."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def wrk(server: Server, script: Path, seconds: int, mode: str, path: str, token: str = "", ids: Path | None = None):
    """One wrk run; its parsed result, whole output, and the server's and wrk's CPU seconds."""
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(script),
        f"http://127.0.0.1:{server.port}{path}",
        "--",
        mode,
        path,
        token or "-",
        str(ids or "-"),
        str(WRK_THREADS),
    ]
    before, machine = server.cpu_seconds(), busy_seconds()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603 - Debian's wrk
        _pid, status, usage = os.wait4(process.pid, 0)
        out.seek(0)
        text = out.read().decode()
    server_cpu, machine = server.cpu_seconds() - before, busy_seconds() - machine
    if os.waitstatus_to_exitcode(status) != 0 or "BENCH-JSON" not in text:
        raise SystemExit(f"wrk failed:\n{text}")
    result = json.loads(text.split("BENCH-JSON", 1)[1].strip().splitlines()[0])
    result["text"] = text
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["non_2xx"] = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    result["socket_errors"] = "Socket errors" in text
    result["server_cpu"] = server_cpu
    result["client_cpu"] = usage.ru_utime + usage.ru_stime
    result["others_cores"] = max(machine - server_cpu - result["client_cpu"], 0.0) / (result["duration_us"] / 1e6)
    # what the 2 cores could serve if nothing else ran: cores / (server + wrk CPU per request)
    result["capacity"] = CORES * result["requests"] / (server_cpu + result["client_cpu"])
    return result


def busy_seconds() -> float:
    """CPU time the whole machine has spent busy since boot (all cores; /proc/stat)."""
    fields = [int(field) for field in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def database(var_dir: str) -> sqlite3.Connection:
    return sqlite3.connect(Path(var_dir) / "communityedu.sqlite3", timeout=30)


def rows_of(side: dict, activity: int, person: int | None = None) -> list[tuple[int, int]]:
    """(id, person id) of the activity's attendance rows (of one person), on the side's database."""
    sql = "SELECT id, person_id FROM activities_attendanceentry WHERE activity_id = %s" + (
        " AND person_id = %s" if person is not None else ""
    )
    parameters = (activity,) if person is None else (activity, person)
    if side["url"]:
        import psycopg

        with psycopg.connect(side["url"]) as db:
            return [tuple(row) for row in db.execute(sql, parameters).fetchall()]
    with database(side["folder"]) as db:
        return [tuple(row) for row in db.execute(sql.replace("%s", "?"), parameters).fetchall()]


def settled_rows(side: dict, activity: int) -> list[int]:
    """The persons of the activity's attendance once the server has answered everything sent."""
    last, steady = None, 0
    while steady < 4:
        time.sleep(0.25)
        people = [person for _id, person in rows_of(side, activity)]
        steady = steady + 1 if len(people) == last else 0
        last = len(people)
    return people


def attendance(var_dir: str, activity: int) -> list[int]:
    with database(var_dir) as db:
        rows = db.execute("SELECT person_id FROM activities_attendanceentry WHERE activity_id = ?", (activity,))
        return [row[0] for row in rows]


def settled_attendance(var_dir: str, activity: int) -> list[int]:
    """The activity's attendance once the server has answered everything wrk sent."""
    last, steady = None, 0
    while steady < 4:
        time.sleep(0.25)
        people = attendance(var_dir, activity)
        steady = steady + 1 if len(people) == last else 0
        last = len(people)
    return people


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def describe(name: str, run: dict) -> str:
    requests = run["requests"]
    errors = {key: value for key, value in run["errors"].items() if value}
    statuses = {
        "201": sum(t["s201"] for t in run["threads"]),
        "200": sum(t["s200"] for t in run["threads"]),
        "other": sum(t["other"] for t in run["threads"]),
    }
    return (
        f"  {name}: {run['rps']:.0f} req/s ({requests} in {run['duration_us'] / 1e6:.1f} s);"
        f" latency p50 {run['p50_us'] / 1000:.1f} ms, p90 {run['p90_us'] / 1000:.1f} ms,"
        f" p99 {run['p99_us'] / 1000:.1f} ms, max {run['max_us'] / 1000:.0f} ms;"
        f" answers {statuses}; socket errors {errors or 'none'};"
        f" non-2xx {run['non_2xx'].group(1) if run['non_2xx'] else 'none'};"
        f" CPU per request: server {run['server_cpu'] / requests * 1000:.2f} ms, wrk {run['client_cpu'] / requests * 1000:.2f} ms;"
        f" server used {run['server_cpu'] / (run['duration_us'] / 1e6):.2f} cores, other processes {run['others_cores']:.2f};"
        f" CPU-bound capacity {run['capacity']:.0f} req/s"
    )


def concurrent_check_ins(server: Server, side: dict, token: str, activity: int, person: int) -> dict:
    """``CONCURRENT`` threads check the same person in at once."""
    barrier = threading.Barrier(CONCURRENT)
    answers: list = [None] * CONCURRENT
    body = json.dumps({"person": person})
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        try:
            connection.connect()
            barrier.wait()
            connection.request("POST", f"/api/v1/activities/{activity}/attendance", body, headers)
            response = connection.getresponse()
            content = response.read()
            try:
                record = json.loads(content)
            except ValueError:
                record = {"raw": content[:200].decode(errors="replace")}
            answers[number] = (response.status, record)
        except Exception as error:  # every failure is reported
            answers[number] = (None, {"error": repr(error)})
        finally:
            connection.close()

    threads = [threading.Thread(target=call, args=(number,)) for number in range(CONCURRENT)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    rows = rows_of(side, activity, person)
    statuses: dict = {}
    for status, _record in answers:
        statuses[status] = statuses.get(status, 0) + 1
    ids = {record.get("id") for _status, record in answers}
    failures = [answer for answer in answers if answer[0] not in (200, 201)][:3]
    ok = (
        len(rows) == 1
        and statuses.get(201) == 1
        and statuses.get(200) == CONCURRENT - 1
        and ids == {rows[0][0]}
        and all(record.get("person_id") == person for _status, record in answers)
    )
    return {"rows": len(rows), "statuses": statuses, "ids": ids, "seconds": seconds, "ok": ok, "failures": failures}


def check_rows(run: dict, people: list[int], present: list[int]) -> tuple[bool, int]:
    """Whether the activity's attendance is exactly the persons wrk sent, and how many those are."""
    expected: set[int] = set()
    for thread in run["threads"]:
        assert thread["sent"] <= thread["per"], "ran out of people: lengthen the list or shorten the run"
        skip = 1 if thread["index"] == 0 else 0  # wrk's pipelining probe on its first thread: never sent
        offset = thread["first"] + skip
        expected |= set(people[offset : offset + thread["sent"] - skip])
    return set(present) == expected and len(present) == len(expected), len(expected)


def clean(run: dict, answer: int) -> bool:
    """No socket error, no non-2xx answer, and every answer the expected one (201 or 200)."""
    other = "s200" if answer == 201 else "s201"
    return (
        not run["non_2xx"]
        and not run["socket_errors"]
        and not any(run["errors"].values())
        and all(thread["other"] == 0 and thread[other] == 0 for thread in run["threads"])
    )


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    var_dir = tempfile.mkdtemp(prefix="bench-check-in-")
    try:
        run(var_dir)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def check_mixed(run: dict, ids: list[int], present: list[int]) -> bool:
    """A round of the mix: each resident of the rotation checked in at most once (no duplicate row,
    none outside the rotation), every one wrk saw answered 201 has its row (a run shorter than the
    rotation leaves some out; requests in flight when wrk stops may add rows), no other answer, no
    socket error."""
    s201 = sum(thread["s201"] for thread in run["threads"])
    other = sum(thread["other"] for thread in run["threads"])
    return (
        len(set(present)) == len(present)
        and set(present) <= set(ids)
        and s201 <= len(present)
        and (len(present) == len(ids) or run["requests"] < len(ids) + CONNECTIONS)
        and other == 0
        and not run["non_2xx"]
        and not run["socket_errors"]
        and not any(run["errors"].values())
    )


def run(var_dir: str) -> None:
    """The issue's method: per database, the server as `make run` starts it; rounds of 10 s of the
    check-in mix (50 connections, ``{"person": id}`` in rotation over 500 residents of one open
    activity: the first pass checks them in, then repeats) alternating with 10 s of ``/healthz``
    on the same server; a fresh activity each round; medians; then 200 duplicates at once."""
    began = time.perf_counter()
    url = os.environ.get("DATABASE_URL", "")
    databases = [("SQLite", "")]
    if url.startswith("postgres"):
        databases.append(("PostgreSQL", url))
    arguments = [*MAKE_RUN, *sys.argv[2:]] if sys.argv[1:2] == ["--layout"] else MAKE_RUN
    sides = []
    for number, (name, database_url) in enumerate(databases):
        folder = Path(var_dir) / f"db-{number}"
        folder.mkdir()
        env = child_env(str(folder), database_url)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_demo")
        manage(env, "collectstatic", "--noinput", "-v0")
        prepared = spawn(env, "prepare", ROUNDS + 2)
        token = manage(env, "create_api_token", ACCOUNT, "--name", "bench check-in").strip()
        people = prepared["people"]
        rotation, reserved = people[:ROTATION], people[-RESERVED:]
        ids = folder / "rotation.txt"
        ids.write_text("\n".join(str(person) for person in rotation) + "\n")
        script = folder / "check_in.lua"
        script.write_text(LUA)
        side = {
            "name": name,
            "url": database_url,
            "folder": str(folder),
            "env": env,
            "token": token,
            "ids": ids,
            "rotation": rotation,
            "reserved": reserved,
            "script": script,
            "activities": prepared["activities"],
            "runs": {"healthz": [], "check-in": []},
        }
        sides.append(side)
    print(
        f"setup ({', '.join(name for name, _url in databases)}: migrate, load_demo, collectstatic, activities,"
        f" token): {time.perf_counter() - began:.0f} s"
    )
    print(
        f"gunicorn as `make run` starts it ({' '.join(arguments)}); wrk {WRK_THREADS} threads, {CONNECTIONS}"
        f" connections, {ROUND_SECONDS} s a run, on the same {CORES} cores; {ROUNDS} rounds, check-in and /healthz"
        f" alternating (order swapped each round); check-ins in rotation over {ROTATION} residents of a fresh"
        " activity each round"
    )
    try:
        for number, side in enumerate(sides):
            side["server"] = server = Server(side["env"], side["folder"], arguments, number)
            wrk(server, side["script"], 2, "get", "/healthz")  # warm every worker, untimed
            warm = f"/api/v1/activities/{side['activities'][-1]}/attendance"
            wrk(server, side["script"], 2, "post", warm, side["token"], side["ids"])
        for round_number in range(ROUNDS):
            for side in sides if round_number % 2 == 0 else reversed(sides):
                server = side["server"]
                order = ["check-in", "healthz"] if round_number % 2 == 0 else ["healthz", "check-in"]
                for job in order:
                    load = load_average()
                    if job == "healthz":
                        result = wrk(server, side["script"], ROUND_SECONDS, "get", "/healthz")
                        result["ok"] = not result["non_2xx"] and not result["socket_errors"]
                    else:
                        activity = side["activities"][round_number]
                        path = f"/api/v1/activities/{activity}/attendance"
                        result = wrk(server, side["script"], ROUND_SECONDS, "post", path, side["token"], side["ids"])
                        present = settled_rows(side, activity)
                        result["ok"] = check_mixed(result, side["rotation"], present)
                        result["rows"] = len(present)
                    result["load"] = load
                    side["runs"][job].append(result)
                    s201 = sum(thread["s201"] for thread in result["threads"])
                    print(
                        f"  round {round_number + 1} {side['name']:10} {job:8}: {result['rps']:6.0f} req/s,"
                        f" p99 {result['p99_us'] / 1000:5.0f} ms, server CPU"
                        f" {result['server_cpu'] / result['requests'] * 1000:.2f} ms a request;"
                        f" load {load:.2f}, other processes {result['others_cores']:.2f} cores"
                        + (
                            f"; {s201} new + {result['requests'] - s201} repeats, rows {result['rows']}"
                            if job == "check-in"
                            else ""
                        )
                        + ("" if result["ok"] else " NOT CLEAN")
                    )
        for side in sides:
            person = side["reserved"][0]
            side["together"] = together = concurrent_check_ins(
                side["server"], side, side["token"], side["activities"][ROUNDS], person
            )
            print(
                f"  {side['name']}: {CONCURRENT} concurrent check-ins of person {person}:"
                f" {together['seconds']:.2f} s; rows {together['rows']}; answers {together['statuses']}:"
                f" {verdict(together['ok'])} {together['failures'] or ''}"
            )
    finally:
        for side in sides:
            if "server" in side:
                side["server"].stop()

    print(f"medians of {ROUNDS} rounds (targets: ratio >= {RATIO}, p99 <= {P99_MS:.0f} ms, CPU <= 2x healthz):")
    for side in sides:
        health, check = side["runs"]["healthz"], side["runs"]["check-in"]
        h_rps, c_rps = (statistics.median(r["rps"] for r in runs) for runs in (health, check))
        h_p99, c_p99 = (statistics.median(r["p99_us"] for r in runs) / 1000 for runs in (health, check))
        h_cpu, c_cpu = (
            statistics.median(r["server_cpu"] / r["requests"] for r in runs) * 1000 for runs in (health, check)
        )
        ratios = [c["rps"] / h["rps"] for c, h in zip(check, health, strict=True)]
        load = statistics.median(r["load"] for r in health + check)
        others = statistics.median(r["others_cores"] for r in health + check)
        print(
            f"  {side['name']}: check-in {c_rps:.0f} req/s, p99 {c_p99:.0f} ms, server CPU {c_cpu:.2f} ms a request |"
            f" /healthz {h_rps:.0f} req/s, p99 {h_p99:.0f} ms, {h_cpu:.2f} ms |"
            f" ratio {c_rps / h_rps:.2f} (median of the rounds' ratios {statistics.median(ratios):.2f}) >= {RATIO}:"
            f" {verdict(c_rps / h_rps >= RATIO)}; p99 {verdict(c_p99 <= P99_MS)};"
            f" CPU {c_cpu / h_cpu:.2f}x <= 2: {verdict(c_cpu / h_cpu <= 2)};"
            f" load average {load:.2f}, other processes {others:.2f} cores;"
            f" every round exact: {all(r['ok'] for r in check)};"
            f" {CONCURRENT} at once: {verdict(side['together']['ok'])}"
        )
    print(f"whole bench: {time.perf_counter() - began:.0f} s")


def profile() -> None:
    var_dir = tempfile.mkdtemp(prefix="bench-check-in-")
    try:
        diagnose(var_dir)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def diagnose(var_dir: str) -> None:
    """Where a check-in's time goes: in process, by part; then inside gunicorn's workers."""
    env = child_env(var_dir)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--noinput", "-v0")
    result = spawn(env, "profile", 1000)
    print(
        "in process (Django test client, one request at a time, the connection kept or closed after each"
        " as CONN_MAX_AGE says), 1,000 requests each; per request:"
    )
    for name in ("create", "repeat", "healthz"):
        run, queries = result["runs"][name], result["queries"][name]
        print(f"  {name}: {run['wall_ms']:.2f} ms wall, {run['cpu_ms']:.2f} ms CPU; {len(queries)} statements")
        accounted = 0.0
        for label, (wall, cpu, calls) in sorted(run["split"].items(), key=lambda item: item[0].startswith("[")):
            if not label.startswith("["):
                accounted += cpu
            print(f"      {label}: {cpu:.3f} ms CPU, {wall:.3f} ms wall ({calls:.1f} calls)")
        print(
            f"      rest (Python outside the above: middleware, ninja, models, HMAC): {run['cpu_ms'] - accounted:.3f} ms CPU"
        )
    for name in ("create", "repeat"):
        print(f"  statements of a {name}:")
        for sql in result["queries"][name]:
            print(f"      {sql[:150]}")
    print("1,000 more new check-ins in process under cProfile (it roughly doubles the time; read the proportions):")
    print(result["profile"])

    prepared = spawn(env, "prepare", len(LAYOUTS))
    token = manage(env, "create_api_token", ACCOUNT, "--name", "bench diagnose").strip()
    people = prepared["people"]
    ids = Path(var_dir) / "people.txt"
    ids.write_text("\n".join(str(person) for person in people) + "\n")
    script = Path(var_dir) / "check_in.lua"
    script.write_text(LUA)
    config = Path(var_dir) / "gunicorn_diagnose.py"
    config.write_text(DIAGNOSE)
    print(
        f"inside gunicorn's workers (instrumented by {config.name}), new check-ins, wrk {WRK_THREADS} threads,"
        f" {CONNECTIONS} connections, 10 s; per request:"
    )
    for number, (label, arguments) in enumerate(LAYOUTS):
        path = f"/api/v1/activities/{prepared['activities'][number]}/attendance"
        server = Server(env, var_dir, [*arguments, "-c", str(config)], 10 + number)
        try:
            wrk(server, script, 2, "get", "/healthz")
            run = wrk(server, script, 10, "post", path, token, ids)
        finally:
            server.stop()
        totals: dict = {}
        for file in Path(var_dir).glob("diagnose-*.json"):
            for key, value in json.loads(file.read_text()).items():
                totals[key] = totals.get(key, 0) + value
            file.unlink()
        served = totals["requests"]
        wall, cpu, begin = (totals[key] / served * 1000 for key in ("wall", "thread_cpu", "begin_wall"))
        print(
            f"  {label}: {run['rps']:.0f} req/s, p99 {run['p99_us'] / 1000:.0f} ms;"
            f" in the app {wall:.2f} ms wall = own thread's CPU {cpu:.2f} ms"
            f" + waiting for the write lock at BEGIN IMMEDIATE {begin:.2f} ms"
            f" + other waiting (the GIL, the CPU, I/O) {wall - cpu - begin:.2f} ms;"
            f" server CPU {run['server_cpu'] / run['requests'] * 1000:.2f} ms a request,"
            f" {run['server_cpu'] / (run['duration_us'] / 1e6):.2f} cores; other processes {run['others_cores']:.2f} cores"
        )


def compare() -> None:
    var_dir = tempfile.mkdtemp(prefix="bench-check-in-")
    try:
        compare_layouts(var_dir)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def compare_layouts(var_dir: str) -> None:
    """The layouts side by side, in short alternating runs of new check-ins (a fresh activity each),
    so that the load of other processes falls on all of them alike; medians per layout."""
    began = time.perf_counter()
    env = child_env(var_dir)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--noinput", "-v0")
    prepared = spawn(env, "prepare", len(LAYOUTS) * COMPARE_ROUNDS + 1)
    token = manage(env, "create_api_token", ACCOUNT, "--name", "bench compare").strip()
    people = prepared["people"]
    ids = Path(var_dir) / "people.txt"
    ids.write_text("\n".join(str(person) for person in people) + "\n")
    script = Path(var_dir) / "check_in.lua"
    script.write_text(LUA)
    warm_activity, activities = prepared["activities"][-1], iter(prepared["activities"][:-1])
    print(
        f"{COMPARE_ROUNDS} rounds of {COMPARE_SECONDS} s of new check-ins per layout, layouts alternating"
        f" (order rotated each round); wrk {WRK_THREADS} threads, {CONNECTIONS} connections"
    )
    servers: list[Server] = []
    runs: list[list[dict]] = [[] for _layout in LAYOUTS]
    try:
        for number, (_label, arguments) in enumerate(LAYOUTS):
            servers.append(Server(env, var_dir, arguments, number))
        for server in servers:
            wrk(server, script, 2, "get", "/healthz")
            wrk(server, script, 2, "post", f"/api/v1/activities/{warm_activity}/attendance", token, ids)
        for round_number in range(COMPARE_ROUNDS):
            order = [(round_number + shift) % len(LAYOUTS) for shift in range(len(LAYOUTS))]
            waited = wait_quiet(COMPARE_WAIT)
            line = [f"(waited {waited:.0f} s for a quiet machine)"]
            for number in order:
                activity = next(activities)
                path = f"/api/v1/activities/{activity}/attendance"
                result = wrk(servers[number], script, COMPARE_SECONDS, "post", path, token, ids)
                exact, _sent = check_rows(result, people, settled_attendance(var_dir, activity))
                result["ok"] = exact and clean(result, 201)
                runs[number].append(result)
                line.append(
                    f"layout {number + 1} {result['rps']:.0f} req/s p99 {result['p99_us'] / 1000:.0f} ms"
                    f" (others {result['others_cores']:.2f} cores){'' if result['ok'] else ' NOT CLEAN'}"
                )
            print(f"  round {round_number + 1}: " + "; ".join(line))
    finally:
        for server in servers:
            server.stop()
    compare_medians("all runs", runs)
    quiet = [[run for run in results if run["others_cores"] < QUIET_CORES] for results in runs]
    if all(quiet):
        compare_medians(f"only the runs while other processes used under {QUIET_CORES} cores", quiet)
    else:
        print(f"  (not every layout had a run while other processes used under {QUIET_CORES} cores)")
    print(f"whole comparison: {time.perf_counter() - began:.0f} s")


def wait_quiet(limit: float) -> float:
    """Wait (at most ``limit`` seconds) until other processes use under QUIET_CORES for 3 s."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        before = busy_seconds()
        time.sleep(3)
        if (busy_seconds() - before) / 3 < QUIET_CORES:
            break
    return time.perf_counter() - start


def compare_medians(title: str, runs: list[list[dict]]) -> None:
    print(f"medians per layout, {title}:")
    for number, (label, _arguments) in enumerate(LAYOUTS):
        results = runs[number]
        print(
            f"  layout {number + 1} {label}, {len(results)} runs: {statistics.median(r['rps'] for r in results):.0f} req/s"
            f" (min {min(r['rps'] for r in results):.0f}, max {max(r['rps'] for r in results):.0f}),"
            f" p99 {statistics.median(r['p99_us'] for r in results) / 1000:.0f} ms,"
            f" server CPU {statistics.median(r['server_cpu'] / r['requests'] for r in results) * 1000:.2f} ms a request,"
            f" CPU-bound capacity {statistics.median(r['capacity'] for r in results):.0f} req/s,"
            f" others {statistics.median(r['others_cores'] for r in results):.2f} cores;"
            f" all runs clean: {all(r['ok'] for r in results)}"
        )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        run_child(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1:] == ["--profile"]:
        profile()
    elif sys.argv[1:] == ["--compare"]:
        compare()
    else:
        main()
