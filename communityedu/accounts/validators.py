import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHARACTER_CLASSES = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")


class CharacterClassesValidator:
    """At least three of: lower-case letters, upper-case letters, digits, symbols."""

    required = 3

    def validate(self, password, user=None):
        present = sum(1 for pattern in CHARACTER_CLASSES if re.search(pattern, password))
        if present < self.required:
            raise ValidationError(
                _("The password must mix at least three of: lower-case letters, upper-case letters, digits, symbols."),
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("Use at least three of: lower-case letters, upper-case letters, digits, symbols.")


PIN_PATTERN = re.compile(r"^\d{6}$")
PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


def normalize_phone(raw: str) -> str:
    """Mainland mobile number without spaces, dashes or a +86 prefix."""
    digits = re.sub(r"[\s\-()]", "", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits


def trivial_pins(birth_date=None) -> set[str]:
    """PINs anyone could guess: one digit six times, a run up or down, and the holder's birth date."""
    pins = {digit * 6 for digit in "0123456789"}
    for start in range(5):
        run = "".join(str(start + step) for step in range(6))
        pins |= {run, run[::-1]}
    pins |= {"012345"[::-1], "123123", "121212", "112233", "520520", "147258", "159357"}
    if birth_date is not None:
        pins |= {f"{birth_date:%y%m%d}", f"{birth_date:%m%d%y}", f"{birth_date:%d%m%y}", f"{birth_date:%Y%m}"[:6]}
    return pins


def validate_pin(pin: str, *, birth_date=None) -> None:
    if not PIN_PATTERN.match(pin or ""):
        raise ValidationError({"pin": _("The PIN is six digits.")})
    if pin in trivial_pins(birth_date):
        raise ValidationError(
            {
                "pin": ValidationError(
                    _("This PIN is too easy to guess (repeated or consecutive digits, or your birth date)."),
                    code="pin_too_simple",
                )
            }
        )
