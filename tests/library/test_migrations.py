"""Migration 0004 turns each symptom's alert grade into its rule for every drug, and keeps the
loader recognising the rows it wrote, so the next ``load_library`` updates them instead of
taking them for a curator's edits."""

import hashlib
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("library", "0002_library_curators_group")]
OLD_SYMPTOM_FIELDS = (
    "name",
    "aliases",
    "body_area",
    "description",
    "ctcae_term",
    "grade_1",
    "grade_2",
    "grade_3",
    "grade_4",
    "alert_grade",
    "order",
    "is_active",
)


def fingerprint(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_alert_grades_become_rules_and_loaded_rows_stay_the_loaders():
    old = migrate(BEFORE)
    Symptom = old.get_model("library", "Symptom")

    def symptom(slug, alert_grade):
        row = Symptom.objects.create(
            slug=slug,
            name=slug.capitalize(),
            aliases="",
            body_area="whole_body",
            description="Tired.",
            ctcae_term="Fatigue",
            grade_1="1",
            grade_2="2",
            grade_3="3",
            grade_4="4",
            alert_grade=alert_grade,
            order=1,
            is_active=True,
        )
        row.loaded_fingerprint = fingerprint({f: getattr(row, f) for f in OLD_SYMPTOM_FIELDS})
        return row

    loaders = symptom("fatigue", 2)
    loaders.save()
    edited = symptom("edited", 4)
    edited.description = "A curator's words."
    edited.save()

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    from library.models import AlertRule
    from library.models import Symptom as Current

    assert not Current.objects.get(slug="fatigue").is_curator_edited
    rule = AlertRule.objects.get(symptom__slug="fatigue")
    assert (rule.slug, rule.drug, rule.care_team_grade) == ("fatigue-any-drug", None, 2)
    assert not rule.is_curator_edited  # the loader will replace it with the sourced rule
    assert Current.objects.get(slug="edited").is_curator_edited
    kept = AlertRule.objects.get(symptom__slug="edited")
    assert kept.care_team_grade == 4 and kept.is_curator_edited
