"""Numbers and text typed by a client, read the same way everywhere: pages' query strings, forms and
the API's schemas.

- A year is a whole number from 2000 to 2100 (the plan's years; the tables' check constraints say
  the same).
- An id or any whole number that reaches a query fits the database's ``integer`` (PostgreSQL's 32
  bits): beyond it, SQLite raises ``OverflowError`` and PostgreSQL "out of range" instead of finding
  nothing.
- Names and titles hold no control characters and are not made of invisible characters only.

Only ASCII digits count as digits: ``"²".isdigit()`` is true but ``int("²")`` fails.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MIN_YEAR = 2000
MAX_YEAR = 2100
MAX_INTEGER = 2_147_483_647


def _ascii_whole_number(text: str | None) -> int | None:
    text = (text or "").strip()
    if not text or len(text) > 12 or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def parse_year(text: str | None, default: int | None = None) -> int | None:
    """The year a query string names, or ``default`` when it names none from 2000 to 2100."""
    year = _ascii_whole_number(text)
    return year if year is not None and MIN_YEAR <= year <= MAX_YEAR else default


def parse_id(text: str | None) -> int | None:
    """The id a query string names, or None when it is no whole number the database can hold."""
    number = _ascii_whole_number(text)
    return number if number is not None and 1 <= number <= MAX_INTEGER else None


def year_error(field: str = "year") -> str:
    return _("%(field)s: give a year between %(low)s and %(high)s.") % {
        "field": field,
        "low": MIN_YEAR,
        "high": MAX_YEAR,
    }


def check_year(year: int, field: str = "year") -> int:
    """``year`` if it lies from 2000 to 2100; else a ``ValidationError`` naming ``field``."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError({field: year_error(field)})
    return year


# Categories of characters that print nothing: controls (Cc), formats such as zero-width spaces and
# direction marks (Cf), separators (Z*), unassigned and private (Cn, Co), and surrogates (Cs).
_INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp", "Cn", "Co", "Cs"}
# Hangul fillers and braille blank print nothing either but are letters or symbols to Unicode.
_BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}

CONTROL_CHARACTERS_MESSAGE = gettext_lazy("Control characters (such as line breaks or tabs) are not allowed here.")
INVISIBLE_ONLY_MESSAGE = gettext_lazy("Type visible characters: this holds only spaces or invisible characters.")


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be a name or a title, or None when it can."""
    if any(unicodedata.category(character) in {"Cc", "Cs"} for character in value):
        return str(CONTROL_CHARACTERS_MESSAGE)
    if value and all(
        unicodedata.category(character) in _INVISIBLE or character in _BLANK_LETTERS for character in value
    ):
        return str(INVISIBLE_ONLY_MESSAGE)
    return None


def validate_name_text(value: str) -> None:
    """The validator of names and titles (model fields, forms and the API's schemas)."""
    problem = text_problem(value or "")
    if problem:
        raise ValidationError(problem, code="invisible_text")


class VisibleNamesFormMixin:
    """For forms with names or titles: the fields named in ``visible_text_fields`` refuse control
    characters and text of invisible characters only (``validate_name_text``)."""

    visible_text_fields = ("name", "title")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.visible_text_fields:
            field = self.fields.get(name)
            if field is not None and validate_name_text not in field.validators:
                field.validators.append(validate_name_text)
