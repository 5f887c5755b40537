"""Residents' register benchmark: importing a 50,000-row roster, and the register page at town scale.

Run: .venv/bin/python bench/bench_register.py
Uses a throw-away SQLite database (WAL) in a temporary folder, with the demo towns loaded. Every
step runs in its own child process (``child_steps.run_step``: this same script with ``--child
STEP``), so that each step's peak memory is its own: the parent never imports Django, and reads
each child's peak RSS from the kernel's rusage when it reaps that child (``os.wait4``, the
per-child form of ``getrusage(RUSAGE_CHILDREN).ru_maxrss``; KiB on Linux). Times are taken inside the child around
the work only (Django start-up excluded); the child's whole wall time is printed beside them.

Figures are ratios against baselines measured in the same run, because the machines are shared
and noisy (2 cores):
- import: what ``manage.py import_people FILE --town xinmiao --json`` does (``check_roster`` then
  ``apply_plan``) on a 50,000-row .xlsx roster as villages make them, against merely reading the
  same file with python_calamine; the dry run (``check_roster`` alone) shows where the time goes;
- re-import of the same file (all rows unchanged), through the management command itself;
- register page ``/people/`` with the demo town's 30,976 residents, against ``/healthz``, and its
  number of queries on page 1 and page 300 (then once more with the 80,976 after the import).

``--profile`` runs the import under cProfile instead and prints where check_roster and apply_plan
spend their time (cProfile roughly doubles the times; read it for proportions).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from child_steps import run_step

ROOT = Path(__file__).resolve().parent.parent
ROWS = 50_000
ROSTER_NAME = "新妙镇居民花名册-50000.xlsx"
TOWN = "xinmiao"
VAR_ENV = "BENCH_REGISTER_VAR_DIR"

# targets from the issue
IMPORT_SECONDS = 30.0
IMPORT_MB = 400.0
IMPORT_OVER_READ = 10.0
PAGE_MS = 300.0


# ---------------------------------------------------------------------------------------------
# children: each sets Django up on the shared throw-away database and prints one JSON line


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["COMMUNITYEDU_VAR_DIR"] = os.environ[VAR_ENV]
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ.pop("DATABASE_URL", None)  # the figures are for SQLite
    import django

    django.setup()


def _hwm_mb() -> float:
    """This process's own high-water RSS (VmHWM), a cross-check of the rusage figure."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _roster_path() -> Path:
    return Path(os.environ[VAR_ENV]) / ROSTER_NAME


def child_setup() -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as devnull:
        call_command("load_demo", stdout=devnull)
        call_command("collectstatic", interactive=False, verbosity=0, stdout=devnull)
    from communityedu.people.models import Person

    return {"people": Person.objects.filter(town__slug=TOWN).count()}


def child_roster() -> dict:
    """Write the roster once: merged title, filing line, header with the usual Chinese names,
    50,000 rows with valid unique ID numbers (region 500102) and agreeing birth dates, a footer."""
    import random
    from datetime import date, timedelta

    import openpyxl
    from django.utils import timezone
    from openpyxl.cell import WriteOnlyCell

    from communityedu.demo import data
    from communityedu.people.tests.rosters import make_id

    rng = random.Random(20261129)
    today = timezone.localdate()
    villages = [name for name, *_rest in data.XINMIAO["villages"]]
    header = [
        "序号",
        "姓名",
        "性别",
        "出生日期",
        "身份证号",
        "联系电话",
        "村（社区）",
        "村民小组",
        "标签",
        "监护人",
        "监护人同意",
    ]
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append(["新妙镇常住居民花名册"])
    sheet.merged_cells.add(f"A1:{openpyxl.utils.get_column_letter(len(header))}1")
    sheet.append(["填报单位：新妙镇人民政府", None, None, None, None, None, None, "填报日期：2026年11月"])
    sheet.append([])
    sheet.append(header)
    sequences: dict[date, int] = {}
    counts = {"children": 0, "phones": 0, "tagged": 0, "text_dates": 0}
    for number in range(1, ROWS + 1):
        male = rng.random() < 0.5
        surname = rng.choice(data.SURNAMES)
        given = data.GIVEN_MALE if male else data.GIVEN_FEMALE
        name = surname + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2))))
        child = rng.random() < 0.06
        if child:  # 1 to 13 years old
            born = today - timedelta(days=rng.randint(366, 13 * 365))
        else:  # 16 to 95 years old
            born = today - timedelta(days=rng.randint(16 * 366, 95 * 365))
        # sequences from 501 up, clear of the demo register's (which start at 1); odd = men
        sequence = sequences.get(born, 500) + 1
        if (sequence % 2 == 1) != male:
            sequence += 1
        sequences[born] = sequence
        id_number = make_id(born, sequence)
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        phone = None
        if not child and rng.random() < 0.8:
            mobile = f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}"
            phone = int(mobile) if rng.random() < 0.25 else mobile  # some clerks type phones as numbers
            counts["phones"] += 1
        tags = []
        if age >= 60 and rng.random() < 0.9:
            tags.append("老年人")
        if not child and rng.random() < 0.06:
            tags.append("党员")
        if child and rng.random() < 0.3:
            tags.append("留守儿童")
        counts["tagged"] += bool(tags)
        if rng.random() < 0.15:
            birth_cell = f"{born.year}.{born.month}.{born.day}"  # typed as text
            counts["text_dates"] += 1
        else:
            birth_cell = WriteOnlyCell(sheet, value=born)
            birth_cell.number_format = "yyyy-mm-dd"
        village = rng.choice(villages)
        guardian = consent = None
        if child:
            guardian = surname + rng.choice(data.GIVEN_MALE + data.GIVEN_FEMALE)
            consent = "是"
            counts["children"] += 1
        sheet.append(
            [
                number,
                name,
                "男" if male else "女",
                birth_cell,
                id_number,
                phone,
                village,
                f"{rng.randint(1, 9)}组",
                "、".join(tags) or None,
                guardian,
                consent,
            ]
        )
    sheet.append([])
    sheet.append(["制表人：王秀英", None, None, None, "审核人：李建国"])
    path = _roster_path()
    workbook.save(path)
    return {"bytes": path.stat().st_size, **counts}


class _Split:
    """Wall time spent inside a few named functions of the import, by patching them in place."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, module, name: str, label: str) -> None:
        original = getattr(module, name)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - start

        setattr(module, name, timed)


def child_read() -> dict:
    """The baseline: merely reading the sheet, with the same call as the import's reader."""
    import io

    from python_calamine import CalamineWorkbook

    content = _roster_path().read_bytes()
    start = time.perf_counter()
    cells = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    return {"seconds": time.perf_counter() - start, "sheet_rows": len(cells)}


def _check(split: _Split):
    from communityedu.organization.models import Town
    from communityedu.people import imports, roster

    split.wrap(roster, "read_cells", "read")
    split.wrap(imports, "parse_roster", "parse")  # includes read
    split.wrap(imports, "_existing_people", "existing")
    path = _roster_path()
    town = Town.objects.get(slug=TOWN)
    start = time.perf_counter()
    _roster, plan = imports.check_roster(town=town, content=path.read_bytes(), file_name=path.name)
    split.seconds["check_roster"] = time.perf_counter() - start
    return plan


def child_check() -> dict:
    split = _Split()
    plan = _check(split)
    summary = plan.summary()
    return {
        "seconds": split.seconds["check_roster"],
        "split": split.seconds,
        "creates": summary["created"],
        "updates": summary["updated"],
        "unchanged": summary["unchanged"],
        "problems": summary["invalid"][:5],
        "problem_count": len(summary["invalid"]),
    }


def _counts() -> dict:
    from communityedu.core.models import AuditLogEntry
    from communityedu.people.models import Person, PersonTag

    return {
        "people": Person.objects.filter(town__slug=TOWN).count(),
        "tags": PersonTag.objects.filter(town__slug=TOWN).count(),
        "audit": AuditLogEntry.objects.count(),
    }


def child_import() -> dict:
    """What the command does, with the time of each part: check_roster, then apply_plan."""
    from django.db import connection

    from communityedu.core import crypto
    from communityedu.people import imports

    before = _counts()
    split = _Split()
    split.wrap(imports, "_new_person", "build_people")  # includes encryption
    split.wrap(crypto, "encrypt", "encrypt")
    split.wrap(imports, "_audit_entries", "build_audit")
    split.wrap(connection, "_commit", "commit")  # the database's own commit, at the end of each chunk

    def sql_time(execute, sql, params, many, context):  # SQLite executing the statements Django built
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            split.seconds["execute"] = split.seconds.get("execute", 0.0) + time.perf_counter() - started

    start = time.perf_counter()
    plan = _check(split)
    applied = time.perf_counter()
    with connection.execute_wrapper(sql_time):
        summary = imports.apply_plan(plan, actor=None, skip_invalid=False, label="import_people")
    end = time.perf_counter()
    split.seconds["apply_plan"] = end - applied
    return {
        "seconds": end - start,
        "split": split.seconds,
        "summary": {k: summary[k] for k in ("valid", "created", "updated", "unchanged")},
        "problem_count": len(summary["invalid"]),
        "before": before,
        "after": _counts(),
    }


def child_reimport() -> dict:
    """The same file again, through the management command itself."""
    import io

    from django.core.management import call_command

    before = _counts()
    out = io.StringIO()
    path = _roster_path()
    start = time.perf_counter()
    call_command("import_people", str(path), town=TOWN, json=True, stdout=out)
    seconds = time.perf_counter() - start
    summary = json.loads(out.getvalue())
    summary["invalid"] = len(summary["invalid"])
    return {"seconds": seconds, "summary": summary, "before": before, "after": _counts()}


def child_pages() -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    assert client.login(username="office", password="Xinmiao@2020")

    def median_ms(path: str, repeat: int) -> float:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (path, response.status_code)
        return statistics.median(times) * 1000

    result: dict = {"people": _counts()["people"]}
    for path in ("/people/", "/people/?page=300"):
        client.get(path)  # warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        result[path] = {"queries": len(queries), "status": response.status_code}
    result["healthz_ms"] = median_ms("/healthz", 30)
    for path in ("/people/", "/people/?page=300"):
        result[path]["median_ms"] = median_ms(path, 15)
    return result


def child_profile() -> dict:
    """The import under cProfile (``--profile``): where the time of each part goes."""
    import cProfile
    import io
    import pstats

    from communityedu.organization.models import Town
    from communityedu.people import imports

    path = _roster_path()
    town = Town.objects.get(slug=TOWN)
    text = io.StringIO()
    seconds = {}
    profiler = cProfile.Profile()
    start = time.perf_counter()
    _roster, plan = profiler.runcall(imports.check_roster, town=town, content=path.read_bytes(), file_name=path.name)
    seconds["check_roster"] = time.perf_counter() - start
    for step, call in (
        ("check_roster", None),
        ("apply_plan", lambda: imports.apply_plan(plan, actor=None, label="import_people")),
    ):
        if call is not None:
            profiler = cProfile.Profile()
            start = time.perf_counter()
            profiler.runcall(call)
            seconds[step] = time.perf_counter() - start
        print(f"=== {step} under cProfile: {seconds[step]:.2f} s", file=text)
        stats = pstats.Stats(profiler, stream=text).strip_dirs()
        stats.sort_stats("tottime").print_stats(15)
        stats.sort_stats("cumulative").print_stats(25)
    return {"seconds": seconds, "profile": text.getvalue()}


CHILDREN = {
    "setup": child_setup,
    "roster": child_roster,
    "read": child_read,
    "check": child_check,
    "import": child_import,
    "reimport": child_reimport,
    "pages": child_pages,
    "profile": child_profile,
}


def run_child(step: str) -> None:
    _django()
    result = CHILDREN[step]()
    result["vm_hwm_mb"] = _hwm_mb()
    print(json.dumps(result, ensure_ascii=False, default=str))


# ---------------------------------------------------------------------------------------------
# parent: no Django here, so that a child's rusage peak is the child's own


def spawn(step: str, var_dir: str) -> dict:
    """Run one step in a child (``child_steps``): its result, its whole wall time, and its peak RSS in MB."""
    return run_step(__file__, step, {**os.environ, VAR_ENV: var_dir})


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def split_line(split: dict) -> str:
    read = split.get("read", 0.0)
    parse = split.get("parse", 0.0) - read
    existing = split.get("existing", 0.0)
    rows = split.get("check_roster", 0.0) - split.get("parse", 0.0) - existing
    text = f"read {read:.2f} s, parse {parse:.2f} s, load register {existing:.2f} s, check rows {rows:.2f} s"
    if "apply_plan" in split:
        built = split["build_people"] + split["build_audit"]
        sqlite = split.get("execute", 0.0) + split.get("commit", 0.0)
        text += (
            f", write (apply_plan) {split['apply_plan']:.2f} s = build Person objects {split['build_people']:.2f} s"
            f" (of which Fernet encryption {split['encrypt']:.2f} s) + build audit entries {split['build_audit']:.2f} s"
            f" + bulk_create and the rest {split['apply_plan'] - built:.2f} s (SQLite executing the statements"
            f" {split.get('execute', 0.0):.2f} s and committing {split.get('commit', 0.0):.2f} s; the other"
            f" {split['apply_plan'] - built - sqlite:.2f} s in Python, mostly Django building the INSERTs)"
        )
    return text


def main() -> None:
    var_dir = tempfile.mkdtemp(prefix="bench-register-")
    try:
        run(var_dir)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def run(var_dir: str) -> None:
    began = time.perf_counter()
    setup = spawn("setup", var_dir)
    print(f"setup (migrate, load_demo, collectstatic): {setup['wall']:.1f} s; {setup['people']} people in {TOWN}")
    roster = spawn("roster", var_dir)
    print(
        f"roster: {ROWS} rows, {roster['bytes'] / 1e6:.1f} MB .xlsx written in {roster['wall']:.1f} s"
        f" ({roster['children']} children with guardian, {roster['phones']} phones,"
        f" {roster['tagged']} tagged, {roster['text_dates']} dates typed as text)"
    )

    pages = spawn("pages", var_dir)
    health = pages["healthz_ms"]
    print(f"register pages with {pages['people']} people in the town (office):")
    for path in ("/people/", "/people/?page=300"):
        page = pages[path]
        print(
            f"  {path}: median {page['median_ms']:.1f} ms = {page['median_ms'] / health:.1f}x /healthz"
            f" ({health:.2f} ms); {page['queries']} queries; target < {PAGE_MS:.0f} ms:"
            f" {verdict(page['median_ms'] < PAGE_MS)}"
        )
    same = pages["/people/"]["queries"] == pages["/people/?page=300"]["queries"]
    print(f"  same number of queries on page 1 and page 300: {verdict(same)}")

    read = spawn("read", var_dir)
    print(
        f"read baseline (python_calamine to_python): {read['seconds']:.2f} s, {read['sheet_rows']} sheet rows;"
        f" peak {read['peak_mb']:.0f} MB (process {read['wall']:.1f} s)"
    )
    check = spawn("check", var_dir)
    print(
        f"dry run (check_roster): {check['seconds']:.2f} s = {check['seconds'] / read['seconds']:.1f}x read;"
        f" peak {check['peak_mb']:.0f} MB; {check['creates']} to create, {check['problem_count']} problems"
        f" {check['problems'] or ''}"
    )
    print(f"  {split_line(check['split'])}")

    imported = spawn("import", var_dir)
    seconds, peak = imported["seconds"], imported["peak_mb"]
    ratio = seconds / read["seconds"]
    print(
        f"import (check_roster + apply_plan): {seconds:.2f} s (process {imported['wall']:.1f} s),"
        f" peak {peak:.0f} MB (VmHWM {imported['vm_hwm_mb']:.0f} MB); summary {imported['summary']},"
        f" {imported['problem_count']} problems"
    )
    print(f"  {split_line(imported['split'])}")
    print(
        f"  targets: time <= {IMPORT_SECONDS:.0f} s: {verdict(seconds <= IMPORT_SECONDS)};"
        f" peak <= {IMPORT_MB:.0f} MB: {verdict(peak <= IMPORT_MB)};"
        f" import / read = {ratio:.1f}x <= {IMPORT_OVER_READ:.0f}x: {verdict(ratio <= IMPORT_OVER_READ)}"
    )
    grew = {k: imported["after"][k] - imported["before"][k] for k in imported["before"]}
    print(f"  rows added: {grew}")
    assert imported["summary"]["created"] == ROWS, imported
    assert grew["people"] == ROWS, imported

    again = spawn("reimport", var_dir)
    grew = {k: again["after"][k] - again["before"][k] for k in again["before"]}
    nothing = not any(grew.values()) and again["summary"]["created"] == 0 and again["summary"]["updated"] == 0
    print(
        f"re-import (import_people --json, unchanged file): {again['seconds']:.2f} s"
        f" = {again['seconds'] / read['seconds']:.1f}x read = {again['seconds'] / seconds:.2f}x first import;"
        f" peak {again['peak_mb']:.0f} MB; summary {again['summary']}; rows added {grew};"
        f" creates nothing: {verdict(nothing)}"
    )

    after = spawn("pages", var_dir)
    print(
        f"register page after the import ({after['people']} people): /people/ median"
        f" {after['/people/']['median_ms']:.1f} ms, page 300 {after['/people/?page=300']['median_ms']:.1f} ms,"
        f" /healthz {after['healthz_ms']:.2f} ms"
    )
    print(f"whole bench: {time.perf_counter() - began:.0f} s")


def profile() -> None:
    var_dir = tempfile.mkdtemp(prefix="bench-register-")
    try:
        spawn("setup", var_dir)
        spawn("roster", var_dir)
        result = spawn("profile", var_dir)
        print(result["profile"])
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        run_child(sys.argv[2])
    elif sys.argv[1:] == ["--profile"]:
        profile()
    else:
        main()
