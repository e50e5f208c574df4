"""Load the library content shipped in ``library/content/`` (idempotent).

A row is created when its slug is new, updated when the shipped content changed and nobody
edited the row since the last load, and left alone when a curator edited it (or created it).
The folders and their keys are described in ``library/content/README.md``.
"""

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.dateparse import parse_date

from library.cache import bump_library_version
from library.curators import ensure_curators_group
from library.models import (
    AlertRule,
    Drug,
    Entry,
    GlossaryTerm,
    RegimenPreset,
    Source,
    Symptom,
    WarningSign,
)

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"
# What the loader writes, in the order it writes it (a row's related rows come first).
LOADED_MODELS = (Symptom, Source, Drug, RegimenPreset, Entry, AlertRule, WarningSign, GlossaryTerm)


def read(folder: str, content_dir: Path) -> list[dict]:
    """Every object in the folder's JSON files, file by file in name order."""
    rows = []
    for path in sorted((content_dir / folder).glob("*.json")):
        with open(path, encoding="utf-8") as f:
            rows.extend(json.load(f))
    return rows


def _date(value):
    return parse_date(value) if value else None


class Command(BaseCommand):
    help = (
        "Load the library's symptoms, drugs, sources and entries; never overwrite curator edits."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--content-dir",
            type=Path,
            default=CONTENT_DIR,
            help="Directory holding the content folders (symptoms/, drugs/, sources/, …).",
        )

    @transaction.atomic
    def handle(self, *args, content_dir: Path, **options):
        self.verbosity = options["verbosity"]
        if ensure_curators_group():
            self.stdout.write('Created the "Library curators" group.')

        self.counts: dict[type, Counter] = {model: Counter() for model in LOADED_MODELS}

        for row in read("symptoms", content_dir):
            self.sync(Symptom, row, fields=Symptom.LOADED_FIELDS)
        symptoms = {s.slug: s for s in Symptom.objects.all()}

        sources = self.load_sources(read("sources", content_dir))

        for row in read("drugs", content_dir):
            row = {**row, "source": sources[row["source"]] if row.get("source") else None}
            drug = self.sync(
                Drug,
                row,
                fields=[f for f in Drug.LOADED_FIELDS if f != "common_side_effects"],
                m2m={"common_side_effects": [symptoms[s] for s in row["common_side_effects"]]},
            )
            self.add_regimens(drug, row.get("regimens", []))
        drugs = {d.slug: d for d in Drug.objects.all()}

        for row in read("entries", content_dir):
            row = dict(row)
            row["reviewed_on"] = _date(row.get("reviewed_on"))
            row["source"] = sources[row["source"]] if row.get("source") else None
            self.sync(
                Entry,
                row,
                fields=Entry.LOADED_FIELDS,
                m2m={
                    "symptoms": [symptoms[s] for s in row.get("symptoms", [])],
                    "drugs": [drugs[d] for d in row.get("drugs", [])],
                },
            )

        def related(row: dict) -> dict:
            """Slugs of a rule, sign or term replaced by the rows they name."""
            row = dict(row)
            if "symptom" in row:
                row["symptom"] = symptoms[row["symptom"]]
            if "drug" in row:
                row["drug"] = drugs[row["drug"]] if row["drug"] else None
            row["source"] = sources[row["source"]] if row.get("source") else None
            return row

        for model, folder in (
            (AlertRule, "alert_rules"),
            (WarningSign, "warning_signs"),
            (GlossaryTerm, "glossary"),
        ):
            for row in read(folder, content_dir):
                self.sync(model, related(row), fields=model.LOADED_FIELDS)

        for model, counts in self.counts.items():
            self.summarise(model._meta.verbose_name_plural, counts)
        # Each save bumped it already; once more for whatever a load wrote without one.
        bump_library_version()

    def load_sources(self, rows: list[dict]) -> dict[str, Source]:
        """Sources, then what each cites where that one was new in this load."""
        known = {s.slug: s for s in Source.objects.all()}
        cited_later = []
        for row in rows:
            row = dict(row)
            for field in ("published_on", "reviewed_on"):
                row[field] = _date(row.get(field))
            cites = row.get("cites")
            row["cites"] = known.get(cites) if cites else None
            source = self.sync(Source, row, fields=Source.LOADED_FIELDS)
            if cites and row["cites"] is None:
                cited_later.append((source, cites))
        sources = {s.slug: s for s in Source.objects.all()}
        for source, cites in cited_later:
            if not source.is_curator_edited:
                source.cites = sources[cites]
                source.save(update_fields=["cites"])
                self.stamp(source)
        return sources

    def add_regimens(self, drug: Drug, regimens: list[dict]) -> None:
        # Regimens are only ever added: the journal's treatments may copy them.
        for regimen in regimens:
            _, created = RegimenPreset.objects.get_or_create(
                drug=drug,
                label=regimen["label"],
                defaults={
                    "dose_mg": Decimal(regimen["dose_mg"]),
                    "intakes_per_day": regimen["intakes_per_day"],
                    "days_on": regimen["days_on"],
                    "days_off": regimen["days_off"],
                    "order": regimen.get("order", 0),
                },
            )
            self.counts[RegimenPreset]["created" if created else "unchanged"] += 1

    def sync(self, model, row: dict, *, fields, m2m=None):
        """Create, update or leave alone one row, by slug; returns the row."""
        counts = self.counts[model]
        m2m = m2m or {}
        values = {field: row[field] for field in fields if field in row}
        label = f"{model._meta.verbose_name} {row['slug']}"

        obj = model.objects.filter(slug=row["slug"]).first()
        if obj is None:
            obj = model(slug=row["slug"], **values)
            obj.full_clean(exclude=["loaded_fingerprint"], validate_unique=False)
            obj.save()
            for name, related in m2m.items():
                getattr(obj, name).set(related)
            self.stamp(obj)
            counts["created"] += 1
            self.say(f"created {label}", level=2)
            return obj

        if obj.is_curator_edited:
            counts["left alone"] += 1
            self.say(f"left alone {label}: edited by a curator", level=1)
            return obj

        for field, value in values.items():
            setattr(obj, field, value)
        for name, related in m2m.items():
            getattr(obj, name).set(related)
        if obj.content_fingerprint() == obj.loaded_fingerprint:
            counts["unchanged"] += 1
            return obj
        obj.full_clean(exclude=["loaded_fingerprint"], validate_unique=False)
        obj.save()
        self.stamp(obj)
        counts["updated"] += 1
        self.say(f"updated {label}", level=1)
        return obj

    @staticmethod
    def stamp(obj):
        # Re-read so the fingerprint is taken from what the database holds (dates, decimals).
        obj.refresh_from_db()
        obj.loaded_fingerprint = obj.content_fingerprint()
        obj.save(update_fields=["loaded_fingerprint"])

    def say(self, message: str, *, level: int):
        if self.verbosity >= level:
            self.stdout.write(f"  {message}")

    def summarise(self, name: str, counts: Counter):
        parts = [
            f"{counts[key]} {key}" for key in ("created", "updated", "unchanged", "left alone")
        ]
        self.stdout.write(f"{name.capitalize()}: {', '.join(parts)}.")
