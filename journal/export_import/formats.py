"""What an export file is, shared by the export and the import (see ``export_format.md``)."""

JSON_FORMAT = "gist-journal"
# Version 2 added the "id" of the profile, each treatment and each day (kept on import);
# version 1 files, without them, are still read (new ids are made).
JSON_VERSION = 2
JSON_VERSIONS_READ = (1, 2)

CSV_COLUMNS = [
    "date",
    "drug",
    "dose_mg",
    "intakes_per_day",
    "schedule",
    "cycle_day",
    "on_off",
    "dose_taken",
    "symptom",
    "grade",
    "grade_word",
    "interference",
    "symptom_note",
    "systolic",
    "diastolic",
    "weight_kg",
    "day_note",
    "for_doctor",
]

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection);
# tab and carriage return are on OWASP's list because some programs strip them first; the
# full-width signs (typed with a Japanese or Chinese keyboard) are read as formulas too.
# The import reads the same list, so such a note comes back as it was written.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")

# The grade column of a symptom asked on the day log and left unanswered is empty; its word
# column says so, so a spreadsheet reader does not take the gap for "none".
NOT_ANSWERED_WORD = "not answered"
