"""An identifier on each day, treatment period and profile, filled for the rows there are.

Added empty, filled one row at a time with its own UUID (a default on AddField would give
every existing row the same one), then made required and unique per patient.
"""

import importlib
import uuid

from django.db import migrations, models

IDENTIFIED = ("daylog", "treatment", "profile")

# SQLite alters a column by rebuilding the table, which drops the table's triggers: the
# overlap triggers of 0002 are put back on the new table (as 0006 does).
_overlap = importlib.import_module("journal.migrations.0002_treatment_periods_never_overlap")


def restore_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in _overlap.SQLITE_BACKWARD + _overlap.SQLITE_FORWARD:
            schema_editor.execute(statement, params=None)


def fill_identifiers(apps, schema_editor):
    for name in IDENTIFIED:
        model = apps.get_model("journal", name)
        rows = list(model.objects.filter(identifier__isnull=True).only("pk"))
        for row in rows:
            row.identifier = uuid.uuid4()
        model.objects.bulk_update(rows, ["identifier"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0009_reminders"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name=name,
                name="identifier",
                field=models.UUIDField(editable=False, null=True),
            )
            for name in IDENTIFIED
        ),
        migrations.RunPython(fill_identifiers, migrations.RunPython.noop),
        *(
            migrations.AlterField(
                model_name=name,
                name="identifier",
                field=models.UUIDField(default=uuid.uuid4, editable=False),
            )
            for name in IDENTIFIED
        ),
        migrations.AddConstraint(
            model_name="daylog",
            constraint=models.UniqueConstraint(
                fields=("patient", "identifier"), name="journal_daylog_identifier_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="treatment",
            constraint=models.UniqueConstraint(
                fields=("patient", "identifier"), name="journal_treatment_identifier_unique"
            ),
        ),
        migrations.RunPython(restore_sqlite_triggers, restore_sqlite_triggers, elidable=False),
    ]
