"""The site's URLs plus ``/bench/floor/``: an empty page on ``base.html`` behind the login.

It pays what any logged-in page pays before its own content: every middleware, the session
and user lookup, the navigation's context processor and the site's chrome (header, menu,
footer). A page's throughput as a share of this one says how much its own work costs; as a
share of ``/healthz`` it mixes that with the price of being logged in at all.
Served only under ``bench.settings``: the site itself has no such URL.
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from bench.harness import FLOOR_PATH
from gistjournal.urls import urlpatterns as site_urlpatterns

_EMPTY_PAGE = engines["django"].from_string('{% extends "base.html" %}')


def logged_in_floor(request):
    return HttpResponse(_EMPTY_PAGE.render({}, request))


urlpatterns = [path(FLOOR_PATH.strip("/") + "/", logged_in_floor), *site_urlpatterns]
