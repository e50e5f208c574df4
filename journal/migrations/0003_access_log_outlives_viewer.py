import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_viewer_names(apps, schema_editor):
    AccessEvent = apps.get_model("journal", "AccessEvent")
    for event in AccessEvent.objects.select_related("viewer").iterator():
        viewer = event.viewer
        full_name = f"{viewer.first_name} {viewer.last_name}".strip()
        event.viewer_name = full_name or viewer.username
        event.save(update_fields=["viewer_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0002_treatment_periods_never_overlap"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="accessevent",
            name="viewer_name",
            field=models.CharField(default="", max_length=150),
            preserve_default=False,
        ),
        migrations.RunPython(fill_viewer_names, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="accessevent",
            name="viewer",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="accessevent",
            name="share",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="access_events",
                to="journal.careshare",
            ),
        ),
    ]
