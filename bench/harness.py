"""What ``make bench`` and ``make stress`` share: the app served as people meet it.

A throwaway database, this process's Django pointed at it with production settings, gunicorn
serving it on a free loopback port, and a browser-like client that logs in through the real
login form. Both tools build on these and differ only in the load they apply.

Never the user's data: on SQLite the database is a file in the tool's temporary directory; on
PostgreSQL it is ``<name>_<purpose>`` beside the database of ``DATABASE_URL``, dropped and
created afresh. The user's own database is only connected to, to issue ``CREATE DATABASE`` and
``DROP DATABASE``; names go into that SQL through ``psycopg.sql.Identifier``, never a string.
"""

import http.client
import io
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
LOGIN_PATH = "/accounts/login/"
# make bench's logged-in floor: an empty page on base.html, served only by bench.settings.
FLOOR_PATH = "/bench/floor/"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    """A loopback port that nothing listens on, chosen by the kernel."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Database --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThrowawayDatabase:
    """A database of the tool's own, created empty; ``drop()`` removes it again."""

    url: str
    vendor: str  # "sqlite" or "postgresql"
    sqlite_path: Path | None = None
    # PostgreSQL: the database's name, and how to reach the user's database to drop it.
    name: str | None = None
    admin_conninfo: dict = field(default_factory=dict, repr=False)  # holds the password

    @classmethod
    def create(cls, tmp: Path, purpose: str) -> "ThrowawayDatabase":
        """A SQLite file ``<purpose>.sqlite3`` in ``tmp``, or, when ``DATABASE_URL`` is a
        PostgreSQL one, ``<name>_<purpose>`` beside it, dropped first if a run left it."""
        import dj_database_url

        url = os.environ.get("DATABASE_URL", "")
        config = dj_database_url.parse(url) if url else {"ENGINE": "django.db.backends.sqlite3"}
        if config["ENGINE"] == "django.db.backends.sqlite3":
            path = tmp / f"{purpose}.sqlite3"
            return cls(url=f"sqlite:///{path}", vendor="sqlite", sqlite_path=path)
        if "postgresql" not in config["ENGINE"]:
            raise SystemExit(
                f"make bench and make stress run on SQLite or PostgreSQL, not {config['ENGINE']}."
            )

        conninfo = {
            "dbname": config["NAME"],
            "user": config.get("USER"),
            "password": config.get("PASSWORD"),
            "host": config.get("HOST"),
            "port": config.get("PORT"),
        }
        name = f"{config['NAME']}_{purpose}"
        database = cls(
            url=urlsplit(url)._replace(path=f"/{name}").geturl(),
            vendor="postgresql",
            name=name,
            admin_conninfo={key: value for key, value in conninfo.items() if value},
        )
        database._administer("DROP DATABASE IF EXISTS {} WITH (FORCE)", "CREATE DATABASE {}")
        return database

    def drop(self) -> None:
        """Drop the PostgreSQL database; a SQLite file goes with its temporary directory."""
        if self.vendor == "postgresql":
            self._administer("DROP DATABASE IF EXISTS {} WITH (FORCE)")

    def _administer(self, *statements: str) -> None:
        """Run each statement, its ``{}`` standing for this database's quoted name."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(**self.admin_conninfo, autocommit=True) as conn:
            for statement in statements:
                conn.execute(sql.SQL(statement).format(sql.Identifier(self.name)))


def set_up_django(
    database: ThrowawayDatabase, tmp: Path, *, settings: str = "gistjournal.settings"
) -> None:
    """Point this process at the database, with production settings, and prepare it.

    The settings go into ``os.environ`` so that the gunicorn and ``manage.py`` processes
    started from here run on them too: debug off, a fresh secret key, static files collected
    into ``tmp`` and served by whitenoise. Then migrates, loads the library and collects the
    static files. Django stays set up, for the tool's own queries. ``settings`` is the
    settings module (``make bench`` adds its logged-in floor page with ``bench.settings``).
    """
    os.environ.update(
        DJANGO_SETTINGS_MODULE=settings,
        DATABASE_URL=database.url,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_HTTPS="false",
        # testserver: make bench counts queries in process with Django's test client.
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        DJANGO_LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_library", stdout=io.StringIO())
    call_command("collectstatic", verbosity=0, interactive=False)


# --- HTTP client -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """A response as it came over the wire, redirects included (they are not followed)."""

    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


def csrf_token(html: str) -> str:
    """The CSRF token of the form in a page."""
    match = CSRF_FIELD.search(html)
    if not match:
        raise RuntimeError("No CSRF token in the page's form.")
    return match.group(1)


class Client:
    """One browser against the server: its own cookies, enough for the login form and CSRF.

    A new connection per request, as gunicorn's sync workers close each one anyway. A
    redirect is returned, not followed: after a form, it is the app's "saved".
    """

    def __init__(self, port: int, *, timeout: float = 60):
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, body: str | bytes | None = None, headers=None):
        """One request; ``body`` is a form, already URL-encoded, unless ``headers`` give its
        own Content-Type (a multipart upload). Returns an ``Answer``."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = dict(headers or {})
        if self.cookies and "Cookie" not in headers:  # a Cookie header given wins
            headers["Cookie"] = self.cookie_header
        if body is not None:
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            answer = Answer(
                response.status, response.reason, response.getheaders(), response.read()
            )
        finally:
            conn.close()
        for header, value in answer.headers:
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                value = rest.split(";", 1)[0]
                # A deleted cookie comes back as "" (two quotes): the browser drops it.
                self.cookies[name.strip()] = "" if value == '""' else value
        return answer

    def get(self, path: str, *, headers=None) -> Answer:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, data: dict, *, token: str) -> Answer:
        """Send a form as the browser does, with the CSRF token of the page it came from."""
        return self.request("POST", path, body=urlencode({**data, "csrfmiddlewaretoken": token}))

    def form_token(self, path: str) -> str:
        """The CSRF token of the form at ``path``, as a browser gets it: by opening the page."""
        try:
            return csrf_token(self.get(path).text)
        except RuntimeError:
            raise RuntimeError(f"No CSRF token in the form at {path}") from None

    def log_in(self, username: str, password: str) -> None:
        """Through the real login form (so never a wrong password: django-axes stays out)."""
        credentials = {"username": username, "password": password}
        answer = self.post(LOGIN_PATH, credentials, token=self.form_token(LOGIN_PATH))
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"Logging in as {username} failed ({answer.status}).")

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items() if value)


# --- Server ----------------------------------------------------------------------------------


class Gunicorn:
    """gunicorn serving the app as in production, on the settings of ``set_up_django``.

    As a context manager it is started on entry and stopped on exit, whatever happened.
    """

    # A worker gets 60 s, not 30, before gunicorn takes it for stuck and kills it: under load
    # a request may queue for SQLite's write lock, and a slow answer must count as slow, not
    # as an error. A stop comes after the load, so it need not wait 30 s for stragglers.
    OPTIONS = ["--graceful-timeout", "5", "--timeout", "60"]

    def __init__(self, *, port: int, workers: int, log: Path):
        self.port, self.workers, self.log = port, workers, log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Gunicorn":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> None:
        """Start and wait until it answers ``/healthz`` with all of its workers up."""
        gunicorn = Path(sys.executable).parent / "gunicorn"
        bind = f"127.0.0.1:{self.port}"
        command = [gunicorn, "gistjournal.wsgi", "--bind", bind, "--workers", str(self.workers)]
        # Appended to: after a crash the restarted server writes below the first one.
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*command, *self.OPTIONS], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_until_serving()

    def _wait_until_serving(self) -> None:
        probe = Client(self.port, timeout=5)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if probe.get("/healthz").status == 200 and len(self.worker_pids()) == self.workers:
                    return
            except OSError:
                pass  # not listening yet
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.process.kill()
        log = self.log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"gunicorn did not start; see {self.log}:\n{log}")

    def worker_pids(self) -> list[int]:
        """The master's children, read from ``/proc``."""
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue  # the process ended while we looked
                # The command may hold spaces and brackets: the parent id follows the last ")".
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(entry.name))
        return pids

    def kill_workers(self) -> int:
        """SIGKILL every worker, as the kernel's OOM killer would; the master forks new ones.
        Returns how many were killed."""
        killed = 0
        for pid in self.worker_pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue  # it had already gone
            killed += 1
        return killed

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the master (SIGTERM: gracefully; SIGKILL: a crash) and wait for it."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)
