"""Send the reminders and digests that are due, and do the app's periodic clean-up.

By default a long-lived process that runs a pass at the start of every minute; ``--once``
runs one pass and exits (for cron or a systemd timer). Each pass prints one line of counts.
The work is in ``journal.reminders.services``; copies running at once never send an email
twice (each is claimed in the database first).
"""

import logging
import signal
import threading
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from journal.reminders.services import periodic_pass

logger = logging.getLogger(__name__)


def seconds_to_next_minute(now: float) -> float:
    return 60 - now % 60


class Command(BaseCommand):
    help = "Send due reminders and digests, and remove expired sessions, imports and records."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Run one pass and exit (for cron or a timer)."
        )

    def handle(self, *args, once=False, **options):
        if once:
            self.run_pass()
            return
        stop = threading.Event()
        # systemd and `make run` stop the process with SIGTERM: finish the pass, then leave.
        signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
        self.stdout.write("send_reminders: a pass at the start of every minute (stop: Ctrl+C)")
        try:
            while not stop.is_set():
                close_old_connections()  # a database restarted overnight, a dropped link
                try:
                    self.run_pass()
                except Exception:
                    # Keep the process alive: the next minute tries again.
                    logger.exception("send_reminders: the pass failed")
                stop.wait(seconds_to_next_minute(time.time()))
        except KeyboardInterrupt:
            pass
        self.stdout.write("send_reminders: stopped")

    def run_pass(self) -> None:
        now = timezone.now()
        summary = periodic_pass(now=now)
        self.stdout.write(f"send_reminders {now:%Y-%m-%d %H:%M} UTC: {summary}")
