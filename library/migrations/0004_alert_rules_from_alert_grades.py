"""Symptoms' alert grades become alert rules; loader fingerprints survive the new fields."""

import hashlib
import json

from django.db import migrations


def _fingerprint(content: dict) -> str:
    """As LoadedContent.content_fingerprint computes it."""
    payload = json.dumps(content, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _slugs(related) -> list[str]:
    return sorted(row.slug for row in related.all())


# What the loader fingerprinted before this migration, and the fields it adds, at the values
# the new columns start with. A row that still matched its old fingerprint is the loader's
# own: its fingerprint is carried over, so the next load_library updates it. A row a curator
# had edited keeps a stale fingerprint and stays the curator's.
SYMPTOM_FIELDS = (
    "name", "aliases", "body_area", "description", "ctcae_term",
    "grade_1", "grade_2", "grade_3", "grade_4", "order", "is_active",
)
DRUG_FIELDS = (
    "name", "brand_names", "how_it_works", "place_in_treatment", "line_of_treatment", "order",
)
ENTRY_FIELDS = ("title", "body", "kind", "status", "reviewed_on")


def _refingerprint(row, kept: dict, *, removed: dict, added: dict) -> bool:
    """Carry the loader's fingerprint over from ``kept`` and ``removed`` fields to ``kept``
    and ``added`` ones; whether the row was the loader's."""
    if row.loaded_fingerprint != _fingerprint({**kept, **removed}):
        return False
    row.loaded_fingerprint = _fingerprint({**kept, **added})
    row.save(update_fields=["loaded_fingerprint"])
    return True


def alert_rules_from_alert_grades(apps, schema_editor):
    """Each symptom's alert grade becomes its rule for every drug, and the loader keeps
    recognising the rows it wrote (see above)."""
    Symptom = apps.get_model("library", "Symptom")
    Drug = apps.get_model("library", "Drug")
    Entry = apps.get_model("library", "Entry")
    AlertRule = apps.get_model("library", "AlertRule")

    for symptom in Symptom.objects.all():
        old = {name: getattr(symptom, name) for name in SYMPTOM_FIELDS}
        loaders = _refingerprint(
            symptom,
            old,
            removed={"alert_grade": symptom.alert_grade},
            added={"ctcae_grade_4": False},
        )
        rule = AlertRule(
            slug=f"{symptom.slug}-any-drug",
            symptom=symptom,
            drug=None,
            care_team_grade=symptom.alert_grade,
            source=None,
            basis="Set before alert rules named their sources: the app's cautious default.",
        )
        if loaders:
            rule.loaded_fingerprint = _fingerprint(
                {
                    "symptom": symptom.slug,
                    "drug": None,
                    "care_team_grade": rule.care_team_grade,
                    "source": None,
                    "basis": rule.basis,
                }
            )
        rule.save()

    for drug in Drug.objects.all():
        old = {name: getattr(drug, name) for name in DRUG_FIELDS}
        old["common_side_effects"] = _slugs(drug.common_side_effects)
        _refingerprint(drug, old, removed={}, added={"approved_for_gist": True, "source": None})

    for entry in Entry.objects.select_related("source"):
        old = {name: getattr(entry, name) for name in ENTRY_FIELDS}
        old["source"] = entry.source.slug if entry.source_id else None
        old["symptoms"] = _slugs(entry.symptoms)
        old["drugs"] = _slugs(entry.drugs)
        _refingerprint(entry, old, removed={}, added={"studied_in": ""})


def alert_grades_from_alert_rules(apps, schema_editor):
    Symptom = apps.get_model("library", "Symptom")
    AlertRule = apps.get_model("library", "AlertRule")
    for rule in AlertRule.objects.filter(drug=None):
        Symptom.objects.filter(pk=rule.symptom_id).update(alert_grade=rule.care_team_grade)


class Migration(migrations.Migration):

    dependencies = [
        ("library", "0003_alert_rules_warning_signs_glossary_votes"),
    ]

    operations = [
        migrations.RunPython(alert_rules_from_alert_grades, alert_grades_from_alert_rules),
    ]
