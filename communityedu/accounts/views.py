from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from communityedu.accounts.forms import ResidentSignInForm, StaffSignInForm


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _sign_in_page(request, form_class, template: str, default_next: str):
    form = form_class(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())
        return redirect(_next_url(request, default_next))
    return render(request, template, {"form": form, "next": _next_url(request, "")})


def staff_sign_in(request):
    return _sign_in_page(request, StaffSignInForm, "accounts/sign_in.html", "/")


def resident_sign_in(request):
    return _sign_in_page(request, ResidentSignInForm, "accounts/resident_sign_in.html", "/portal/")


@require_POST
def sign_out(request):
    logout(request)
    return redirect("portal:home")
