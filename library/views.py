"""Public library pages: no login, only published entries, a fixed number of queries."""

from itertools import groupby

from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from library.forms import DrugFilterForm, LibrarySearchForm
from library.models import (
    CTCAE_SOURCE_SLUG,
    AlertRule,
    BodyArea,
    Drug,
    Entry,
    GlossaryTerm,
    Source,
    Symptom,
    by_relevance,
    relevance_sections,
    with_votes,
)


def _published_entries():
    return Entry.objects.published().select_related("source").prefetch_related("drugs")


@login_not_required
@require_safe
def index(request):
    form = LibrarySearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    symptoms = list(Symptom.objects.active())
    areas = dict(BodyArea.choices)
    ctx = {
        "form": form,
        "query": query,
        "symptom_groups": [
            (areas[area], list(group))
            for area, group in groupby(
                sorted(symptoms, key=lambda s: (list(areas).index(s.body_area), s.order)),
                key=lambda s: s.body_area,
            )
        ],
        "drugs": Drug.objects.all(),
    }
    if query:
        ctx["matching_symptoms"] = Symptom.objects.active().search(query)
        ctx["matching_entries"] = (
            _published_entries()
            .search(query)
            .prefetch_related(Prefetch("symptoms", queryset=Symptom.objects.active()))
            .guidance_first()
        )
    return render(request, "library/index.html", ctx)


@login_not_required
@require_safe
def symptom_detail(request, slug):
    symptom = get_object_or_404(
        Symptom.objects.active().prefetch_related(
            Prefetch("alert_rules", queryset=AlertRule.objects.select_related("drug", "source"))
        ),
        slug=slug,
    )
    drugs = list(Drug.objects.all())
    form = DrugFilterForm(request.GET or None, drugs=drugs)
    drug = form.cleaned_data["drug"] if form.is_valid() else None
    entries = with_votes(
        list(_published_entries().filter(symptoms=symptom)), drug=drug, reader=request.user
    )
    rule = symptom.alert_rule(drug)
    ctx = {
        "symptom": symptom,
        "form": form,
        "drug": drug,
        "rule": rule,
        "drug_rules": [r for r in symptom.alert_rules.all() if r.drug_id is not None],
        # Cited only beside a grade 4 that CTCAE defines.
        "ctcae": (
            Source.objects.filter(slug=CTCAE_SOURCE_SLUG).first()
            if symptom.ctcae_grade_4
            else None
        ),
        "sections": relevance_sections(entries, drug),
        "can_vote": request.user.is_authenticated,
        "vote_form": "",
        # Drugs that list this symptom among their common side effects.
        "symptom_drugs": symptom.drugs.all(),
    }
    return render(request, "library/symptom_detail.html", ctx)


@login_not_required
@require_safe
def drug_detail(request, slug):
    drug = get_object_or_404(
        Drug.objects.select_related("source").prefetch_related(
            "regimens",
            Prefetch("common_side_effects", queryset=Symptom.objects.active()),
            "warning_signs__source",
        ),
        slug=slug,
    )
    entries = with_votes(
        list(
            _published_entries()
            .filter(drugs=drug)
            .prefetch_related(Prefetch("symptoms", queryset=Symptom.objects.active()))
        ),
        drug=drug,
        reader=request.user,
    )
    how_to_take = [e for e in entries if not e.symptoms.all() and not e.is_research]
    ctx = {
        "drug": drug,
        "how_to_take": by_relevance(how_to_take, drug),
        "sections": relevance_sections([e for e in entries if e not in how_to_take], drug),
        "can_vote": request.user.is_authenticated,
        "vote_form": "",
    }
    return render(request, "library/drug_detail.html", ctx)


@login_not_required
@require_safe
def glossary(request):
    terms = GlossaryTerm.objects.select_related("source")
    return render(request, "library/glossary.html", {"terms": terms})


@login_not_required
@require_safe
def sources(request):
    ctx = {
        "sources": Source.objects.select_related("cites").prefetch_related(
            "cited_by",
            Prefetch(
                "entries",
                # Symptoms and drugs for each entry's link (get_absolute_url).
                queryset=Entry.objects.published()
                .prefetch_related("symptoms", "drugs")
                .order_by("title"),
            ),
        )
    }
    return render(request, "library/sources.html", ctx)
