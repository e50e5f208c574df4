"""Property-based fuzzing of every form, through the test client as the patient.

Whatever is posted, the answer is never a 5xx, and either the object is saved valid (what
is in the database passes ``full_clean()``) or the page shows a form error and nothing
changed: a day log is never half-saved.

Each example starts from a valid submission and replaces up to three fields with hostile
values (or drops them), so both the saving and the refusing paths are exercised; the test
run prints how many examples each form got and how many of them were saved. The database is
not rolled back between the examples of one test: later examples post over earlier days
and change treatments saved by earlier ones.
"""

import json
import zoneinfo
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.export_import.formats import CSV_COLUMNS, JSON_FORMAT, JSON_VERSION
from journal.models import (
    CareShare,
    ChangeReason,
    DailyReminder,
    DayLog,
    DoseTaken,
    PendingImport,
    Profile,
    SymptomReport,
    Treatment,
)
from library.models import Drug, RegimenPreset, Symptom
from tests.conftest import make_day, make_treatment

EXAMPLES = Counter()
SAVED = Counter()


def fuzz(max_examples):
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,  # the same examples on every run: a failure is reproducible
        database=None,
    )


# --- Values -----------------------------------------------------------------------------------

# Any unicode but lone surrogates (the test client encodes the body as UTF-8, as a browser does).
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
# What a person could type: anything but NUL, which no text field accepts.
typed_text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"))
tricky_text = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\u202egnp.exe",
        "\u200b",
        "＜script＞",
        "<script>alert(1)</script>",
        "{{ request }}",
        "{% debug %}",
        "' OR 1=1 --",
        '=HYPERLINK("http://x")',
        "x" * 101,
        "x" * 301,
        "x" * 2001,
        "\U0001f600" * 50,
    ]
)
hostile_text = st.one_of(any_text, tricky_text)
hostile_number = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=-5, max_value=400).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.sampled_from(
        ["", "NaN", "-Infinity", "1e999999", "1E-999999", "0x10", "１２０", "١٢٠", "12,5", "-0"]
    ),
    hostile_text,
)
hostile_date = st.one_of(
    st.dates().map(date.isoformat),
    st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)).map(date.isoformat),
    st.sampled_from(
        [
            "",
            "2026-02-30",
            "2026-13-01",
            "0000-01-01",
            "0001-01-01",
            "99999-01-01",
            "20260105",
            "2026-W02-1",
        ]
    ),
    hostile_text,
)
hostile_bool = st.sampled_from(["", "on", "true", "false", "0", "1", "\x00"])


def hostile_choice(valid):
    return st.one_of(st.sampled_from(valid), hostile_text)


def days_ago(today, low, high=0):
    return st.integers(min_value=low, max_value=high).map(
        lambda offset: (today - timedelta(days=offset)).isoformat()
    )


def draw_post(data, valid: dict, hostile: dict) -> dict:
    """A valid submission with up to three fields replaced by hostile values or left out."""
    post = data.draw(st.fixed_dictionaries(valid), "valid")
    names = data.draw(st.lists(st.sampled_from(sorted(hostile)), max_size=3, unique=True), "bad")
    for name in names:
        value = data.draw(st.one_of(st.none(), hostile[name]), name)
        if value is None:
            post.pop(name, None)
        else:
            post[name] = value
    return post


def assert_valid(objects):
    for obj in objects:
        obj.full_clean()


def assert_refused(response, name="form"):
    form = response.context[name]
    assert form.errors or not form.is_bound  # an empty POST just shows the empty form


# --- Day log ----------------------------------------------------------------------------------


def _day_snapshot(patient, day):
    log = DayLog.objects.for_patient(patient).filter(date=day).first()
    if log is None:
        return None
    reports = sorted(
        (r.symptom_id, r.grade, r.interference, r.note)
        for r in SymptomReport.objects.filter(day=log)
    )
    return model_to_dict(log, exclude=["id"]), reports, log.updated_at


@pytest.fixture
def tracked(profile):
    return list(profile.tracked_symptoms.order_by("order"))


@pytest.fixture
def logged_day(patient, profile, today, symptoms, imatinib):
    """A day with a treatment, a note and grades, for the fuzz to post over."""
    make_treatment(patient, imatinib, starts_on=today - timedelta(days=30))
    day = today - timedelta(days=2)
    make_day(
        patient, day, grades={symptoms["fatigue"]: 2}, note="Kept.", systolic=130, diastolic=85
    )
    return day


blood_pressure = st.one_of(
    st.just(("", "")),
    st.tuples(st.integers(61, 260), st.integers(30, 160))
    .filter(lambda bp: bp[0] > bp[1])
    .map(lambda bp: (str(bp[0]), str(bp[1]))),
)


@fuzz(150)
@given(data=st.data())
def test_day_log_is_saved_valid_or_refused_whole(
    patient_client, patient, today, tracked, logged_day, data
):
    day = data.draw(st.sampled_from([today, today - timedelta(days=1), logged_day]), "day")
    systolic, diastolic = data.draw(blood_pressure, "bp")
    valid = {
        "dose_taken": st.sampled_from([*DoseTaken.values, ""]),
        "systolic": st.just(systolic),
        "diastolic": st.just(diastolic),
        "weight_kg": st.one_of(
            st.just(""), st.decimals(20, 350, places=1).map(str), st.just("70.5")
        ),
        "note": st.one_of(st.just(""), typed_text.map(lambda text: text[:2000])),
        "for_doctor": st.sampled_from(["", "on"]),
    }
    hostile = {
        "dose_taken": hostile_choice(DoseTaken.values),
        "systolic": hostile_number,
        "diastolic": hostile_number,
        "weight_kg": hostile_number,
        "note": hostile_text,
        "for_doctor": hostile_bool,
    }
    for symptom in tracked:
        valid[f"grade_{symptom.slug}"] = st.sampled_from(["0", "1", "2", "3", "4"])
        valid[f"interference_{symptom.slug}"] = st.sampled_from(["", "0", "1", "2", "3", "4"])
        valid[f"note_{symptom.slug}"] = typed_text.map(lambda text: text[:300])
        hostile[f"grade_{symptom.slug}"] = hostile_choice(["0", "4", "5", "-1"])
        hostile[f"interference_{symptom.slug}"] = hostile_choice(["", "4", "5"])
        hostile[f"note_{symptom.slug}"] = hostile_text
    post = draw_post(data, valid, hostile)
    before = _day_snapshot(patient, day)

    response = patient_client.post(reverse("journal:day", args=[day.isoformat()]), post)

    EXAMPLES["day log"] += 1
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        SAVED["day log"] += 1
        log = DayLog.objects.get(patient=patient, date=day)
        reports = list(SymptomReport.objects.filter(day=log))
        assert_valid([log, *reports])
        assert {report.symptom_id for report in reports} >= {s.pk for s in tracked}
    else:
        assert_refused(response)
        assert _day_snapshot(patient, day) == before


# --- Treatment --------------------------------------------------------------------------------


def _treatments(patient):
    return sorted(tuple(model_to_dict(t).items()) for t in Treatment.objects.for_patient(patient))


def assert_periods_consistent(patient):
    """Valid periods that never overlap, and every day linked to the period in force."""
    periods = list(Treatment.objects.for_patient(patient).order_by("starts_on"))
    assert_valid(periods)
    for earlier, later in zip(periods, periods[1:], strict=False):
        assert earlier.ends_on is not None and earlier.ends_on < later.starts_on
    for log in DayLog.objects.for_patient(patient):
        in_force = next((p for p in periods if p.is_current_on(log.date)), None)
        assert log.treatment_id == (in_force.pk if in_force else None), log.date


@pytest.fixture
def treatment_choices(library):
    return {
        "presets": [str(pk) for pk in RegimenPreset.objects.values_list("pk", flat=True)],
        "drugs": [str(pk) for pk in Drug.objects.values_list("pk", flat=True)],
    }


@fuzz(150)
@given(data=st.data())
def test_treatment_start_or_change_is_saved_valid_or_refused(
    patient_client, patient, today, treatment_choices, logged_day, data
):
    valid = {
        "preset": st.sampled_from(["", "", *treatment_choices["presets"]]),
        "drug": st.sampled_from(treatment_choices["drugs"]),
        "dose_mg": st.one_of(
            st.sampled_from(["400", "50", "37.5", "0.01", "2000"]),
            st.decimals(Decimal("0.01"), Decimal("2000"), places=2).map(str),
        ),
        "intakes_per_day": st.sampled_from(["1", "2", "3", "4"]),
        "schedule": st.sampled_from(["continuous", "cycle"]),
        "days_on": st.integers(1, 90).map(str),
        "days_off": st.integers(1, 90).map(str),
        "starts_on": days_ago(today, 0, 400),
        "ends_on": st.one_of(st.just(""), days_ago(today, 0, 400)),
        "maker": typed_text.map(lambda text: text[:100]),
        "reason": st.sampled_from(ChangeReason.values),
    }
    hostile = {
        "preset": hostile_choice(["0", "9" * 25, "-1"]),
        "drug": hostile_choice(["0", "9" * 25, "-1"]),
        "dose_mg": hostile_number,
        "intakes_per_day": hostile_choice(["0", "5", "9" * 25]),
        "schedule": hostile_choice(["weekly"]),
        "days_on": hostile_number,
        "days_off": hostile_number,
        "starts_on": st.one_of(days_ago(today, -3, 40000), hostile_date),
        "ends_on": st.one_of(days_ago(today, -3, 40000), hostile_date),
        "maker": hostile_text,
        "reason": hostile_choice(["", "FIRST"]),
    }
    if data.draw(st.booleans(), "start afresh"):
        # Otherwise the first saves leave little room: periods cannot overlap.
        Treatment.objects.for_patient(patient).delete()
    post = draw_post(data, valid, hostile)
    before = _treatments(patient)

    response = patient_client.post(reverse("journal:treatment_new"), post)

    EXAMPLES["treatment start/change"] += 1
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        SAVED["treatment start/change"] += 1
        assert _treatments(patient) != before
    else:
        assert_refused(response)
        assert _treatments(patient) == before
    assert_periods_consistent(patient)


@fuzz(80)
@given(data=st.data())
def test_treatment_stop_is_saved_valid_or_refused(
    patient_client, patient, profile, today, imatinib, data
):
    Treatment.objects.for_patient(patient).delete()  # each example stops a fresh period
    started = today - timedelta(days=data.draw(st.integers(0, 60), "started"))
    current = make_treatment(patient, imatinib, starts_on=started)
    post = draw_post(
        data,
        {"ends_on": days_ago(today, 0, 60)},
        {"ends_on": st.one_of(days_ago(today, -3, 40000), hostile_date)},
    )

    response = patient_client.post(reverse("journal:treatment_stop", args=[current.pk]), post)

    EXAMPLES["treatment stop"] += 1
    assert response.status_code in (200, 302)
    current.refresh_from_db()
    if response.status_code == 302:
        SAVED["treatment stop"] += 1
        assert started <= current.ends_on <= today
    else:
        assert_refused(response, "stop_form")
        assert current.ends_on is None
    assert_periods_consistent(patient)


# --- Settings and invitation ------------------------------------------------------------------


def _settings_snapshot(patient):
    profile = Profile.objects.get(user=patient)
    tracked = sorted(profile.tracked_symptoms.values_list("pk", flat=True))
    reminder = list(DailyReminder.objects.filter(patient=patient).values("is_on", "local_time"))
    return profile.time_zone, profile.care_team_phone, profile.last_visit_on, tracked, reminder


@fuzz(80)
@given(data=st.data())
def test_settings_are_saved_valid_or_refused(patient_client, patient, profile, data):
    symptom_ids = [str(pk) for pk in Symptom.objects.active().values_list("pk", flat=True)]
    valid = {
        "time_zone": st.sampled_from(sorted(zoneinfo.available_timezones())),
        "tracked_symptoms": st.lists(st.sampled_from(symptom_ids), min_size=1, max_size=8),
        "care_team_phone": st.one_of(
            st.just(""), st.from_regex(r"\A\+?[0-9]{6,14}\Z"), st.just("+44 (20) 7946-0000")
        ),
        "reminder_on": st.sampled_from(["", "on"]),
        "reminder_time": st.times().map(lambda chosen: chosen.strftime("%H:%M")),
    }
    hostile = {
        "time_zone": hostile_choice(["Nowhere/Else", "utc", "../../etc/passwd"]),
        "tracked_symptoms": st.lists(hostile_choice(["0", "9" * 25, "-1", "fatigue"])),
        "care_team_phone": st.one_of(hostile_text, st.text("0123456789+()-. ", max_size=45)),
        "reminder_on": hostile_choice(["yes", "0", "false"]),
        "reminder_time": st.one_of(hostile_text, hostile_choice(["24:00", "7pm", "12:60", ""])),
    }
    post = draw_post(data, valid, hostile)
    before = _settings_snapshot(patient)

    response = patient_client.post(reverse("journal:settings"), post)

    EXAMPLES["settings"] += 1
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        SAVED["settings"] += 1
        profile = Profile.objects.get(user=patient)
        profile.full_clean()
        assert profile.tracked_symptoms.exists()
        reminder = DailyReminder.objects.get(patient=patient)
        assert reminder.local_time.second == 0
        ticked = post.get("reminder_on") or ""
        # As a checkbox reads it: "false" is unticked, any other text ticked.
        assert reminder.is_on == {"false": False}.get(ticked.lower(), bool(ticked))
    else:
        assert_refused(response)
        assert _settings_snapshot(patient) == before


@fuzz(60)
@given(data=st.data())
def test_invitation_is_saved_valid_or_refused(patient_client, patient, data):
    CareShare.objects.filter(patient=patient).delete()  # stay under the pending cap
    valid = {
        "invitee_name": typed_text.map(lambda text: text[:100].strip() or "Sam"),
        "invitee_email": st.sampled_from(["sam@example.org", "a.b+c@example.co.uk"]),
        "can_see_notes": st.sampled_from(["", "on"]),
    }
    hostile = {
        "invitee_name": hostile_text,
        "invitee_email": st.one_of(st.emails().map(str), hostile_text, st.just(patient.email)),
        "can_see_notes": hostile_bool,
    }
    post = draw_post(data, valid, hostile)

    response = patient_client.post(reverse("journal:sharing"), post)

    EXAMPLES["invitation"] += 1
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        SAVED["invitation"] += 1
        assert_valid(CareShare.objects.filter(patient=patient))
        assert CareShare.objects.filter(patient=patient).count() == 1
    else:
        assert_refused(response)
        assert not CareShare.objects.filter(patient=patient).exists()


# --- Import -----------------------------------------------------------------------------------


def _journal_rows(patient):
    days = DayLog.objects.for_patient(patient)
    return (
        sorted(tuple(model_to_dict(day, exclude=["id"]).items()) for day in days),
        SymptomReport.objects.filter(day__patient=patient).count(),
        _treatments(patient),
    )


def json_value(valid, *, hostile: bool):
    """A valid value, or (when ``hostile``) sometimes anything else JSON can hold."""
    if not hostile:
        return valid
    return st.one_of(
        valid,
        valid,
        valid,
        st.none(),
        st.booleans(),
        st.integers(-(10**20), 10**20),
        st.floats(allow_nan=False),
        hostile_text,
    )


def csv_text(today, *, hostile: bool):
    def value(valid, bad):
        return st.one_of(valid, valid, bad) if hostile else valid

    row = st.fixed_dictionaries(
        {
            "date": value(days_ago(today, 0, 3000), hostile_date),
            "dose_taken": value(
                st.sampled_from(["all", "some", "missed", "break", ""]), st.just("lots")
            ),
            "symptom": value(
                st.sampled_from(["fatigue", "Nausea", "hand-foot syndrome"]), hostile_text
            ),
            "grade": value(st.sampled_from(["0", "2", "4", "severe"]), hostile_number),
            "interference": value(st.sampled_from(["", "1", "quite a bit"]), hostile_number),
            "symptom_note": value(typed_text.map(lambda t: t[:300]), hostile_text),
            "systolic": value(st.just("130"), hostile_number),
            "diastolic": value(st.just("85"), hostile_number),
            "weight_kg": value(st.sampled_from(["", "70.5"]), hostile_number),
            "day_note": value(typed_text.map(lambda t: t[:2000]), hostile_text),
            "for_doctor": value(st.sampled_from(["", "yes", "no"]), st.just("maybe")),
        }
    )

    def render(header, rows, sep):
        lines = [sep.join(header)]
        for values in rows:
            cells = [str(values.get(name, "")) for name in header]
            lines.append(sep.join(cell.replace(sep, " ").replace("\n", " ") for cell in cells))
        return "\n".join(lines)

    header = st.just(list(CSV_COLUMNS))
    if hostile:
        header = st.one_of(
            header, st.lists(st.sampled_from([*CSV_COLUMNS, "", "Date", "nonsense"]), min_size=1)
        )
    rows = st.lists(row, min_size=1, max_size=8, unique_by=lambda r: r["date"])
    return st.builds(render, header, rows, st.sampled_from([",", ";", "\t"]))


def json_text(today, *, hostile: bool):
    def value(valid):
        return json_value(valid, hostile=hostile)

    day = st.fixed_dictionaries(
        {
            "date": st.one_of(days_ago(today, 0, 3000), hostile_date)
            if hostile
            else days_ago(today, 0, 3000)
        },
        optional={
            "dose_taken": value(st.sampled_from(["all", "some", "missed", ""])),
            "systolic": value(st.one_of(st.none(), st.just(130))),
            "diastolic": value(st.one_of(st.none(), st.just(85))),
            "weight_kg": value(st.just("70.5")),
            "note": value(typed_text.map(lambda t: t[:2000])),
            "for_doctor": value(st.booleans()),
            "reports": value(
                st.lists(
                    st.fixed_dictionaries(
                        {
                            "symptom": value(st.sampled_from(["fatigue", "nausea"])),
                            "grade": value(st.integers(0, 4)),
                        },
                        optional={
                            "interference": value(st.integers(0, 4)),
                            "note": value(typed_text.map(lambda t: t[:300])),
                        },
                    ),
                    max_size=3,
                    unique_by=lambda report: str(report["symptom"]),
                )
            ),
        },
    )
    treatment = st.fixed_dictionaries(
        {
            "drug": value(st.sampled_from(["imatinib", "sunitinib", "regorafenib"])),
            "dose_mg": value(st.sampled_from(["400", "50", "37.5"])),
            "starts_on": st.one_of(days_ago(today, 40, 3000), hostile_date)
            if hostile
            else days_ago(today, 40, 3000),
            "reason": value(st.sampled_from(ChangeReason.values)),
            "intakes_per_day": value(st.integers(1, 4)),
        },
        optional={
            "ends_on": value(days_ago(today, 31, 3000)),
            "maker": value(typed_text.map(lambda t: t[:100])),
        },
    )
    profile = st.fixed_dictionaries(
        {},
        optional={
            "time_zone": value(st.sampled_from(["Europe/Paris", "Asia/Tokyo"])),
            "care_team_phone": value(st.just("+44 20 7946 0000")),
            "last_visit_on": value(days_ago(today, 0, 300)),
            "tracked_symptoms": value(st.lists(st.sampled_from(["fatigue", "nausea"]))),
        },
    )
    document = st.fixed_dictionaries(
        {"format": value(st.just(JSON_FORMAT)), "version": value(st.just(JSON_VERSION))},
        optional={
            "profile": value(profile),
            "treatments": value(st.lists(treatment, max_size=3)),
            "days": value(st.lists(day, max_size=6, unique_by=lambda d: str(d["date"]))),
        },
    )
    if hostile:
        document = st.one_of(document, document, value(st.lists(st.none())))
    return document.map(json.dumps)


@fuzz(100)
@given(data=st.data())
def test_import_saves_valid_rows_or_refuses_the_file(
    patient_client, patient, today, logged_day, data
):
    kind = data.draw(st.sampled_from(["csv", "hostile csv", "json", "hostile json", "bytes"]))
    content = data.draw(
        {
            "csv": csv_text(today, hostile=False).map(str.encode),
            "hostile csv": csv_text(today, hostile=True).map(str.encode),
            "json": json_text(today, hostile=False).map(str.encode),
            "hostile json": json_text(today, hostile=True).map(str.encode),
            "bytes": st.one_of(
                st.binary(max_size=300),
                st.sampled_from(
                    [b"", b"\xef\xbb\xbf", b"\xff\xfe\x00d", b"date\n\x00", b"{" * 500]
                ),
            ),
        }[kind],
        "file",
    )
    name = data.draw(st.sampled_from(["journal.csv", "journal.json", "x", "../../etc/passwd"]))
    before = _journal_rows(patient)

    response = patient_client.post(
        reverse("journal:import"), {"file": SimpleUploadedFile(name, content)}
    )

    EXAMPLES["import"] += 1
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert_refused(response)
        assert _journal_rows(patient) == before
        return
    assert patient_client.get(reverse("journal:import_preview")).status_code == 200
    digest = PendingImport.objects.get(owner=patient).digest
    confirm = patient_client.post(reverse("journal:import_confirm"), {"digest": digest})
    assert confirm.status_code in (302, 400)
    if confirm.status_code == 400:
        assert _journal_rows(patient) == before
    elif _journal_rows(patient) != before:
        SAVED["import"] += 1
    assert_valid(DayLog.objects.for_patient(patient))
    assert_valid(SymptomReport.objects.filter(day__patient=patient))
    assert_periods_consistent(patient)
    Profile.objects.get(user=patient).full_clean()


def test_import_refuses_a_care_team_phone_the_settings_form_would_refuse(
    patient_client, patient, profile
):
    document = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "profile": {"care_team_phone": "javascript:alert(1)"},
    }
    upload = SimpleUploadedFile("journal.json", json.dumps(document).encode())
    assert patient_client.post(reverse("journal:import"), {"file": upload}).status_code == 302
    preview = patient_client.get(reverse("journal:import_preview"))
    assert "care team phone number must be at most 40 digits" in preview.content.decode()
    assert preview.context["preview"].settings is None
    profile.refresh_from_db()
    assert profile.care_team_phone == ""


# --- Query strings ----------------------------------------------------------------------------


@fuzz(90)
@given(data=st.data())
def test_read_pages_never_fail_on_a_query_string(patient_client, patient, today, logged_day, data):
    name = data.draw(st.sampled_from(["history", "trends", "report"]), "page")
    params = data.draw(
        st.fixed_dictionaries(
            {},
            optional={
                "start": st.one_of(days_ago(today, 0, 4000), hostile_date),
                "end": st.one_of(days_ago(today, -30, 4000), hostile_date),
                "symptom": hostile_choice(["fatigue", "nausea", "", "9" * 25]),
                "range": hostile_choice(["4w", "3m", "1y", "all", ""]),
                "page": st.one_of(st.integers(-2, 5).map(str), hostile_number),
                "copy": hostile_choice(["previous"]),
                "by": hostile_choice(["day"]),
                "cycle": st.one_of(st.integers(-2, 10**20).map(str), hostile_number),
            },
        ),
        "query",
    )

    response = patient_client.get(reverse(f"journal:{name}"), params)

    EXAMPLES[f"{name} query"] += 1
    assert response.status_code == 200
