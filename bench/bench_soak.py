"""Soak: ten minutes of mixed traffic against gunicorn serving the demo town on SQLite.

Run: .venv/bin/python bench/bench_soak.py [--minutes 10] [--rate 30] [--threads 8]

Set-up, outside the timing, in a throw-away folder (``COMMUNITYEDU_VAR_DIR``, SQLite in WAL mode,
``config.settings.local``, as ``make run``): ``migrate``, ``load_demo``, ``collectstatic``; then,
through the services, two activities happening now (one for residents checking themselves in with
the venue code, one for a check-in device), ``RESIDENTS`` resident accounts (phone + PIN) linked to
people of the town, and a device token for the community school.

Then gunicorn serves the app as ``make run`` does (2 workers x 4 gthreads) with the periodic jobs
beside it (``run_periodic_jobs``: it seals the audit log while the traffic writes it), and the soak
sends ``--rate`` requests a second from ``--threads`` client threads for ``--minutes``, each request
of a kind drawn by weight:

- ``healthz``: ``GET /healthz``, the baseline measured in the same run;
- ``portal``: a resident's pages (home, activities, one activity, news, library, learning record);
- ``search``: a resident searching the library (words, pinyin, initials);
- ``self check-in``: a resident checking in with the venue code (``POST /checkin/<token>/``);
- ``device check-in``: the device's ``POST /api/v1/activities/{id}/attendance``, new people (201)
  and some repeats (200);
- ``upload``: the office adding a photo to an activity's evidence (multipart, 302);
- ``staff``: the office's pages (targets dashboard, activities, register, funding, surveys, news).

Every client signs in through the real forms; each resident and the office come from their own
loopback address (127.0.0.x), as different phones would, so the per-client rate limits apply as in
life and the load is paced under them (a resident searches at most once a second and checks in at
most once in 7 s). Any answer other than the kind's expected status, any 429 and any failed
connection is an error. After the run: the rows written are checked against the answers (one
attendance row per person checked in, one evidence file per upload), and the server's and the
jobs' logs are searched for "database is locked" and tracebacks.

The server's RSS (master and workers, from /proc) is sampled every 10 s; memory is stable when the
last minute's mean is within 10% of the second minute's.

Latencies are wall times seen by the client, which shares the 2 cores with the server and with
whatever else runs on the machine, so they are reported beside ``/healthz``'s from the same run.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
TOWN = "xinmiao"
ORGANISER = "新妙镇社区学校"
DEVICE_ACCOUNT = "school"
OFFICE = "office"
PASSWORD = "Xinmiao@2020"  # noqa: S105 - the demo accounts' documented password
VAR_ENV = "BENCH_SOAK_VAR_DIR"
RESIDENTS = 24
SAMPLE_SECONDS = 10
STABLE_GROWTH = 0.10
SEARCH_GAP = 1.0  # seconds between one resident's searches (limit: 120 a minute)
CHECK_IN_GAP = 7.0  # seconds between one resident's self check-ins (limit: 10 a minute)
REPEAT_SHARE = 0.2
UPLOAD_ACTIVITIES = 40  # an activity keeps at most 30 evidence files: uploads go round these

WEIGHTS = {
    "healthz": 10,
    "portal": 30,
    "search": 15,
    "self check-in": 6,
    "device check-in": 15,
    "upload": 4,
    "staff": 20,
}
EXPECTED = {
    "healthz": {200},
    "portal": {200},
    "search": {200},
    "self check-in": {200},
    "device check-in": {200, 201},
    "upload": {302},
    "staff": {200},
}
SEARCHES = ["太极拳", "taijiquan", "tjq", "防诈骗", "健康", "jiankang", "农业技术", "法律", "太拳", "广场舞"]
STAFF_PAGES = ["/staff/targets/", "/activities/", "/people/", "/funding/", "/surveys/", "/news/manage/", "/"]


# ---------------------------------------------------------------------------------------------
# child: Django on the throw-away database, one JSON line out


def child_prepare(residents: int) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ["COMMUNITYEDU_VAR_DIR"] = os.environ[VAR_ENV]
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from datetime import timedelta

    from django.utils import timezone

    from communityedu.accounts import services as account_services
    from communityedu.accounts.models import User
    from communityedu.activities import services as activity_services
    from communityedu.activities.constants import ActivityKind
    from communityedu.organization import services as org_services
    from communityedu.organization.constants import Role
    from communityedu.organization.models import Town, Unit
    from communityedu.people import services as people_services
    from communityedu.people.models import Person

    school = User.objects.get(username=DEVICE_ACCOUNT)
    town = Town.objects.get(slug=TOWN)
    organiser = Unit.objects.get(town=town, name=ORGANISER)
    now = timezone.now()
    activities = {}
    for key, title in (("self", "大讲堂 扫码签到"), ("device", "大讲堂 设备签到")):
        values = {
            "title": title,
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
        activities[key] = activity_services.schedule_activity(actor=school, town=town, values=values)
    people = list(Person.objects.filter(town=town, account__isnull=True).order_by("pk").values_list("pk", flat=True))
    random.Random(20261202).shuffle(people)
    uploads = []
    for number in range(UPLOAD_ACTIVITIES):
        values = {
            "title": f"照片上传 {number + 1}",
            "kind": ActivityKind.TRAINING,
            "organiser": organiser,
            "venue_unit": organiser,
            "venue_place": "",
            "village": None,
            "starts_at": now - timedelta(days=1, hours=3),
            "ends_at": now - timedelta(days=1, hours=1),
            "audience": "全镇居民",
            "capacity": None,
            "summary": "",
        }
        uploads.append(activity_services.schedule_activity(actor=school, town=town, values=values).pk)
    accounts = []
    for number in range(residents):
        person = Person.objects.get(pk=people.pop())
        phone, pin = f"1390000{number:04d}", f"{(583217 + 7919 * number) % 1000000:06d}"
        account = account_services.create_resident_account(phone=phone, pin=pin, display_name=person.name, town=town)
        org_services.assign_role(user=account, role=Role.RESIDENT, town=town)
        people_services.link_account(person=person, account=account)
        accounts.append({"phone": phone, "pin": pin, "person": person.pk})
    token = account_services.create_api_token(user=school, name="bench soak")
    return {
        "self_token": activities["self"].check_in_token,
        "device_activity": activities["device"].pk,
        "upload_activities": uploads,
        "portal_activity": activities["self"].pk,
        "residents": accounts,
        "people": people,
        "token": token,
    }


# ---------------------------------------------------------------------------------------------
# parent: no Django here


def child_env(var_dir: str) -> dict:
    env = {**os.environ, VAR_ENV: var_dir, "COMMUNITYEDU_VAR_DIR": var_dir}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    env.pop("DATABASE_URL", None)
    return env


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - the project's manage.py, no shell
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def png_bytes() -> bytes:
    """A tiny valid PNG, made without Pillow (the parent does not import the project)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    width, height = 32, 24
    raw = b"".join(b"\x00" + bytes([200, 30, 40]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


class Session:
    """One client: its own loopback address and cookies; usable from several threads."""

    def __init__(self, port: int, address: str, bearer: str = "") -> None:
        self.port, self.address, self.bearer = port, address, bearer
        self.cookies: dict[str, str] = {}
        self.lock = threading.Lock()

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str = "") -> tuple[int, bytes]:
        headers = {"Host": "127.0.0.1", "Accept-Language": "zh-hans"}
        with self.lock:
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            csrf = self.cookies.get("csrftoken", "")
        if method == "POST" and csrf:
            headers["X-CSRFToken"] = csrf
        if self.bearer:
            headers["Authorization"] = f"Bearer {self.bearer}"
        if content_type:
            headers["Content-Type"] = content_type
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30, source_address=(self.address, 0))
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            with self.lock:
                for header in response.headers.get_all("Set-Cookie") or []:
                    name, _, rest = header.partition("=")
                    value = rest.split(";", 1)[0]
                    if value in ("", '""'):
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = value
            return response.status, content
        finally:
            connection.close()

    def post_form(self, path: str, fields: dict) -> tuple[int, bytes]:
        fields = {**fields, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        return self.request("POST", path, urlencode(fields).encode(), "application/x-www-form-urlencoded")

    def sign_in(self, path: str, fields: dict) -> None:
        self.request("GET", path)
        status, body = self.post_form(path, fields)
        if status != 302:
            raise SystemExit(f"sign-in at {path} as {fields} failed: {status} {body[:400]!r}")


def multipart(fields: dict, file_field: str, file_name: str, content: bytes) -> tuple[bytes, str]:
    boundary = f"soak{random.getrandbits(64):016x}"
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    out.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{file_name}"\r\n'
        "Content-Type: image/png\r\n\r\n".encode()
    )
    out.write(content + f"\r\n--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


class Server:
    def __init__(self, env: dict, var_dir: Path) -> None:
        self.port = free_port()
        self.log_path = var_dir / "gunicorn.log"
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603 - gunicorn from this virtualenv, no shell
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--worker-class",
                "gthread",
                "--access-logfile",
                str(var_dir / "access.log"),
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        probe = Session(self.port, "127.0.0.1")
        deadline = time.monotonic() + 60
        while True:
            try:
                if probe.request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start: {self.log_path.read_text()}")
            time.sleep(0.2)

    def rss_kib(self) -> dict[int, int]:
        pid = self.process.pid
        pids = [pid, *(int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
        sizes = {}
        for one in pids:
            try:
                status = Path(f"/proc/{one}/status").read_text()
            except FileNotFoundError:
                continue
            sizes[one] = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
        return sizes

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


class Residents:
    """Residents handed out to threads, each paced under its rate limits."""

    def __init__(self, sessions: list[Session]) -> None:
        self.free = list(sessions)
        self.next_search = dict.fromkeys(sessions, 0.0)
        self.next_check_in = dict.fromkeys(sessions, 0.0)
        self.lock = threading.Lock()

    def take(self, kind: str, rng: random.Random) -> Session | None:
        now = time.monotonic()
        with self.lock:
            due = self.next_search if kind == "search" else self.next_check_in if kind == "self check-in" else None
            ready = [s for s in self.free if due is None or due[s] <= now]
            if not ready:
                return None
            session = rng.choice(ready)
            self.free.remove(session)
            if kind == "search":
                self.next_search[session] = now + SEARCH_GAP
            elif kind == "self check-in":
                self.next_check_in[session] = now + CHECK_IN_GAP
            return session

    def give_back(self, session: Session) -> None:
        with self.lock:
            self.free.append(session)


class Soak:
    def __init__(self, server: Server, prepared: dict, office: Session, residents: list[Session], device: Session):
        self.server, self.prepared = server, prepared
        self.office, self.device, self.anonymous = office, device, Session(server.port, "127.0.0.1")
        self.residents = Residents(residents)
        self.people = list(prepared["people"])
        self.sent_people: list[int] = []
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.checked_in_residents: set[str] = set()
        self.uploads_ok = 0
        self.upload_number = 0
        self.lock = threading.Lock()
        self.png = png_bytes()
        self.locked_answers = 0

    def _device_check_in(self, rng: random.Random) -> tuple[str, int, bytes]:
        with self.lock:
            if self.sent_people and rng.random() < REPEAT_SHARE:
                person = rng.choice(self.sent_people)
            else:
                person = self.people.pop()
                self.sent_people.append(person)
        body = json.dumps({"person": person}).encode()
        path = f"/api/v1/activities/{self.prepared['device_activity']}/attendance"
        return "device check-in", *self.device.request("POST", path, body, "application/json")

    def one(self, rng: random.Random) -> None:
        kind = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        resident = None
        if kind in ("portal", "search", "self check-in"):
            resident = self.residents.take(kind, rng)
            if resident is None:  # every resident is busy or paced: a page instead
                kind, resident = "portal", self.residents.take("portal", rng)
                if resident is None:
                    kind = "healthz"
        start = time.perf_counter()
        try:
            if kind == "healthz":
                status, body = self.anonymous.request("GET", "/healthz")
            elif kind == "portal":
                page = rng.choice(
                    [
                        "/portal/",
                        "/portal/activities/",
                        f"/portal/activities/{self.prepared['portal_activity']}/",
                        "/news/",
                        "/learning/",
                        "/learning/record/",
                    ]
                )
                status, body = resident.request("GET", page)
            elif kind == "search":
                status, body = resident.request("GET", "/learning/search/?" + urlencode({"q": rng.choice(SEARCHES)}))
            elif kind == "self check-in":
                status, body = resident.post_form(f"/checkin/{self.prepared['self_token']}/", {})
                if status == 200:
                    with self.lock:
                        self.checked_in_residents.add(resident.address)
            elif kind == "device check-in":
                kind, status, body = self._device_check_in(rng)
            elif kind == "upload":
                content, content_type = multipart(
                    {"kind": "photo", "csrfmiddlewaretoken": self.office.cookies.get("csrftoken", "")},
                    "files",
                    "现场照片.png",
                    self.png,
                )
                with self.lock:
                    self.upload_number += 1
                    target = self.prepared["upload_activities"][self.upload_number % UPLOAD_ACTIVITIES]
                status, body = self.office.request("POST", f"/activities/{target}/evidence/", content, content_type)
                if status == 302:
                    with self.lock:
                        self.uploads_ok += 1
            else:
                status, body = self.office.request("GET", rng.choice(STAFF_PAGES))
        except OSError as error:
            status, body = -1, str(error).encode()
        finally:
            if resident is not None:
                self.residents.give_back(resident)
        elapsed = (time.perf_counter() - start) * 1000
        with self.lock:
            self.latencies[kind].append(elapsed)
            if b"database is locked" in body:
                self.locked_answers += 1
            if status not in EXPECTED[kind]:
                self.errors[kind].append(f"{status} {body[:200]!r}")

    def run(self, seconds: float, rate: float, threads: int) -> dict:
        counter = iter(range(10**9))
        counter_lock = threading.Lock()
        start = time.monotonic()
        end = start + seconds
        samples: list[tuple[float, dict]] = []
        stop = threading.Event()

        def sampler() -> None:
            while not stop.is_set():
                samples.append((time.monotonic() - start, self.server.rss_kib()))
                stop.wait(SAMPLE_SECONDS)

        def worker(number: int) -> None:
            rng = random.Random(1000 + number)
            while True:
                with counter_lock:
                    slot = start + next(counter) / rate
                if slot >= end:
                    return
                delay = slot - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                self.one(rng)

        watcher = threading.Thread(target=sampler, daemon=True)
        watcher.start()
        pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        stop.set()
        watcher.join()
        samples.append((time.monotonic() - start, self.server.rss_kib()))
        return {"wall_seconds": time.monotonic() - start, "samples": samples}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def count_rows(var_dir: Path, sql: str, parameters: tuple) -> int:
    with sqlite3.connect(var_dir / "communityedu.sqlite3", timeout=30) as db:
        return db.execute(sql, parameters).fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=30.0, help="requests a second, all kinds together")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        print(json.dumps(child_prepare(int(arguments.child[1]))))
        return

    var_dir = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    env = child_env(str(var_dir))
    began = time.monotonic()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--noinput", "-v0")
    done = subprocess.run(  # noqa: S603 - this same script, no shell
        [sys.executable, str(Path(__file__).resolve()), "--child", "prepare", str(RESIDENTS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"prepare failed:\n{done.stdout}\n{done.stderr}")
    prepared = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"set-up in {time.monotonic() - began:.0f} s; data in {var_dir}", flush=True)

    server = Server(env, var_dir)
    jobs_log = (var_dir / "periodic-jobs.log").open("w")
    jobs = subprocess.Popen(
        [sys.executable, "manage.py", "run_periodic_jobs"],
        cwd=ROOT,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=jobs_log,
        stderr=jobs_log,
    )
    try:
        office = Session(server.port, "127.0.0.2")
        office.sign_in("/accounts/sign-in/", {"username": OFFICE, "password": PASSWORD})
        for page in STAFF_PAGES:
            status, _body = office.request("GET", page)
            if status != 200:
                raise SystemExit(f"the office cannot open {page}: {status}")
        residents = []
        for number, resident in enumerate(prepared["residents"]):
            session = Session(server.port, f"127.0.0.{10 + number}")
            session.sign_in("/accounts/resident-sign-in/", {"phone": resident["phone"], "pin": resident["pin"]})
            residents.append(session)
        device = Session(server.port, "127.0.0.3", bearer=prepared["token"])
        soak = Soak(server, prepared, office, residents, device)
        print(
            f"soaking {arguments.minutes:g} min at {arguments.rate:g} requests/s from {arguments.threads} threads",
            flush=True,
        )
        result = soak.run(arguments.minutes * 60, arguments.rate, arguments.threads)
        time.sleep(2)
    finally:
        server.stop()
        jobs.send_signal(signal.SIGTERM)
        jobs.wait(timeout=60)
        jobs_log.close()

    report(var_dir, prepared, soak, result, server)


def report(var_dir: Path, prepared: dict, soak: Soak, result: dict, server: Server) -> None:
    logs = (server.log_path.read_text(), (var_dir / "periodic-jobs.log").read_text())
    locked_in_logs = sum(text.count("database is locked") for text in logs)
    tracebacks = sum(text.count("Traceback") for text in logs)
    device_rows = count_rows(
        var_dir, "SELECT COUNT(*) FROM activities_attendanceentry WHERE activity_id = ?", (prepared["device_activity"],)
    )
    self_activity_rows = count_rows(
        var_dir,
        "SELECT COUNT(*) FROM activities_attendanceentry a JOIN activities_activity b ON a.activity_id = b.id "
        "WHERE b.check_in_token = ?",
        (prepared["self_token"],),
    )
    uploads = prepared["upload_activities"]
    evidence_rows = count_rows(
        var_dir,
        f"SELECT COUNT(*) FROM activities_evidence WHERE activity_id IN ({','.join('?' * len(uploads))})",
        tuple(uploads),
    )
    total = sum(len(values) for values in soak.latencies.values())
    errors = sum(len(values) for values in soak.errors.values())
    health_p50 = percentile(soak.latencies["healthz"], 0.5)
    health_p95 = percentile(soak.latencies["healthz"], 0.95)
    lines = [
        f"requests: {total} in {result['wall_seconds']:.0f} s ({total / result['wall_seconds']:.1f}/s); "
        f"errors: {errors}; 'database is locked': {locked_in_logs} in the logs, {soak.locked_answers} in answers; "
        f"tracebacks in the logs: {tracebacks}",
        f"{'kind':<16} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p50/healthz':>11} {'p95/healthz':>11}",
    ]
    for kind in WEIGHTS:
        values = soak.latencies.get(kind, [])
        if not values:
            continue
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        lines.append(
            f"{kind:<16} {len(values):>8} {len(soak.errors.get(kind, [])):>6} {p50:>8.1f} {p95:>8.1f} "
            f"{p50 / health_p50:>11.1f} {p95 / health_p95:>11.1f}"
        )
    sent = len(set(soak.sent_people))
    lines.append(
        f"rows: device check-ins {device_rows} for {sent} people sent; self check-ins {self_activity_rows} for "
        f"{len(soak.checked_in_residents)} residents; evidence files {evidence_rows} for {soak.uploads_ok} uploads"
    )
    samples = result["samples"]
    totals = [(seconds, sum(sizes.values()) / 1024) for seconds, sizes in samples]
    lines.append("server RSS (MiB, master + workers) every 10 s: " + " ".join(f"{mib:.0f}" for _s, mib in totals))
    duration = result["wall_seconds"]
    second = [mib for seconds, mib in totals if 60 <= seconds < 120]
    last = [mib for seconds, mib in totals if seconds >= duration - 60]
    if second and last:
        growth = statistics.mean(last) / statistics.mean(second) - 1
        lines.append(
            f"RSS second minute {statistics.mean(second):.1f} MiB, last minute {statistics.mean(last):.1f} MiB: "
            f"{growth:+.1%} ({'stable' if abs(growth) <= STABLE_GROWTH else 'NOT stable'})"
        )
    for kind, problems in soak.errors.items():
        lines.append(f"errors of {kind}: {problems[:5]}")
    checks = {
        "no errors": errors == 0,
        "no 'database is locked'": locked_in_logs == 0 and soak.locked_answers == 0,
        "no tracebacks": tracebacks == 0,
        "device rows = people sent": device_rows == sent,
        "self rows = residents checked in": self_activity_rows == len(soak.checked_in_residents),
        "evidence rows = uploads": evidence_rows == soak.uploads_ok,
    }
    lines.append("checks: " + ", ".join(f"{name}: {'yes' if held else 'NO'}" for name, held in checks.items()))
    print("\n".join(lines))
    (var_dir / "soak.json").write_text(
        json.dumps(
            {
                "latencies": soak.latencies,
                "errors": soak.errors,
                "samples": samples,
                "checks": checks,
                "report": lines,
            }
        )
    )
    print(f"details: {var_dir / 'soak.json'}")
    if not all(checks.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
