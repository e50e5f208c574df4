"""Treatment periods of one patient never overlap, enforced by the database.

SQLite has no exclusion constraints, so both vendors get a trigger that refuses an INSERT or
UPDATE whose [starts_on, ends_on] (open end = for ever) meets another period of the same
patient. The error is an integrity error, which Django raises as ``IntegrityError``.

On PostgreSQL the trigger first takes a per-patient advisory lock for the rest of the
transaction: without it two concurrent transactions could each see no overlap and both commit.
SQLite needs no lock: writers are serialised (``transaction_mode = IMMEDIATE``).
"""

from django.db import migrations

SQLITE_CHECK = """
    EXISTS (
        SELECT 1 FROM journal_treatment AS other
        WHERE other.patient_id = NEW.patient_id
          AND other.id IS NOT NEW.id
          AND (other.ends_on IS NULL OR other.ends_on >= NEW.starts_on)
          AND (NEW.ends_on IS NULL OR other.starts_on <= NEW.ends_on)
    )
"""

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER journal_treatment_no_overlap_insert
    BEFORE INSERT ON journal_treatment
    FOR EACH ROW WHEN {SQLITE_CHECK}
    BEGIN
        SELECT RAISE(ABORT, 'journal_treatment_no_overlap: treatment periods overlap');
    END;
    """,
    f"""
    CREATE TRIGGER journal_treatment_no_overlap_update
    BEFORE UPDATE OF patient_id, starts_on, ends_on ON journal_treatment
    FOR EACH ROW WHEN {SQLITE_CHECK}
    BEGIN
        SELECT RAISE(ABORT, 'journal_treatment_no_overlap: treatment periods overlap');
    END;
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS journal_treatment_no_overlap_insert;",
    "DROP TRIGGER IF EXISTS journal_treatment_no_overlap_update;",
]

POSTGRESQL_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION journal_treatment_no_overlap() RETURNS trigger AS $$
    BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('journal_treatment'), NEW.patient_id::integer);
        IF EXISTS (
            SELECT 1 FROM journal_treatment AS other
            WHERE other.patient_id = NEW.patient_id
              AND other.id IS DISTINCT FROM NEW.id
              AND (other.ends_on IS NULL OR other.ends_on >= NEW.starts_on)
              AND (NEW.ends_on IS NULL OR other.starts_on <= NEW.ends_on)
        ) THEN
            RAISE EXCEPTION 'journal_treatment_no_overlap: treatment periods overlap'
                USING ERRCODE = 'exclusion_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER journal_treatment_no_overlap
    BEFORE INSERT OR UPDATE OF patient_id, starts_on, ends_on ON journal_treatment
    FOR EACH ROW EXECUTE FUNCTION journal_treatment_no_overlap();
    """,
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS journal_treatment_no_overlap ON journal_treatment;",
    "DROP FUNCTION IF EXISTS journal_treatment_no_overlap();",
]

SQL = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
}


def _run(schema_editor, direction):
    vendor = schema_editor.connection.vendor
    if vendor not in SQL:
        raise RuntimeError(f"No treatment overlap trigger written for {vendor}.")
    for statement in SQL[vendor][direction]:
        schema_editor.execute(statement, params=None)


def forward(apps, schema_editor):
    _run(schema_editor, 0)


def backward(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
    ]
