"""The "Library curators" group: change rights on library models, nothing else.

Created by a data migration, and again after every ``flush`` (see ``LibraryConfig.ready``),
because test runs with transactional databases flush the tables between tests.
"""

from django.apps import apps as global_apps

GROUP_NAME = "Library curators"

# Symptoms and drugs are not deleted (journal reports point at them): curators retire a
# symptom with its active flag instead.
CURATOR_PERMISSIONS = {
    "symptom": ("add", "change", "view"),
    "drug": ("add", "change", "view"),
    "regimenpreset": ("add", "change", "delete", "view"),
    "source": ("add", "change", "delete", "view"),
    "entry": ("add", "change", "delete", "view"),
}


def curator_codenames() -> list[str]:
    return [
        f"{action}_{model}" for model, actions in CURATOR_PERMISSIONS.items() for action in actions
    ]


def ensure_curators_group(apps=global_apps) -> bool:
    """Create the group (if missing) and give it exactly the library permissions.

    Works with migration state apps too. Returns True when the group was created.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, created = Group.objects.get_or_create(name=GROUP_NAME)
    permissions = Permission.objects.filter(
        content_type__app_label="library", codename__in=curator_codenames()
    )
    group.permissions.set(permissions)
    return created
