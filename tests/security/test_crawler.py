"""A crawler per role: from the start page, follow every same-origin link (GET only) and fail
on any server error, broken link, or template syntax shown as text (a ``{#`` comment over two
lines, a stray ``{{``). Prints the pages visited per role.

The test client is fast enough to walk everything reachable; pages that repeat a pattern
(one day page per day, a trends page per range and symptom) are capped per URL pattern so the
walk ends, and the whole crawl is capped at ``MAX_PAGES``.
"""

from collections import Counter, deque
from datetime import timedelta
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from tests.conftest import make_share, make_user
from tests.pages import template_syntax_shown

MAX_PAGES = 400
PER_PATTERN = 12  # distinct URLs per view and set of query parameters
# Static files (the import page's example spreadsheet) are served by whitenoise from the
# collected files, which the test client does not see: tests/e2e/test_import.py downloads it.
SKIP = ("/accounts/logout/", "/static/")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _same_origin(base: str, href: str) -> str | None:
    """The path and query of ``href`` if it stays on the site, else None."""
    url = urlsplit(urljoin(f"http://testserver{base}", href))
    if url.scheme not in ("http", "https") or url.netloc != "testserver":
        return None
    return url.path + (f"?{url.query}" if url.query else "")


def _pattern(url: str) -> tuple:
    split = urlsplit(url)
    try:
        view = resolve(split.path).view_name
    except Resolver404:
        view = split.path  # fetched once, and reported as a broken link
    return view, tuple(sorted({name for name, _ in parse_qsl(split.query)}))


def crawl(client, starts, *, skip=SKIP, admin_index_only=False):
    """Visit every reachable page; returns ``(view names visited, pages visited, problems)``."""
    queue = deque((start, "(start)") for start in starts)
    seen, per_pattern, problems, visited = set(), Counter(), [], 0
    views = set()
    while queue and visited < MAX_PAGES:
        url, referrer = queue.popleft()
        path = urlsplit(url).path
        if url in seen or path.startswith(skip):
            continue
        if admin_index_only and path.startswith("/admin/") and path != "/admin/":
            continue
        pattern = _pattern(url)
        if per_pattern[pattern] >= PER_PATTERN:
            continue
        seen.add(url)
        views.add(pattern[0])
        per_pattern[pattern] += 1
        visited += 1
        try:
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else None
        except Exception as exc:  # the test client re-raises a view's exception: a 500
            problems.append(f"{url} (from {referrer}): {type(exc).__name__}: {exc}")
            continue
        if response.status_code >= 400:
            problems.append(f"{url} (from {referrer}): {response.status_code}")
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            target = _same_origin(url, response["Location"])
            if target:
                queue.append((target, url))
            continue
        if response.streaming or "text/html" not in response.get("Content-Type", ""):
            assert body is not None or response.content is not None
            continue
        for shown in template_syntax_shown(response.content):
            problems.append(f"{url} (from {referrer}) shows template syntax: …{shown}…")
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            target = _same_origin(url, href.split("#")[0] or url)
            if target and target not in seen:
                queue.append((target, url))
    return views, visited, problems


@pytest.fixture
def cast(library, curator):
    """The demo patient's six months of journal, shared with a caregiver who may read the
    notes; a pending and a revoked invitation; a library curator."""
    call_command("seed_demo", username="demo", stdout=StringIO())
    demo = get_user_model().objects.get(username="demo")
    caregiver = make_user("carer", first_name="Carer")
    share = make_share(demo, caregiver, can_see_notes=True)
    make_share(demo, invitee_name="Pending", invitee_email="pending@example.org")
    now = timezone.now()
    make_share(
        demo,
        make_user("former"),
        invitee_name="Revoked",
        invitee_email="revoked@example.org",
        accepted_at=now - timedelta(days=3),
        revoked_at=now - timedelta(days=1),
    )
    # The caregiver has looked at the journal once: the sharing page lists it.
    viewer = Client()
    viewer.force_login(caregiver)
    viewer.get(f"/care/{share.pk}/")
    return {"patient": demo, "caregiver": caregiver, "curator": curator}


@pytest.mark.parametrize(
    "role, starts",
    [
        ("visitor", ["/"]),
        ("patient", ["/"]),
        ("caregiver", ["/", "/care/"]),
        ("curator", ["/"]),
    ],
)
def test_every_reachable_page_works_and_shows_no_template_syntax(
    client, cast, role, starts, capsys
):
    if role != "visitor":
        client.force_login(cast[role])
    views, visited, problems = crawl(client, starts, admin_index_only=role == "curator")
    with capsys.disabled():
        print(f"\nCrawler: {role} visited {visited} pages")
    assert not problems, "\n".join(problems)
    # Every page of the demo patient's journal was among them, in both roles.
    assert set(PAGES_OF.get(role, ())) <= views, set(PAGES_OF[role]) - views
    assert visited >= 5


# The HTML pages of a journal each role reaches by links from the start page.
PAGES_OF = {
    "patient": [
        f"journal:{name}"
        for name in (
            "dashboard",
            "today",
            "day",
            "history",
            "treatment",
            "treatment_new",
            "settings",
            "trends",
            "sharing",
            "report",
            "import",
            "account_delete",
        )
    ],
    "caregiver": [
        f"care:{name}" for name in ("index", "dashboard", "history", "trends", "report")
    ],
}
