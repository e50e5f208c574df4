"""Library pieces for other apps' templates: ``{% load library %}``."""

from django import template

from library.formatting import format_mg, format_number, formatted_date
from library.glossary import link_glossary_terms

register = template.Library()


@register.inclusion_tag("library/includes/symptom_guidance.html", takes_context=True)
def symptom_guidance(context, symptom, entries, drug=None):
    """A collapsed "What helps (n)" box for one symptom, for a reader on ``drug``.

    ``entries`` is the list for this symptom, or the whole dict returned by
    ``library.models.guidance_for`` (then this symptom's list is picked out of it).
    """
    if isinstance(entries, dict):
        entries = entries.get(symptom.pk, [])
    return {
        "symptom": symptom,
        "entries": list(entries or []),
        "drug": drug,
        "can_vote": context.get("can_vote", False),
        "vote_form": context.get("vote_form", ""),
        "request": context.get("request"),
    }


@register.filter
def grade_meaning(symptom, grade):
    """``{{ symptom|grade_meaning:report.grade }}``"""
    try:
        return symptom.grade_meaning(int(grade))
    except (TypeError, ValueError):
        return ""


@register.filter
def written_date(day, format_string="j M Y") -> str:
    """``{{ change.on|written_date }}``: "3 Mar 2025", as ``|date:"j M Y"`` writes it, but
    formatted once per process and date (``formatted_date``): the trends page of a long
    journal writes each treatment period's dates three times."""
    return formatted_date(day, format_string)


@register.filter
def mg(dose) -> str:
    """``{{ regimen.dose_mg|mg }}``: 37.50 -> "37.5", 400.00 -> "400"."""
    return format_mg(dose)


@register.filter
def number(value, places=1) -> str:
    """``{{ weight_kg|number }}``: 71.2000000000000 -> "71.2"; ``|number:0`` for whole numbers."""
    return format_number(value, int(places))


@register.filter
def glossary_links(text) -> str:
    """``{{ entry.body|glossary_links|linebreaks }}``: escaped, with glossary words linked."""
    return link_glossary_terms(text)
