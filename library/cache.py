"""Library data kept in each process's memory, read again only when the library changes.

The day log and the dashboard read the same library rows on every request (the alert rules,
how many entries sit beside each symptom), though they change only when a curator saves.
``library_cached(name, build)`` keeps ``build()``'s value per library version: one small
query per request reads the version (``LibraryVersion``), and any save or delete of library
content, in the admin or by ``load_library``, replaces it, so every worker builds afresh on
its next request. Patient data never goes in here.

The version is a random token, not a counter: a transaction rolled back (a test's) cannot
bring an old number back to meet values built from other rows.
"""

import secrets
import threading

from django.apps import apps
from django.core.signals import request_started
from django.db.models.signals import m2m_changed, post_delete, post_save

from library.models import HelpfulVote, LibraryVersion, Symptom, WarningSign, guidance_counts

_this_request = threading.local()  # the version, read once per request
_kept: dict[str, tuple[str, object]] = {}  # name -> (version, value)


def library_version() -> str:
    """The library's current version token (one query per request; a missing row, as after
    a flush, gets a new token)."""
    version = getattr(_this_request, "version", None)
    if version is None:
        version = LibraryVersion.objects.filter(pk=1).values_list("token", flat=True).first()
        if version is None:
            version = LibraryVersion.objects.get_or_create(
                pk=1, defaults={"token": secrets.token_hex(16)}
            )[0].token
        _this_request.version = version
    return version


def library_cached(name: str, build):
    """``build()``'s value for the library as it stands, built at most once per version."""
    version = library_version()
    kept = _kept.get(name)
    if kept is None or kept[0] != version:
        kept = _kept[name] = (version, build())
    return kept[1]


def kept_symptoms() -> dict[int, Symptom]:
    """Every symptom of the library by id, kept per library version (shared between
    requests: read them, never change them)."""
    return library_cached("symptoms", lambda: {s.pk: s for s in Symptom.objects.all()})


def kept_warning_signs() -> list:
    """Every warning sign of the library with its drug, in the library's order, kept per
    library version (shared between requests: read them, never change them)."""
    return library_cached(
        "warning_signs", lambda: list(WarningSign.objects.select_related("drug"))
    )


def kept_warning_signs_by_id() -> dict:
    """``kept_warning_signs`` by id, for pages that name the signs ticked on their days."""
    return library_cached(
        "warning_signs_by_id", lambda: {sign.pk: sign for sign in kept_warning_signs()}
    )


def attach_symptoms(reports) -> None:
    """Give each report its symptom from ``kept_symptoms``: a page that shows many reports
    builds no Symptom row per report."""
    symptoms = kept_symptoms()
    for report in reports:
        report.symptom = symptoms[report.symptom_id]


def kept_guidance_counts(symptoms) -> dict[int, int]:
    """``guidance_counts`` of ``symptoms``, from the counts of every symptom, kept per
    library version."""
    every = library_cached(
        "guidance_counts", lambda: guidance_counts(Symptom.objects.values_list("pk", flat=True))
    )
    return {symptom.pk: every.get(symptom.pk, 0) for symptom in symptoms}


def bump_library_version(**kwargs) -> None:
    """The library changed: every process's cached values are stale from now on."""
    LibraryVersion.objects.update_or_create(pk=1, defaults={"token": secrets.token_hex(16)})
    _forget_request_version()


def _forget_request_version(**kwargs) -> None:
    _this_request.__dict__.pop("version", None)


def forget_everything() -> None:
    """Drop every kept value and the version read (the test suite does, between tests: a
    rolled-back transaction may take the version's row with it)."""
    _forget_request_version()
    _kept.clear()


def connect_library_version() -> None:
    """Bump on every save and delete of library content (votes are patients', not the
    library's), and on changes of its many-to-many links (an entry's symptoms and drugs)."""
    request_started.connect(_forget_request_version, dispatch_uid="library-version-request")
    for model in apps.get_app_config("library").get_models():
        if model in (HelpfulVote, LibraryVersion):
            continue
        uid = f"library-version-{model._meta.label}"
        post_save.connect(bump_library_version, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(bump_library_version, sender=model, dispatch_uid=uid + "-delete")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                bump_library_version,
                sender=field.remote_field.through,
                dispatch_uid=uid + field.name,
            )
