"""Filters as links, for pages a caregiver reads (they have no forms)."""

from urllib.parse import urlencode


def choice_links(base: str, current: dict, options) -> list[dict]:
    """Links that each change some of the page's choices and keep the others.

    Caregivers' pages have no forms, so their filters are links. ``current`` holds the query
    now in force, ``options`` is ``[(label, changes), …]``; a link is current when its changes
    already hold. Empty values are left out of the query.
    """
    links = []
    for label, changes in options:
        query = {key: value for key, value in {**current, **changes}.items() if value}
        links.append(
            {
                "label": label,
                "href": f"{base}?{urlencode(query)}" if query else base,
                "current": all(current.get(key, "") == value for key, value in changes.items()),
            }
        )
    return links


def symptom_links(base: str, current: dict, symptoms, *, everything: str) -> list[dict]:
    """One link per symptom, after one for ``everything`` (no symptom chosen)."""
    options = [(symptom.name, {"symptom": symptom.slug}) for symptom in symptoms]
    return choice_links(base, current, [(everything, {"symptom": ""}), *options])


def since_links(base: str, current: dict, presets) -> list[dict]:
    """Date ranges ending today: ``presets`` is ``[(label, first day or None for all), …]``."""
    options = [
        (label, {"start": since.isoformat() if since else "", "end": ""})
        for label, since in presets
    ]
    return choice_links(base, current, options)
