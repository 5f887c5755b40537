from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from communityedu.core import audit
from communityedu.core.backup import BackupError, restore
from communityedu.core.models import AuditAction


class Command(BaseCommand):
    help = (
        "Bring back a backup made by `manage.py backup` into the configured database and media folder. "
        "Stop the server first; the keys of the original installation must be in place."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="the backup folder (backup-YYYYMMDD-HHMMSS)")
        parser.add_argument("--replace", action="store_true", help="overwrite the database and files that are there")

    def handle(self, *args, source, replace, **options):
        try:
            manifest = restore(source=Path(source), replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from error
        audit.record(actor=None, action=AuditAction.RESTORE, object_label=f"restore {Path(source).name}"[:200])
        self.stdout.write(f"restored the backup of {manifest['created_at']} ({len(manifest['files'])} files)")
