"""A patient's journal settings, and how a person is named on pages and in files."""

import uuid
import zoneinfo
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from journal.emergency_numbers import EmergencyNumber, emergency_number
from journal.models.symptom_month import SymptomMonth
from library.cache import kept_symptoms
from library.models import Symptom

DEFAULT_TRACKED_SYMPTOMS = [
    "hand-foot-syndrome",
    "fatigue",
    "diarrhoea",
    "headache",
    "cognitive-fog",
    "mouth-sores",
    "skin-rash",
    "nausea",
]


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone we know, e.g. Europe/London.")


class Profile(models.Model):
    """A patient's journal settings. Created on first use by ``Profile.objects.for_user``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_profile"
    )
    time_zone = models.CharField(
        max_length=64, default=settings.TIME_ZONE, validators=[validate_time_zone]
    )
    care_team_phone = models.CharField(
        "care team phone number",
        max_length=40,
        blank=True,
        help_text="Shown with every “contact your care team” notice.",
    )
    country = models.CharField(
        max_length=2,
        blank=True,
        help_text="Where you live (ISO 3166 code): it gives the emergency number shown.",
    )
    emergency_number = models.CharField(
        "emergency number",
        max_length=20,
        blank=True,
        help_text="Only if it differs from your country's: shown with every "
        "“get urgent help now” notice.",
    )
    tracked_symptoms = models.ManyToManyField(Symptom, blank=True, related_name="+")
    last_visit_on = models.DateField(
        "date of your last clinic visit",
        null=True,
        blank=True,
        help_text="The clinic report starts from here.",
    )
    # Names the patient in every export (FHIR Patient.identifier); it moves with the journal
    # to a new account, so a clinic system that knows the patient recognises them.
    identifier = models.UUIDField(default=uuid.uuid4, editable=False)

    class ProfileManager(models.Manager):
        def for_user(self, user) -> "Profile":
            """The user's profile, created with the default tracked symptoms if missing.

            One query when it exists; the first visit creates it and its symptoms together.
            """
            profile = self.filter(user=user).first()
            if profile is not None:
                profile.user = user  # already loaded: profile.user costs no second query
                return profile
            with transaction.atomic():
                profile, created = self.get_or_create(user=user)
                if created:
                    profile.tracked_symptoms.set(
                        Symptom.objects.filter(slug__in=DEFAULT_TRACKED_SYMPTOMS)
                    )
            return profile

        def lock_journal(self, patient) -> None:
            """Serialise writes to one patient's journal for the rest of the transaction.

            Checks such as "does this period overlap?" or "is this day new?" read before they
            write, and a save rewrites its month's stored figures (``SymptomMonth.refresh``);
            on PostgreSQL two requests at once (a double tap on Save, two phones) could
            otherwise both pass and the second fail on a constraint. SQLite's IMMEDIATE
            transactions already serialise writers, and it has no FOR UPDATE: no query there.
            """
            if connections[self.db].features.has_select_for_update:
                list(self.select_for_update().filter(user=patient).values_list("pk"))

    objects = ProfileManager()

    def __str__(self):
        return f"Journal settings of {self.user}"

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def symptoms_shown(self, reports) -> list[Symptom]:
        """The tracked symptoms, plus any in ``reports`` that are tracked no more: a symptom
        stays visible wherever it was reported. Library order, one query."""
        return list(Symptom.objects.filter(self._shown(reports)).order_by("order", "name"))

    def kept_symptoms_shown(self, *, reported: set[int]) -> list[Symptom]:
        """``symptoms_shown`` for one day whose ``reported`` symptoms' ids the page has read
        already (the day log), as the library's kept rows (``kept_symptoms``): one query for
        the tracked ids, no twenty full rows built (issue 17)."""
        kept = kept_symptoms()
        tracked = self.tracked_symptoms.through.objects.filter(profile=self).values_list(
            "symptom_id", flat=True
        )
        shown = {pk for pk in tracked if kept[pk].is_active} | reported
        return _in_library_order(kept[pk] for pk in shown)

    def symptoms_tracked_or_ever_reported(self) -> list[Symptom]:
        """``symptoms_shown`` of every report of the journal (its trends and its filters), as
        the library's kept rows, from one query of ids: the reported symptoms are read from
        the stored months (``SymptomMonth``, which every write keeps in step with the
        reports), not probed for in five years of reports with twenty full rows built."""
        kept = kept_symptoms()
        tracked = self.tracked_symptoms.filter(is_active=True).values_list("pk", flat=True)
        reported = SymptomMonth.objects.for_patient(self.user_id).values_list(
            "symptom_id", flat=True
        )
        # UNION: each id once; its two halves may not be ordered.
        ids = tracked.order_by().union(reported.order_by())
        return _in_library_order(kept[pk] for pk in ids)

    def _shown(self, reports) -> Q:
        """Tracked, or reported in ``reports``. "Reported" asks, per library symptom, whether
        one report exists (an index probe per day until one is found) rather than listing the
        symptoms of every report: five years of a journal hold 35,000 of them."""
        reported = reports.filter(symptom_id=OuterRef("pk"))
        return Q(pk__in=self.tracked_symptoms.filter(is_active=True).values("pk")) | Q(
            Exists(reported)
        )

    def emergency_call(self) -> EmergencyNumber | None:
        """The number the urgent notice gives: see ``journal.emergency_numbers``."""
        return emergency_number(
            own=self.emergency_number, country_code=self.country, time_zone=self.time_zone
        )

    def today(self) -> date:
        """Today's date where the patient lives: "today" for logging and "future" for refusals."""
        return timezone.localdate(timezone=self.tz)


def _in_library_order(symptoms) -> list[Symptom]:
    """``symptoms`` in the library's order, as ``Symptom``'s queries sort them."""
    return sorted(symptoms, key=lambda symptom: (symptom.order, symptom.name))


def display_name(user) -> str:
    """How a person is named to others: the name they gave, else their account name."""
    return user.get_full_name() or user.get_username()
