from django.core.management.base import BaseCommand, CommandError

from communityedu.core.audit_chain import verify_audit_log


class Command(BaseCommand):
    help = (
        "Check every audit entry's HMAC and id and recompute the seals' hash chain; fails, naming each entry by id"
        " (edited, forged, id ≤ 0, slipped in, missing) and each broken seal."
    )

    def handle(self, *args, **options):
        result = verify_audit_log()
        for problem in result.problems:
            self.stderr.write(problem)
        summary = f"{result.seals} seals, {result.entries} sealed entries, {result.unsealed_entries} not sealed yet"
        if not result.is_intact:
            raise CommandError(f"the audit log was tampered with: {len(result.problems)} problems ({summary})")
        self.stdout.write(f"intact: {summary}")
