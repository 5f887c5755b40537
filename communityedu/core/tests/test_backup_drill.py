"""Backup drill: back up while the product writes, restore into a fresh place, find everything there.

Each installation runs in its own processes (`manage.py` with ``config.settings.local``), on a
throw-away folder and — when the suite runs on PostgreSQL — a throw-away database of that server.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
ID_NUMBER = "500102196005010026"

SEED = f"""
import datetime
from communityedu.organization import services as org
from communityedu.organization.models import Village
from communityedu.people import services as people
town = org.create_town(district_code="500102", district_name="涪陵区", slug="drill", name="演练镇", villages=["一村"])
values = dict(name="张秀英", sex="F", birth_date=datetime.date(1960, 5, 1), village=Village.objects.get(town=town),
              village_group="1组")
people.create_person(town=town, values=values, id_number="{ID_NUMBER}", phone="13800000000")
"""

# Writes a file and then a row naming it, one after another, and logs each committed id.
WRITER = """
import sys, time
from pathlib import Path
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from communityedu.core import audit
from communityedu.core.models import AuditAction
stop = Path(sys.argv[1])
number = 0
while not stop.exists():
    name = default_storage.save(f"drill/{number:06d}.txt", ContentFile(f"file {number}".encode()))
    entry = audit.record(actor=None, action=AuditAction.CREATE, object_label=name)
    print(entry.pk, name, flush=True)
    number += 1
"""

REPORT = """
import json
from django.core.files.storage import default_storage
from communityedu.core import crypto
from communityedu.core.models import AuditLogEntry
from communityedu.people.models import Person
person = Person.objects.get(name="张秀英")
rows = list(AuditLogEntry.objects.filter(object_label__startswith="drill/").order_by("pk").values_list("pk", "object_label"))
print(json.dumps({
    "id_number": crypto.decrypt(person.id_number_encrypted),
    "phone_masked": person.phone_masked,
    "rows": rows,
    "files": {label: default_storage.open(label).read().decode() for _pk, label in rows},
}))
"""


class Installation:
    def __init__(self, folder: Path, database_url: str | None):
        self.folder = folder
        self.environment = {
            name: value
            for name, value in os.environ.items()
            if name not in {"SECRET_KEY", "FIELD_ENCRYPTION_KEY", "LOOKUP_HASH_KEY", "DATABASE_URL"}
        }
        self.environment.update(
            {"COMMUNITYEDU_VAR_DIR": str(folder), "DJANGO_SETTINGS_MODULE": "config.settings.local"}
        )
        if database_url:
            self.environment["DATABASE_URL"] = database_url

    def manage(self, *arguments: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *arguments],
            cwd=ROOT,
            env=self.environment,
            capture_output=True,
            text=True,
            check=check,
            timeout=600,
        )

    def python(self, code: str, *arguments: str, **options) -> subprocess.Popen:
        script = "import django; django.setup()\n" + code
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", script, *arguments], cwd=ROOT, env=self.environment, text=True, **options
        )

    def run_python(self, code: str) -> str:
        process = self.python(code, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        return out


@pytest.fixture
def fresh_database():
    """Database URLs for the installations: None on SQLite (each uses its own file), else fresh
    fresh_database on the PostgreSQL server the suite runs on, dropped afterwards."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        yield lambda: None
        return
    import psycopg

    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    made: list[str] = []

    def make() -> str:
        name = f"drill_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return f"{server}/{name}"

    yield make
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        for name in made:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_taken_while_writing_restores_every_committed_row_and_file_and_still_decrypts(
    tmp_path, fresh_database
):
    original = Installation(tmp_path / "original", fresh_database())
    original.manage("migrate", "--noinput", "-v0")
    original.run_python(SEED)
    stop = tmp_path / "stop"
    # The writer logs to a file: a pipe nobody reads would stop it once its buffer is full.
    log = (tmp_path / "writer.log").open("w")
    writer = original.python(WRITER, str(stop), stdout=log, stderr=subprocess.PIPE)
    # Rows and files pile up before the backup starts (the writer may take a while to start on a
    # busy machine: wait for its first twenty files, not for a fixed time).
    drill_files = tmp_path / "original" / "media" / "drill"
    deadline = time.monotonic() + 120
    while (not drill_files.exists() or len(list(drill_files.iterdir())) < 20) and time.monotonic() < deadline:
        assert writer.poll() is None, writer.stderr.read().decode()
        time.sleep(0.1)

    written_before_backup = len(list(drill_files.iterdir()))
    backed_up = original.manage("backup", "--to", str(tmp_path / "backups"))
    # and go on after it: some more rows before the writer stops, however busy the machine is
    written_by_backup_end = len(list(drill_files.iterdir()))
    deadline = time.monotonic() + 60
    while len(list(drill_files.iterdir())) < written_by_backup_end + 20 and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.touch()
    _out, err = writer.communicate(timeout=60)
    log.close()
    assert writer.returncode == 0, err
    committed = [line.split(" ", 1) for line in (tmp_path / "writer.log").read_text().splitlines()]

    folder = Path(backed_up.stdout.split(" (", 1)[0])
    restored = Installation(tmp_path / "restored", fresh_database())
    shutil.copytree(tmp_path / "original" / "keys", tmp_path / "restored" / "keys")
    restored.manage("restore", str(folder))
    report = json.loads(restored.run_python(REPORT))

    rows = report["rows"]
    # Every row committed before the backup began is there; the copy is one moment: the first
    # rows written, in order, and nothing after a missing one.
    assert written_before_backup > 0
    assert len(rows) >= written_before_backup - 1
    assert [[str(pk), label] for pk, label in rows] == committed[: len(rows)]
    assert len(committed) > len(rows)  # the writer went on after the backup's moment
    # every restored row's file is there, whole
    assert report["files"] == {label: f"file {int(label[6:12])}" for _pk, label in rows}
    assert (report["id_number"], report["phone_masked"]) == (ID_NUMBER, "138****0000")


def test_restore_refuses_other_keys_and_existing_data(tmp_path, fresh_database):
    original = Installation(tmp_path / "original", fresh_database())
    original.manage("migrate", "--noinput", "-v0")
    original.run_python(SEED)
    folder = Path(original.manage("backup", "--to", str(tmp_path / "backups")).stdout.split(" (", 1)[0])

    stranger = Installation(tmp_path / "stranger", fresh_database())  # generates keys of its own
    refused = stranger.manage("restore", str(folder), check=False)
    over_itself = original.manage("restore", str(folder), check=False)

    assert refused.returncode == 1
    assert "The keys here differ from the backup's (FIELD_ENCRYPTION_KEY, LOOKUP_HASH_KEY)" in refused.stderr
    assert over_itself.returncode == 1
    assert "holds tables; stop the server and pass --replace" in over_itself.stderr
    assert original.manage("restore", str(folder), "--replace").stdout.startswith("restored the backup of ")
