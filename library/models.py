"""The reference catalogue: symptoms, drugs (with regimen presets), sources and entries.

Library content ships with the code (``library/content/*.json``) and is loaded by
``manage.py load_library``. Curators then keep it current in the admin; the loader's
fingerprint (below) is how it tells a curator's edit from its own last write.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Count, Q, Value, When, prefetch_related_objects
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


# CTCAE grade 4: "life-threatening consequences; urgent intervention indicated".
URGENT_GRADE = 4
# The source of the grades and of that definition, cited wherever the urgent level is.
CTCAE_SOURCE_SLUG = "ctcae-v5"


@lru_cache(maxsize=1024)
def symptom_url(slug: str) -> str:
    """A symptom's library page. Kept per slug: a day log links twenty symptoms, and
    reversing a URL costs more than the rest of the link."""
    return reverse("library:symptom", kwargs={"slug": slug})


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
        "ctcae_grade_4",
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
    ctcae_grade_4 = models.BooleanField(
        "CTCAE v5 defines a grade 4",
        default=False,
        help_text="CTCAE's grade 4 is life-threatening, with urgent intervention indicated: "
        'reporting it says "Get urgent help now". Without one, "very severe" is only the '
        "patient's word for worse than severe.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    objects = SymptomQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(body_area__in=BodyArea.values),
                name="library_symptom_body_area_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return symptom_url(self.slug)

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

    def alert_rule(self, drug=None) -> "AlertRule | None":
        """The drug's own rule for this symptom, else the rule for every drug (from the
        prefetched ``alert_rules`` when the caller fetched them)."""
        rules = list(self.alert_rules.all())
        own = [rule for rule in rules if drug is not None and rule.drug_id == drug.pk]
        general = [rule for rule in rules if rule.drug_id is None]
        return (own or general or [None])[0]

    @property
    def urgent_grade(self) -> int | None:
        """The grade that means "Get urgent help now": CTCAE's grade 4, where it has one."""
        return URGENT_GRADE if self.ctcae_grade_4 else None


class Drug(LoadedContent):
    LOADED_FIELDS = (
        "name",
        "brand_names",
        "how_it_works",
        "place_in_treatment",
        "line_of_treatment",
        "approved_for_gist",
        "order",
        "source",
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
    approved_for_gist = models.BooleanField(
        "approved for GIST",
        default=True,
        help_text="Off-label drugs are approved for other cancers and used for GIST by choice "
        "of the doctor.",
    )
    source = models.ForeignKey(
        "Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Where the doses, uses and side effects above come from: usually the label.",
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
        """Queries the source and side effects unless they were fetched with the drug."""
        content = super().loaded_content()
        content["source"] = self.source.slug if self.source_id else None
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
    LABEL = "label", "Drug label"
    GUIDELINE = "guideline", "Guideline or government"
    PATIENT_INFO = "patient_info", "Patient information from a cancer charity or hospital"
    TRIAL = "trial", "Clinical trial record"
    RESEARCH = "research", "Research abstracts"
    NEWS = "news", "News report"
    FORUM = "forum", "Patient forum"


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


# Votes are shown as a count only once this many patients on the drug have voted on the
# entry: fewer would say more about a handful of people than about the tip.
HELPFUL_COUNT_FLOOR = 5


@dataclass(frozen=True)
class HelpfulCount:
    helpful: int
    voters: int

    @property
    def is_shown(self) -> bool:
        return self.voters >= HELPFUL_COUNT_FLOOR


class EntryKind(models.TextChoices):
    GUIDANCE = "guidance", "Clinical guidance"
    TIP = "tip", "Patient tip"
    RESEARCH = "research", "Research summary"


class EntryStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class EntryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=EntryStatus.PUBLISHED)

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

    LOADED_FIELDS = ("title", "body", "kind", "studied_in", "status", "reviewed_on", "source")

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    body = models.TextField(help_text="In our own words: facts carry over with the citation.")
    kind = models.CharField(max_length=16, choices=EntryKind, default=EntryKind.GUIDANCE)
    studied_in = models.CharField(
        max_length=100,
        blank=True,
        help_text='For research about people with another illness, which: "liver cancer". '
        "Shown with the entry so nobody takes it as advice for GIST.",
    )
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

    # Until ``with_votes`` gives the entry its own: no votes counted, none by the reader.
    helpful = HelpfulCount(helpful=0, voters=0)
    my_vote: bool | None = None

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

    @property
    def is_research(self) -> bool:
        return self.kind == EntryKind.RESEARCH

    def is_about(self, drug) -> bool:
        """Whether the entry names this drug (its drugs are prefetched by every caller)."""
        return any(d.pk == drug.pk for d in self.drugs.all())

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


class Relevance(IntEnum):
    """The order of entries beside a symptom, for a patient on a given drug."""

    DRUG_GUIDANCE = 0  # clinical guidance about the patient's own drug
    GENERAL_GUIDANCE = 1  # clinical guidance about no drug in particular
    TIP = 2  # patients' experience: on the same drug, or on any drug
    OTHER_DRUG_TIP = 3  # practical tips often carry over between drugs of one class
    OTHER_DRUG_GUIDANCE = 4  # a label's advice may not: last of what is advice
    RESEARCH = 5  # a study's findings, never advice

    @classmethod
    def of(cls, entry: Entry, drug) -> "Relevance":
        """Queries the entry's drugs unless they were prefetched."""
        names_drug = drug is not None and entry.is_about(drug)
        general = not entry.drugs.all() or drug is None
        if entry.is_research:
            return cls.RESEARCH
        if entry.is_tip:
            return cls.TIP if names_drug or general else cls.OTHER_DRUG_TIP
        if names_drug:
            return cls.DRUG_GUIDANCE
        return cls.GENERAL_GUIDANCE if general else cls.OTHER_DRUG_GUIDANCE


@dataclass(eq=False)
class EntrySection:
    """Entries of one relevance on a library page, under a heading that says what they are."""

    heading: str
    intro: str
    entries: list


def relevance_sections(entries: Iterable[Entry], drug) -> list[EntrySection]:
    """Entries in ``by_relevance`` order, grouped under headings; empty groups left out."""
    drug_name = str(drug) if drug is not None else ""
    tips = EntrySection(
        "Patient tips",
        "What other patients found helped them. Personal experience, not medical advice.",
        [],
    )
    sections = {
        Relevance.DRUG_GUIDANCE: EntrySection(
            f"Clinical guidance for {drug_name}",
            "From the drug's label, guidelines and cancer charities, each with its source.",
            [],
        ),
        Relevance.GENERAL_GUIDANCE: EntrySection(
            "Clinical guidance" if drug is None else "Clinical guidance for any drug",
            "From labels, guidelines and cancer charities, each with its source.",
            [],
        ),
        Relevance.TIP: tips,
        Relevance.OTHER_DRUG_TIP: tips,
        Relevance.OTHER_DRUG_GUIDANCE: EntrySection(
            "Clinical guidance about other drugs",
            "Written for another drug: ask your team whether it applies to yours.",
            [],
        ),
        Relevance.RESEARCH: EntrySection(
            "Research summaries",
            "What studies found in groups of people. Not advice, and not a forecast for you; "
            "some studies were in other cancers.",
            [],
        ),
    }
    for entry in by_relevance(entries, drug):
        sections[Relevance.of(entry, drug)].entries.append(entry)
    in_order = [sections[relevance] for relevance in sorted(sections)]
    return [section for section in dict.fromkeys(in_order) if section.entries]


def by_relevance(entries: Iterable[Entry], drug) -> list[Entry]:
    """Entries in the order a patient on ``drug`` reads them: their drug's guidance, general
    guidance, tips (those most patients on the drug found helpful first), then research.
    Within a rank, entries given votes by ``with_votes`` are ordered by them."""
    return sorted(
        entries,
        key=lambda entry: (
            Relevance.of(entry, drug),
            -entry.helpful.helpful,
            entry.title,
        ),
    )


def with_votes(entries: list[Entry], *, drug, reader=None) -> list[Entry]:
    """Give each entry ``helpful`` (how patients on ``drug`` voted, a ``HelpfulCount``) and ``my_vote`` (the reader's own: True, False or None). Two queries at most."""
    counts = HelpfulVote.objects.counts_on(drug) if drug is not None else {}
    mine = {}
    if reader is not None and reader.is_authenticated:
        mine = dict(
            HelpfulVote.objects.filter(
                patient=reader, entry__in=[entry.pk for entry in entries]
            ).values_list("entry_id", "helpful")
        )
    for entry in entries:
        entry.helpful = counts.get(entry.pk, Entry.helpful)
        entry.my_vote = mine.get(entry.pk)
    return entries


# How many entries sit beside one symptom on the day log.
GUIDANCE_PER_SYMPTOM = 3


def _guidance_links(ids):
    """Links of symptoms to what the day log offers beside them: published guidance and tips."""
    return Entry.symptoms.through.objects.filter(
        symptom_id__in=ids,
        entry__in=Entry.objects.published().exclude(kind=EntryKind.RESEARCH).values("pk"),
    )


def guidance_counts(symptoms: Iterable) -> dict[int, int]:
    """How many entries ``guidance_for`` gives each symptom, in one query and without building
    them: the day log says "What helps (3)" and loads the entries only when opened."""
    ids = [getattr(symptom, "pk", symptom) for symptom in symptoms]
    counts = dict.fromkeys(ids, 0)
    rows = _guidance_links(ids).values("symptom_id").annotate(entries=Count("pk"))
    for row in rows:
        counts[row["symptom_id"]] = min(row["entries"], GUIDANCE_PER_SYMPTOM)
    return counts


def guidance_for(symptoms: Iterable, drug, reader=None) -> dict[int, list[Entry]]:
    """What helps, beside each symptom on the day log: published guidance and tips in order
    of relevance (``by_relevance``), at most ``GUIDANCE_PER_SYMPTOM`` each, with votes
    (``with_votes``). Research stays on the symptom's page: it describes what happened to
    groups of people, it is not advice.

    ``symptoms`` may hold Symptom objects or ids; every one gets a key, possibly with an empty
    list. Five queries at most for all the symptoms, whatever their number.
    """
    ids = [getattr(symptom, "pk", symptom) for symptom in symptoms]
    result: dict[int, list[Entry]] = {symptom_id: [] for symptom_id in ids}
    if not ids:
        return result
    links = _guidance_links(ids).select_related("entry__source")
    grouped: dict[int, list[Entry]] = defaultdict(list)
    for link in links:
        grouped[link.symptom_id].append(link.entry)
    every = [entry for group in grouped.values() for entry in group]
    prefetch_related_objects(every, "drugs")
    with_votes(every, drug=drug, reader=reader)
    for symptom_id, entries in grouped.items():
        result[symptom_id] = by_relevance(entries, drug)[:GUIDANCE_PER_SYMPTOM]
    return result


class AlertRule(LoadedContent):
    """From which grade of a symptom the journal says "Contact your care team today".

    One rule per symptom applies to every drug; a drug's own rule replaces it where that
    drug's label or a guideline sets a different point. Each rule says where it comes from.
    """

    LOADED_FIELDS = ("symptom", "drug", "care_team_grade", "source", "basis")

    slug = models.SlugField(max_length=100, unique=True)
    symptom = models.ForeignKey(Symptom, on_delete=models.CASCADE, related_name="alert_rules")
    drug = models.ForeignKey(
        Drug,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_rules",
        help_text="Empty: the rule for every drug without a rule of its own.",
    )
    care_team_grade = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text='From this grade the journal says "Contact your care team today".',
    )
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alert_rules",
        help_text="Empty when no source sets this point: then say why in the basis.",
    )
    basis = models.TextField(
        help_text="What the source says, in plain words; without a source, that this is the "
        "app's cautious default, and why."
    )

    class Meta:
        ordering = ["symptom__order", "drug__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["symptom"],
                condition=Q(drug__isnull=True),
                name="library_alertrule_one_general_per_symptom",
            ),
            models.UniqueConstraint(
                fields=["symptom", "drug"], name="library_alertrule_one_per_symptom_and_drug"
            ),
            models.CheckConstraint(
                condition=Q(care_team_grade__gte=1, care_team_grade__lte=4),
                name="library_alertrule_grade_1_to_4",
            ),
        ]

    def __str__(self):
        who = f"on {self.drug}" if self.drug_id else "on any drug"
        return f"{self.symptom} {who}: call from grade {self.care_team_grade}"

    def loaded_content(self) -> dict:
        """Queries symptom, drug and source unless they were fetched with the rule."""
        content = super().loaded_content()
        content["symptom"] = self.symptom.slug
        content["drug"] = self.drug.slug if self.drug_id else None
        content["source"] = self.source.slug if self.source_id else None
        return content


class WarningSignQuerySet(models.QuerySet):
    def for_drugs(self, drugs: Iterable):
        """Signs in the labels of these drugs (a queryset of drug ids stays a subquery), and
        signs that apply to every drug (``WarningSign.applies_to`` says the same of one)."""
        drugs = drugs if isinstance(drugs, models.QuerySet) else list(drugs)
        return self.filter(Q(drug__in=drugs) | Q(drug=None))


class WarningSign(LoadedContent):
    """A sign that needs urgent help, from a drug's label: the day log's warning-signs check."""

    LOADED_FIELDS = ("drug", "text", "source", "order")

    slug = models.SlugField(max_length=100, unique=True)
    drug = models.ForeignKey(
        Drug,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="warning_signs",
        help_text="Empty: a sign for every drug.",
    )
    text = models.CharField(max_length=200, help_text="Short plain words a patient ticks.")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="warning_signs")
    order = models.PositiveSmallIntegerField(default=0)

    objects = WarningSignQuerySet.as_manager()

    class Meta:
        ordering = ["drug__order", "order", "text"]

    def __str__(self):
        return self.text

    def applies_to(self, drug_id: int | None) -> bool:
        """In the label of that drug, or for every drug: ``for_drugs`` in Python, for a page
        that reads the library's kept signs (``library.cache.kept_warning_signs``)."""
        return self.drug_id is None or (drug_id is not None and self.drug_id == drug_id)

    def loaded_content(self) -> dict:
        content = super().loaded_content()
        content["drug"] = self.drug.slug if self.drug_id else None
        content["source"] = self.source.slug
        return content


class GlossaryTerm(LoadedContent):
    """A word the library uses, explained: linked wherever it appears in entries."""

    LOADED_FIELDS = ("term", "aliases", "definition", "source")

    slug = models.SlugField(max_length=100, unique=True)
    term = models.CharField(max_length=100)
    aliases = models.CharField(
        max_length=300, blank=True, help_text="Other forms to link, separated by commas."
    )
    definition = models.TextField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="glossary_terms")

    class Meta:
        ordering = ["term"]

    def __str__(self):
        return self.term

    def get_absolute_url(self):
        return reverse("library:glossary") + f"#term-{self.slug}"

    @property
    def forms(self) -> list[str]:
        """The term and its other forms, as written."""
        forms = [self.term, *(alias.strip() for alias in self.aliases.split(","))]
        return [form for form in forms if form]

    def loaded_content(self) -> dict:
        content = super().loaded_content()
        content["source"] = self.source.slug
        return content


class HelpfulVoteQuerySet(models.QuerySet):
    def counts_on(self, drug) -> dict[int, "HelpfulCount"]:
        """Per entry, how patients on ``drug`` voted (one query): what ordering and the
        "found this helpful" line are built from."""
        rows = (
            self.filter(drug=drug)
            .values("entry_id")
            .annotate(helpful=Count("pk", filter=Q(helpful=True)), voters=Count("pk"))
        )
        return {
            row["entry_id"]: HelpfulCount(helpful=row["helpful"], voters=row["voters"])
            for row in rows
        }


class HelpfulVote(models.Model):
    """A patient's "this helped me" (or not) on an entry: one per patient and entry.

    ``drug`` is the patient's drug when they voted, so that tips are ordered by what helped
    patients on the reader's drug. Never shown to caregivers; deleted with the account.
    """

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helpful_votes"
    )
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="votes")
    drug = models.ForeignKey(
        Drug, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    helpful = models.BooleanField()
    voted_at = models.DateTimeField(auto_now=True)

    objects = HelpfulVoteQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "entry"], name="library_helpfulvote_one_per_patient"
            ),
        ]

    def __str__(self):
        return f"{self.entry}: {'helped' if self.helpful else 'did not help'}"


class LibraryVersion(models.Model):
    """What the library's per-process caches are keyed on (``library.cache``): one row, whose
    token changes whenever the library does (a curator's save in the admin, a delete, a
    ``load_library`` run). Kept in the database, not a process's memory, so that every
    worker sees a change on its next request."""

    token = models.CharField(max_length=32)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="library_version_one_row")]

    def __str__(self):
        return self.token
