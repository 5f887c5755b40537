from django.core.management.base import BaseCommand

from communityedu.core.audit_chain import seal_audit_log


class Command(BaseCommand):
    help = "Seal the audit-log entries not yet sealed into the hash chain (run periodically)."

    def handle(self, *args, **options):
        sealed = seal_audit_log()
        self.stdout.write(f"sealed {sealed} entries")
