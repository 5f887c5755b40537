from django.core.management.base import BaseCommand, CommandError

from communityedu.core.audit_chain import AuditChainBrokenError, prune_audit_log


class Command(BaseCommand):
    help = "Remove whole sealed audit-log batches older than AUDIT_RETENTION_DAYS (the seals stay as anchors)."

    def handle(self, *args, **options):
        try:
            result = prune_audit_log()
        except AuditChainBrokenError as problem:
            raise CommandError(str(problem)) from problem
        self.stdout.write(
            f"pruned {result.entries} entries in {result.seals} sealed batches older than {result.cutoff:%Y-%m-%d %H:%M}"
        )
