"""Put a backup written by ``manage.py backup`` back in place of the current database.

Stop the web server first: a restore replaces every table.
"""

import sqlite3
import subprocess  # nosec B404
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from journal.management.commands.backup import pg_args, pg_env


class Command(BaseCommand):
    help = "Replace the database with a backup written by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation (for scripts)."
        )

    def handle(self, *args, path, yes=False, **options):
        path = Path(path)
        if not path.is_file():
            raise CommandError(f"No backup at {path}.")
        if not yes and options.get("interactive", True):
            answer = input("This replaces the whole database with the backup. Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")

        if connection.vendor == "sqlite":
            source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                connection.ensure_connection()
                source.backup(connection.connection)
            finally:
                source.close()
        elif connection.vendor == "postgresql":
            connection.close()  # pg_restore --clean needs the tables free of our locks
            result = subprocess.run(  # noqa: S603  # nosec B603 B607
                [  # noqa: S607
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    *pg_args(connection.settings_dict),
                    str(path),
                ],
                env=pg_env(connection.settings_dict),
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        else:
            raise CommandError(f"Restore is not supported for the {connection.vendor} database.")
        self.stdout.write(f"Restored the database from {path}.")
