"""Forms of the residents' pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CloseAccountForm(forms.Form):
    """Closing one's own account: the PIN confirms it is the resident asking."""

    pin = forms.CharField(
        label=_("Your PIN"),
        max_length=12,
        strip=True,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "current-password"}),
        error_messages={"required": _("Enter your PIN to confirm.")},
    )
