"""Form widgets written out in Python, for forms that render many of them.

Django renders every widget through its own small templates (``input.html``, which includes
``attrs.html``; ``select.html``, which includes ``select_option.html`` once per choice).
The day log has 28 such widgets with 72 options: about a third of its time went into
those includes (issue 17's profile). ``FastWidgetRenderer`` writes the markup of those
templates directly, character for character, and hands any other widget to Django's
templates. Every value goes through ``format_html``, so escaping is Django's own.

Used per form (``default_renderer``), never as the site's ``FORM_RENDERER``: the admin's
widgets have templates of their own.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html, format_html_join

INPUT_TEMPLATES = {
    "django/forms/widgets/input.html",
    "django/forms/widgets/date.html",
    "django/forms/widgets/hidden.html",
    "django/forms/widgets/text.html",
    "django/forms/widgets/number.html",
    "django/forms/widgets/email.html",
    "django/forms/widgets/password.html",
}


def _attrs(attrs: dict):
    """``attrs.html``: ` name="value"` each, a bare name for True, nothing for False."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _input(widget: dict):
    value = widget["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        format_html(' value="{}"', value) if value is not None else "",
        _attrs(widget["attrs"]),
    )


def _option(option: dict):
    # The newline after </option> is select_option.html's last character, kept by the
    # include (Django strips only the outer template's).
    return format_html(
        '\n  <option value="{}"{}>{}</option>\n',
        option["value"],
        _attrs(option["attrs"]),
        option["label"],
    )


def _select(widget: dict):
    parts = []
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        parts.extend(_option(option) for option in group_choices)
        if group_name:
            parts.append(format_html("\n  </optgroup>{}", ""))
    return format_html(
        '<select name="{}"{}>{}\n</select>',
        widget["name"],
        _attrs(widget["attrs"]),
        format_html_join("", "{}", ((part,) for part in parts)),
    )


def _textarea(widget: dict):
    return format_html(
        '<textarea name="{}"{}>\n{}</textarea>',
        widget["name"],
        _attrs(widget["attrs"]),
        widget["value"] or "",
    )


WRITERS = {
    **dict.fromkeys(INPUT_TEMPLATES, _input),
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/textarea.html": _textarea,
}


class FastWidgetRenderer(DjangoTemplates):
    """Django's renderer, but inputs, selects and text areas are written in Python."""

    def render(self, template_name, context, request=None):
        writer = WRITERS.get(template_name)
        if writer is None or context.get("widget", {}).get("template_name") != template_name:
            return super().render(template_name, context, request=request)
        return writer(context["widget"])
