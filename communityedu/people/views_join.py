"""Asking to join (/accounts/join/) and the centre's queue of requests (/people/join-requests/).

The resident's page answers the same words whether or not the register knows the person; the
queue is the town office's and each village director's, who confirm (the account opens and its
activation code is shown once, as a slip to print) or decline with a reason."""

from __future__ import annotations

import segno
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from communityedu.core import ratelimit
from communityedu.core.views import allowed_if
from communityedu.organization.models import Town, Village
from communityedu.people import join_requests, resident_accounts
from communityedu.people.models import JoinRequestStatus


def _village_choices(towns) -> list:
    villages = Village.objects.filter(town__in=towns).select_related("town").order_by("town__name", "code", "name")
    by_town: dict[Town, list[tuple[int, str]]] = {}
    for village in villages:
        by_town.setdefault(village.town, []).append((village.pk, village.name))
    if len(by_town) == 1:
        return [("", "—"), *next(iter(by_town.values()))]
    return [("", "—"), *[(town.name, choices) for town, choices in by_town.items()]]


class JoinForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Your full name"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    village = forms.TypedChoiceField(label=gettext_lazy("Village/community"), coerce=int)
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    id_last_four = forms.CharField(
        label=gettext_lazy("Last four characters of your ID number"),
        max_length=4,
        help_text=gettext_lazy("For example 123X. Only used to find you in the register; it is not kept."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "size": 6}),
    )

    def __init__(self, *args, towns, **kwargs):
        super().__init__(*args, **kwargs)
        self.towns = towns
        self.fields["village"].choices = _village_choices(towns)

    def clean_village(self):
        village = Village.objects.filter(town__in=self.towns, pk=self.cleaned_data["village"]).select_related("town")
        if not village:
            raise ValidationError(_("Choose your village or community."))
        return village[0]

    def clean(self):
        # The name, phone and last four are checked by the service, as for the API (a field left
        # empty already has its "required" message).
        data = super().clean()
        try:
            join_requests.check_request(
                name=data.get("name", ""), phone=data.get("phone", ""), id_last_four=data.get("id_last_four", "")
            )
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, texts)
        return data


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    for field, texts in error.message_dict.items():
        form.add_error(field if field in form.fields else None, texts)


@never_cache
def join(request):
    """加入申请: anyone may ask; the answer never tells whether the register knows them."""
    if request.method == "POST":
        allowed, retry_after = ratelimit.hit(action=join_requests.RATE_ACTION, client=ratelimit.client_key(request))
        if not allowed:
            return ratelimit.too_many(request, retry_after=retry_after)
    towns = Town.objects.all()
    if request.GET.get("town"):
        towns = towns.filter(slug=request.GET["town"]) or Town.objects.all()
    form = JoinForm(request.POST or None, towns=towns)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            join_requests.ask_to_join(
                village=data["village"], name=data["name"], phone=data["phone"], id_last_four=data["id_last_four"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect(f"{request.path}?sent=1")
    sent = request.method == "GET" and request.GET.get("sent") == "1"
    context = {"form": form, "sent": sent, "received_message": join_requests.received_message()}
    return render(request, "people/join.html", context, status=400 if form.errors else 200)


# ---- the centre's queue ------------------------------------------------------------------------


def _reviews(request) -> bool:
    return join_requests.can_review_join_requests(request.user, request.town)


STATUS_TABS = (JoinRequestStatus.PENDING, JoinRequestStatus.CONFIRMED, JoinRequestStatus.DECLINED)


@allowed_if(_reviews)
def join_queue(request):
    status = request.GET.get("status")
    status = status if status in STATUS_TABS else JoinRequestStatus.PENDING
    villages = list(join_requests.villages_reviewed_by(request.user, request.town))
    village_id = next((v.pk for v in villages if str(v.pk) == request.GET.get("village")), None)
    requests = join_requests.join_queue(user=request.user, town=request.town, village_id=village_id, status=status)
    context = {
        "requests": requests,
        "status": status,
        "tabs": [(tab, JoinRequestStatus(tab).label) for tab in STATUS_TABS],
        "villages": villages,
        "village_id": village_id,
    }
    return render(request, "people/join_queue.html", context)


class ConfirmForm(forms.Form):
    person = forms.TypedChoiceField(label=gettext_lazy("Person in the register"), coerce=int, required=False)
    send_sms = forms.BooleanField(
        label=gettext_lazy("Also send the code by SMS to the account's phone"), required=False
    )

    def __init__(self, *args, join_request, sms_offered: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(join_requests.people_to_link(join_request)) if join_request.person_id is None else []
        if self.candidates:
            self.fields["person"].choices = [
                (person.pk, f"{person.name} · {person.village_group or '—'} · {person.masked_phone or '—'}")
                for person in self.candidates
            ]
        else:
            del self.fields["person"]
        if not sms_offered:
            del self.fields["send_sms"]

    def chosen_person(self):
        pk = self.cleaned_data.get("person")
        return next((person for person in self.candidates if person.pk == pk), None)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=join_requests.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _request_page(request, join_request, *, confirm_form=None, decline_form=None, status=200):
    sms_offered = join_requests.can_send_code_by_sms()
    context = {
        "join_request": join_request,
        "phone_matches_register": join_requests.phone_matches_register(join_request),
        "account_state": resident_accounts.account_state(join_request.person)["state"] if join_request.person else None,
        "confirm_form": confirm_form
        or ConfirmForm(join_request=join_request, sms_offered=sms_offered, auto_id="confirm-%s"),
        "decline_form": decline_form or DeclineForm(auto_id="decline-%s"),
        "is_pending": join_request.status == JoinRequestStatus.PENDING,
    }
    return render(request, "people/join_request.html", context, status=status)


@allowed_if(_reviews)
def join_request_detail(request, pk: int):
    return _request_page(request, join_requests.get_join_request_for(request.user, pk))


def _already_decided(request, join_request):
    messages.error(request, _("This request was decided already."))
    return redirect("people:join-request", pk=join_request.pk)


@never_cache
@require_POST
@allowed_if(_reviews)
def join_request_confirm(request, pk: int):
    """Open the account and show its activation code this once, as a slip to print."""
    join_request = join_requests.get_join_request_for(request.user, pk)
    form = ConfirmForm(
        request.POST,
        join_request=join_request,
        sms_offered=join_requests.can_send_code_by_sms(),
        auto_id="confirm-%s",
    )
    if form.is_valid():
        try:
            confirmed = join_requests.confirm_join_request(
                join_request=join_request,
                actor=request.user,
                person=form.chosen_person(),
                send_sms=form.cleaned_data.get("send_sms", False),
            )
        except join_requests.JoinRequestDecidedError:
            return _already_decided(request, join_request)
        except resident_accounts.AccountExistsError:
            form.add_error(
                None,
                _(
                    "This person already has an active account. If the PIN is forgotten, reset it on the "
                    "person's page, then decline this request saying so."
                ),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            response = render(
                request,
                "people/join_slip.html",
                {
                    "person": confirmed.person,
                    "issued": confirmed.issued,
                    "sms_status": confirmed.sms_status,
                    "qr": segno.make(confirmed.issued.activation_url, error="m").svg_data_uri(scale=4),
                },
            )
            add_never_cache_headers(response)
            return response
    return _request_page(request, join_request, confirm_form=form, status=400)


@require_POST
@allowed_if(_reviews)
def join_request_decline(request, pk: int):
    join_request = join_requests.get_join_request_for(request.user, pk)
    form = DeclineForm(request.POST, auto_id="decline-%s")
    if form.is_valid():
        try:
            join_requests.decline_join_request(
                join_request=join_request, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except join_requests.JoinRequestDecidedError:
            return _already_decided(request, join_request)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The request of %(name)s is declined.") % {"name": join_request.name})
            return redirect("people:join-queue")
    return _request_page(request, join_request, decline_form=form, status=400)
