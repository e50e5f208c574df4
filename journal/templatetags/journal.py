"""Journal pieces for templates: ``{% load journal %}``."""

from django import template

from journal.models import Grade

register = template.Library()

# Colour always comes with the word (or the number and a legend): never colour alone.
GRADE_CLASSES = {
    0: "text-bg-light border",
    1: "text-bg-success",
    2: "text-bg-warning",
    3: "text-bg-danger",
    4: "text-bg-dark",
}


@register.filter
def grade_word(grade) -> str:
    try:
        return Grade(int(grade)).label
    except (TypeError, ValueError):
        return "Not recorded"


@register.filter
def grade_class(grade) -> str:
    try:
        return GRADE_CLASSES[int(grade)]
    except (TypeError, ValueError, KeyError):
        return "text-bg-light border"


@register.inclusion_tag("journal/includes/grade_badge.html")
def grade_badge(grade):
    return {"grade": grade, "word": grade_word(grade), "css": grade_class(grade)}
