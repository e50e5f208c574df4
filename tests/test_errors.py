"""The error page people see when something breaks in a view: our own 500.html, no traceback.

This module is also the URL configuration of its tests: the site's URLs, its error handlers,
and one view that fails. (The 400 page is tested with real oversize bodies in
``tests/security/test_urls.py``.)
"""

import pytest
from django.contrib.auth.decorators import login_not_required
from django.test import Client
from django.urls import path

from gistjournal.urls import handler400, handler404, handler500  # noqa: F401
from gistjournal.urls import urlpatterns as site_urlpatterns

SECRET_DETAIL = "Zqxfailure4471: the database password is hunter2"


@login_not_required
def broken(request):
    raise RuntimeError(SECRET_DETAIL)


urlpatterns = [*site_urlpatterns, path("broken/", broken)]

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def visitor(db):
    """A browser's view of the site: a view's exception becomes the 500 page, not a re-raise."""
    return Client(raise_request_exception=False)


def test_an_unexpected_error_shows_our_500_page(visitor):
    response = visitor.get("/broken/")
    assert response.status_code == 500
    assert [t.name for t in response.templates] == ["500.html"]
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "GIST Journal" in html


def test_the_500_page_shows_no_traceback_or_error_detail(visitor, patient):
    visitor.force_login(patient)
    response = visitor.get("/broken/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "Traceback" not in html
    assert "RuntimeError" not in html
    assert "Zqxfailure4471" not in html
    assert "hunter2" not in html
    assert "broken" not in html  # not even the view's name
