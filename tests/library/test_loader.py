import json
import shutil

import pytest
from django.contrib.auth.models import Group

from library.management.commands.load_library import CONTENT_DIR, LOADED_MODELS
from library.models import (
    AlertRule,
    Drug,
    Entry,
    RegimenPreset,
    Source,
    Symptom,
)
from tests.conftest import load_library

SYMPTOM_SLUGS = {
    "hand-foot-syndrome",
    "high-blood-pressure",
    "headache",
    "cognitive-fog",
    "fatigue",
    "diarrhoea",
    "mouth-sores",
    "skin-rash",
    "eye-bleeding",
    "joint-muscle-aches",
    "nausea",
    "swelling",
    "muscle-cramps",
    "hair-changes",
    "voice-change",
    "vomiting",
    "taste-change",
    "appetite-loss",
    "watery-eyes",
    "skin-colour-change",
}
DRUG_SLUGS = {
    "imatinib",
    "sunitinib",
    "regorafenib",
    "sorafenib",
    "ripretinib",
    "avapritinib",
    "nilotinib",
    "dasatinib",
    "pazopanib",
    "axitinib",
}


def row_counts():
    return [m.objects.count() for m in LOADED_MODELS]


def shipped(folder: str) -> list[dict]:
    return [row for path in (CONTENT_DIR / folder).glob("*.json") for row in read(path)]


def read(path):
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def content_dir(tmp_path):
    """A copy of the shipped content that a test may change, as a new release would."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def rewrite(content_dir, name, change):
    """Change the rows of ``<folder>/<file>.json`` in the copy, by slug."""
    path = content_dir / f"{name}.json"
    rows = read(path)
    change({row["slug"]: row for row in rows})
    path.write_text(json.dumps(rows))


def test_loader_creates_the_whole_catalogue(db):
    output = load_library()

    assert set(Symptom.objects.values_list("slug", flat=True)) >= SYMPTOM_SLUGS
    assert set(Drug.objects.values_list("slug", flat=True)) == DRUG_SLUGS
    assert Source.objects.count() == len(shipped("sources"))
    assert Entry.objects.published().count() == Entry.objects.count() == len(shipped("entries"))
    assert f"Symptoms: {len(SYMPTOM_SLUGS)} created" in output
    # Every symptom has all four grades in words and a rule for every drug.
    for symptom in Symptom.objects.all():
        assert all(meaning for _, meaning in symptom.grade_meanings())
        assert symptom.alert_rule(None) is not None


def test_loader_ships_the_regimen_presets(db):
    load_library()
    presets = {str(regimen) for regimen in RegimenPreset.objects.select_related("drug")}
    assert presets >= {
        "Imatinib 400 mg once daily, every day",
        "Imatinib 400 mg twice daily, every day",
        "Sunitinib 50 mg once daily, 4 weeks on, 2 weeks off",
        "Sunitinib 37.5 mg once daily, every day",
        "Regorafenib 160 mg once daily, 3 weeks on, 1 week off",
        "Sorafenib 400 mg twice daily, every day",
        "Ripretinib 150 mg once daily, every day",
        "Avapritinib 300 mg once daily, every day",
        "Dasatinib 100 mg once daily, every day",
        "Pazopanib 800 mg once daily, every day",
        "Axitinib 5 mg twice daily, every day",
    }


def test_every_entry_has_a_source_and_something_to_apply_to(db):
    load_library()
    assert Entry.objects.publishable().count() == Entry.objects.count()


def test_forum_source_cites_the_news_report_it_quotes(db):
    load_library()
    forum = Source.objects.get(slug="gist-support-wiki-sorafenib")
    assert forum.cites.publisher.startswith("Medscape")


def test_nurse_line_entry_warns_it_may_be_out_of_date(db):
    load_library()
    entry = Entry.objects.get(slug="sorafenib-nurse-phone-lines")
    assert "1-877-322-4448" in entry.body
    assert "may be out of date" in entry.title


def test_loading_twice_creates_nothing_new(db):
    load_library()
    before = row_counts()

    output = load_library()

    assert row_counts() == before
    assert "0 created" in output and "0 updated" in output
    assert f"Entries: 0 created, 0 updated, {len(shipped('entries'))} unchanged" in output


def test_curator_edit_survives_a_reload(db):
    load_library()
    entry = Entry.objects.get(slug="sore-feet-gel-insoles-thick-socks")
    entry.body = "Curator's better wording."
    entry.save()
    symptom = Symptom.objects.get(slug="fatigue")
    symptom.description = "Curator's description."
    symptom.save()
    rule = AlertRule.objects.get(slug="fatigue-any-drug")
    rule.care_team_grade = 2
    rule.save()

    output = load_library()

    entry.refresh_from_db()
    symptom.refresh_from_db()
    rule.refresh_from_db()
    assert entry.body == "Curator's better wording."
    assert symptom.description == "Curator's description."
    assert rule.care_team_grade == 2
    assert "left alone entry sore-feet-gel-insoles-thick-socks: edited by a curator" in output
    assert "left alone symptom fatigue" in output
    assert "left alone alert rule fatigue-any-drug" in output


def test_curator_change_to_links_survives_a_reload(db):
    load_library()
    entry = Entry.objects.get(slug="sore-feet-gel-insoles-thick-socks")
    entry.drugs.clear()

    load_library()

    assert not entry.drugs.exists()


def test_curator_unpublishing_survives_a_reload(db):
    load_library()
    Entry.objects.filter(slug="sorafenib-kidney-function").update(status="draft")

    load_library()

    assert Entry.objects.get(slug="sorafenib-kidney-function").status == "draft"


def test_new_release_updates_rows_nobody_edited(db, content_dir):
    load_library()
    Entry.objects.filter(slug="imatinib-no-treatment-holidays").update(title="Curator title")

    def change(rows):
        rows["imatinib-dose-raised-to-800"]["body"] = "Corrected wording."
        rows["imatinib-no-treatment-holidays"]["body"] = "Shipped change."

    rewrite(content_dir, "entries/seeds", change)

    output = load_library(content_dir=content_dir)

    assert Entry.objects.get(slug="imatinib-dose-raised-to-800").body == "Corrected wording."
    untouched = Entry.objects.get(slug="imatinib-no-treatment-holidays")
    assert untouched.title == "Curator title" and untouched.body != "Shipped change."
    assert "updated entry imatinib-dose-raised-to-800" in output
    # The update is stamped: a third run sees nothing to do.
    unchanged = len(shipped("entries")) - 1
    assert f"Entries: 0 created, 0 updated, {unchanged} unchanged, 1 left alone." in load_library(
        content_dir=content_dir
    )


def test_new_release_adds_new_entries(db, content_dir):
    load_library()
    path = content_dir / "entries" / "seeds.json"
    rows = read(path)
    rows.append({**rows[0], "slug": "a-new-entry", "title": "A new entry"})
    path.write_text(json.dumps(rows))

    output = load_library(content_dir=content_dir)

    assert Entry.objects.filter(slug="a-new-entry").exists()
    assert "Entries: 1 created" in output


def test_row_a_curator_created_with_a_shipped_slug_is_left_alone(db):
    Source.objects.create(
        slug="cancerindex-sorafenib", title="Mine", publisher="Me", kind="research"
    )

    load_library()

    assert Source.objects.get(slug="cancerindex-sorafenib").title == "Mine"


def test_loader_recreates_the_curators_group_if_missing(db):
    Group.objects.filter(name="Library curators").delete()

    output = load_library()

    assert Group.objects.get(name="Library curators").permissions.exists()
    assert "Library curators" in output
