import logging
import os
import stat
from pathlib import Path

from django.apps import AppConfig
from django.db.backends.signals import connection_created

log = logging.getLogger(__name__)

# SQLite keeps the database in the file NAME and, while it is in use, in NAME-wal and
# NAME-shm (WAL mode) or NAME-journal: all hold patients' journals.
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def keep_sqlite_private(sender, connection, **kwargs) -> None:
    """Make the SQLite database readable and writable by its owner only (0600).

    SQLite creates the file with the process's umask (usually 0644: readable by every
    account on the machine) and gives its -wal and -shm files the database file's mode, so
    the database is made private the moment it is first opened, and stays so.
    """
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return
    database = Path(connection.settings_dict["NAME"])
    for path in (database.with_name(database.name + suffix) for suffix in SQLITE_COMPANIONS):
        try:
            if stat.S_IMODE(path.stat().st_mode) != 0o600:
                os.chmod(path, 0o600)
        except FileNotFoundError:
            continue
        except OSError as exc:  # not ours to change: say so rather than refuse to serve
            log.warning("Could not make %s readable by its owner only: %s", path, exc)


class GistJournalConfig(AppConfig):
    """The site itself: its system checks, and a private SQLite file."""

    name = "gistjournal"
    verbose_name = "GIST Journal site"

    def ready(self):
        from gistjournal import checks  # noqa: F401  (registers the deploy checks)

        connection_created.connect(keep_sqlite_private, dispatch_uid="keep_sqlite_private")
