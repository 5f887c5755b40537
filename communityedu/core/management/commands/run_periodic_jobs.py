"""The periodic jobs, in one long-running process beside the background worker.

Sealing the audit log and forgetting finished rate-limit windows, every
``AUDIT_SEAL_INTERVAL_SECONDS``; pruning audit batches older than ``AUDIT_RETENTION_DAYS`` once a
day. A deployment with cron or a systemd timer may run ``manage.py seal_audit_log`` and
``manage.py prune_audit_log`` from there instead.
"""

import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from communityedu.core.audit_chain import AuditChainBrokenError, prune_audit_log, seal_audit_log
from communityedu.core.ratelimit import forget_old_windows

PRUNING_INTERVAL_SECONDS = 24 * 3600


class Command(BaseCommand):
    help = "Run the periodic jobs (sealing and pruning the audit log) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run each job once and stop")

    def handle(self, *args, once=False, **options):
        stop = threading.Event()
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signal_number, lambda *_: stop.set())
        next_pruning = 0.0
        while not stop.is_set():
            sealed = seal_audit_log()
            forget_old_windows()
            if sealed:
                self.stdout.write(f"sealed {sealed} audit-log entries", ending="\n")
                self.stdout.flush()
            if time.monotonic() >= next_pruning:
                next_pruning = time.monotonic() + PRUNING_INTERVAL_SECONDS
                try:
                    pruned = prune_audit_log()
                except AuditChainBrokenError as problem:  # keep sealing; verify_audit_log names it
                    self.stderr.write(str(problem))
                    continue
                if pruned.entries:
                    self.stdout.write(f"pruned {pruned.entries} audit-log entries", ending="\n")
                    self.stdout.flush()
            if once:
                return
            close_old_connections()
            stop.wait(settings.AUDIT_SEAL_INTERVAL_SECONDS)
