"""Load the library content shipped in ``library/content/`` (idempotent).

A row is created when its slug is new, updated when the shipped content changed and nobody
edited the row since the last load, and left alone when a curator edited it (or created it).
"""

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.dateparse import parse_date

from library.curators import ensure_curators_group
from library.models import Drug, Entry, RegimenPreset, Source, Symptom

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"


def read(name: str, content_dir: Path) -> list[dict]:
    with open(content_dir / f"{name}.json", encoding="utf-8") as f:
        return json.load(f)


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
            help="Directory holding symptoms.json, drugs.json, sources.json and entries.json.",
        )

    @transaction.atomic
    def handle(self, *args, content_dir: Path, **options):
        self.verbosity = options["verbosity"]
        if ensure_curators_group():
            self.stdout.write('Created the "Library curators" group.')

        self.counts: dict[type, Counter] = {
            model: Counter() for model in (Symptom, Drug, RegimenPreset, Source, Entry)
        }

        for row in read("symptoms", content_dir):
            self.sync(Symptom, row, fields=Symptom.LOADED_FIELDS)
        symptoms = {s.slug: s for s in Symptom.objects.all()}

        for row in read("drugs", content_dir):
            drug = self.sync(
                Drug,
                row,
                fields=[f for f in Drug.LOADED_FIELDS if f != "common_side_effects"],
                m2m={"common_side_effects": [symptoms[s] for s in row["common_side_effects"]]},
            )
            for regimen in row.get("regimens", []):
                # Regimens are only ever added: the journal's treatments may copy them.
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
        drugs = {d.slug: d for d in Drug.objects.all()}

        for row in read("sources", content_dir):
            row = dict(row)
            for field in ("published_on", "reviewed_on"):
                row[field] = _date(row.get(field))
            cites = row.pop("cites", None)
            row["cites"] = Source.objects.get(slug=cites) if cites else None
            self.sync(Source, row, fields=Source.LOADED_FIELDS)
        sources = {s.slug: s for s in Source.objects.all()}

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

        for model, counts in self.counts.items():
            self.summarise(model._meta.verbose_name_plural, counts)

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
