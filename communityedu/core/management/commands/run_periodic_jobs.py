"""The periodic jobs, in one long-running process beside the background worker.

Sealing the audit log and forgetting finished rate-limit windows, every
``AUDIT_SEAL_INTERVAL_SECONDS``; pruning audit batches older than ``AUDIT_RETENTION_DAYS`` once a
day. A deployment with cron or a systemd timer may run ``manage.py seal_audit_log`` and
``manage.py prune_audit_log`` from there instead.

The apps' own jobs are named in ``settings.PERIODIC_JOBS`` (core imports no app) and run on every
round too, each on its own: one that fails is logged and the others go on.
"""

import logging
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.module_loading import import_string

from communityedu.core.audit_chain import AuditChainBrokenError, prune_audit_log, seal_audit_log
from communityedu.core.ratelimit import forget_old_windows

PRUNING_INTERVAL_SECONDS = 24 * 3600
logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the periodic jobs (sealing and pruning the audit log, the apps' jobs) until stopped."

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
            self._run_app_jobs()
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

    def _run_app_jobs(self):
        for label, path in settings.PERIODIC_JOBS.items():
            try:
                done = import_string(path)()
            except Exception:  # one app's failure must not stop sealing or the other jobs
                logger.exception("periodic job %s failed", path)
                self.stderr.write(f"{label}: failed (see the log)")
                continue
            if done:
                self.stdout.write(f"{label}: {done}", ending="\n")
                self.stdout.flush()
