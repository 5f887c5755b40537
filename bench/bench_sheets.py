"""Guarded sheet reader benchmark (``communityedu.core.sheets``): what the guard costs on a real
roster, and what the attack file costs now that it is refused.

Run: .venv/bin/python bench/bench_sheets.py [--rounds N]

Every step runs in a child process of its own (``child_steps.run_step``: this script with
``--child STEP``), so that each step's peak memory is its own: the parent reads the child's
``ru_maxrss`` from the kernel when it reaps it (``os.wait4``; KiB on Linux). The parent imports
neither Django nor calamine.

1. ``roster``: writes the 50,000-row roster of ``bench_register.py`` (same generator, same seed)
   once, outside the timing.
2. ``read`` (and ``read-xls``, the same on an .xls of the roster's first 20,000 rows): in one child, rounds alternated: plain ``python_calamine`` as the readers did it
   before (``CalamineWorkbook.from_filelike(...).get_sheet_by_index(0).to_python(skip_empty_area=
   False)``), then ``sheets.read_rows`` (guard + the same calamine call), then the guard alone;
   the median of each and the ratio of the medians (and the median of the per-round ratios).
3. ``hostile-xlsx`` / ``hostile-xls``: a fresh child reads the attack file through the guarded
   reader (a 5 KB .xlsx with cells at A1 and XFD1048576; an .xls whose cell record sits at
   column 65,536 under a DIMENSIONS record that says two columns) and must be refused; its time
   and its peak memory. ``imports``: a child that only imports what the others import (Django set
   up, calamine, the reader), the floor under those peaks.
4. ``unguarded``: plain calamine on the attack file, in a child whose address space is capped at
   2 GiB (``RLIMIT_AS``) so that the machine is not at risk: how it ends.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from child_steps import run_step

ROOT = Path(__file__).resolve().parent.parent
VAR_ENV = "BENCH_REGISTER_VAR_DIR"  # bench_register's roster generator writes there
ROUNDS_ENV = "BENCH_SHEETS_ROUNDS"

# targets from the issue
READ_RATIO = 1.1
HOSTILE_SECONDS = 0.5
HOSTILE_MB = 100.0
UNGUARDED_LIMIT = 2 * 1024**3
XLS_ROWS = 20_000


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ["COMMUNITYEDU_VAR_DIR"] = os.environ[VAR_ENV]
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


def _roster_path() -> Path:
    import bench_register

    return Path(os.environ[VAR_ENV]) / bench_register.ROSTER_NAME


def child_roster() -> dict:
    import bench_register

    return bench_register.child_roster()


def child_read() -> dict:
    import io

    from python_calamine import CalamineWorkbook

    from communityedu.core import sheets

    content = _roster_path().read_bytes()
    name = _roster_path().name

    def plain():
        return (
            CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python(skip_empty_area=False)
        )

    def guarded():
        return sheets.read_rows(content, name)

    def guard_alone():
        sheets.check_xlsx(content)
        return []

    assert plain() == guarded()  # the same cells, warm-up included
    times: dict[str, list[float]] = {"plain": [], "guarded": [], "guard": []}
    for _round in range(int(os.environ[ROUNDS_ENV])):
        for label, read in (("plain", plain), ("guarded", guarded), ("guard", guard_alone)):
            start = time.perf_counter()
            rows = read()
            times[label].append(time.perf_counter() - start)
            del rows
    return {"times": times, "rows": len(plain()), "bytes": len(content)}


def child_read_xls() -> dict:
    """The same comparison on an old-Excel roster: the first 20,000 rows of the roster as text,
    written once by xlwt (an .xls holds at most 65,536 rows; villages' are smaller)."""
    import io

    import xlwt
    from python_calamine import CalamineWorkbook

    from communityedu.core import sheets

    cells = CalamineWorkbook.from_path(str(_roster_path())).get_sheet_by_index(0).to_python()[:XLS_ROWS]
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("花名册")
    for row_number, row in enumerate(cells):
        for column, value in enumerate(row):
            if value not in ("", None):
                sheet.write(row_number, column, str(value))
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()

    def plain():
        return (
            CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python(skip_empty_area=False)
        )

    def guarded():
        return sheets.read_rows(content, "名单.xls")

    assert plain() == guarded()
    times: dict[str, list[float]] = {"plain": [], "guarded": []}
    for _round in range(int(os.environ[ROUNDS_ENV])):
        for label, read in (("plain", plain), ("guarded", guarded)):
            start = time.perf_counter()
            read()
            times[label].append(time.perf_counter() - start)
    return {"times": times, "rows": len(plain()), "bytes": len(content)}


def _refuse(content: bytes, name: str) -> dict:
    from communityedu.core import sheets

    start = time.perf_counter()
    try:
        sheets.read_rows(content, name)
    except sheets.SheetError as error:
        return {"seconds": time.perf_counter() - start, "refused": str(error), "bytes": len(content)}
    return {"seconds": time.perf_counter() - start, "refused": None, "bytes": len(content)}


def child_hostile_xlsx() -> dict:
    from communityedu.core.tests.sheet_files import hostile_xlsx

    return _refuse(hostile_xlsx(), "花名册.xlsx")


def child_hostile_xls() -> dict:
    from communityedu.core.tests.sheet_files import xls_with_far_cell

    return _refuse(xls_with_far_cell(row=65535, column=65535, dimensions=(0, 2, 0, 1)), "名单.xls")


def child_imports() -> dict:
    from communityedu.core import sheets  # noqa: F401 - the floor: what the hostile children import
    from communityedu.core.tests import sheet_files  # noqa: F401

    return {}


def child_unguarded() -> dict:
    import io

    from python_calamine import CalamineWorkbook

    from communityedu.core.tests.sheet_files import hostile_xlsx

    content = hostile_xlsx()
    resource.setrlimit(resource.RLIMIT_AS, (UNGUARDED_LIMIT, UNGUARDED_LIMIT))
    start = time.perf_counter()
    try:
        cells = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    except BaseException as error:  # whatever calamine manages to say before it dies
        return {"seconds": time.perf_counter() - start, "error": f"{type(error).__name__}: {error}"[:200]}
    return {"seconds": time.perf_counter() - start, "rows": len(cells)}


CHILDREN = {
    "roster": child_roster,
    "read": child_read,
    "read-xls": child_read_xls,
    "hostile-xlsx": child_hostile_xlsx,
    "hostile-xls": child_hostile_xls,
    "imports": child_imports,
    "unguarded": child_unguarded,
}


def run_child(step: str) -> None:
    _django()
    result = CHILDREN[step]()
    print(json.dumps(result, ensure_ascii=False))


def spawn(step: str, env: dict, *, may_die: bool = False) -> dict:
    """Run one step in a child (``child_steps``): its result, wall time and peak RSS in MB."""
    return run_step(__file__, step, env, may_die=may_die)


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=9)
    arguments = parser.parse_args()
    var_dir = tempfile.mkdtemp(prefix="bench-sheets-")
    env = {**os.environ, VAR_ENV: var_dir, ROUNDS_ENV: str(arguments.rounds)}
    try:
        run(env, arguments.rounds)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def run(env: dict, rounds: int) -> None:
    roster = spawn("roster", env)
    print(f"roster: 50,000 rows, {roster['bytes'] / 1e6:.1f} MB .xlsx (written in {roster['wall']:.1f} s)")

    read = spawn("read", env)
    medians = {label: statistics.median(values) for label, values in read["times"].items()}
    per_round = statistics.median(g / p for g, p in zip(read["times"]["guarded"], read["times"]["plain"], strict=True))
    ratio = medians["guarded"] / medians["plain"]
    print(
        f"read, {rounds} rounds alternated ({read['rows']} sheet rows): plain calamine {medians['plain']:.3f} s,"
        f" guarded reader {medians['guarded']:.3f} s, guard alone {medians['guard']:.3f} s"
        f" ({medians['guard'] / medians['plain']:.2f}x plain)"
    )
    print(
        f"  guarded / plain = {ratio:.3f}x (median of per-round ratios {per_round:.3f}x);"
        f" target <= {READ_RATIO}x: {verdict(ratio <= READ_RATIO)}"
    )
    print(
        f"  rounds (plain, guarded): {[(round(p, 3), round(g, 3)) for p, g in zip(read['times']['plain'], read['times']['guarded'], strict=True)]}"
    )

    old = spawn("read-xls", env)
    plain, guarded = (statistics.median(old["times"][label]) for label in ("plain", "guarded"))
    print(
        f"read of an .xls roster ({old['rows']} rows, {old['bytes'] / 1e6:.1f} MB), {rounds} rounds alternated:"
        f" plain calamine {plain:.3f} s, guarded reader {guarded:.3f} s = {guarded / plain:.2f}x (no target)"
    )

    floor = spawn("imports", env)
    print(f"imports only (Django set up, calamine, the reader): peak {floor['peak_mb']:.0f} MB")
    for step in ("hostile-xlsx", "hostile-xls"):
        hostile = spawn(step, env)
        ok = hostile["refused"] is not None and hostile["seconds"] < HOSTILE_SECONDS and hostile["peak_mb"] < HOSTILE_MB
        print(
            f"{step} ({hostile['bytes']:,} bytes): refused in {hostile['seconds'] * 1000:.1f} ms,"
            f" peak {hostile['peak_mb']:.0f} MB (child wall {hostile['wall']:.1f} s);"
            f" targets < {HOSTILE_SECONDS} s and < {HOSTILE_MB:.0f} MB: {verdict(ok)}"
        )
        print(f"  message: {hostile['refused']}")

    unguarded = spawn("unguarded", env, may_die=True)
    if "died" in unguarded:
        print(
            f"unguarded calamine on the .xlsx attack file (address space capped at"
            f" {UNGUARDED_LIMIT // 1024**3} GiB): died by {unguarded['died']} after {unguarded['wall']:.1f} s"
            f" {unguarded['stderr']}"
        )
    else:
        print(f"unguarded calamine on the .xlsx attack file (address space capped): {unguarded}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        run_child(sys.argv[2])
    else:
        main()
