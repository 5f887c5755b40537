"""The periodic jobs, in one long-running process beside the background worker.

Sealing the audit log and forgetting finished rate-limit windows, every
``AUDIT_SEAL_INTERVAL_SECONDS``. A deployment with cron
or a systemd timer may run ``manage.py seal_audit_log`` from there instead.
"""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from communityedu.core.audit_chain import seal_audit_log
from communityedu.core.ratelimit import forget_old_windows


class Command(BaseCommand):
    help = "Run the periodic jobs (sealing the audit log) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run each job once and stop")

    def handle(self, *args, once=False, **options):
        stop = threading.Event()
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signal_number, lambda *_: stop.set())
        while not stop.is_set():
            sealed = seal_audit_log()
            forget_old_windows()
            if sealed:
                self.stdout.write(f"sealed {sealed} audit-log entries", ending="\n")
                self.stdout.flush()
            if once:
                return
            close_old_connections()
            stop.wait(settings.AUDIT_SEAL_INTERVAL_SECONDS)
