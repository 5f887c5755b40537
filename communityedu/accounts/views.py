from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communityedu.accounts import activation, services, sign_in, two_factor
from communityedu.accounts.forms import ActivationForm, CodeForm, PinChangeForm, ResidentSignInForm, StaffSignInForm
from communityedu.accounts.models import AccountKind, User
from communityedu.activities.reminders import services as reminder_services
from communityedu.core.views import allowed_if

PENDING = "two_factor_pending"


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _sign_in_page(request, form_class, template: str, default_next: str):
    form = form_class(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if user.has_two_factor:
            # The password was right; the session is not signed in until the code is. On a locked
            # account, the code is what lifts the lock.
            request.session[PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "next": _next_url(request, default_next),
                "lifts_lock": getattr(user, "sign_in_lifts_lock", False),
                "wrong_codes": 0,
            }
            return redirect("accounts:two-factor-code")
        login(request, user)
        return redirect(_next_url(request, default_next))
    return render(request, template, {"form": form, "next": _next_url(request, "")})


@sign_in.throttled(sign_in.STAFF)
def staff_sign_in(request):
    return _sign_in_page(request, StaffSignInForm, "accounts/sign_in.html", "/")


@sign_in.throttled(sign_in.RESIDENT)
def resident_sign_in(request):
    return _sign_in_page(request, ResidentSignInForm, "accounts/resident_sign_in.html", "/portal/")


@sign_in.throttled(sign_in.STAFF)
def two_factor_code(request):
    """The second step of a staff sign-in with an authenticator app; on a locked account, the right
    code after the right password lifts the lock. A few wrong codes send the person back to the
    password."""
    pending = request.session.get(PENDING)
    user = User.objects.filter(pk=pending["user"], is_active=True).first() if pending else None
    if user is None:
        return redirect("home" if request.user.is_authenticated else "accounts:sign-in")
    form = CodeForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        if user.is_locked() and not pending.get("lifts_lock"):
            del request.session[PENDING]
            form.add_error(None, sign_in.locked_message())
        elif two_factor.verify_code(user=user, code=form.cleaned_data["code"]):
            del request.session[PENDING]
            sign_in.note_success(user=user)
            login(request, user, backend=pending["backend"])
            return redirect(pending["next"])
        else:
            sign_in.note_failure(
                request=request, audience=sign_in.STAFF, identifier=user.username, user=user, label=user.username
            )
            pending["wrong_codes"] = pending.get("wrong_codes", 0) + 1
            if pending["wrong_codes"] >= settings.SIGN_IN_MAX_FAILURES:
                del request.session[PENDING]
                return redirect("accounts:sign-in")
            request.session[PENDING] = pending
            form.add_error("code", _("The code is not right. Enter the six digits the app shows now."))
    return render(request, "accounts/two_factor_code.html", {"form": form})


@require_POST
def sign_out(request):
    logout(request)
    return redirect("portal:home")


def _signed_in(request) -> bool:
    return request.user.is_authenticated


def _staff(request) -> bool:
    return request.user.kind == AccountKind.STAFF


def _resident(request) -> bool:
    return request.user.kind == AccountKind.RESIDENT


@allowed_if(_signed_in)
def security(request, *, sms_reminders_problem: str = ""):
    """The account's security: password or PIN, the second factor, signing out everywhere; for a
    resident, the SMS reminders of tomorrow's activities where SMS is configured."""
    context = {
        "is_staff_account": request.user.kind == AccountKind.STAFF,
        "two_factor_required": two_factor.is_required_for(request.user),
        # Offered where SMS is configured; one who opted in can always opt out.
        "shows_sms_reminders": _resident(request)
        and (request.user.sms_reminders or reminder_services.sms_is_offered()),
        "sms_reminders_problem": sms_reminders_problem,
    }
    return render(request, "accounts/security.html", context, status=400 if sms_reminders_problem else 200)


@require_POST
@allowed_if(_resident)
def sms_reminders(request):
    """A resident turns the day-before SMS of the activities they registered for on or off."""
    choice = request.POST.get("sms_reminders")
    if choice not in {"on", "off"}:
        return security(request, sms_reminders_problem=_("Choose to turn the SMS reminders on or off."))
    reminder_services.set_sms_reminders(account=request.user, is_wanted=choice == "on", actor=request.user)
    if choice == "on":
        messages.success(request, _("SMS reminders are on: a text the day before each activity you registered for."))
    else:
        messages.success(request, _("SMS reminders are off. Tomorrow's activities still show on the home page."))
    return redirect("accounts:security")


@allowed_if(_signed_in)
def change_password(request):
    user = request.user
    if user.kind == AccountKind.STAFF:
        form = PasswordChangeForm(user, data=request.POST or None)
    else:
        form = PinChangeForm(user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if user.kind == AccountKind.STAFF:
                services.change_password(user=user, new_password=form.cleaned_data["new_password1"])
            else:
                services.change_pin(user=user, new_pin=form.cleaned_data["new_pin"])
        except ValidationError as error:
            field = "new_pin" if user.kind == AccountKind.RESIDENT else "new_password2"
            problems = error.error_dict.get("pin", []) if hasattr(error, "error_dict") else error.error_list
            for problem in problems:
                form.add_error(field, problem)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Saved. Use the new one from now on."))
            return redirect("accounts:security")
    reason = ""
    if user.must_change_password:
        reason = _("This password was set for you: choose your own before going on.")
    elif user.password_is_expired():
        reason = _("Your password is older than the policy allows: choose a new one before going on.")
    return render(request, "accounts/password.html", {"form": form, "reason": reason})


@allowed_if(_staff)
def two_factor_setup(request):
    user = request.user
    form = CodeForm(data=request.POST or None) if request.POST.get("action") in ("confirm", "remove") else CodeForm()
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "start":
        two_factor.start_enrolment(user=user)
    elif action == "confirm" and form.is_valid():
        try:
            two_factor.confirm_enrolment(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error.message_dict["code"])
        else:
            messages.success(request, _("The second factor is on: sign-ins will ask for a code."))
            return redirect("accounts:security")
    elif action == "remove" and form.is_valid():
        if two_factor.is_required_for(user):
            raise PermissionDenied
        if two_factor.verify_code(user=user, code=form.cleaned_data["code"]):
            two_factor.remove(user=user, actor=user)
            messages.success(request, _("The second factor is off."))
            return redirect("accounts:security")
        form.add_error("code", _("The code is not right. Enter the six digits the app shows now."))
    enrolling = bool(user.totp_secret_encrypted) and not user.has_two_factor
    context = {
        "form": form,
        "enrolling": enrolling,
        "qr": two_factor.provisioning_qr_svg(user) if enrolling else "",
        "required": two_factor.is_required_for(user),
    }
    return render(request, "accounts/two_factor.html", context)


@require_POST
def sign_out_everywhere(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request.user
    services.sign_out_everywhere(user=user)
    logout(request)
    messages.success(request, _("Every session of this account has ended, on every device."))
    return redirect("portal:home")


@sign_in.throttled(sign_in.RESIDENT)
def activate(request):
    """A resident takes up the account opened at the village centre (``activation.py``): phone, the code,
    a PIN twice and consent; signed in on success. ``?code=`` (the slip's QR code) fills the code in."""
    if request.method == "POST":
        form = ActivationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = activation.activate(
                    request=request,
                    phone=data["phone"],
                    code=data["code"],
                    pin=data["pin"],
                    pin2=data["pin2"],
                    consent=data["consent"],
                )
            except ValidationError as error:
                for field, texts in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, texts)
            else:
                login(request, user, backend="communityedu.accounts.backends.ResidentPinBackend")
                messages.success(request, _("Your account is ready. Welcome!"))
                response = HttpResponseRedirect("/portal/")
                response.status_code = 303  # the form was posted: the portal is fetched with GET
                return response
    else:
        form = ActivationForm(initial={"code": request.GET.get("code", "")[:20]})
    return render(request, "accounts/activate.html", {"form": form})
