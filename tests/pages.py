"""What a person reads on a page: its visible text, for tests that assert on it.

``visible_text`` keeps the words a reader meets (text outside ``<script>``, ``<style>`` and
``<template>``, and the attributes a browser shows or reads aloud), with whitespace collapsed,
so a test can look for "71.2 kg" or a table row's numbers as they are read, whatever the
markup between them. ``table_rows`` gives a table's cells row by row.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.urls import resolve

from journal.reminders.services import unsubscribe_read

# Django prints these as text when it does not interpret them (a {# comment #} over several
# lines, a tag with a typo inside a string): none may ever reach a reader.
TEMPLATE_SYNTAX = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")

SHOWN_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")
HIDDEN_ELEMENTS = ("script", "style", "template")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_ELEMENTS:
            self.hidden += 1
            return
        values = dict(attrs)
        self.parts.extend(values[name] for name in SHOWN_ATTRIBUTES if values.get(name))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in HIDDEN_ELEMENTS and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str | bytes) -> str:
    if isinstance(html, bytes):
        html = html.decode()
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def template_syntax_shown(html: str | bytes) -> list[str]:
    """Each place where template syntax reached the visible text, with a little context."""
    text = visible_text(html)
    return [text[max(0, m.start() - 40) : m.end() + 40] for m in TEMPLATE_SYNTAX.finditer(text)]


class _Table(HTMLParser):
    def __init__(self, table_class: str):
        super().__init__(convert_charrefs=True)
        self.table_class = table_class
        self.depth = 0  # > 0 inside the wanted table
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and (self.depth or self.table_class in classes):
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = []
        elif self.cell is not None and tag == "br":
            self.cell.append(" ")

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str | bytes, table_class: str) -> list[list[str]]:
    """The rows (header rows too) of the tables with class ``table_class``, as text."""
    if isinstance(html, bytes):
        html = html.decode()
    parser = _Table(table_class)
    parser.feed(html)
    parser.close()
    return parser.rows


def unsubscribe_link(message) -> tuple[str, tuple[str, int]]:
    """The unsubscribe link an email carries, checked to be the same in its body and its
    ``List-Unsubscribe`` header, and the subscription its token names. Tests compare what the
    token names, never its text: the token holds the second it was signed, so one signed again
    a moment later differs."""
    link = message.extra_headers["List-Unsubscribe"].removeprefix("<").removesuffix(">")
    assert link in message.body
    token = resolve(urlsplit(link).path).kwargs["token"]
    return link, unsubscribe_read(token)


def email_text(message) -> str:
    """An email's subject and body as a reader meets them, lowercased, without its signed
    unsubscribe link: that token is opaque text which may hold any letters or digits by chance
    ("mg", "131"), so tests looking for health data in an email must not read it."""
    link, _named = unsubscribe_link(message)
    return (message.subject + "\n" + message.body.replace(link, "")).lower()
