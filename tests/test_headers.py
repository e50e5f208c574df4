"""Headers that every response carries, static files included.

Static files are served by WhiteNoise, which sits inside SecurityMiddleware: its responses
pass back out through it and get the same nosniff and referrer headers as the pages.
"""

from django.test import Client


def test_static_files_carry_nosniff_and_the_referrer_policy(db, settings):
    # Production serves collectstatic's output; tests have none, so WhiteNoise reads the
    # finders instead (it reads this setting when the client first builds the middleware).
    settings.WHITENOISE_USE_FINDERS = True
    response = Client().get("/static/css/site.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_policy_allows_our_own_service_worker_and_manifest_and_still_no_inline_script(db):
    policy = Client().get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["worker-src"] == "'self'"
    assert directives["manifest-src"] == "'self'"
    assert directives["script-src"] == "'self'"
