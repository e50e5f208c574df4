"""Glossary words linked in library text: ``{{ entry.body|glossary_links|linebreaks }}``.

The terms are read once and kept in the cache until a curator (or the loader) changes one,
so a page with many entries does not query per entry.
"""

import re

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString

from library.models import GlossaryTerm

CACHE_KEY = "library:glossary-forms"


def glossary_forms() -> list[tuple[str, str, str]]:
    """(form, url, term) for every way a term is written, longest first."""

    def read():
        rows = [
            (form, term.get_absolute_url(), term.term)
            for term in GlossaryTerm.objects.all()
            for form in term.forms
        ]
        return sorted(rows, key=lambda row: len(row[0]), reverse=True)

    return cache.get_or_set(CACHE_KEY, read)


@receiver([post_save, post_delete], sender=GlossaryTerm)
def _forget_glossary(**kwargs):
    cache.delete(CACHE_KEY)


def link_glossary_terms(text: str) -> SafeString:
    """The text, escaped, with the first use of each glossary term linked to its meaning."""
    forms = glossary_forms()
    if not forms or not text:
        return conditional_escape(text)
    by_form = {form.lower(): (url, term) for form, url, term in forms}
    pattern = re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(form) for form, _, _ in forms) + r")(?![\w-])",
        re.IGNORECASE,
    )
    linked: set[str] = set()
    parts: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        url, term = by_form[match.group(1).lower()]
        if term in linked:
            continue
        linked.add(term)
        parts.append(text[position : match.start()])
        parts.append(
            format_html(
                '<a class="glossary-link" href="{}" title="What “{}” means">{}</a>',
                url,
                term,
                match.group(1),
            )
        )
        position = match.end()
    parts.append(text[position:])
    # Plain parts are escaped here; the links are already safe.
    return format_html_join("", "{}", ((part,) for part in parts))
