"""The emergency number a notice tells the patient (or caregiver) to dial.

The numbers per country, each with its source, are library content
(``library/content/emergency_numbers.json``): a patient's own number comes first, then their
country's, then the country of their time zone.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

NUMBERS_FILE = (
    Path(__file__).resolve().parents[1] / "library" / "content" / "emergency_numbers.json"
)


@dataclass(frozen=True)
class EmergencyNumber:
    number: str
    name: str  # what it is, in the notice: "emergency number in the United Kingdom"
    source_url: str = ""


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    number: str
    source_url: str
    time_zones: tuple[str, ...]


@cache
def countries() -> dict[str, Country]:
    with open(NUMBERS_FILE, encoding="utf-8") as f:
        data = json.load(f)
    urls = {source["slug"]: source["url"] for source in data["sources"]}
    return {
        row["country_code"]: Country(
            code=row["country_code"],
            name=row["name"],
            number=row["number"],
            source_url=urls[row["source"]],
            time_zones=tuple(row.get("time_zones", ())),
        )
        for row in sorted(data["countries"], key=lambda row: row["name"])
    }


def country_choices() -> list[tuple[str, str]]:
    return [(code, country.name) for code, country in countries().items()]


def country_of_time_zone(time_zone: str) -> Country | None:
    return next((c for c in countries().values() if time_zone in c.time_zones), None)


def emergency_number(*, own: str, country_code: str, time_zone: str) -> EmergencyNumber | None:
    """The patient's own number, else their country's, else their time zone's country's."""
    if own:
        return EmergencyNumber(number=own, name="your emergency number")
    country = countries().get(country_code) or country_of_time_zone(time_zone)
    if country is None:
        return None
    return EmergencyNumber(
        number=country.number,
        name=f"emergency number in {country.name}",
        source_url=country.source_url,
    )
