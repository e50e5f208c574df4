"""Write a consistent snapshot of the database while the site keeps running.

SQLite: the online backup API copies the database page by page under a read transaction,
so writers carry on and the copy is consistent. PostgreSQL: ``pg_dump -Fc`` (a snapshot in
one transaction). The file is created readable by its owner only (mode 0600): it is the
whole health record of every patient.
"""

import os
import sqlite3
import subprocess  # nosec B404
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def _create_private(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # an existing file keeps its old mode through O_CREAT


def pg_env(settings_dict) -> dict:
    env = {**os.environ, "PGPASSWORD": settings_dict.get("PASSWORD") or ""}
    return env


def pg_args(settings_dict) -> list[str]:
    return [
        "--host",
        settings_dict.get("HOST") or "localhost",
        "--port",
        str(settings_dict.get("PORT") or 5432),
        "--username",
        settings_dict.get("USER") or "",
        "--dbname",
        settings_dict["NAME"],
    ]


class Command(BaseCommand):
    help = "Write a consistent backup of the database (mode 0600) while the server runs."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="Where to write it (default: backups/gistjournal-<UTC time>.<ext>).",
        )

    def handle(self, *args, path=None, **options):
        vendor = connection.vendor
        ext = {"sqlite": "sqlite3", "postgresql": "pgdump"}.get(vendor)
        if ext is None:
            raise CommandError(f"Backups are not supported for the {vendor} database.")
        if path is None:
            folder = Path(settings.BASE_DIR) / "backups"
            folder.mkdir(mode=0o700, exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            path = folder / f"gistjournal-{stamp}.{ext}"
        path = Path(path)
        _create_private(path)

        settings_dict = connection.settings_dict
        if vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(path)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        else:
            result = subprocess.run(  # noqa: S603  # nosec B603 B607
                ["pg_dump", "--format=custom", "--file", str(path), *pg_args(settings_dict)],  # noqa: S607
                env=pg_env(settings_dict),
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                path.unlink(missing_ok=True)
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        os.chmod(path, 0o600)
        self.stdout.write(f"Backup written to {path} ({path.stat().st_size} bytes, mode 0600).")
