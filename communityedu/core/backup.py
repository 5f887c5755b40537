"""Backing up and restoring the database and the uploaded files, while the product serves.

A backup is a folder ``backup-YYYYMMDD-HHMMSS`` holding
- ``database.sqlite3`` (SQLite's online backup API: a consistent copy taken while others write) or
  ``database.pgdump`` (``pg_dump --format=custom``: one consistent snapshot);
- ``media/``: the uploaded files, copied after the database, so every file a row of the copy
  names was complete before that row was committed;
- ``manifest.json``: when, which database engine, the files with their sizes and SHA-256, and the
  fingerprints of the two personal-data keys.

The keys are NOT in the backup, on purpose: whoever holds a backup and the keys can read the
residents' ID numbers and phones. Keep the keys (``FIELD_ENCRYPTION_KEY``, ``LOOKUP_HASH_KEY``, by
default in ``var/keys/``) apart, and give them to the machine you restore on. ``restore`` compares
their fingerprints with the manifest's and refuses keys that would not decrypt the data.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils import timezone

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
KEY_SETTINGS = ("FIELD_ENCRYPTION_KEY", "LOOKUP_HASH_KEY")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    database_bytes: int
    files: int


def key_fingerprints() -> dict[str, str]:
    """Short, one-way fingerprints of the personal-data keys: enough to tell keys apart, not to use them."""
    return {name: hashlib.sha256(getattr(settings, name).encode()).hexdigest()[:16] for name in KEY_SETTINGS}


def _is_sqlite(database: dict) -> bool:
    return database["ENGINE"] == "django.db.backends.sqlite3"


def _pg_environment(database: dict) -> dict:
    environment = dict(os.environ)
    environment.update(
        {
            "PGHOST": str(database.get("HOST") or ""),
            "PGPORT": str(database.get("PORT") or ""),
            "PGUSER": str(database.get("USER") or ""),
            "PGPASSWORD": str(database.get("PASSWORD") or ""),
        }
    )
    return {name: value for name, value in environment.items() if value}


def _pg_program(name: str) -> str:
    program = Path(settings.PG_BIN) / name
    return str(program) if program.exists() else name


def _file_list(root: Path) -> list[dict]:
    files = []
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            files.append(
                {"path": str(path.relative_to(root)), "bytes": path.stat().st_size, "sha256": digest.hexdigest()}
            )
    return files


def backup(*, destination: Path, database_alias: str = "default") -> BackupResult:
    database = connections[database_alias].settings_dict
    now = timezone.localtime()
    folder = Path(destination) / f"backup-{now:%Y%m%d-%H%M%S}"
    if folder.exists():
        raise BackupError(f"{folder} exists already; wait a second or choose another folder.")
    partial = Path(tempfile.mkdtemp(prefix=".partial-", dir=destination))
    try:
        if _is_sqlite(database):
            database_file = partial / SQLITE_FILE
            source = sqlite3.connect(database["NAME"], timeout=20)
            target = sqlite3.connect(database_file)
            try:
                with target:
                    source.backup(target)  # all pages in one step: one consistent read
            finally:
                target.close()
                source.close()
        else:
            database_file = partial / PG_FILE
            completed = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
                [
                    _pg_program("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--file",
                    str(database_file),
                    database["NAME"],
                ],
                env=_pg_environment(database),
                capture_output=True,
                text=True,
                check=False,
            )
            if completed.returncode != 0:
                raise BackupError(f"pg_dump failed: {completed.stderr.strip()}")
        media_root = Path(settings.MEDIA_ROOT)
        if media_root.exists():
            shutil.copytree(media_root, partial / "media")
        else:
            (partial / "media").mkdir()
        files = _file_list(partial / "media")
        manifest = {
            "created_at": now.isoformat(),
            "engine": "sqlite" if _is_sqlite(database) else "postgresql",
            "database_file": database_file.name,
            "database_sha256": hashlib.sha256(database_file.read_bytes()).hexdigest(),
            "files": files,
            "key_fingerprints": key_fingerprints(),
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        database_bytes = database_file.stat().st_size
        partial.rename(folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupResult(folder=folder, database_bytes=database_bytes, files=len(files))


def read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((Path(folder) / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} is not a backup: it has no {MANIFEST}.") from None
    database_file = Path(folder) / manifest["database_file"]
    if hashlib.sha256(database_file.read_bytes()).hexdigest() != manifest["database_sha256"]:
        raise BackupError(f"{database_file} does not match the manifest: the backup is damaged.")
    return manifest


def restore(*, source: Path, replace: bool = False, database_alias: str = "default") -> dict:
    """Bring a backup back into the configured database and media folder (with the server stopped).

    Refuses to overwrite existing data unless ``replace``, and refuses keys whose fingerprints
    differ from the backup's: the residents' personal data would not decrypt.
    """
    manifest = read_manifest(source)
    if manifest["key_fingerprints"] != key_fingerprints():
        differing = sorted(
            name for name, print_ in manifest["key_fingerprints"].items() if key_fingerprints().get(name) != print_
        )
        raise BackupError(
            f"The keys here differ from the backup's ({', '.join(differing)}): its personal data would not decrypt. "
            "Install the keys kept with the original installation (var/keys/ or the environment) and try again."
        )
    database = connections[database_alias].settings_dict
    engine = "sqlite" if _is_sqlite(database) else "postgresql"
    if engine != manifest["engine"]:
        raise BackupError(f"The backup holds a {manifest['engine']} database; this installation uses {engine}.")
    media_root = Path(settings.MEDIA_ROOT)
    if not replace:
        if connections[database_alias].introspection.table_names():
            raise BackupError(f"The database {database['NAME']} holds tables; stop the server and pass --replace.")
        if media_root.exists() and any(media_root.iterdir()):
            raise BackupError(f"{media_root} holds files; pass --replace to restore the backup's files beside them.")
    connections[database_alias].close()
    if engine == "sqlite":
        target = Path(database["NAME"])
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.with_name(target.name + ".restoring")
        shutil.copyfile(Path(source) / SQLITE_FILE, staging)
        for suffix in ("-wal", "-shm"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(staging, target)
    else:
        arguments = [_pg_program("pg_restore"), "--no-owner", "--exit-on-error", "--dbname", database["NAME"]]
        if replace:
            arguments[1:1] = ["--clean", "--if-exists"]
        completed = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            [*arguments, str(Path(source) / PG_FILE)],
            env=_pg_environment(database),
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            raise BackupError(f"pg_restore failed: {completed.stderr.strip()}")
    shutil.copytree(Path(source) / "media", media_root, dirs_exist_ok=True)
    # What was counted from the database replaced (the audience groups' counts, kept per register
    # revision) must not be read against the restored one, whose later writes may repeat revisions.
    cache.clear()
    return manifest
