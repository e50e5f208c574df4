"""The XSS corpus in every free-text field, viewed on every page that shows it, in Chromium.

Two journals with the same shape are built: a clean one ("plain words") and a hostile one,
each payload of ``payloads.PAYLOADS`` in its own record of every free-text field (one day,
one symptom note, one treatment period, one caregiver, one invitation, one library entry per
payload), so one page load checks many payloads at once. Every page is loaded for the patient
and for a caregiver allowed to read notes, with the Content-Security-Policy *bypassed*: the
CSP is a second line, and this test proves the first one (escaping) holds on its own.

On each page: no dialog fires, ``window.__xss`` stays undefined, no element carries an
``on…`` handler or a ``javascript:`` URL, the count of elements a payload could inject
(script, img, iframe, svg, …) equals the clean page's, and the stored text shows as text.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from journal.models import AccessEvent, CareShare, Profile, SymptomReport, hash_token
from library.models import Drug, Entry, Source, Symptom
from tests.conftest import make_day, make_share, make_treatment, make_user, session_cookie
from tests.security.payloads import PAYLOADS

pytestmark = pytest.mark.e2e

N = len(PAYLOADS)
# Free-text fields and the short tag that starts each stored value, so the test can tell
# which field a text on the page came from.
FIELDS = {
    "day note": "dn",
    "symptom note": "sn",
    "treatment maker": "tm",
    "patient first name": "fn",
    "patient last name": "ln",
    "caregiver name": "cn",
    "invitation name": "in",
    "care team phone": "ph",
    "entry title": "et",
    "entry body": "eb",
}
MAX_LENGTH = {
    "symptom note": 300,
    "treatment maker": 100,
    "patient first name": 150,
    "patient last name": 150,
    "caregiver name": 150,
    "invitation name": 100,
    "care team phone": 40,
    "entry title": 200,
}
# One user, one profile: these fields hold one payload each, chosen to fit.
SINGLE = {
    "patient first name": PAYLOADS.index('"><img src=x onerror=alert(1)>'),
    "patient last name": PAYLOADS.index("</textarea><script>alert(1)</script>"),
    "care team phone": PAYLOADS.index("<img src=x onerror=alert(1)>"),
}
# Elements a payload would add were it parsed as markup; a page must have as many as its clean twin.
INJECTABLE = [
    "script", "img", "iframe", "object", "embed", "base", "meta", "link", "style", "svg", "math",
    "video", "audio", "source", "marquee", "details", "form", "input", "select", "textarea",
    "button", "a",
]  # fmt: skip

INSPECT = """(injectable) => {
  const all = [...document.querySelectorAll('*')];
  const handlers = all
    .filter(el => [...el.attributes].some(attr => attr.name.toLowerCase().startsWith('on')))
    .map(el => el.outerHTML.slice(0, 120));
  const urls = all
    .flatMap(el => ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'srcdoc']
      .map(name => [el, (el.getAttribute(name) || '').replace(/[\\s\\u0000-\\u001f]/g, '')]))
    .filter(([el, value]) => /^(javascript|vbscript|data:text\\/html)/i.test(value) ||
                             (value && el.hasAttribute('srcdoc')))
    .map(([el]) => el.outerHTML.slice(0, 120));
  const styles = all.filter(el => /expression\\(|javascript:/i.test(el.getAttribute('style') || ''))
    .map(el => el.outerHTML.slice(0, 120));
  const counts = Object.fromEntries(injectable.map(tag => [tag, document.getElementsByTagName(tag).length]));
  const values = [...document.querySelectorAll('input, textarea')].map(el => el.value);
  return {handlers, urls, styles, counts, xss: typeof window.__xss,
          text: document.documentElement.textContent + '\\n' + values.join('\\n')};
}"""


# Pages loaded for the structural checks though none of the free text shows there (the
# patient's trends carry only numbers and drug names in their chart data).
SHOWS_NO_TEXT = {("patient", "/journal/trends/?range=all")}


def stored(field: str, i: int, *, hostile: bool) -> str:
    text = PAYLOADS[i] if hostile else f"plain words {i}"
    return f"[{FIELDS[field]}{i}]{text}"[: MAX_LENGTH.get(field)]


@dataclass
class World:
    patient: object
    caregiver: object
    share: CareShare
    token: str
    days: list


def build_journal(name: str, *, hostile: bool) -> World:
    """A patient with one record per payload in every free-text field of the journal."""

    def value(field, i):
        return stored(field, i, hostile=hostile)

    fatigue = Symptom.objects.get(slug="fatigue")
    imatinib = Drug.objects.get(slug="imatinib")
    patient = make_user(
        name,
        first_name=value("patient first name", SINGLE["patient first name"]),
        last_name=value("patient last name", SINGLE["patient last name"]),
    )
    profile = Profile.objects.for_user(patient)
    today = profile.today()
    days = [today - timedelta(days=N - 1 - i) for i in range(N)]  # the last one is today
    profile.care_team_phone = value("care team phone", SINGLE["care team phone"])
    profile.last_visit_on = days[0]  # the report covers every day
    profile.save()
    for i, day in enumerate(days):
        period = make_treatment(
            patient,
            imatinib,
            starts_on=day,
            ends_on=None if i == N - 1 else day,
            maker=value("treatment maker", i),
            reason="first" if i == 0 else "doctor",
        )
        log = make_day(
            patient,
            day,
            treatment=period,
            # Alerts here and there, and today: they show the care team's phone number.
            systolic=172 if i % 7 == 0 or i == N - 1 else 128,
            diastolic=104 if i % 7 == 0 or i == N - 1 else 80,
            note=value("day note", i),
            for_doctor=True,
        )
        SymptomReport.objects.create(
            day=log, symptom=fatigue, grade=3, interference=2, note=value("symptom note", i)
        )

    shares = []
    for i in range(N):
        caregiver = make_user(f"{name}-carer-{i}", first_name=value("caregiver name", i))
        shares.append(
            make_share(
                patient, caregiver, invitee_name=value("invitation name", i), can_see_notes=True
            )
        )
        make_share(
            patient,
            invitee_name=value("invitation name", i),
            invitee_email=f"{name}-invitee-{i}@example.org",
        )
    AccessEvent.objects.bulk_create(
        AccessEvent(
            patient=patient,
            viewer=share.caregiver,
            viewer_name=share.caregiver.get_full_name(),
            share=share,
            page="history",
            path="/care/",
        )
        for share in shares[:50]
    )
    token = CareShare.new_token()
    make_share(
        patient,
        invitee_name="Accepting",
        invitee_email=f"{name}-accepting@example.org",
        token_hash=hash_token(token),
    )
    return World(patient, shares[0].caregiver, shares[0], token, days)


def write_library_entries(*, hostile: bool):
    """One published entry per payload, as a curator writes them in the admin."""
    source = Source.objects.order_by("pk").first()
    fatigue = Symptom.objects.get(slug="fatigue")
    imatinib = Drug.objects.get(slug="imatinib")
    for i in range(N):
        entry, _ = Entry.objects.update_or_create(
            slug=f"xss-{i}",
            defaults={
                "title": stored("entry title", i, hostile=hostile),
                "body": stored("entry body", i, hostile=hostile),
                "kind": "tip" if i % 2 else "guidance",
                "status": "published",
                "source": source,
            },
        )
        entry.symptoms.add(fatigue)
        entry.drugs.add(imatinib)


def pages(world: World) -> list[tuple[str, str]]:
    """(who, path): every page that shows the stored text, for patient and caregiver."""
    first, last = world.days[0].isoformat(), world.days[-1].isoformat()
    care = f"/care/{world.share.pk}"
    patient = [
        "/journal/",
        "/journal/history/",
        "/journal/history/?page=2",
        "/journal/history/?page=3",
        f"/journal/history/?symptom=fatigue&start={first}&end={last}",
        "/journal/report/",
        "/journal/trends/?range=all",
        "/journal/treatment/",
        "/journal/sharing/",
        "/journal/settings/",
        f"/journal/day/{first}/",
        f"/journal/day/{last}/",
        "/journal/today/",
        "/library/?q=%5Bet",
        "/library/symptoms/fatigue/",
        "/library/drugs/imatinib/",
        "/library/sources/",
    ]
    caregiver = [
        "/",
        "/care/",
        f"{care}/",
        f"{care}/history/",
        f"{care}/history/?page=2",
        f"{care}/history/?page=3",
        f"{care}/trends/?range=all",
        f"{care}/report/",
        f"/journal/sharing/accept/{world.token}/",
        "/library/symptoms/fatigue/",
    ]
    return [("patient", path) for path in patient] + [("caregiver", path) for path in caregiver]


def visit_all(browser, live_server, world: World) -> list[dict]:
    """Load every page of ``world`` in Chromium, CSP bypassed; what each page holds."""
    results = []
    for who in ("patient", "caregiver"):
        context = browser.new_context(bypass_csp=True)
        context.add_cookies([session_cookie(getattr(world, who), live_server)])
        page = context.new_page()
        dialogs = []
        page.on(
            "dialog",
            lambda dialog, dialogs=dialogs: (dialogs.append(dialog.message), dialog.dismiss()),
        )
        for role, path in pages(world):
            if role != who:
                continue
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, (who, path)
            # Hover and focus: handlers that need a person to act.
            page.mouse.move(200, 200)
            page.mouse.move(400, 600)
            page.keyboard.press("Tab")
            page.wait_for_timeout(50)
            found = page.evaluate(INSPECT, INJECTABLE)
            found.update(who=who, path=path, dialogs=list(dialogs))
            dialogs.clear()
            results.append(found)
        context.close()
    return results


def test_xss_corpus_is_shown_as_text_everywhere(browser, live_server, library, capsys):
    write_library_entries(hostile=False)
    clean = build_journal("clean", hostile=False)
    baseline = {
        (
            r["who"],
            r["path"].replace(f"/care/{clean.share.pk}", "/care/X").replace(clean.token, "T"),
        ): r
        for r in visit_all(browser, live_server, clean)
    }

    write_library_entries(hostile=True)
    hostile = build_journal("pat", hostile=True)
    results = visit_all(browser, live_server, hostile)

    problems, shown = [], {field: set() for field in FIELDS}
    for result in results:
        where = f"{result['who']} {result['path']}"
        key = (
            result["who"],
            result["path"]
            .replace(f"/care/{hostile.share.pk}", "/care/X")
            .replace(hostile.token, "T"),
        )
        clean_counts = baseline[key]["counts"]
        if result["dialogs"]:
            problems.append(f"{where}: a dialog fired: {result['dialogs']}")
        if result["xss"] != "undefined":
            problems.append(f"{where}: window.__xss was set")
        for kind in ("handlers", "urls", "styles"):
            if result[kind]:
                problems.append(f"{where}: {kind}: {result[kind][:3]}")
        for tag, count in result["counts"].items():
            if count != clean_counts[tag]:
                problems.append(
                    f"{where}: {count} <{tag}> elements, {clean_counts[tag]} on the clean page"
                )
        text = result["text"]
        found_here = 0
        for field in FIELDS:
            for i in range(N):
                if stored(field, i, hostile=True) in text:
                    shown[field].add(i)
                    found_here += 1
        if found_here == 0 and (result["who"], result["path"]) not in SHOWS_NO_TEXT:
            problems.append(f"{where}: none of the stored text shows as text")
        result["found"] = found_here

    assert not problems, "\n".join(problems)
    # Every field was seen on some page, as text, for every payload it holds.
    for field, seen in shown.items():
        expected = {SINGLE[field]} if field in SINGLE else set(range(N))
        assert seen >= expected, (field, sorted(expected - seen)[:10])
    checks = sum(result["found"] for result in results)
    with capsys.disabled():
        print(
            f"\nXSS: {N} payloads × {len(FIELDS)} fields × {len(results)} pages checked "
            f"({checks} stored values found shown as text, CSP bypassed, no dialog, no script)"
        )
