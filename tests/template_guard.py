"""A test-time guard: a template lookup that does not resolve fails the test that rendered it.

Django renders a lookup that does not resolve as "" and, inside ``{% if %}`` and ``{% for %}``,
as false or empty; ``{% if a and b %}`` even swallows any exception. That is how the trends
page showed "No days logged" for months: it read ``trends.buckets`` where the object has
``periods``, and neither the page nor pytest-django's ``--fail-on-template-vars`` (which works
through ``string_if_invalid``, never consulted by ``if`` and ``for``) noticed. So the guard
records every failed lookup at the one place all of them pass through,
``Variable._resolve_lookup``, with the template and line of the node being rendered, and
``tests/conftest.py`` fails the test if any was in one of the project's own templates (or in a
template a test built from a string).

The live server of the browser tests runs in another thread, so the record is one list for the
process, replaced around each test; tests do not run in parallel.
"""

import threading
from contextlib import contextmanager
from pathlib import Path

from django.template.base import UNKNOWN_SOURCE, Node, Variable, VariableDoesNotExist

# Lookups that are optional on purpose, as (template, lookup). Keep this short: every entry is a
# place where "not there" is a normal answer, not a misspelling.
ALLOWED = {
    # Include parameters: pages pass an extra class for the row of links, or ask for space
    # under it, only where their layout needs it.
    ("journal/includes/choice_links.html", "class"),
    ("journal/includes/choice_links.html", "spaced"),
    # An include parameter: the alert notice speaks to the patient unless a caregiver's page
    # passes the name of the patient whose care team it means.
    ("journal/includes/alert_notice.html", "who"),
    # Log-in and sign-up carry ?next= on to each other only when a page sent the visitor there.
    ("registration/login.html", "request.GET.next"),
    ("registration/signup.html", "request.GET.next"),
}

# The project's root: its own templates are under templates/ and <app>/templates/.
_ROOT = str(Path(__file__).resolve().parent.parent) + "/"
_original_resolve_lookup = Variable._resolve_lookup
_original_render_annotated = Node.render_annotated
# The node being rendered, per thread (the browser tests' live server renders in its own):
# it knows the template and line a lookup comes from, which the lookup itself does not.
_rendering = threading.local()
_misses: list[tuple[str, str, int]] | None = None


def _project_template(origin) -> str | None:
    """The project-relative name of a template, or None for another package's."""
    name = getattr(origin, "name", UNKNOWN_SOURCE)
    if name == UNKNOWN_SOURCE:
        return UNKNOWN_SOURCE
    installed = "/site-packages/" in name or "/.venv/" in name
    if name.startswith(_ROOT) and "/templates/" in name and not installed:
        return name.split("/templates/", 1)[1]
    return None


def _tracking_render_annotated(self, context):
    outer = getattr(_rendering, "node", None)
    _rendering.node = self
    try:
        return _original_render_annotated(self, context)
    finally:
        _rendering.node = outer


def _recording_resolve_lookup(self, context):
    try:
        return _original_resolve_lookup(self, context)
    except VariableDoesNotExist:
        node = getattr(_rendering, "node", None)
        if _misses is not None and node is not None:
            template = _project_template(node.origin)
            if template is not None and (template, self.var) not in ALLOWED:
                _misses.append((template, self.var, node.token.lineno))
        raise


def install():
    """Route template rendering and lookups through the recorder (once per process)."""
    Node.render_annotated = _tracking_render_annotated
    Variable._resolve_lookup = _recording_resolve_lookup


@contextmanager
def recording():
    """Collect the failed lookups rendered inside the block, as (template, lookup, line)."""
    global _misses
    outer, _misses = _misses, []
    try:
        yield _misses
    finally:
        _misses = outer


def describe(misses) -> str:
    unique = sorted(set(misses))
    lines = [f"  {template}:{line}: {{{{ {lookup} }}}}" for template, lookup, line in unique]
    return (
        "These template lookups did not resolve (a misspelt name, or an object without that "
        "attribute). Fix the template, or add the lookup to tests/template_guard.ALLOWED with "
        "the reason it is optional:\n" + "\n".join(lines)
    )
