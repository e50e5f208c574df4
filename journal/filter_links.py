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
