"""What deleting an account removes, and removing it."""

from django.db import transaction

from journal.models import (
    AccessEvent,
    CareShare,
    CareTeamThreshold,
    DayLog,
    SymptomReport,
    Treatment,
)


def account_summary(user) -> dict[str, int]:
    """What deleting ``user`` removes with it, counted in the database (seven queries)."""
    return {
        "days": DayLog.objects.for_patient(user).count(),
        "reports": SymptomReport.objects.for_patient(user).count(),
        "treatments": Treatment.objects.for_patient(user).count(),
        "shares_given": CareShare.objects.given_by(user).count(),
        "shares_received": CareShare.objects.filter(caregiver=user).count(),
        "access_events": AccessEvent.objects.for_patient(user).count(),
        "views_made": AccessEvent.objects.filter(viewer=user).count(),
    }


@transaction.atomic
def account_delete(*, user) -> dict[str, int]:
    """Delete the account and everything it owns; return what was removed.

    The foreign keys cascade from the user: profile, treatments, days and their reports,
    the shares given and received, and the access log. Library rows are only referenced,
    never owned, so they stay.
    """
    summary = account_summary(user)
    user.delete()
    return summary


@transaction.atomic
def care_team_thresholds_save(*, patient, choices: dict) -> None:
    """Record the patient's own thresholds; a symptom set back to the library's rule loses
    its own. ``choices``: symptom -> (grade, note) or None."""
    for symptom, choice in choices.items():
        if choice is None:
            CareTeamThreshold.objects.filter(patient=patient, symptom=symptom).delete()
        else:
            grade, note = choice
            CareTeamThreshold.objects.update_or_create(
                patient=patient,
                symptom=symptom,
                defaults={"care_team_grade": grade, "note": note},
            )
