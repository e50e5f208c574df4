"""The FHIR export: both bundle shapes validate with fhir.resources' R4B models, every
reference resolves, every resource has an identifier that survives a move to another
account, and a server that takes the transaction twice stores everything once."""

import copy
import json
import re
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from journal.export_import.fhir import MEDDRA, RXNORM
from journal.export_import.imports import parse_import
from journal.export_import.services import journal_import
from journal.models import DayLog, DoseTaken, SymptomReport, Treatment
from library.models import Drug, Symptom
from tests.conftest import make_day, make_treatment, make_user

FHIR_URL = reverse("journal:export_fhir")
TRANSACTION_URL = f"{FHIR_URL}?bundle=transaction"
SHAPES = {"collection": FHIR_URL, "transaction": TRANSACTION_URL}
UUID_URN = re.compile(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
UCUM = "http://unitsofmeasure.org"
# R4 required bindings the export relies on (fhir.resources checks types, not value sets).
OBSERVATION_STATUS = {"registered", "preliminary", "final", "amended"}
MEDICATION_STATEMENT_STATUS = {"active", "completed", "stopped", "on-hold", "not-taken"}
OBSERVATION_PART_OF = {"MedicationAdministration", "MedicationStatement", "Procedure"}


def references(node):
    """Every ``{"reference": ...}`` anywhere in a resource."""
    if isinstance(node, dict):
        if "reference" in node:
            yield node["reference"]
        for value in node.values():
            yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def empties(node, path="$"):
    """Paths of nulls, empty strings, lists and objects (R4 ele-1 forbids them)."""
    if node in (None, "", [], {}):
        yield path
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from empties(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from empties(value, f"{path}[{index}]")


def validated(response, shape: str) -> dict:
    """The bundle of ``response``, checked as a FHIR R4 bundle of ``shape``: by the R4B
    models (the bundle, then each resource with its own class), then by the rules the
    models leave out. Returns the resources by fullUrl."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json; fhirVersion=4.0; charset=utf-8"
    Bundle.model_validate_json(response.content)
    bundle = json.loads(response.content)
    assert bundle["type"] == shape
    assert bundle["meta"]["profile"] == ["http://hl7.org/fhir/StructureDefinition/Bundle|4.0.1"]
    assert list(empties(bundle)) == []
    by_url = {}
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert UUID_URN.match(entry["fullUrl"]), entry["fullUrl"]
        assert entry["fullUrl"] not in by_url, "fullUrl is unique in a bundle (bdl-7)"
        by_url[entry["fullUrl"]] = resource
        # Every resource is identified: this site's system for its type, the fullUrl's UUID.
        (identifier,) = resource["identifier"]
        kind = resource["resourceType"]
        assert identifier == {
            "system": f"{settings.SITE_URL}/fhir/identifier/{kind.lower()}",
            "value": entry["fullUrl"].removeprefix("urn:uuid:"),
        }
        if shape == "transaction":
            assert entry["request"] == {
                "method": "POST",
                "url": kind,
                "ifNoneExist": f"identifier={identifier['system']}|{identifier['value']}",
            }
        else:
            assert "request" not in entry  # bdl-3
    for url, resource in by_url.items():
        for reference in references(resource):
            assert reference in by_url, f"{url} refers to {reference} outside the bundle"
        kind = resource["resourceType"]
        if kind == "Observation":
            assert resource["status"] in OBSERVATION_STATUS
            assert by_url[resource["subject"]["reference"]]["resourceType"] == "Patient"
            values = [key for key in resource if key.startswith("value")]
            absent = "dataAbsentReason" in resource
            assert len(values) + absent <= 1, "value[x] is 0..1; obs-6"
            if "component" not in resource:
                assert len(values) + absent == 1, "a value, or why there is none"
            for part in resource.get("partOf", []):
                assert by_url[part["reference"]]["resourceType"] in OBSERVATION_PART_OF
        elif kind == "MedicationStatement":
            assert resource["status"] in MEDICATION_STATEMENT_STATUS
            period = resource["effectivePeriod"]
            assert "end" not in period or period["end"] >= period["start"]
        else:
            assert kind == "Patient"
            assert set(resource) <= {"resourceType", "identifier", "name"}  # nothing else leaves
    return by_url


def of_kind(resources: dict, kind: str) -> list[dict]:
    return [r for r in resources.values() if r["resourceType"] == kind]


def coded(resources: dict, system: str, code: str) -> list[dict]:
    """Observations whose code has ``system``/``code``."""
    return [
        r
        for r in of_kind(resources, "Observation")
        if {"system": system, "code": code} <= {**r["code"].get("coding", [{}])[0]}.keys()
        or any(
            c.get("system") == system and c.get("code") == code
            for c in r["code"].get("coding", [])
        )
    ]


def journal_code(code: str) -> tuple[str, str]:
    return f"{settings.SITE_URL}/fhir/CodeSystem/journal", code


# --- Journals ---------------------------------------------------------------------------------


@pytest.fixture
def demo_client(client, library):
    """The demo journal of ``seed_demo`` (six months, four periods, one of them 4/2)."""
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    demo = DayLog.objects.first().patient
    client.force_login(demo)
    return client


TWELVE = [
    "hand-foot-syndrome",
    "fatigue",
    "diarrhoea",
    "headache",
    "cognitive-fog",
    "mouth-sores",
    "skin-rash",
    "nausea",
    "vomiting",
    "taste-change",
    "high-blood-pressure",
    "joint-muscle-aches",
]


@pytest.fixture
def edge_journal(patient, profile, symptoms, sunitinib):
    """Unicode name and notes; ten days before any treatment; sunitinib 4 weeks on / 2 off
    (ended, with planned breaks), then regorafenib 3 weeks on / 1 off (current); twelve
    symptoms graded each day, very severe and not answered among them."""
    patient.first_name = "Zoë Núñez-李"
    patient.save()
    regorafenib = Drug.objects.get(slug="regorafenib")
    first = date(2025, 1, 1)
    four_two = make_treatment(
        patient,
        sunitinib,
        dose_mg=Decimal("37.5"),
        days_on=28,
        days_off=14,
        starts_on=first + timedelta(days=10),
        ends_on=first + timedelta(days=10 + 84 - 1),
    )
    three_one = make_treatment(
        patient,
        regorafenib,
        dose_mg=Decimal("120"),
        days_on=21,
        days_off=7,
        starts_on=first + timedelta(days=10 + 84),
        reason="side_effects",
    )
    twelve = [symptoms[slug] for slug in TWELVE]
    notes = ["头痛 a bit", "صداع", "🦶 sore", "=1+1", "Zoë\r\nline two"]
    for n in range(130):
        day = first + timedelta(days=n)
        period = next((p for p in (four_two, three_one) if p.is_current_on(day)), None)
        dose = (
            "" if period is None else (DoseTaken.ALL if period.is_on_day(day) else DoseTaken.BREAK)
        )
        if n % 17 == 5:
            dose = DoseTaken.MISSED if period else dose
        log = make_day(
            patient,
            day,
            dose_taken=dose,
            treatment=period,
            note=notes[n % 5] if n % 3 == 0 else "",
            for_doctor=n % 6 == 0,
            systolic=130 + n % 20 if n % 2 else None,
            diastolic=85 if n % 2 else None,
            weight_kg=Decimal("70.5") if n % 7 == 0 else None,
        )
        SymptomReport.objects.bulk_create(
            SymptomReport(
                day=log,
                symptom=symptom,
                grade=None if (n + i) % 13 == 0 else (n + i) % 5,
                interference=(n + i) % 5 if i % 2 else None,
                note="ça brûle" if i == 0 and n % 10 == 0 else "",
            )
            for i, symptom in enumerate(twelve)
        )
    return four_two, three_one


# --- Validity ---------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_the_demo_journal_validates_in_both_shapes(demo_client, shape):
    resources = validated(demo_client.get(SHAPES[shape]), shape)

    patient = DayLog.objects.first().patient
    days = DayLog.objects.for_patient(patient)
    observations = (
        SymptomReport.objects.for_patient(patient).count()
        + days.filter(systolic__isnull=False).count()
        + days.filter(weight_kg__isnull=False).count()
        + days.exclude(dose_taken="").count()
        + days.exclude(note="").count()
    )
    assert len(of_kind(resources, "Patient")) == 1
    assert len(of_kind(resources, "MedicationStatement")) == 4
    assert len(of_kind(resources, "Observation")) == observations
    assert of_kind(resources, "Patient")[0]["name"] == [{"text": "Alex"}]


@pytest.mark.parametrize("shape", SHAPES)
def test_an_edge_case_journal_validates_in_both_shapes(patient_client, edge_journal, shape):
    response = patient_client.get(SHAPES[shape])
    resources = validated(response, shape)

    assert of_kind(resources, "Patient")[0]["name"] == [{"text": "Zoë Núñez-李"}]
    assert len(of_kind(resources, "MedicationStatement")) == 2
    symptoms = [
        r
        for r in of_kind(resources, "Observation")
        if "patient-reported severity" in r["code"]["text"]
    ]
    assert len(symptoms) == 130 * 12
    notes = {r["valueString"] for r in of_kind(resources, "Observation") if "valueString" in r}
    assert {"头痛 a bit", "صداع", "🦶 sore", "=1+1", "Zoë\r\nline two"} == notes
    assert "pat@example.org" not in response.content.decode()


@pytest.mark.parametrize("shape", SHAPES)
def test_an_empty_journal_is_a_patient_without_the_log_in_name(stranger, client, library, shape):
    client.force_login(stranger)
    response = client.get(SHAPES[shape])

    (patient,) = validated(response, shape).values()
    assert patient["resourceType"] == "Patient"
    assert "name" not in patient  # no name chosen: none sent, never the account name
    assert "stranger" not in response.content.decode()


def test_the_patient_is_named_as_they_chose(patient_client, patient, profile):
    patient.first_name = "Pat Q. Example"
    patient.save()

    (resource,) = validated(patient_client.get(FHIR_URL), "collection").values()

    assert resource["name"] == [{"text": "Pat Q. Example"}]


# --- Treatment periods ------------------------------------------------------------------------


def bounds(dosage) -> tuple[str, str | None]:
    period = dosage["timing"]["repeat"]["boundsPeriod"]
    return period["start"], period.get("end")


def test_on_off_schedules_keep_their_days_off_in_the_structured_dosage(
    patient_client, edge_journal, today
):
    resources = validated(patient_client.get(FHIR_URL), "collection")
    four_two, three_one = sorted(
        of_kind(resources, "MedicationStatement"), key=lambda r: r["effectivePeriod"]["start"]
    )

    # 4 weeks on, 2 off, from 11 January to 4 April 2025: two cycles, each 28 days taken.
    assert [bounds(d) for d in four_two["dosage"]] == [
        ("2025-01-11", "2025-02-07"),
        ("2025-02-22", "2025-03-21"),
    ]
    assert [d["sequence"] for d in four_two["dosage"]] == [1, 2]
    first = four_two["dosage"][0]
    assert first["timing"]["repeat"] | {"boundsPeriod": None} == {
        "boundsPeriod": None,
        "frequency": 1,
        "period": 1,
        "periodUnit": "d",
    }
    assert first["text"] == (
        "Sunitinib 37.5 mg once daily, 4 weeks on, 2 weeks off: cycle 1, taken 2025-01-11 "
        "to 2025-02-07, then 14 days off"
    )
    assert first["doseAndRate"] == [
        {"doseQuantity": {"value": 37.5, "unit": "mg", "system": UCUM, "code": "mg"}}
    ]
    # 3 weeks on, 1 off, from 5 April 2025 and still current: a cycle every 28 days up to
    # the one today falls in, each 21 days taken.
    cycles = three_one["dosage"]
    assert bounds(cycles[0]) == ("2025-04-05", "2025-04-25")
    assert bounds(cycles[1]) == ("2025-05-03", "2025-05-23")
    last_start = date.fromisoformat(bounds(cycles[-1])[0])
    assert last_start <= today < last_start + timedelta(days=28)
    assert len(cycles) == (today - date(2025, 4, 5)).days // 28 + 1
    assert three_one["status"] == "active" and four_two["status"] == "completed"


def test_a_period_ending_within_its_days_on_ends_its_last_cycle_there(
    patient_client, patient, profile, sunitinib
):
    make_treatment(
        patient,
        sunitinib,
        days_on=28,
        days_off=14,
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 2, 20),
    )

    (statement,) = of_kind(
        validated(patient_client.get(FHIR_URL), "collection"), "MedicationStatement"
    )

    assert [bounds(d) for d in statement["dosage"]] == [
        ("2025-01-01", "2025-01-28"),
        ("2025-02-12", "2025-02-20"),
    ]


def test_every_day_is_one_dosage_over_the_period(patient_client, short_journal):
    resources = validated(patient_client.get(FHIR_URL), "collection")
    imatinib = next(
        r for r in of_kind(resources, "MedicationStatement") if r["status"] == "completed"
    )

    (dosage,) = imatinib["dosage"]
    assert bounds(dosage) == ("2025-01-01", "2025-03-09")
    assert dosage["text"] == "Imatinib 400 mg once daily, every day"


def test_medications_carry_their_confirmed_rxnorm_code_and_the_name(patient_client, short_journal):
    resources = validated(patient_client.get(FHIR_URL), "collection")

    concepts = sorted(
        (r["medicationCodeableConcept"] for r in of_kind(resources, "MedicationStatement")),
        key=lambda c: c["text"],
    )
    assert concepts == [
        {
            "coding": [{"system": RXNORM, "code": "282388", "display": "imatinib"}],
            "text": "Imatinib",
        },
        {
            "coding": [{"system": RXNORM, "code": "357977", "display": "sunitinib"}],
            "text": "Sunitinib",
        },
    ]


def test_a_drug_without_a_confirmed_code_goes_by_name(patient_client, patient, profile, library):
    make_treatment(patient, Drug.objects.get(slug="regorafenib"), dose_mg=Decimal("160"))
    make_treatment(
        patient, None, other_drug="Trialinib", starts_on=date(2024, 1, 1), ends_on=date(2024, 2, 1)
    )

    resources = validated(patient_client.get(FHIR_URL), "collection")

    assert sorted(
        json.dumps(r["medicationCodeableConcept"])
        for r in of_kind(resources, "MedicationStatement")
    ) == ['{"text": "Regorafenib"}', '{"text": "Trialinib"}']


# --- Symptom reports --------------------------------------------------------------------------


def symptom_observations(resources) -> dict[str, dict]:
    return {
        r["code"]["text"].split(":")[0]: r
        for r in of_kind(resources, "Observation")
        if r["code"]["text"].endswith("patient-reported severity")
    }


def test_a_symptom_is_coded_in_meddra_and_graded_on_the_patients_own_scale(
    patient_client, patient, symptoms, profile
):
    make_day(
        patient,
        date(2025, 2, 2),
        {symptoms["diarrhoea"]: 4, symptoms["cognitive-fog"]: 1, symptoms["fatigue"]: None},
    )

    response = patient_client.get(FHIR_URL)
    reports = symptom_observations(validated(response, "collection"))

    diarrhoea = reports["Diarrhoea"]
    assert diarrhoea["code"] == {
        "coding": [{"system": MEDDRA, "code": "10012727", "display": "Diarrhea"}],
        "text": "Diarrhoea: patient-reported severity",
    }
    assert diarrhoea["valueCodeableConcept"] == {
        "coding": [
            {
                "system": f"{settings.SITE_URL}/fhir/CodeSystem/patient-reported-severity",
                "code": "4",
                "display": "Very severe",
            }
        ],
        "text": "Very severe",
    }
    assert diarrhoea["category"][0]["coding"][0]["code"] == "survey"
    assert diarrhoea["performer"] == [diarrhoea["subject"]]
    # Two CTCAE terms, no single code confirmed: the text alone, never an empty coding.
    assert reports["Brain fog (chemo brain)"]["code"] == {
        "text": "Brain fog (chemo brain): patient-reported severity"
    }
    # Asked and not answered: no value, and the reason.
    fatigue = reports["Fatigue"]
    assert "valueCodeableConcept" not in fatigue
    assert fatigue["dataAbsentReason"]["coding"][0]["code"] == "asked-unknown"
    assert "grade 4" not in response.content.decode().lower()
    assert "ctcae" not in response.content.decode().lower()


def test_every_library_symptom_with_a_code_uses_one_confirmed_for_its_ctcae_term(library):
    from journal.export_import.fhir import MEDDRA_OF_CTCAE_TERM

    terms = set(Symptom.objects.values_list("ctcae_term", flat=True))
    assert set(MEDDRA_OF_CTCAE_TERM) <= terms  # no code for a term the library lacks
    assert len(MEDDRA_OF_CTCAE_TERM) == len(set(MEDDRA_OF_CTCAE_TERM.values()))


def test_interference_and_the_symptom_note_come_with_the_grade(patient_client, short_journal):
    resources = validated(patient_client.get(FHIR_URL), "collection")
    (diarrhoea,) = [
        r
        for r in of_kind(resources, "Observation")
        if r["code"]["text"] == "Diarrhoea: patient-reported severity"
        and r["effectiveDateTime"] == "2025-03-01"
    ]

    assert diarrhoea["component"][0]["valueInteger"] == 2
    assert diarrhoea["note"] == [{"text": "-3 times"}]
    assert diarrhoea["effectiveDateTime"] == "2025-03-01"


# --- What the day recorded ----------------------------------------------------------------------


def test_dose_taken_and_notes_are_observations_a_clinician_sees(patient_client, short_journal):
    resources = validated(patient_client.get(FHIR_URL), "collection")
    observations = of_kind(resources, "Observation")

    def with_code(code):
        system, value = journal_code(code)
        return sorted(
            (
                r
                for r in observations
                if r["code"].get("coding", [{}])[0]
                == {**r["code"]["coding"][0], "system": system, "code": value}
            ),
            key=lambda r: r["effectiveDateTime"],
        )

    doses = with_code("dose-taken")
    assert [(r["effectiveDateTime"], r["valueCodeableConcept"]["text"]) for r in doses] == [
        ("2025-03-01", "Took all of it"),
        ("2025-04-07", "Planned break"),
        ("2025-04-08", "Took all of it"),
    ]
    assert doses[1]["valueCodeableConcept"]["coding"][0]["code"] == "break"
    assert (
        resources[doses[1]["partOf"][0]["reference"]]["medicationCodeableConcept"]["text"]
        == "Sunitinib"
    )
    (note,) = with_code("note-for-doctor")
    assert note["valueString"] == "=Tired after the walk, «très» fatiguée."
    assert note["code"]["text"] == "Note for my doctor"
    assert with_code("day-note") == []


def test_the_readings_follow_the_r4_vital_sign_profiles(patient_client, short_journal):
    resources = validated(patient_client.get(FHIR_URL), "collection")
    vitals = {
        r["code"]["coding"][0]["code"]: r
        for r in of_kind(resources, "Observation")
        if r["category"][0]["coding"][0]["code"] == "vital-signs"
    }

    bp, weight = vitals["85354-9"], vitals["29463-7"]
    assert bp["meta"]["profile"] == ["http://hl7.org/fhir/StructureDefinition/bp"]
    assert bp["code"]["coding"][0]["display"] == "Blood pressure panel with all children optional"
    assert [c["valueQuantity"]["value"] for c in bp["component"]] == [131, 84]
    assert weight["meta"]["profile"] == ["http://hl7.org/fhir/StructureDefinition/bodyweight"]
    assert weight["valueQuantity"] == {"value": 71.5, "unit": "kg", "system": UCUM, "code": "kg"}


# --- Identifiers and the transaction --------------------------------------------------------------


def post_transaction(server: dict, bundle: dict) -> None:
    """What a FHIR server does with a transaction of conditional creates, in miniature.

    ``server`` maps ``(type, identifier system, value)`` to the stored resource. An entry
    whose ``ifNoneExist`` finds one is not created again; its fullUrl then stands for the
    stored one. References to fullUrls become the server's ``Type/id``.
    """
    assert bundle["type"] == "transaction"
    stored_as, created = {}, []
    for entry in bundle["entry"]:
        request, resource = entry["request"], entry["resource"]
        system, _, value = request["ifNoneExist"].removeprefix("identifier=").partition("|")
        key = (request["url"], system, value)
        if key not in server:
            server[key] = {"id": str(len(server) + 1), **copy.deepcopy(resource)}
            created.append(server[key])
        stored_as[entry["fullUrl"]] = f"{request['url']}/{server[key]['id']}"

    def resolve(node):
        if isinstance(node, dict):
            if "reference" in node:
                node["reference"] = stored_as[node["reference"]]
            for value in node.values():
                resolve(value)
        elif isinstance(node, list):
            for value in node:
                resolve(value)

    for resource in created:
        resolve(resource)


def stored_references_resolve(server: dict) -> bool:
    ids = {f"{r['resourceType']}/{r['id']}" for r in server.values()}
    return all(ref in ids for r in server.values() for ref in references(r))


def test_a_server_that_takes_the_transaction_twice_stores_everything_once(
    client, patient, stranger, edge_journal
):
    client.force_login(patient)
    bundle = client.get(TRANSACTION_URL).json()
    server = {}

    post_transaction(server, bundle)
    after_first = copy.deepcopy(server)
    post_transaction(server, client.get(TRANSACTION_URL).json())

    assert len(server) == len(bundle["entry"]) > 1500
    assert server == after_first
    assert stored_references_resolve(server)
    # Another patient's journal sent to the same server matches nothing of the first.
    make_day(stranger, date(2025, 3, 1), note="Someone else")
    client.force_login(stranger)
    other = client.get(TRANSACTION_URL).json()
    post_transaction(server, other)
    assert len(server) == len(bundle["entry"]) + len(other["entry"])
    assert stored_references_resolve(server)


def test_a_new_day_is_all_a_second_transaction_adds(client, patient, short_journal, symptoms):
    client.force_login(patient)
    server = {}
    post_transaction(server, client.get(TRANSACTION_URL).json())
    before = len(server)

    make_day(patient, date(2025, 4, 9), {symptoms["fatigue"]: 1}, note="New day")
    post_transaction(server, client.get(TRANSACTION_URL).json())

    assert len(server) == before + 3  # the grade, the dose taken, the note


def identifiers(response) -> set[tuple[str, str, str]]:
    return {
        (
            e["fullUrl"],
            e["resource"]["identifier"][0]["system"],
            e["resource"]["identifier"][0]["value"],
        )
        for e in response.json()["entry"]
    }


def test_identifiers_survive_a_move_to_another_account(client, patient, edge_journal):
    client.force_login(patient)
    before = identifiers(client.get(FHIR_URL))
    exported = client.get(reverse("journal:export_json")).content.decode()
    newcomer = make_user("newcomer", first_name="Zoë Núñez-李")

    journal_import(patient=newcomer, preview=parse_import(exported, patient=newcomer))
    client.force_login(newcomer)
    after = identifiers(client.get(FHIR_URL))

    assert len(before) > 1500
    assert after == before


def test_identifiers_are_stable_between_exports(patient_client, short_journal):
    assert identifiers(patient_client.get(FHIR_URL)) == identifiers(patient_client.get(FHIR_URL))


def test_every_identifier_is_a_uuid_of_its_own(patient_client, edge_journal):
    values = [value for _, _, value in identifiers(patient_client.get(FHIR_URL))]

    assert len(values) == len(set(values))
    assert all(uuid.UUID(value) for value in values)


def test_an_unknown_bundle_shape_is_the_collection(patient_client, short_journal):
    response = patient_client.get(f"{FHIR_URL}?bundle=batch")

    validated(response, "collection")
    assert Treatment.objects.count() == 2


def test_the_settings_page_offers_both_shapes(patient_client, profile):
    html = patient_client.get(reverse("journal:settings")).content.decode()

    assert f'href="{FHIR_URL}">Download for a clinic system</a>' in html
    assert f'href="{TRANSACTION_URL}">download this version</a>' in html
