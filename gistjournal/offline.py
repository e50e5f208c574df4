"""What the service worker keeps for offline use, and the release it belongs to.

The worker (static/js/service-worker.js) is served from the site root so that its scope
covers the journal, with a first line naming the release and the static files to keep under
the URLs the pages use (hashed names in production). The release is a digest of the worker
and of those files: a new release installs a new worker, which drops the old caches.
"""

import functools
import hashlib
import json
from datetime import date
from pathlib import Path

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

WORKER_SOURCE = "js/service-worker.js"

# Everything the day log page loads (base.html and day.html), the offline page and the icons.
OFFLINE_ASSETS = (
    "js/theme.js",
    "vendor/bootstrap/bootstrap.min.css",
    "css/site.css",
    "css/journal.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "js/scroll-regions.js",
    "js/text-limits.js",
    "js/offline.js",
    "js/alarms.js",
    "js/day-log.js",
    "favicon.svg",
    "icons/icon-192.png",
)

# A response that tells the browser to forget this site's caches and storage (the service
# worker's pages, the unsent saves): sent when someone logs out or deletes their account.
CLEAR_SITE_DATA = '"cache", "storage"'

THEME_COLOUR = "#0b5ed7"  # the favicon's blue
_ANY_DAY = date(2000, 1, 1)


def _source(name: str) -> bytes:
    path = finders.find(name)
    return Path(path).read_bytes() if path else b""


@functools.cache
def release() -> str:
    """A digest of the worker and the files it keeps, with their URLs."""
    digest = hashlib.sha256(_source(WORKER_SOURCE))
    for name in OFFLINE_ASSETS:
        digest.update(static(name).encode())
        digest.update(_source(name))
    return digest.hexdigest()[:16]


@functools.cache
def worker_script() -> str:
    """The service worker: its settings on the first line, then its code."""
    settings_line = json.dumps(
        {
            "release": release(),
            "assets": [static(name) for name in OFFLINE_ASSETS],
            "offlinePage": reverse("offline"),
            "staticPrefix": static(""),
            "today": reverse("journal:today"),
            # The day log's URLs, up to their date: /journal/day/
            "dayPrefix": reverse("journal:day", args=[_ANY_DAY]).removesuffix(
                f"{_ANY_DAY.isoformat()}/"
            ),
        }
    )
    return f"const OFFLINE = {settings_line};\n" + _source(WORKER_SOURCE).decode()


def web_app_manifest() -> dict:
    """What a phone needs to put the journal on its home screen, opening on today's log."""
    icons = [
        {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    return {
        "id": "/",
        "name": "GIST Journal",
        "short_name": "GIST Journal",
        "description": "Log side effects and doses each day, with or without a connection.",
        "start_url": reverse("journal:today"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": icons,
    }
