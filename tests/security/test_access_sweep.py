"""Nobody reads what isn't theirs: a sweep over every URL the resolver knows.

The URL list comes from walking the resolver, not from a hand-kept list, so a URL added
tomorrow is covered the day it is added. Every journal and care URL is filled with the real
ids and dates of a victim patient, then requested in every role:

- anonymous → sent to log in (deny by default: only the explicit public list is open);
- the owner → works;
- a stranger → 404 for the victim's objects (their own journal for date-only URLs);
- the victim's active caregiver → reads work, every write is 403, the database is unchanged;
- a revoked caregiver → 404.

Sentinel strings are planted in the victim's names and notes; no refused response, and
nothing a stranger or revoked caregiver receives, may contain them.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from journal.models import (
    CareShare,
    CareTeamThreshold,
    DailyReminder,
    DayLog,
    DigestSubscription,
    SymptomReport,
    Treatment,
)
from library.models import Entry, HelpfulVote
from tests.conftest import make_day, make_share, make_standard_sunitinib, make_user

NAME_SENTINEL = "Zqxname7731"
NOTE_SENTINEL = "Zqxnote5519"
MAKER_SENTINEL = "Zqxmaker2207"
SENTINELS = (NAME_SENTINEL, NOTE_SENTINEL, MAKER_SENTINEL)

# Open to anonymous visitors. Everything else must send them to log in.
PUBLIC_NAMESPACES = {"library", "admin"}  # admin has its own log-in page
PUBLIC_NAMES = {
    "home",
    "healthz",
    "signup",
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "journal:sharing_accept",  # an invitation link is a capability: open to whoever holds it
    "journal:unsubscribe",  # so is an unsubscribe link, which can only turn one email off
    # Installing and offline use: the same for everyone, nothing of anyone's in them.
    "service_worker",
    "manifest",
    "offline",
}
# Exempt from CSRF on purpose: mail programs' one-click unsubscribe POST carries no token; the
# signed link is the authority (journal/reminders/views.py).
CSRF_EXEMPT_NAMES = {"journal:unsubscribe"}
SWEPT_NAMESPACES = {"journal", "care"}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    params: tuple[str, ...]

    @property
    def namespace(self) -> str:
        return self.name.partition(":")[0] if ":" in self.name else ""


def walk(resolver: URLResolver, namespace: str = "", params: tuple = ()):
    for entry in resolver.url_patterns:
        names = params + tuple(entry.pattern.converters)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace or ""
            yield from walk(entry, inner.strip(":"), names)
        elif isinstance(entry, URLPattern):
            full = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Route(name=full or repr(entry), params=names)


def all_routes() -> list[Route]:
    return list(walk(get_resolver()))


@pytest.fixture
def cast(db, library, symptoms, sunitinib):
    """A victim with a journal, their caregiver, a revoked caregiver and a stranger."""
    victim = make_user("victim", first_name=NAME_SENTINEL, last_name=NAME_SENTINEL)
    today = timezone.localdate()
    period = make_standard_sunitinib(
        victim, sunitinib, starts_on=today - timedelta(days=60), maker=MAKER_SENTINEL
    )
    hfs = symptoms["hand-foot-syndrome"]
    for offset in range(1, 15):
        day = make_day(
            victim,
            today - timedelta(days=offset),
            {hfs: offset % 5},
            note=f"{NOTE_SENTINEL} day {offset}",
            for_doctor=True,
            systolic=150,
            diastolic=95,
        )
    SymptomReport.objects.filter(day=day).update(note=f"{NOTE_SENTINEL} symptom")

    now = timezone.now()

    def share_with(user, **kwargs):
        return make_share(victim, user, invitee_name=f"{NAME_SENTINEL} invitee", **kwargs)

    caregiver = make_user("sweep-carer")
    active = share_with(caregiver)
    revoked_carer = make_user("sweep-revoked")
    revoked = share_with(revoked_carer, revoked_at=now)
    return {
        "victim": victim,
        "caregiver": caregiver,
        "revoked": revoked_carer,
        "stranger": make_user("sweep-stranger"),
        "active_share": active,
        "revoked_share": revoked,
        "treatment": period,
        "day": day.date,
        "entry": Entry.objects.published().filter(kind="tip").first(),
    }


def fill(route: Route, cast, role: str) -> dict:
    """URL keyword arguments with the victim's real ids and dates."""
    kwargs = {}
    for param in route.params:
        if param == "day":
            kwargs[param] = cast["day"].isoformat()
        elif param == "pk" and route.name.startswith("journal:treatment"):
            kwargs[param] = cast["treatment"].pk
        elif param == "share_id":
            own = cast["revoked_share"] if role == "revoked" else cast["active_share"]
            kwargs[param] = own.pk
        elif param == "token":
            kwargs[param] = secrets.token_urlsafe(32)  # no such invitation
        elif param == "slug" and route.name == "journal:helpful":
            kwargs[param] = cast["entry"].slug  # library entries are public
        elif param == "slug" and route.name == "journal:day_helps":
            kwargs[param] = "hand-foot-syndrome"  # library symptoms are public
        else:
            pytest.fail(f"The sweep cannot fill <{param}> of {route.name}: teach fill() about it")
    return kwargs


def victim_state(cast):
    victim = cast["victim"]
    return (
        list(DayLog.objects.for_patient(victim).order_by("pk").values()),
        list(SymptomReport.objects.for_patient(victim).order_by("pk").values()),
        list(Treatment.objects.for_patient(victim).order_by("pk").values()),
        list(CareShare.objects.given_by(victim).order_by("pk").values()),
        list(HelpfulVote.objects.filter(patient=victim).order_by("pk").values()),
        list(CareTeamThreshold.objects.filter(patient=victim).order_by("pk").values()),
        list(DailyReminder.objects.filter(patient=victim).values()),
        list(DigestSubscription.objects.filter(share__patient=victim).order_by("pk").values()),
    )


def assert_no_sentinel(response, what):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode(errors="replace")
    for sentinel in SENTINELS:
        assert sentinel not in text, f"{what} leaks {sentinel} (status {response.status_code})"


def client_for(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def is_victim_bound(route: Route) -> bool:
    """Whether the URL names one of the victim's objects (not just a date of one's own)."""
    return (
        route.namespace == "care"
        and "share_id" in route.params
        or any(p in route.params for p in ("pk", "share_id"))
    )


def test_every_url_is_swept_in_every_role(cast, capsys):
    routes = [r for r in all_routes() if r.namespace in SWEPT_NAMESPACES]
    assert len(routes) >= 20, "the resolver walk found too few journal URLs"
    before = victim_state(cast)
    clients = {
        "anonymous": client_for(),
        "owner": client_for(cast["victim"]),
        "stranger": client_for(cast["stranger"]),
        "caregiver": client_for(cast["caregiver"]),
        "revoked": client_for(cast["revoked"]),
    }
    checked = 0
    for route in routes:
        public = route.name in PUBLIC_NAMES
        for role, client in clients.items():
            url = reverse(route.name, kwargs=fill(route, cast, role))
            for method in ("get", "post"):
                if role == "owner" and method == "post":
                    continue  # the owner's writes are covered by each page's own tests
                response = getattr(client, method)(url)
                status = response.status_code
                what = f"{method.upper()} {url} as {role}"
                checked += 1
                assert status < 500, what
                if role == "anonymous" and not public:
                    assert status == 302, what
                    assert response.url.startswith(reverse("login")), what
                elif "token" in route.params and role != "anonymous":
                    assert status == 404, what  # an unknown invitation, whoever asks
                elif role == "owner" and route.namespace == "care" and route.params:
                    assert status == 404, what  # care routes are for caregivers only
                elif role == "owner":
                    assert status in (200, 302, 405), what
                elif role in ("stranger", "revoked"):
                    if is_victim_bound(route):
                        # 405 for a GET on a POST-only action: refused before any lookup.
                        assert status == 404 or (method == "get" and status == 405), what
                    assert_no_sentinel(response, what)
                elif role == "caregiver" and is_victim_bound(route):
                    if route.namespace == "care" and method == "get":
                        assert status == 200, what
                    elif method == "post":
                        assert status == 403, what
                    else:
                        assert status == 405, what  # a POST-only action of the journal
                # The owner's own pages show their own name (the menu's "Log out (name)").
                if role != "owner" and (status in (403, 404, 405) or status == 302):
                    assert_no_sentinel(response, what)
        assert victim_state(cast) == before, f"{route.name} changed the victim's journal"
    with capsys.disabled():
        print(f"\naccess sweep: {len(routes)} URLs × 5 roles × GET/POST = {checked} cases checked")


def test_every_other_url_sends_anonymous_visitors_to_log_in(db):
    anonymous = Client()
    checked = 0
    for route in all_routes():
        if route.namespace in SWEPT_NAMESPACES | PUBLIC_NAMESPACES or route.name in PUBLIC_NAMES:
            continue
        if route.params:
            pytest.fail(f"{route.name} takes parameters: add it to the sweep")
        response = anonymous.get(reverse(route.name))
        assert response.status_code == 302, route.name
        assert response.url.startswith(reverse("login")), route.name
        checked += 1
    assert checked >= 3  # password change, log-out, …


def test_caregiver_pages_hide_private_notes_but_show_whose_journal(cast):
    carer = client_for(cast["caregiver"])
    share = cast["active_share"]
    for name in ("care:dashboard", "care:history", "care:trends", "care:report"):
        text = carer.get(reverse(name, args=[share.pk])).content.decode()
        assert NAME_SENTINEL in text, name  # the banner names the patient
        assert NOTE_SENTINEL not in text, name


def test_post_without_csrf_token_is_refused_and_changes_nothing(cast):
    strict = client_for(cast["victim"], enforce_csrf_checks=True)
    before = victim_state(cast)
    for route in all_routes():
        if route.namespace not in SWEPT_NAMESPACES:
            continue
        url = reverse(route.name, kwargs=fill(route, cast, "owner"))
        response = strict.post(url, {"note": "forged"})
        if route.name in CSRF_EXEMPT_NAMES:
            assert response.status_code == 404, url  # a link not signed by us
            continue
        assert response.status_code == 403, url
    assert victim_state(cast) == before


def test_get_on_a_post_only_action_is_405(cast):
    owner = client_for(cast["victim"])
    for name, kwargs in (
        ("journal:treatment_stop", {"pk": cast["treatment"].pk}),
        ("journal:sharing_revoke", {"share_id": cast["active_share"].pk}),
        ("journal:sharing_digest", {"share_id": cast["active_share"].pk}),
        ("journal:import_confirm", {}),
        ("logout", {}),
    ):
        assert owner.get(reverse(name, kwargs=kwargs)).status_code == 405, name
