"""Dossier benchmark: the demo town's evaluation dossier of 2020 with a few hundred evidence files.

Run: .venv/bin/python bench/bench_dossier.py

Throw-away folder (``COMMUNITYEDU_VAR_DIR``: SQLite in WAL mode, media), ``config.settings.local``;
``migrate`` and ``load_demo``. Set-up, outside the timing, through the services: 240 photos of the
activities of 2020 (``activities.evidence.attach_evidence``), 8 files on each of the five manual
indicators (``assessment.services.record_manual_score``: 40) and 4 on each of the first ten tasks
of the work plan (``planning.services.files.attach_task_file``: 40), beside the demo's own files (the
basic conditions' 80 and the activities' own). Every photo is a 1,024 x 768 JPEG of noise
(quality 85, some 300 kB: about what a phone's picture weighs once shrunk, and incompressible).

Each measurement runs in a child process of its own (``--child``), so that its peak memory
(``VmHWM``) is its own and not the set-up's:

1. the dossier: ``dossier.run_export`` on a new export row, exactly what the background job
   does (read the tree and the plan, the .xlsx, the .zip streamed from disk, the PDF); wall time
   and peak memory, and the time of each part in a second child;
2. the baseline: the same evidence files (the list the dossier archived) merely copied into a zip
   with the same compression choices, by a plain loop of ``ZipFile.write``.

3. the evidence check (``assessment.evidence.evidence_check``: the evidence graph of the year read
   whole, then what has no evidence), five rounds in one child started as a server worker starts
   (``config.wsgi`` imported: the URLconf loaded); the first (the database's pages cold) is shown
   apart, and the target is read on it as well as on the median of the others.

The dossier now holds the whole evidence graph (the recognition documents, the ledger with its
vouchers, the masked participant list, the survey results, the minutes, the notices, the
certificates issued). Targets: ≤ 60 s and ≤ 500 MB on the 2-core machine; the evidence check ≤ 2 s. Figures are also given as the ratio of the
dossier's time to the baseline's, measured in the same run (the machine is shared and noisy).
"""

from __future__ import annotations

import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if "--child" not in sys.argv:
    os.environ["COMMUNITYEDU_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-dossier-")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
os.environ.pop("DATABASE_URL", None)  # the figures are for SQLite

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402

TOWN = "xinmiao"
YEAR = 2020
AS_OF = date(2020, 12, 31)
ACTIVITY_PHOTOS = 240
FILES_PER_MANUAL = 8
FILES_PER_TASK = 4
TASKS = 10
TARGET_SECONDS = 60
TARGET_MB = 500
TARGET_CHECK_SECONDS = 2


def jpeg(seed: int, name: str) -> SimpleUploadedFile:
    from PIL import Image

    noise = random.Random(seed).randbytes(1024 * 768 * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (1024, 768), noise).save(buffer, format="JPEG", quality=85)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def prepare() -> int:
    from communityedu.accounts.models import User
    from communityedu.activities.evidence import attach_evidence
    from communityedu.activities.models import Activity
    from communityedu.assessment import services
    from communityedu.assessment.models import DossierExport
    from communityedu.assessment.selectors import current_system
    from communityedu.organization.models import Town
    from communityedu.planning.models import Task
    from communityedu.planning.services import files as planning_files

    town = Town.objects.get(slug=TOWN)
    office = User.objects.get(username="office")
    activities = list(
        Activity.objects.filter(town=town, starts_at__year=YEAR, starts_at__date__lte=AS_OF).order_by("pk")
    )
    seed = 0
    for index in range(ACTIVITY_PHOTOS):
        seed += 1
        activity = activities[index % len(activities)]
        attach_evidence(actor=office, activity=activity, kind="photo", upload=jpeg(seed, f"现场照片{index + 1}.jpg"))
    for indicator in current_system(town).indicators.filter(method="manual").order_by("position"):
        uploads = []
        for number in range(FILES_PER_MANUAL):
            seed += 1
            uploads.append(jpeg(seed, f"{indicator.code}佐证{number + 1}.jpg"))
        services.record_manual_score(
            actor=office,
            indicator=indicator,
            year=YEAR,
            as_of=AS_OF,
            points=indicator.points,
            comment="附佐证材料。",
            uploads=uploads,
        )
    for task in Task.objects.filter(town=town).order_by("phase__number", "due_on", "pk")[:TASKS]:
        for number in range(FILES_PER_TASK):
            seed += 1
            planning_files.attach_task_file(actor=office, task=task, upload=jpeg(seed, f"任务材料{number + 1}.jpg"))
    return DossierExport.objects.create(town=town, year=YEAR, as_of=AS_OF).pk


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ``ru_maxrss`` it is not carried over
    from the parent across ``exec``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, export_id: int, out: str) -> dict:
    """One measurement, in this (child) process."""
    from communityedu.assessment import dossier
    from communityedu.assessment.models import DossierExport

    export = DossierExport.objects.select_related("town").get(pk=export_id)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "dossier":
        start = time.perf_counter()
        dossier.run_export(export)
        seconds = time.perf_counter() - start
        export.refresh_from_db()
        sizes = {kind: dossier.file_path(export, kind).stat().st_size for kind in dossier.KINDS}
        return {
            "seconds": seconds,
            "peak_mb": peak_mb(),
            "files": export.evidence_files,
            "sizes": sizes,
            "state": export.state,
        }
    if kind == "check":
        # A fresh server worker: gunicorn imports config.wsgi, which loads the URLconf at start.
        import config.wsgi  # noqa: F401
        from communityedu.assessment import evidence

        rounds = []
        for _round in range(5):
            start = time.perf_counter()
            gaps = evidence.evidence_check(town=export.town, year=export.year, as_of=export.as_of)
            rounds.append(time.perf_counter() - start)
        return {"rounds": rounds, "gaps": len(gaps), "peak_mb": peak_mb()}
    if kind == "parts":
        parts = {}
        start = time.perf_counter()
        content = dossier.dossier_content(town=export.town, year=export.year, as_of=export.as_of)
        parts["read"] = time.perf_counter() - start
        start = time.perf_counter()
        content.records = dossier.write_records(folder / "records", content)
        content.entries += content.records
        parts["records"] = time.perf_counter() - start
        for name, write in (("xlsx", dossier.write_xlsx), ("pdf", dossier.write_pdf)):
            start = time.perf_counter()
            write(folder / f"parts.{name}", content)
            parts[name] = time.perf_counter() - start
        start = time.perf_counter()
        dossier.write_zip(folder / "parts.zip", content.entries)
        parts["zip"] = time.perf_counter() - start
        return {"parts": parts, "peak_mb": peak_mb()}
    # the baseline: the same files, merely copied into a zip
    content = dossier.dossier_content(town=export.town, year=export.year, as_of=export.as_of)
    entries = [(entry.path, entry.arcname, dossier._compression(entry)) for entry in content.entries]
    start = time.perf_counter()
    with zipfile.ZipFile(folder / "copy.zip", "w", allowZip64=True) as archive:
        for path, arcname, compression in entries:
            archive.write(path, arcname, compress_type=compression, compresslevel=6)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mb": peak_mb(), "bytes": sum(path.stat().st_size for path, _a, _c in entries)}


def run_child(kind: str, export_id: int) -> dict:
    out = Path(os.environ["COMMUNITYEDU_VAR_DIR"]) / f"out-{kind}"
    done = subprocess.run(  # noqa: S603 - this script, no shell
        [sys.executable, __file__, "--child", kind, str(export_id), str(out)],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    start = time.perf_counter()
    export_id = prepare()
    print(f"set-up: {time.perf_counter() - start:.1f} s (evidence files made through the services)")
    from django.db import connections

    connections.close_all()
    baseline = run_child("copy", export_id)
    built = run_child("dossier", export_id)
    parts = run_child("parts", export_id)
    check = run_child("check", export_id)
    print(f"cores: {os.cpu_count()}; load average (1, 5, 15 min): {', '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"evidence files in the dossier: {built['files']} ({baseline['bytes'] / 1e6:.1f} MB)")
    print(f"state: {built['state']}; sizes: " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in built["sizes"].items()))
    print(
        f"dossier (job): {built['seconds']:.2f} s, peak memory {built['peak_mb']:.0f} MB "
        f"(targets ≤ {TARGET_SECONDS} s, ≤ {TARGET_MB} MB)"
    )
    print(f"baseline (copy into a zip): {baseline['seconds']:.2f} s, peak memory {baseline['peak_mb']:.0f} MB")
    print(f"ratio dossier / baseline: {built['seconds'] / baseline['seconds']:.1f}x")
    print(
        "parts: " + ", ".join(f"{k} {v:.2f} s" for k, v in parts["parts"].items()) + f"; peak {parts['peak_mb']:.0f} MB"
    )
    rounds = sorted(check["rounds"][1:])
    print(
        f"evidence check: first {check['rounds'][0]:.2f} s, then median {rounds[len(rounds) // 2]:.2f} s "
        f"(min {rounds[0]:.2f}, max {rounds[-1]:.2f}); {check['gaps']} gaps; target ≤ {TARGET_CHECK_SECONDS} s"
    )
    ok = (
        built["seconds"] <= TARGET_SECONDS
        and built["peak_mb"] <= TARGET_MB
        and built["state"] == "done"
        and rounds[len(rounds) // 2] <= TARGET_CHECK_SECONDS
        and check["rounds"][0] <= TARGET_CHECK_SECONDS
    )
    print("targets met" if ok else "TARGETS MISSED")


if __name__ == "__main__":
    if "--child" in sys.argv:
        _flag, kind, export_id, out = sys.argv[1:5]
        print(json.dumps(child(kind, int(export_id), out)))
    else:
        main()
