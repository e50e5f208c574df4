# The alert grades live in AlertRule since 0004; kept apart from 0004's data step so that
# PostgreSQL alters the table in a transaction with no pending trigger events.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("library", "0004_alert_rules_from_alert_grades"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='symptom',
            name='library_symptom_alert_grade_1_to_4',
        ),
        migrations.RemoveField(
            model_name='symptom',
            name='alert_grade',
        ),
    ]
