"""The reference catalogue: symptoms, drugs (with regimen presets), sources and entries.

Library content ships with the code (``library/content/*.json``) and is loaded by
``manage.py load_library``. Curators then keep it current in the admin; the loader's
fingerprint (below) is how it tells a curator's edit from its own last write.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When, prefetch_related_objects
from django.urls import reverse

from library.formatting import dose_label, schedule_label


class LoadedContent(models.Model):
    """A row the loader may have written.

    ``loaded_fingerprint`` is a hash of ``loaded_content()`` as the loader last saved it. When
    the row no longer hashes to it, somebody (a curator) changed it since, and the loader must
    leave it alone. Rows a curator created themselves have no fingerprint and count as edited.
    """

    LOADED_FIELDS: tuple[str, ...] = ()

    loaded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True

    def loaded_content(self) -> dict:
        return {name: getattr(self, name) for name in self.LOADED_FIELDS}

    def content_fingerprint(self) -> str:
        payload = json.dumps(self.loaded_content(), sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()

    @property
    def is_curator_edited(self) -> bool:
        return self.loaded_fingerprint != self.content_fingerprint()


class BodyArea(models.TextChoices):
    SKIN = "skin", "Skin, hands and feet"
    HEART = "heart", "Heart and circulation"
    HEAD = "head", "Head and mind"
    EYES = "eyes", "Eyes"
    GUT = "gut", "Mouth, stomach and bowel"
    MUSCLES = "muscles", "Muscles and joints"
    WHOLE_BODY = "whole_body", "Whole body"


class SymptomQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def search(self, text: str):
        return self.filter(
            Q(name__icontains=text) | Q(aliases__icontains=text) | Q(description__icontains=text)
        )


class Symptom(LoadedContent):
    LOADED_FIELDS = (
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

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    aliases = models.TextField(
        blank=True, help_text="Other names people use, separated by commas. Shown and searched."
    )
    body_area = models.CharField(max_length=16, choices=BodyArea)
    description = models.TextField(help_text="What it is, in plain words.")
    ctcae_term = models.CharField("CTCAE term", max_length=200)
    grade_1 = models.TextField("grade 1 (mild)")
    grade_2 = models.TextField("grade 2 (moderate)")
    grade_3 = models.TextField("grade 3 (severe)")
    grade_4 = models.TextField("grade 4 (very severe)")
    alert_grade = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text='From this grade the journal says "contact your care team today".',
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    objects = SymptomQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(alert_grade__gte=1) & Q(alert_grade__lte=4),
                name="library_symptom_alert_grade_1_to_4",
            ),
            models.CheckConstraint(
                condition=Q(body_area__in=BodyArea.values),
                name="library_symptom_body_area_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("library:symptom", kwargs={"slug": self.slug})

    @property
    def alias_list(self) -> list[str]:
        return [alias.strip() for alias in self.aliases.split(",") if alias.strip()]

    def grade_meaning(self, grade: int) -> str:
        """Plain-language meaning of a grade; "None" for 0 and "" outside 0-4."""
        if grade == 0:
            return "None"
        if grade in (1, 2, 3, 4):
            return getattr(self, f"grade_{grade}")
        return ""

    def grade_meanings(self) -> list[tuple[int, str]]:
        return [(grade, self.grade_meaning(grade)) for grade in (1, 2, 3, 4)]

    @property
    def alert_meaning(self) -> str:
        return self.grade_meaning(self.alert_grade)

    def needs_alert(self, grade: int | None) -> bool:
        return grade is not None and grade >= self.alert_grade


class Drug(LoadedContent):
    LOADED_FIELDS = (
        "name",
        "brand_names",
        "how_it_works",
        "place_in_treatment",
        "line_of_treatment",
        "order",
        "common_side_effects",
    )

    name = models.CharField(max_length=100, help_text="Generic name, lower case.")
    slug = models.SlugField(max_length=100, unique=True)
    brand_names = models.CharField(max_length=200, blank=True)
    how_it_works = models.TextField(help_text="One line, plain words.")
    place_in_treatment = models.TextField(blank=True)
    line_of_treatment = models.PositiveSmallIntegerField(
        default=1, help_text="Usual line in GIST treatment; used for ordering."
    )
    common_side_effects = models.ManyToManyField(Symptom, blank=True, related_name="drugs")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        # Curated order: the usual sequence, with avapritinib (first line for PDGFRA D842V only)
        # after the others.
        ordering = ["order", "line_of_treatment", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(line_of_treatment__gte=1), name="library_drug_line_at_least_1"
            ),
        ]

    def __str__(self):
        return self.name.capitalize()

    def get_absolute_url(self):
        return reverse("library:drug", kwargs={"slug": self.slug})

    def loaded_content(self) -> dict:
        """Queries the side effects unless they were prefetched."""
        content = super().loaded_content()
        content["common_side_effects"] = sorted(s.slug for s in self.common_side_effects.all())
        return content


class RegimenPreset(models.Model):
    """A common way of taking a drug, offered as a preset by the journal's treatment form."""

    drug = models.ForeignKey(Drug, on_delete=models.CASCADE, related_name="regimens")
    label = models.CharField(max_length=100, help_text='e.g. "Standard starting dose".')
    dose_mg = models.DecimalField("dose (mg per intake)", max_digits=7, decimal_places=2)
    intakes_per_day = models.PositiveSmallIntegerField(default=1)
    days_on = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave both empty for a continuous schedule."
    )
    days_off = models.PositiveSmallIntegerField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["drug__order", "order", "dose_mg"]
        constraints = [
            models.UniqueConstraint(
                fields=["drug", "label"], name="library_regimen_label_unique_per_drug"
            ),
            models.CheckConstraint(
                condition=Q(dose_mg__gt=0), name="library_regimen_dose_positive"
            ),
            models.CheckConstraint(
                condition=Q(intakes_per_day__gte=1), name="library_regimen_intakes_at_least_1"
            ),
            models.CheckConstraint(
                # The isnull=False terms matter: "NULL > 0" is unknown, which a CHECK lets pass.
                condition=Q(days_on__isnull=True, days_off__isnull=True)
                | Q(days_on__isnull=False, days_off__isnull=False, days_on__gt=0, days_off__gt=0),
                name="library_regimen_schedule_continuous_or_cycled",
            ),
        ]

    def __str__(self):
        return f"{self.dose_label}, {self.schedule_label}"

    def get_absolute_url(self):
        return self.drug.get_absolute_url()

    def clean(self):
        if (self.days_on is None) != (self.days_off is None):
            raise ValidationError(
                "Give both days on and days off, or leave both empty for a continuous schedule."
            )

    @property
    def is_continuous(self) -> bool:
        return self.days_on is None and self.days_off is None

    @property
    def total_daily_mg(self) -> Decimal:
        return self.dose_mg * self.intakes_per_day

    @property
    def dose_label(self) -> str:
        return dose_label(self.drug.name, self.dose_mg, self.intakes_per_day)

    @property
    def schedule_label(self) -> str:
        return schedule_label(self.days_on, self.days_off)


class SourceKind(models.TextChoices):
    FORUM = "forum", "Patient forum"
    NEWS = "news", "News report"
    GUIDELINE = "guideline", "Guideline or government"
    TRIAL = "trial", "Clinical trial record"
    RESEARCH = "research", "Research abstracts"


class Source(LoadedContent):
    LOADED_FIELDS = (
        "title",
        "publisher",
        "kind",
        "url",
        "published_on",
        "reviewed_on",
        "cites",
        "note",
    )

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100, unique=True)
    publisher = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=SourceKind)
    url = models.URLField("URL", max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True)
    reviewed_on = models.DateField("last reviewed by the publisher", null=True, blank=True)
    cites = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cited_by",
        help_text="The source this one quotes, e.g. the news report a forum page reproduces.",
    )
    note = models.TextField(blank=True, help_text="What it is and how far to trust it.")

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values), name="library_source_kind_valid"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("library:sources") + f"#source-{self.slug}"

    def loaded_content(self) -> dict:
        content = super().loaded_content()
        # Compare by natural key, without fetching the cited row.
        content["cites"] = self.cites_id and Source.objects.values_list("slug", flat=True).get(
            pk=self.cites_id
        )
        return content


class EntryKind(models.TextChoices):
    GUIDANCE = "guidance", "Clinical guidance"
    TIP = "tip", "Patient tip"


class EntryStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class EntryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=EntryStatus.PUBLISHED)

    def for_drug(self, drug):
        """Entries about this drug, or about no drug in particular (which apply to all)."""
        return self.filter(Q(drugs=drug) | Q(drugs=None)).distinct()

    def for_symptom(self, symptom, drug=None):
        qs = self.filter(symptoms=symptom)
        if drug is not None:
            qs = qs.filter(pk__in=Entry.objects.for_drug(drug).values("pk"))
        return qs

    def guidance_first(self):
        return self.alias(
            kind_rank=Case(When(kind=EntryKind.GUIDANCE, then=Value(0)), default=Value(1))
        ).order_by("kind_rank", "title")

    def search(self, text: str):
        return self.filter(Q(title__icontains=text) | Q(body__icontains=text))

    def publishable(self):
        """Entries that may be published: a source and at least one symptom or drug."""
        return (
            self.filter(source__isnull=False)
            .filter(Q(symptoms__isnull=False) | Q(drugs__isnull=False))
            .distinct()
        )


class Entry(LoadedContent):
    """One fact or tip, in our own words, with the source it comes from."""

    LOADED_FIELDS = ("title", "body", "kind", "status", "reviewed_on", "source")

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    body = models.TextField(help_text="In our own words: facts carry over with the citation.")
    kind = models.CharField(max_length=16, choices=EntryKind, default=EntryKind.GUIDANCE)
    # Nullable so a draft can be written before its source is chosen; publishing needs one.
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    symptoms = models.ManyToManyField(Symptom, blank=True, related_name="entries")
    drugs = models.ManyToManyField(
        Drug, blank=True, related_name="entries", help_text="None means it applies to all drugs."
    )
    status = models.CharField(max_length=16, choices=EntryStatus, default=EntryStatus.DRAFT)
    reviewed_on = models.DateField("last reviewed by us", null=True, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "entries"
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EntryKind.values), name="library_entry_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=EntryStatus.values), name="library_entry_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=EntryStatus.PUBLISHED) | Q(source__isnull=False),
                name="library_entry_published_has_source",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        """The first symptom's page, else the first drug's (queries unless prefetched)."""
        symptoms = list(self.symptoms.all())
        if symptoms:
            return f"{symptoms[0].get_absolute_url()}#entry-{self.slug}"
        drugs = list(self.drugs.all())
        if drugs:
            return f"{drugs[0].get_absolute_url()}#entry-{self.slug}"
        return reverse("library:index")

    @property
    def is_tip(self) -> bool:
        return self.kind == EntryKind.TIP

    def loaded_content(self) -> dict:
        """Queries source, symptoms and drugs unless they were fetched with the entry."""
        content = super().loaded_content()
        content["source"] = self.source.slug if self.source_id else None
        content["symptoms"] = sorted(s.slug for s in self.symptoms.all())
        content["drugs"] = sorted(d.slug for d in self.drugs.all())
        return content

    def clean(self):
        if self.status == EntryStatus.PUBLISHED and not self.source_id:
            raise ValidationError({"source": "A published entry needs a source."})

    @staticmethod
    def publishing_errors(*, status, source, symptoms, drugs) -> dict[str, str]:
        """The rule for publishing, for forms that hold the many-to-many values being saved."""
        if status != EntryStatus.PUBLISHED:
            return {}
        errors = {}
        if source is None:
            errors["source"] = "A published entry needs a source."
        if not symptoms and not drugs:
            errors["symptoms"] = "A published entry needs at least one symptom or drug."
        return errors


def entries_by_symptom(
    symptoms: Iterable, drug=None, limit: int | None = 3
) -> dict[int, list[Entry]]:
    """Published entries for many symptoms at once, clinical guidance first, in one query.

    ``symptoms`` may hold Symptom objects or ids; every one gets a key, possibly with an empty
    list. With ``drug``, entries about another drug are left out (entries about no drug stay).
    Each entry comes with its source and its drugs (two queries in all), so a page can say
    which drug an entry is about.
    """
    ids = [getattr(symptom, "pk", symptom) for symptom in symptoms]
    result: dict[int, list[Entry]] = {symptom_id: [] for symptom_id in ids}
    if not ids:
        return result
    entries = Entry.objects.published()
    if drug is not None:
        entries = entries.for_drug(drug)
    links = (
        Entry.symptoms.through.objects.filter(symptom_id__in=ids, entry__in=entries.values("pk"))
        .select_related("entry__source")
        .alias(
            kind_rank=Case(When(entry__kind=EntryKind.GUIDANCE, then=Value(0)), default=Value(1))
        )
        .order_by("symptom_id", "kind_rank", "entry__title")
    )
    grouped: dict[int, list[Entry]] = defaultdict(list)
    for link in links:
        grouped[link.symptom_id].append(link.entry)
    prefetch_related_objects([e for group in grouped.values() for e in group], "drugs")
    for symptom_id, symptom_entries in grouped.items():
        result[symptom_id] = symptom_entries[:limit] if limit is not None else symptom_entries
    return result


# How many entries sit beside one symptom on the day log.
GUIDANCE_PER_SYMPTOM = 3


def guidance_for(symptoms, drug) -> dict[int, list[Entry]]:
    """The library's entries beside each symptom: first those for the current drug (or for
    no drug in particular), topped up with entries about other drugs, patient tips first.

    Practical tips (insoles, creams) carry over between drugs of one class; trial figures
    for another drug do not, so they come last. Two queries for all the symptoms.
    """
    if drug is None:
        return entries_by_symptom(symptoms, limit=GUIDANCE_PER_SYMPTOM)
    own = entries_by_symptom(symptoms, drug=drug, limit=GUIDANCE_PER_SYMPTOM)
    if all(len(entries) >= GUIDANCE_PER_SYMPTOM for entries in own.values()):
        return own
    every = entries_by_symptom(symptoms, limit=None)
    guidance = {}
    for symptom_id, entries in own.items():
        others = sorted(
            (entry for entry in every[symptom_id] if entry not in entries),
            key=lambda entry: not entry.is_tip,
        )
        guidance[symptom_id] = (entries + others)[:GUIDANCE_PER_SYMPTOM]
    return guidance
