"""The site's settings plus one page that only ``make bench`` serves: the logged-in floor.

Everything else (middleware, sessions, templates, database) is ``gistjournal.settings``, so
the floor pays exactly what every journal page pays before its own work begins.
"""

from gistjournal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
