"""The private journal's data, one module per feature; every name is importable from here.

- ``profile``: a patient's settings (time zone, tracked symptoms, care team phone) and
  ``display_name``;
- ``treatment``: treatment periods and where a date falls in an on/off cycle;
- ``daylog``: day logs and symptom reports, grades, the blood-pressure thresholds;
- ``symptom_month``: each symptom's grades per calendar month, stored in step with the
  reports for the whole journal's charts;
- ``alerts``: when a day calls for the care team or for urgent help, and the patient's own
  care-team thresholds;
- ``sharing``: shares with caregivers and the record of their views;
- ``reminders``: a patient's daily reminder, a caregiver's weekly digest, and the claim that
  sends each at most once;
- ``imports``: a file read for import, waiting for its owner to confirm it;
- ``sql``: date arithmetic in SQL for the querysets.

Every row belongs to one patient (a ``User``). Reads go through the querysets, which always
start from ``for_patient(...)`` so no query forgets whose data it is reading. Their names keep
one meaning each: ``for_*``, ``between``, ``on``, ``measured``, ``having_*`` and ``active``
narrow the rows; ``with_*`` only adds to each row (related rows, an annotation), never
removing one; ``by_*``/``*_by`` group into summary rows. The journal has
no admin on purpose: health data is never shown to staff (``tests/security/test_admin.py``).
"""

from journal.models.alerts import (
    Alarm,
    AlertRules,
    CareTeamThreshold,
    DayAlarms,
)
from journal.models.daylog import (
    BP_ALERT,
    BP_CRISIS,
    BP_HIGH,
    DIASTOLIC_RANGE,
    DOSE_TAKEN_COUNTS,
    EARLIEST_DATE,
    GRADE_COLOURS,
    NOT_ANSWERED,
    NOTE_MAX_LENGTH,
    SYMPTOM_NOTE_MAX_LENGTH,
    SYSTOLIC_RANGE,
    WEIGHT_RANGE_KG,
    DayLog,
    DoseTaken,
    Grade,
    Interference,
    ReportInput,
    SavedAnswers,
    SymptomReport,
)
from journal.models.imports import PENDING_IMPORT_VALID_FOR, PendingImport

# validate_time_zone is named by migration 0001 at this path.
from journal.models.profile import (
    DEFAULT_TRACKED_SYMPTOMS,
    Profile,
    display_name,
    validate_time_zone,
)
from journal.models.reminders import (
    DIGEST_DAYS,
    DIGEST_TIME,
    EMAIL_CLAIMS_KEPT_FOR,
    DailyReminder,
    DigestSubscription,
    DueDigest,
    DueReminder,
    EmailClaim,
    EmailKind,
    Weekday,
    week_of,
)
from journal.models.sharing import (
    INVITATION_VALID_FOR,
    AccessEvent,
    CareShare,
    ShareState,
    hash_token,
)
from journal.models.symptom_month import GRADE_COLUMNS, SymptomMonth, stored_grade_rows
from journal.models.treatment import (
    MAX_CYCLE_DAYS,
    MAX_DOSE_MG,
    MAX_INTAKES_PER_DAY,
    ChangeReason,
    CycleDay,
    Regimen,
    Treatment,
    period_in_force,
)

__all__ = [
    "BP_ALERT",
    "BP_CRISIS",
    "BP_HIGH",
    "GRADE_COLOURS",
    "GRADE_COLUMNS",
    "NOT_ANSWERED",
    "DEFAULT_TRACKED_SYMPTOMS",
    "DIGEST_DAYS",
    "DIGEST_TIME",
    "EMAIL_CLAIMS_KEPT_FOR",
    "DIASTOLIC_RANGE",
    "DOSE_TAKEN_COUNTS",
    "EARLIEST_DATE",
    "INVITATION_VALID_FOR",
    "MAX_CYCLE_DAYS",
    "MAX_DOSE_MG",
    "MAX_INTAKES_PER_DAY",
    "NOTE_MAX_LENGTH",
    "PENDING_IMPORT_VALID_FOR",
    "SYMPTOM_NOTE_MAX_LENGTH",
    "SYSTOLIC_RANGE",
    "WEIGHT_RANGE_KG",
    "AccessEvent",
    "Alarm",
    "AlertRules",
    "CareTeamThreshold",
    "DayAlarms",
    "CareShare",
    "DailyReminder",
    "DigestSubscription",
    "DueDigest",
    "DueReminder",
    "EmailClaim",
    "EmailKind",
    "Weekday",
    "week_of",
    "ChangeReason",
    "CycleDay",
    "DayLog",
    "DoseTaken",
    "Grade",
    "Interference",
    "PendingImport",
    "Profile",
    "Regimen",
    "ReportInput",
    "SavedAnswers",
    "ShareState",
    "SymptomMonth",
    "SymptomReport",
    "Treatment",
    "display_name",
    "hash_token",
    "period_in_force",
    "stored_grade_rows",
    "validate_time_zone",
]
