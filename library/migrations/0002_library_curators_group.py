from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_curators_group(apps, schema_editor):
    from library.curators import ensure_curators_group

    # On a fresh database, permissions only appear after migrate ends (post_migrate);
    # create library's now so the group can be given them.
    app_config = apps.get_app_config("library")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    ensure_curators_group(apps)


def remove_curators_group(apps, schema_editor):
    from library.curators import GROUP_NAME

    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_curators_group, remove_curators_group)]
