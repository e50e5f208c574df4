"""The day log page's parts: built once per request, for the GET and for a refused POST."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages

from journal.daylog.forms import DayLogForm
from journal.daylog.row_writer import helps_url, symptom_row, warning_sign_boxes
from journal.models import (
    EARLIEST_DATE,
    AlertRules,
    DayAlarms,
    DayLog,
    Profile,
    SavedAnswers,
    SymptomReport,
    Treatment,
)
from library.cache import kept_guidance_counts, kept_warning_signs
from library.models import WarningSign


@dataclass
class DayPage:
    """What the day log page is built from: the day, its treatment, its saved log, the
    symptoms and warning signs it asks about, and the alert rules that judge the answers."""

    profile: Profile
    day: date
    treatment: Treatment | None
    log: DayLog | None
    answers: SavedAnswers | None  # the log's
    previous: DayLog | None  # the last logged day before ``day``
    symptoms: list
    warning_signs: list  # of WarningSign: the current drug's, and any ticked that day
    rules: AlertRules

    @staticmethod
    def save_form_kwargs(profile, day: date) -> dict:
        """What a save's form needs, and only that (issue 17's query budget): the symptoms it
        asks about (one query) and the warning signs it may tick, as a query that runs only
        when signs were sent. The revision is checked by the save itself."""
        patient = profile.user
        drugs = Treatment.objects.for_patient(patient).on(day).values("drug")
        ticked = DayLog.warning_signs.through.objects.filter(
            daylog__patient=patient, daylog__date=day
        ).values("warningsign")
        return {
            "symptoms": _symptoms_shown(profile, day),
            "warning_signs": (
                WarningSign.objects.for_drugs(drugs) | WarningSign.objects.filter(pk__in=ticked)
            )
            .select_related("drug")
            .distinct(),
            "refuse_empty": True,
        }

    @classmethod
    def build(cls, profile, day: date, *, symptoms=None) -> "DayPage":
        """The page's parts; ``symptoms`` when already read (a refused save's form)."""
        patient = profile.user
        # The day and the last logged day before it, in one query: the page offers "Same as
        # yesterday" from the one before (whose answers are read only if asked for).
        logs = list(
            DayLog.objects.for_patient(patient)
            .filter(date__lte=day)
            .order_by("-date")
            .with_treatment()[:2]  # its drug decides the alerts: no query for it
        )
        log = next((found for found in logs if found.date == day), None)
        previous = next((found for found in logs if found.date < day), None)
        treatment = Treatment.objects.of_day(patient, day, log)
        answers = log.saved_answers() if log is not None else None
        # The signs of the day's drug, and any ticked that day under an earlier treatment,
        # from the library's kept rows.
        drug_id = treatment.drug_id if treatment else None
        ticked = answers.ticked_sign_ids if answers else frozenset()
        signs = [
            sign for sign in kept_warning_signs() if sign.applies_to(drug_id) or sign.pk in ticked
        ]
        if symptoms is None:
            symptoms = profile.kept_symptoms_shown(
                reported=answers.reported_symptom_ids if answers else set()
            )
        return cls(
            profile=profile,
            day=day,
            treatment=treatment,
            log=log,
            answers=answers,
            previous=previous,
            symptoms=symptoms,
            warning_signs=signs,
            rules=AlertRules.for_patient(patient),
        )

    @property
    def drug_id(self) -> int | None:
        return self.treatment.drug_id if self.treatment else None

    @property
    def alarms(self) -> DayAlarms | None:
        """What the saved day calls for (None: not saved)."""
        if self.answers is None:
            return None
        return self.rules.of_day_grades(self.log, self.answers.grades, self.answers.ticked_signs)

    @property
    def form_kwargs(self) -> dict:
        return {
            "symptoms": self.symptoms,
            # What a refused save's page may check them against (never read on a GET).
            "warning_signs": WarningSign.objects.filter(pk__in=[s.pk for s in self.warning_signs]),
            "refuse_empty": True,
            "current_revision": self.log.revision if self.log else 0,
        }

    def context(self, request, form) -> dict:
        """The bound form after a refused save, else the day as it stands."""
        day, today = self.day, self.profile.today()
        treatment = self.treatment
        previous_date = self.previous.date if self.previous else None
        if form is None:
            previous = None
            if request.GET.get("copy") == "previous" and previous_date is not None:
                previous = self.previous.saved_answers()
                messages.info(
                    request,
                    f"Filled in from {previous_date:%A} {previous_date.day} {previous_date:%B}. "
                    "Check it and save.",
                )
            form = DayLogForm.for_day(
                day, saved=self.answers, previous=previous, treatment=treatment, **self.form_kwargs
            )
        drug = treatment.drug if treatment else None
        rows = form.symptom_rows(
            lambda symptom, grade: self.rules.alarm(symptom.pk, grade, self.drug_id)
        )
        helps = kept_guidance_counts(self.symptoms)
        for row in rows:
            row["helps"] = helps[row["symptom"].pk]
            row["html"] = symptom_row(row, drug=drug)
        return {
            "day": day,
            "today": today,
            "log": self.log,
            "form": form,
            "rows": rows,
            "helps_url": helps_url(day),
            "rest_none": DayLogForm.REST_NONE,
            "warning_signs": self.warning_signs,
            "warning_sign_boxes": warning_sign_boxes(form["warning_signs"], self.warning_signs),
            "measure_limits": form.measure_limits,
            "treatment": treatment,
            "drug": drug,
            "cycle": treatment.cycle_day(day) if treatment else None,
            "is_off_day": treatment is not None and not treatment.is_on_day(day),
            "previous_date": previous_date,
            "previous_is_yesterday": previous_date == day - timedelta(days=1),
            "day_before": day - timedelta(days=1) if day > EARLIEST_DATE else None,
            "day_after": day + timedelta(days=1) if day < today else None,
            "alarms": self.alarms,
            "care_team_phone": self.profile.care_team_phone,
            "emergency": self.profile.emergency_call(),
        }

    def conflict_context(self, request, form) -> dict:
        """A save refused because the day changed since the phone loaded it: both versions,
        and the phone's answers ready to send again over the saved day's revision."""
        resend = [
            (name, value)
            for name, values in request.POST.lists()
            if name not in ("csrfmiddlewaretoken", "base_revision")
            for value in values
        ]
        return {
            "day": self.day,
            "today": self.profile.today(),
            "versions": form.versions(self.answers),
            "resend": [*resend, ("base_revision", self.log.revision if self.log else 0)],
        }


def _symptoms_shown(profile, day: date) -> list:
    """The day's symptoms for a save's check: the tracked ones, and any reported that day
    (one query, from the database; the page takes the library's kept rows)."""
    reports = SymptomReport.objects.for_patient(profile.user).filter(day__date=day)
    return profile.symptoms_shown(reports)
