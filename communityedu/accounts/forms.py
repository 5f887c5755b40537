from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from communityedu.accounts import services, sign_in
from communityedu.accounts.models import AccountKind, User


class StaffSignInForm(AuthenticationForm):
    """The same message for an unknown name and a wrong password; the lock message for a locked
    account, and for a name without one after as many failures (so neither tells who exists)."""

    error_messages = {
        "invalid_login": _("The username or password is not right."),
        "inactive": _("This account is disabled."),
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            username = self.cleaned_data.get("username") or ""
            user = User.objects.filter(username=username, kind=AccountKind.STAFF).first()
            if username and sign_in.is_locked(
                audience=sign_in.STAFF, identifier=sign_in.staff_identifier(username), user=user
            ):
                raise forms.ValidationError(sign_in.locked_message(), code="locked") from None
            raise


class ResidentSignInForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    pin = forms.CharField(
        label=_("6-digit PIN"),
        max_length=6,
        min_length=6,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "current-password"}),
    )

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)

    def clean(self):
        phone, pin = self.cleaned_data.get("phone"), self.cleaned_data.get("pin")
        if phone and pin:
            self.user_cache = authenticate(self.request, phone=phone, pin=pin)
            if self.user_cache is None:
                user = services.find_resident_by_phone(phone)
                identifier = sign_in.resident_identifier(phone)
                if sign_in.is_locked(audience=sign_in.RESIDENT, identifier=identifier, user=user):
                    raise forms.ValidationError(sign_in.locked_message(), code="locked")
                raise forms.ValidationError(_("The mobile number or PIN is not right."), code="invalid_login")
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class PinChangeForm(forms.Form):
    current_pin = forms.CharField(
        label=_("Current PIN"), max_length=6, widget=forms.PasswordInput(attrs={"inputmode": "numeric"})
    )
    new_pin = forms.CharField(
        label=_("New 6-digit PIN"),
        max_length=6,
        min_length=6,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}),
    )
    new_pin_again = forms.CharField(
        label=_("New PIN again"), max_length=6, widget=forms.PasswordInput(attrs={"inputmode": "numeric"})
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_current_pin(self):
        if not self.user.check_password(self.cleaned_data["current_pin"]):
            raise forms.ValidationError(_("The current PIN is not right."))
        return self.cleaned_data["current_pin"]

    def clean(self):
        new, again = self.cleaned_data.get("new_pin"), self.cleaned_data.get("new_pin_again")
        if new and again and new != again:
            self.add_error("new_pin_again", _("The two new PINs differ."))
        return self.cleaned_data


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ActivationForm(forms.Form):
    """Taking up an account opened at the village centre: phone, the code on the slip or card, a PIN
    twice, and consent to the privacy notice. The checks themselves are ``activation.activate``'s."""

    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    code = forms.CharField(
        label=_("Activation code (8 digits on your slip or card)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    pin = forms.CharField(
        label=_("Choose a 6-digit PIN"),
        max_length=20,
        strip=False,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}),
    )
    pin2 = forms.CharField(
        label=_("The same PIN again"),
        max_length=20,
        strip=False,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(label=_("I have read the privacy notice above and agree to it"), required=False)
