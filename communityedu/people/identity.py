"""Residents' identifiers as villages write them: ID-card numbers, phones, dates.

Each parser takes the text of a cell as a clerk typed it (full-width digits, stray spaces,
dashes, Excel dates) and returns a clean value, or raises ``ValueError`` with a plain Chinese
reason that the import shows beside the row.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import mul

from django.utils.translation import gettext as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_DIGITS = "10X98765432"
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
EXCEL_EPOCH = date(1899, 12, 30)


def clean_text(value) -> str:
    """Full-width to half-width, every kind of space removed at the ends and collapsed inside.

    An import calls this for nearly every cell, so it avoids the regular-expression engine:
    ``str.split()`` splits on exactly the characters ``\\s`` matches (``str.isspace``), and ASCII
    text is already in NFKC form, so only other text is normalised.
    """
    if value is None:
        return ""
    if value.__class__ is not str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value)
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value)
    return " ".join(value.split())


_COMPACT_DROP = re.compile(r"[\s\-—–_()（）+]")


def _compact(value) -> str:
    return _COMPACT_DROP.sub("", clean_text(value))


ID_WEIGHTS_OF_ZEROS = ord("0") * sum(ID_WEIGHTS)


def id_check_digit(first17: str) -> str:
    if len(first17) != len(ID_WEIGHTS) or not (first17.isascii() and first17.isdigit()):
        raise ValueError("id_check_digit() needs the first 17 characters of an ID number (digits).")
    # The weighted sum of the digits, from their ASCII codes (a roster checks 50,000 of these).
    return ID_CHECK_DIGITS[(sum(map(mul, first17.encode(), ID_WEIGHTS)) - ID_WEIGHTS_OF_ZEROS) % 11]


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: date
    sex: str  # "M" or "F"

    @property
    def masked(self) -> str:
        return mask_id_number(self.value)


def parse_id_number(raw) -> IdNumber:
    """An 18-character mainland ID-card number (GB 11643), checked digit by digit."""
    value = _compact(raw).upper()
    if len(value) != 18 or not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValueError(_("The ID number must be 17 digits followed by a digit or X (18 characters)."))
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValueError(_("The birth date inside the ID number does not exist.")) from None
    if id_check_digit(value[:17]) != value[17]:
        raise ValueError(_("The ID number's check digit is wrong: a digit was probably mistyped."))
    return IdNumber(value=value, birth_date=birth, sex="M" if int(value[16]) % 2 else "F")


def parse_phone(raw) -> str:
    """A mainland mobile (1[3-9] and 9 digits) or a landline with its area code, digits only."""
    value = _compact(raw)
    if value.startswith("86") and len(value) == 13:
        value = value[2:]
    if MOBILE.match(value) or LANDLINE.match(value):
        return value
    raise ValueError(_("Not a phone number: a mobile has 11 digits starting 13–19; a landline needs its area code."))


DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
MIDNIGHT = re.compile(r"(\d{4}-\d{2}-\d{2})[T ]?0?0:00:00$")  # a datetime written as text


def parse_date(raw) -> date:
    """Excel dates and serial numbers, or text such as 1965-03-02, 1965.3.2, 1965年3月2日."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 1 <= raw < 80000:
        return EXCEL_EPOCH + timedelta(days=int(raw))
    text = clean_text(raw).replace(" ", "")  # the only space clean_text leaves
    text = MIDNIGHT.sub(r"\1", text)
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise ValueError(_("Not a date: write it as 1965-03-02, 1965.3.2 or 1965年3月2日."))


SEX_WORDS = {"男": "M", "女": "F", "M": "M", "F": "F", "MALE": "M", "FEMALE": "F"}


def parse_sex(raw) -> str:
    text = clean_text(raw).upper()
    if text in SEX_WORDS:
        return SEX_WORDS[text]
    raise ValueError(_("Sex must be 男 or 女."))


def mask_id_number(value: str) -> str:
    """``500102195603021234`` → ``500102********1234``."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
