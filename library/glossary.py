"""Glossary words linked in library text: ``{{ entry.body|glossary_links|linebreaks }}``.

The terms are read once per change, not per entry: the cache holds a version that a change
to any term replaces, and each process keeps the words built for that version. A text once
linked is kept too (the day log links the same few dozen entries on every visit).
"""

import re
import time
from functools import lru_cache

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString

from library.models import GlossaryTerm

CACHE_KEY = "library:glossary-version"

# The words of one version: (version, pattern, per lower-case form its term's (url, term)).
_built: tuple[int | None, str, dict[str, tuple[str, str]]] = (None, "", {})


def glossary_words() -> tuple[str, dict[str, tuple[str, str]]]:
    """The pattern that finds any way a term is written (longest first, so "first-line" wins
    over "line"), and per form in lower case its term's (url, term)."""
    global _built
    version = cache.get_or_set(CACHE_KEY, time.time_ns)
    if _built[0] != version:
        by_form = {
            form.lower(): (term.get_absolute_url(), term.term)
            for term in GlossaryTerm.objects.all()
            for form in term.forms
        }
        forms = sorted(by_form, key=len, reverse=True)
        alternatives = "|".join(re.escape(form) for form in forms)
        pattern = rf"(?<![\w-])({alternatives})(?![\w-])" if forms else ""
        _built = (version, pattern, by_form)
    return _built[1], _built[2]


@receiver([post_save, post_delete], sender=GlossaryTerm)
def _forget_glossary(**kwargs):
    cache.delete(CACHE_KEY)


def link_glossary_terms(text: str) -> SafeString:
    """The text, escaped, with the first use of each glossary term linked to its meaning."""
    pattern, _ = glossary_words()
    if not pattern or not text:
        return conditional_escape(text)
    return _linked(text, _built[0])


@lru_cache(maxsize=1024)
def _linked(text: str, version: int) -> SafeString:
    """``link_glossary_terms`` for the words of ``version``, which ``glossary_words`` has just
    built (keyed on it, a new version links afresh)."""
    _, pattern, by_form = _built
    linked: set[str] = set()
    parts: list[str] = []
    position = 0
    # re keeps the compiled pattern: the same source string compiles once per process.
    for match in re.finditer(pattern, text, re.IGNORECASE):
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
