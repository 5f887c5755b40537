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
