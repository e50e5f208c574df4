"""Library fixtures: the shipped content, and small makers for rows a test needs."""

from io import StringIO

import pytest
from django.core.management import call_command

from library.models import Drug, Entry, EntryKind, EntryStatus, Source, Symptom


def load_library(**options) -> str:
    out = StringIO()
    call_command("load_library", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def library(db):
    """The content that ships with the code, loaded as `make run` loads it."""
    load_library()


def make_symptom(slug="test-symptom", **kwargs):
    kwargs.setdefault("name", slug.replace("-", " ").capitalize())
    kwargs.setdefault("body_area", "skin")
    kwargs.setdefault("description", "A test symptom.")
    kwargs.setdefault("ctcae_term", "Test term")
    for grade in (1, 2, 3, 4):
        kwargs.setdefault(f"grade_{grade}", f"Grade {grade} meaning.")
    return Symptom.objects.create(slug=slug, **kwargs)


def make_drug(slug="testinib", **kwargs):
    kwargs.setdefault("name", slug)
    kwargs.setdefault("how_it_works", "Blocks a test signal.")
    return Drug.objects.create(slug=slug, **kwargs)


def make_source(slug="test-source", **kwargs):
    kwargs.setdefault("title", f"Source {slug}")
    kwargs.setdefault("publisher", "Test Publisher")
    kwargs.setdefault("kind", "news")
    return Source.objects.create(slug=slug, **kwargs)


def make_entry(slug="test-entry", *, symptoms=(), drugs=(), **kwargs):
    kwargs.setdefault("title", f"Entry {slug}")
    kwargs.setdefault("body", "Some words of our own.")
    kwargs.setdefault("kind", EntryKind.GUIDANCE)
    kwargs.setdefault("status", EntryStatus.PUBLISHED)
    if "source" not in kwargs:
        kwargs["source"] = Source.objects.first() or make_source()
    entry = Entry.objects.create(slug=slug, **kwargs)
    entry.symptoms.set(symptoms)
    entry.drugs.set(drugs)
    return entry
