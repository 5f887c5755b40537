from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from communityedu.core import audit
from communityedu.core.backup import BackupError, backup
from communityedu.core.models import AuditAction


class Command(BaseCommand):
    help = (
        "Copy the database and the uploaded files into a new folder while the product serves. "
        "The personal-data keys are not included: keep them apart (docs/settings.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", default=str(settings.VAR_DIR / "backups"), help="the folder to put the backup in")

    def handle(self, *args, to, **options):
        destination = Path(to)
        destination.mkdir(parents=True, exist_ok=True)
        try:
            result = backup(destination=destination)
        except BackupError as error:
            raise CommandError(str(error)) from error
        audit.record(actor=None, action=AuditAction.EXPORT, object_label=f"backup {result.folder.name}"[:200])
        self.stdout.write(f"{result.folder} ({result.database_bytes} bytes of database, {result.files} files)")
