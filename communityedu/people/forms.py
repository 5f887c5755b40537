from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from communityedu.organization.constants import UNIT_SCOPED_ROLES, Role
from communityedu.organization.models import Unit, Village

# Roles a town office may give; district and system roles are given by an administrator.
TOWN_ROLES = [
    choice for choice in Role.choices if choice[0] not in {Role.DISTRICT_EVALUATOR, Role.SYSTEM_ADMIN, Role.RESIDENT}
]


class StaffAccountForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=30,
        regex=r"^[a-zA-Z0-9_.-]+$",
        help_text=_("Letters, digits, dots, dashes and underscores."),
    )
    display_name = forms.CharField(label=_("Display name"), max_length=50)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False),
        strip=False,
        help_text=_("At least 8 characters mixing three of: lower-case, upper-case, digits, symbols."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=TOWN_ROLES)
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Required for a learning-centre director or department staff."),
    )

    def __init__(self, *args, town, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(town=town)
        if roles is not None:  # an administrator also gives the district and system roles
            self.fields["role"].choices = [(role, Role(role).label) for role in roles]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username

    def clean(self):
        data = super().clean()
        if data.get("role") in UNIT_SCOPED_ROLES and not data.get("unit"):
            self.add_error("unit", _("This role acts for one unit: choose it."))
        if data.get("password") and data.get("username"):
            user = get_user_model()(username=data["username"], display_name=data.get("display_name", ""))
            try:
                password_validation.validate_password(data["password"], user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class RoleGrantForm(forms.Form):
    """One more role for an account: in its town, for one of its units, or across the district."""

    role = forms.ChoiceField(label=_("Role"))
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Required for a learning-centre director or department staff."),
    )

    def __init__(self, *args, town, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "---------"), *((role, Role(role).label) for role in roles)]
        self.fields["unit"].queryset = Unit.objects.filter(town=town) if town is not None else Unit.objects.none()


class DisableAccountForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        required=False,
        help_text=_("Kept in the audit log, e.g. 调离岗位."),
    )


MAX_ROSTER_BYTES = 20 * 1024 * 1024


class RosterUploadForm(forms.Form):
    roster = forms.FileField(
        label=_("Roster file"),
        help_text=_(
            "Excel (.xlsx, .xls) or CSV, as the village keeps it: title rows, blank rows and footers are fine."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )
    village = forms.ModelChoiceField(
        label=_("Village for rows without one"),
        queryset=Village.objects.none(),
        required=False,
        help_text=_("Only needed when the sheet has no village column."),
    )

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages

    def clean_roster(self):
        upload = self.cleaned_data["roster"]
        if upload.size > MAX_ROSTER_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        if not upload.name.lower().endswith((".xlsx", ".xls", ".csv")):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx or .xls) or a CSV file."))
        return upload


class UnmaskReasonForm(forms.Form):
    """Why the full numbers are needed: typed by the user, kept in the audit log."""

    reason = forms.CharField(
        label=_("Reason for showing full numbers"),
        max_length=500,
        error_messages={"required": _("State why you need the full numbers (for example: 核对低保名单).")},
        help_text=_("Required; recorded in the audit log with the people shown."),
    )


class OpenResidentAccountForm(forms.Form):
    """Opening a resident's account; the phone only when the register has no mobile number."""

    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
        help_text=_("Only if the register has no mobile number for this person; it becomes the register's."),
    )


class PersonPhoneForm(forms.Form):
    """A new phone for the register (the person's account, if any, follows)."""

    phone = forms.CharField(
        label=_("New phone number"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
