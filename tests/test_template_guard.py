"""The template guard (tests/template_guard.py) catches what Django and pytest-django let pass."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Engine, Template
from django.template.base import Origin

from tests import conftest, template_guard

# The trends page's bug, as it was: the template read ``trends.buckets``; the object has
# ``periods``. Django rendered the empty branch without a word.
MISSPELT = (
    "{% if trends.buckets %}{% for period in trends.buckets %}{{ period }} {% endfor %}"
    "{% else %}No days logged during a treatment period in this range.{% endif %}"
)


@dataclass
class Trends:
    periods: list


def project_template(source: str, name: str = "journal/probe.html") -> Template:
    """A template that the guard sees as one of the project's own files."""
    origin = Origin(name=str(Path(settings.BASE_DIR) / "templates" / name), template_name=name)
    return Template(source, origin=origin, engine=Engine.get_default())


def test_django_alone_renders_the_misspelt_name_as_an_empty_table():
    with template_guard.recording():  # kept from this test's own guard: the point is Django's
        text = project_template(MISSPELT).render(Context({"trends": Trends(periods=["50 mg"])}))

    assert text == "No days logged during a treatment period in this range."


def test_string_if_invalid_is_never_consulted_by_if_and_for():
    """What pytest-django's --fail-on-template-vars relies on, and why it missed the bug."""
    engine = Engine(string_if_invalid="INVALID %s")
    with template_guard.recording():
        text = engine.from_string(MISSPELT).render(Context({"trends": Trends(periods=["50 mg"])}))

    assert "INVALID" not in text


def test_the_guard_records_the_misspelt_name_in_if_and_for():
    with template_guard.recording() as misses:
        project_template(MISSPELT).render(Context({"trends": Trends(periods=["50 mg"])}))
        project_template("\n{% for period in trends.buckets %}{% endfor %}").render(
            Context({"trends": Trends(periods=["50 mg"])})
        )

    assert misses == [
        ("journal/probe.html", "trends.buckets", 1),
        ("journal/probe.html", "trends.buckets", 2),
    ]


def test_the_guard_sees_through_and_or_which_swallow_every_exception():
    with template_guard.recording() as misses:
        project_template("{% if trends and trends.bukets %}x{% endif %}").render(
            Context({"trends": Trends(periods=[])})
        )

    assert misses == [("journal/probe.html", "trends.bukets", 1)]


def test_a_test_that_renders_a_misspelt_name_fails_with_the_name_and_template():
    """Drive the per-test hook of tests/conftest.py as pytest does, around a bad render."""
    hook = conftest.pytest_runtest_call(item=None)
    next(hook)  # the test body runs here
    project_template(MISSPELT).render(Context({"trends": Trends(periods=["50 mg"])}))

    with pytest.raises(pytest.fail.Exception) as failure:
        hook.send(None)
    assert "journal/probe.html:1: {{ trends.buckets }}" in str(failure.value)


def test_a_test_whose_lookups_all_resolve_passes():
    hook = conftest.pytest_runtest_call(item=None)
    next(hook)
    text = project_template(MISSPELT.replace("buckets", "periods")).render(
        Context({"trends": Trends(periods=["50 mg"])})
    )

    with pytest.raises(StopIteration):
        hook.send(None)
    assert text == "50 mg "


def test_allowed_optional_lookups_and_other_packages_templates_are_not_reported():
    optional = project_template(
        "{% if who %}{{ who }}{% else %}You{% endif %}", "journal/includes/alert_notice.html"
    )
    installed = Template(
        "{{ missing }}",
        origin=Origin(name="/usr/lib/python3/site-packages/crispy_forms/templates/x.html"),
        engine=Engine.get_default(),
    )
    with template_guard.recording() as misses:
        assert optional.render(Context({})) == "You"
        installed.render(Context({}))

    assert misses == []
