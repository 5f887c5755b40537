"""The forgot-PIN pages (忘记密码): ask for a code, then enter it with a new PIN twice.

The rules are in ``pin_reset.py``; these pages only carry the phone from the first step to the
second in the session (encrypted, like every stored phone) and show the same answer whatever the
number. Both POSTs stop while the address is throttled for residents' sign-in failures.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communityedu.accounts import pin_reset, sign_in
from communityedu.core import crypto, ratelimit

SESSION_KEY = "pin_reset"
DIGITS = {"inputmode": "numeric", "autocomplete": "one-time-code"}


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Verification code"), max_length=6, widget=forms.TextInput(attrs=DIGITS))
    pin = forms.CharField(
        label=gettext_lazy("New 6-digit PIN"),
        max_length=6,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}),
    )
    pin2 = forms.CharField(
        label=gettext_lazy("New PIN again"),
        max_length=6,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        if choices:
            self.fields["account"] = forms.TypedChoiceField(
                label=gettext_lazy("Whose PIN is this?"),
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
            )


def _context(**extra) -> dict:
    return {"answer": pin_reset.ANSWER, "at_the_centre": pin_reset.AT_THE_CENTRE, **extra}


@sign_in.throttled(sign_in.RESIDENT)
@ratelimit.rate_limited("pin-reset-code")
def forgot_pin(request):
    """Step 1: the phone. Without SMS the page only sends the resident to the centre."""
    offered = pin_reset.is_offered()
    form = PhoneForm(data=request.POST or None)
    if offered and request.method == "POST" and form.is_valid():
        try:
            pin_reset.request_code(phone=form.cleaned_data["phone"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            phone = pin_reset.clean_phone(form.cleaned_data["phone"])
            request.session[SESSION_KEY] = {"phone": crypto.encrypt(phone), "choices": []}
            return redirect("accounts:forgot-pin-code")
    context = _context(form=form, offered=offered)
    if not offered:
        context["at_the_centre"] = pin_reset.ONLY_AT_THE_CENTRE
    return render(request, "accounts/forgot_pin.html", context)


def _add_errors(form, error: ValidationError) -> None:
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


@sign_in.throttled(sign_in.RESIDENT)
def forgot_pin_code(request):
    """Step 2: the code and the new PIN twice (and whose PIN, when several accounts share the phone)."""
    state = request.session.get(SESSION_KEY)
    if not state:
        return redirect("accounts:forgot-pin")
    phone = crypto.decrypt(state["phone"])
    form = CodeForm(data=request.POST or None, choices=[tuple(choice) for choice in state["choices"]])
    choose = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pin_reset.reset_pin(
                request=request,
                phone=phone,
                code=data["code"],
                pin=data["pin"],
                pin2=data["pin2"],
                account_id=data.get("account"),
            )
        except pin_reset.ChooseAccountError as error:
            state["choices"] = [[account.pk, account.display_name] for account in error.accounts]
            request.session[SESSION_KEY] = state
            form = CodeForm(initial={"code": data["code"]}, choices=[tuple(choice) for choice in state["choices"]])
            choose = True
        except ValidationError as error:
            _add_errors(form, error)
        else:
            del request.session[SESSION_KEY]
            messages.success(request, _("Your new PIN is set. Sign in with it."))
            return redirect("accounts:resident-sign-in")
    return render(
        request,
        "accounts/forgot_pin_code.html",
        _context(form=form, choose=choose, masked_phone=crypto.mask_phone(phone)),
    )
