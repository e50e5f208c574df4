from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_curators_group(sender, **kwargs):
    # ``flush`` (used between transactional tests) empties auth_group and then sends
    # post_migrate; the data migration does not run again, so recreate the group here.
    from library.curators import ensure_curators_group

    ensure_curators_group()


class LibraryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "library"
    verbose_name = "Library"

    def ready(self):
        # Connects the glossary's cache to changes of its terms.
        from library import glossary  # noqa: F401
        from library.cache import connect_library_version

        # The library's version (what its per-process caches are keyed on) changes with every
        # save and delete of library content.
        connect_library_version()

        # Permissions are created by the auth app's post_migrate handler; run after it.
        post_migrate.connect(_ensure_curators_group, sender=self)
