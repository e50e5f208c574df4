"""The journal as a FHIR R4 Bundle, built from fhir.resources' models (R4B, which for the
resources used here is R4), so every element is checked as it is made.

Two shapes (``export_format.md``, "FHIR R4"): a ``collection`` to keep or read, and a
``transaction`` a FHIR server can take, whose every entry is a conditional create on the
resource's identifier, so sending it twice stores everything once.

Every resource carries an identifier: the system is ``<SITE_URL>/fhir/identifier/<type>``,
the value a UUID stored on the row (the patient's profile, a treatment period, a day) or
derived from the day's (a symptom report, a reading, the dose taken, the day's note), and the
JSON export and import carry the stored ones, so the identifiers survive a move to another
account. ``fullUrl`` is ``urn:uuid:`` and the same UUID.

Nothing here writes; every read starts from the patient's own rows.
"""

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import F
from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntryRequest
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.dosage import Dosage, DosageDoseAndRate
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.observation import Observation, ObservationComponent
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.timing import Timing, TimingRepeat

from journal.models import DayLog, DoseTaken, Grade, Profile, SymptomReport, Treatment
from library.formatting import drug_title, format_mg

# The R4 media type (http://hl7.org/fhir/R4/http.html#version-parameter): "fhirVersion"
# takes the major.minor version, 4.0 for R4.
CONTENT_TYPE = "application/fhir+json; fhirVersion=4.0"
# Said in the file too, for whoever reads it without the HTTP header: the core R4 Bundle.
BUNDLE_PROFILE = "http://hl7.org/fhir/StructureDefinition/Bundle|4.0.1"
SHAPES = ("collection", "transaction")
# Rows read from the database at a time.
CHUNK_ROWS = 500

UCUM = "http://unitsofmeasure.org"
LOINC = "http://loinc.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
# HL7 Terminology's canonical for MedDRA (CodeSystem "mdr").
MEDDRA = "https://www.meddra.org"
# The R4 core profiles the readings conform to.
BP_PROFILE = "http://hl7.org/fhir/StructureDefinition/bp"
BODY_WEIGHT_PROFILE = "http://hl7.org/fhir/StructureDefinition/bodyweight"

# RxNorm ingredient RxCUIs by library drug slug: only those confirmed from a source (listed
# with where and when they were read in export_format.md). The others go by name alone.
RXNORM_INGREDIENTS = {
    "imatinib": "282388",
    "sunitinib": "357977",
    "nilotinib": "662281",
    "pazopanib": "714438",
}

# The MedDRA code CTCAE v5 gives each of its terms, by CTCAE term: only those confirmed from
# a source (export_format.md). A symptom with no single confirmed term keeps its text alone.
MEDDRA_OF_CTCAE_TERM = {
    "Diarrhea": "10012727",
    "Dysgeusia": "10013911",
    "Fatigue": "10016256",
    "Headache": "10019211",
    "Hoarseness": "10020201",
    "Mucositis oral": "10028130",
    "Nausea": "10028813",
    "Palmar-plantar erythrodysesthesia syndrome": "10054524",
    "Rash maculo-papular": "10037868",
    "Vomiting": "10047700",
    "Watering eyes": "10047848",
}


def site_system(path: str) -> str:
    """A code or identifier system of this site: ``<SITE_URL>/fhir/<path>``."""
    return f"{settings.SITE_URL}/fhir/{path}"


def identifier_system(resource_type: str) -> str:
    return site_system(f"identifier/{resource_type.lower()}")


def _concept(system: str, code: str, display: str, text: str | None = None) -> CodeableConcept:
    return CodeableConcept(
        coding=[Coding(system=system, code=code, display=display)], text=text or display
    )


def _category(code: str, display: str) -> list[CodeableConcept]:
    return [
        CodeableConcept(coding=[Coding(system=OBSERVATION_CATEGORY, code=code, display=display)])
    ]


def _derived(day_identifier: uuid.UUID, what: str) -> uuid.UUID:
    """The identifier of something recorded on a day (a symptom, a reading, the dose, the
    note): the same for the same day and thing in every export and after every import."""
    return uuid.uuid5(day_identifier, what)


class _Journal:
    """The resources of one patient's journal, each made with its identifier."""

    def __init__(self, patient, *, now: datetime):
        self.patient = patient
        self.profile = Profile.objects.for_user(patient)
        self.today = now.astimezone(self.profile.tz).date()
        self.subject = Reference(reference=f"urn:uuid:{self.profile.identifier}")
        self.journal_codes = site_system("CodeSystem/journal")
        self.entries: list[tuple[uuid.UUID, object]] = []

    def add(self, identifier: uuid.UUID, resource) -> None:
        resource.identifier = [
            Identifier(
                system=identifier_system(resource.get_resource_type()), value=str(identifier)
            )
        ]
        self.entries.append((identifier, resource))

    # --- Patient and treatment periods --------------------------------------------------------

    def add_patient(self) -> None:
        # The name the patient chose to show (sign-up, Settings); never the log-in name.
        name = self.patient.get_full_name().strip()
        self.add(
            self.profile.identifier,
            Patient(name=[HumanName(text=name)] if name else None),
        )

    def add_treatments(self) -> dict[int, Reference]:
        medication = {}
        periods = (
            Treatment.objects.for_patient(self.patient)
            .select_related("drug")
            .order_by("starts_on")
        )
        for treatment in periods:
            self.add(treatment.identifier, self.medication_statement(treatment))
            medication[treatment.pk] = Reference(reference=f"urn:uuid:{treatment.identifier}")
        return medication

    def medication_statement(self, treatment: Treatment) -> MedicationStatement:
        name = drug_title(treatment.drug_name)
        code = RXNORM_INGREDIENTS.get(treatment.drug.slug) if treatment.drug_id else None
        end = treatment.ends_on
        return MedicationStatement(
            # R4 MedicationStatement.status: active | completed | ... (required).
            status="active" if end is None else "completed",
            medicationCodeableConcept=(
                _concept(RXNORM, code, treatment.drug_name.lower(), name)
                if code
                else CodeableConcept(text=name)
            ),
            subject=self.subject,
            effectivePeriod=Period(start=treatment.starts_on, end=end),
            dosage=self.dosages(treatment),
            note=[Annotation(text=f"Reason for this period: {treatment.get_reason_display()}")],
        )

    def dosages(self, treatment: Treatment) -> list[Dosage]:
        """Every day: one Dosage, once (or n times) a day within the period. An on/off
        schedule: one Dosage per cycle, bounded to the cycle's days on, so the days off are
        the gaps between them (``export_format.md`` says why)."""
        dose = [
            DosageDoseAndRate(
                doseQuantity=Quantity(
                    value=Decimal(format_mg(treatment.dose_mg)),
                    unit="mg",
                    system=UCUM,
                    code="mg",
                )
            )
        ]

        def dosage(text: str, start: date, end: date | None, sequence=None) -> Dosage:
            repeat = TimingRepeat(
                boundsPeriod=Period(start=start, end=end),
                frequency=treatment.intakes_per_day,
                period=1,
                periodUnit="d",
            )
            return Dosage(
                sequence=sequence, text=text, timing=Timing(repeat=repeat), doseAndRate=dose
            )

        if treatment.is_continuous:
            return [
                dosage(
                    f"{treatment.dose_label}, every day", treatment.starts_on, treatment.ends_on
                )
            ]
        # Cycles up to the period's end or, for the current one, up to today's cycle.
        last_day = treatment.ends_on or max(self.today, treatment.starts_on)
        length, found = treatment.cycle_length, []
        for number, start in enumerate(
            _cycle_starts(treatment.starts_on, last_day, length), start=1
        ):
            end = start + timedelta(days=treatment.days_on - 1)
            if treatment.ends_on is not None:
                end = min(end, treatment.ends_on)
            text = (
                f"{treatment.dose_label}, {treatment.schedule_label}: cycle {number}, "
                f"taken {start.isoformat()} to {end.isoformat()}, then {treatment.days_off} "
                "days off"
            )
            found.append(dosage(text, start, end, sequence=number))
        return found

    # --- What each day recorded ---------------------------------------------------------------

    def observation(self, on: date, *, category: str, **fields) -> Observation:
        """A patient-reported Observation of ``on`` (the patient is subject and performer)."""
        label = {"survey": "Survey", "vital-signs": "Vital Signs"}[category]
        return Observation(
            status="final",
            category=_category(category, label),
            subject=self.subject,
            effectiveDateTime=on,
            performer=[self.subject],
            **fields,
        )

    def add_symptom_reports(self, medication: dict[int, Reference]) -> None:
        severity = site_system("CodeSystem/patient-reported-severity")
        reports = (
            SymptomReport.objects.for_patient(self.patient)
            .values(
                "grade",
                "interference",
                "note",
                on=F("day__date"),
                day_identifier=F("day__identifier"),
                treatment_id=F("day__treatment_id"),
                slug=F("symptom__slug"),
                symptom_name=F("symptom__name"),
                ctcae_term=F("symptom__ctcae_term"),
            )
            .order_by("day__date", "symptom__order", "symptom__name")
        )
        for row in reports.iterator(chunk_size=CHUNK_ROWS):
            text = f"{row['symptom_name']}: patient-reported severity"
            meddra = MEDDRA_OF_CTCAE_TERM.get(row["ctcae_term"])
            fields = {
                # The symptom, in MedDRA where its CTCAE term's code is confirmed.
                "code": _concept(MEDDRA, meddra, row["ctcae_term"], text)
                if meddra
                else CodeableConcept(text=text),
            }
            if row["grade"] is None:
                # Asked and left unanswered: said so, never sent as 0 ("none"). R4 obs-6:
                # a reason only where there is no value.
                fields["dataAbsentReason"] = _concept(
                    DATA_ABSENT_REASON, "asked-unknown", "Asked But Unknown", "Not answered"
                )
            else:
                # The patient's own 0-4 scale: "very severe" is theirs, not CTCAE's grade 4.
                label = Grade(row["grade"]).label
                fields["valueCodeableConcept"] = _concept(severity, str(row["grade"]), label)
            if row["interference"] is not None:
                fields["component"] = [
                    ObservationComponent(
                        code=_concept(
                            self.journal_codes,
                            "interference",
                            "Interference with daily activities",
                            "Interference with daily activities (0 = not at all, 4 = very much)",
                        ),
                        valueInteger=row["interference"],
                    )
                ]
            if row["note"]:
                fields["note"] = [Annotation(text=row["note"])]
            if row["treatment_id"] in medication:
                # R4 Observation.partOf takes a MedicationStatement: the period the symptom
                # was felt in.
                fields["partOf"] = [medication[row["treatment_id"]]]
            self.add(
                _derived(row["day_identifier"], f"symptom:{row['slug']}"),
                self.observation(row["on"], category="survey", **fields),
            )

    def add_days(self, medication: dict[int, Reference]) -> None:
        """Per day: blood pressure, weight, whether the dose was taken, and the note."""
        days = (
            DayLog.objects.for_patient(self.patient)
            .values(
                "identifier",
                "date",
                "treatment_id",
                "dose_taken",
                "systolic",
                "diastolic",
                "weight_kg",
                "note",
                "for_doctor",
            )
            .order_by("date")
        )
        for day in days.iterator(chunk_size=CHUNK_ROWS):
            part_of = (
                [medication[day["treatment_id"]]] if day["treatment_id"] in medication else None
            )
            if day["systolic"] is not None:
                self.add(_derived(day["identifier"], "blood-pressure"), self.blood_pressure(day))
            if day["weight_kg"] is not None:
                self.add(_derived(day["identifier"], "body-weight"), self.body_weight(day))
            if day["dose_taken"]:
                self.add(
                    _derived(day["identifier"], "dose-taken"),
                    self.dose_taken(day, part_of=part_of),
                )
            if day["note"]:
                self.add(_derived(day["identifier"], "note"), self.note(day))

    def blood_pressure(self, day: dict) -> Observation:
        def component(code: str, display: str, value: int) -> ObservationComponent:
            return ObservationComponent(
                code=_concept(LOINC, code, display),
                valueQuantity=Quantity(value=value, unit="mmHg", system=UCUM, code="mm[Hg]"),
            )

        return self.observation(
            day["date"],
            category="vital-signs",
            meta=Meta(profile=[BP_PROFILE]),
            code=_concept(
                LOINC,
                "85354-9",
                "Blood pressure panel with all children optional",
                "Blood pressure",
            ),
            component=[
                component("8480-6", "Systolic blood pressure", day["systolic"]),
                component("8462-4", "Diastolic blood pressure", day["diastolic"]),
            ],
        )

    def body_weight(self, day: dict) -> Observation:
        return self.observation(
            day["date"],
            category="vital-signs",
            meta=Meta(profile=[BODY_WEIGHT_PROFILE]),
            code=_concept(LOINC, "29463-7", "Body weight"),
            valueQuantity=Quantity(
                value=Decimal(format_mg(day["weight_kg"])), unit="kg", system=UCUM, code="kg"
            ),
        )

    def dose_taken(self, day: dict, *, part_of) -> Observation:
        answer = DoseTaken(day["dose_taken"])
        return self.observation(
            day["date"],
            category="survey",
            code=_concept(
                self.journal_codes, "dose-taken", "Dose taken that day", "Did you take your dose?"
            ),
            valueCodeableConcept=_concept(
                site_system("CodeSystem/dose-taken"), answer.value, answer.label
            ),
            partOf=part_of,
        )

    def note(self, day: dict) -> Observation:
        code, display = (
            ("note-for-doctor", "Note for my doctor")
            if day["for_doctor"]
            else ("day-note", "Note for the day")
        )
        return self.observation(
            day["date"],
            category="survey",
            code=_concept(self.journal_codes, code, display),
            valueString=day["note"],
        )


def _cycle_starts(first: date, last: date, length: int):
    start = first
    while start <= last:
        yield start
        start += timedelta(days=length)


def fhir_bundle(patient, *, now: datetime, shape: str = "collection") -> Bundle:
    """The patient's journal as a validated R4 Bundle of ``shape`` (``SHAPES``). Four queries.

    ``transaction``: each entry also has a request, ``POST <type>`` with ``ifNoneExist`` on
    its identifier, so a server that already holds the resource keeps it and links to it.
    """
    if shape not in SHAPES:
        raise ValueError(f"Unknown bundle shape {shape!r}")
    journal = _Journal(patient, now=now)
    journal.add_patient()
    medication = journal.add_treatments()
    journal.add_symptom_reports(medication)
    journal.add_days(medication)
    entries = []
    for identifier, resource in journal.entries:
        request = None
        if shape == "transaction":
            kind = resource.get_resource_type()
            request = BundleEntryRequest(
                method="POST",
                url=kind,
                ifNoneExist=f"identifier={identifier_system(kind)}|{identifier}",
            )
        entries.append(
            BundleEntry(fullUrl=f"urn:uuid:{identifier}", resource=resource, request=request)
        )
    return Bundle(
        meta=Meta(profile=[BUNDLE_PROFILE]),
        type=shape,
        timestamp=now,
        entry=entries or None,
    )
