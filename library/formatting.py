"""How the app writes numbers, doses, dates and schedules for people: one definition of each.

Every page, export and message that shows a dose, a weight, a percentage or an on/off schedule
goes through these functions (templates through the ``mg`` and ``number`` filters of
``{% load library %}``), so "37.5 mg", "71.2 kg" and "4 weeks on, 2 weeks off" read the same
everywhere, on SQLite and on PostgreSQL (which hand back decimals with different precision).
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from django.utils import dateformat
from django.utils.html import escape


def format_number(value, places: int = 1) -> str:
    """A number as a person writes it: at most ``places`` decimals, no trailing zeros.

    71.2000000000000 -> "71.2", Decimal("400.00") -> "400", -0.66 -> "-0.7", 2.0 -> "2".
    None (or something that is not a number) gives "".
    """
    if value is None or isinstance(value, bool):
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    if not number.is_finite():
        return ""
    step = Decimal(1).scaleb(-places)
    text = f"{number.quantize(step, rounding=ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_mg(dose) -> str:
    """A dose in mg: 37.50 -> "37.5", 400.00 -> "400" (Decimal.normalize would give "4E+2")."""
    return format_number(dose, places=2)


def intakes_label(intakes_per_day: int) -> str:
    return {1: "once daily", 2: "twice daily", 3: "three times daily"}.get(
        intakes_per_day, f"{intakes_per_day} times daily"
    )


def period_label(days: int) -> str:
    """28 -> "4 weeks", 7 -> "1 week", 10 -> "10 days": the words a schedule is chosen in."""
    if days % 7 == 0:
        count, unit = days // 7, "week"
    else:
        count, unit = days, "day"
    return f"{count} {unit}{'' if count == 1 else 's'}"


def schedule_label(days_on: int | None, days_off: int | None) -> str:
    """ "every day", or "4 weeks on, 2 weeks off" for a cycle."""
    if days_on is None or days_off is None:
        return "every day"
    return f"{period_label(days_on)} on, {period_label(days_off)} off"


def drug_title(drug_name: str) -> str:
    """ "Sunitinib": a capital first, the rest as written (a typed "Gleevec XR" stays so)."""
    return drug_name[:1].upper() + drug_name[1:]


def dose_label(drug_name: str, dose_mg, intakes_per_day: int) -> str:
    """ "Sunitinib 50 mg once daily": the drug's name with a capital, as on the packet."""
    return f"{drug_title(drug_name)} {format_mg(dose_mg)} mg {intakes_label(intakes_per_day)}"


def short_date(day: date) -> str:
    """ "3 Mar 2025": a date in a sentence or a table cell."""
    return f"{day.day} {day:%b %Y}"


# Long pages name the same dates again and again (every symptom's table on trends, history's
# cards, the report's notes, the dashboard's fourteen days), and Django's date formatting
# cost more than the rest of a table row (issue 17). The longest page, a five-year report,
# names up to about 1,800 days: an LRU smaller than one page's dates would miss on every one.
@lru_cache(maxsize=8192)
def formatted_date(day: date, format_string: str) -> str:
    """``day`` as the ``date`` filter writes it in ``format_string`` ("D j M Y": "Tue 3 Mar
    2026"), escaped for HTML: ``format_html`` and templates take it as it is.

    Formatted once per process, date and format. The app is English only (LANGUAGE_CODE
    "en-gb", no LocaleMiddleware, no code activates another language), so the names of days
    and months are the same for every request; a second language would have to be part of
    the key.
    """
    return escape(dateformat.format(day, format_string))


def percent(part: int, whole: int) -> int:
    """Rounded half up, as people round (Python's round() rounds 0.5 to even)."""
    return (200 * part + whole) // (2 * whole) if whole else 0
