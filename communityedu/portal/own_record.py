"""A resident's own record, as PIPL's right of access (arts. 44–45) asks: what the programme holds
about them, to read on the portal, to download, and over the API (``GET /api/v1/me/record``).

One function gathers it (``own_record``) as plain values — text, numbers, ISO dates — so that the
page, the .xlsx download and the JSON answer show the same thing: the personal data held (the ID
number and the phones masked, as on every page: the file travels, and a full number adds nothing
the resident does not know), the account, the organised activities attended, the registrations,
online learning, bonus points (for part-time teachers and volunteers) and certificates.

The download is an .xlsx workbook rather than JSON: residents open it on a phone (WPS, Excel) and
read it in Chinese, a sheet per part; the API answers the same record as JSON for programs.
"""

from __future__ import annotations

import io
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.activities import selectors as activity_selectors
from communityedu.activities.models import Registration
from communityedu.core.spreadsheets import new_workbook
from communityedu.incentives import selectors as incentive_selectors
from communityedu.learning import selectors as learning_selectors
from communityedu.metrics.points import points_statement
from communityedu.people.models import Person


def _day(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return value.isoformat()


def _moment(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else None


def _personal_data(person: Person) -> dict:
    return {
        "name": person.name,
        "sex": person.get_sex_display(),
        "birth_date": _day(person.birth_date),
        "town": person.town.name,
        "village": person.village.name if person.village_id else None,
        "village_group": person.village_group,
        "id_number": person.masked_id_number,
        "phone": person.masked_phone,
        "guardian_name": person.guardian_name,
        "guardian_phone": person.masked_guardian_phone,
        "guardian_consent_on": _day(person.guardian_consent_on),
        "tags": [tag.name for tag in person.tags.order_by("name")],
        "left_register_on": _day(person.left_register_on),
        "left_reason": person.get_left_reason_display() if person.left_reason else "",
    }


def _account(account) -> dict:
    return {
        "kind": account.get_kind_display(),
        "phone": account.masked_phone,
        "activated_at": _moment(account.activated_at),
        "privacy_consent_at": _moment(account.privacy_consent_at),
        "privacy_consent_version": account.privacy_consent_version,
        "sms_reminders": account.sms_reminders,
        "last_sign_in": _moment(account.last_login),
    }


def _points(person: Person, attended_years: set[int]) -> list[dict]:
    """The bonus points of each year the person attended or this year, where they earn points."""
    statements = [points_statement(person=person, year=year) for year in sorted(attended_years, reverse=True)]
    return [
        {
            "year": statement.year,
            "employer": statement.employer,
            "lectures": statement.lectures,
            "activities": statement.activities,
            "earned": str(statement.earned),
            "granted": str(statement.granted),
        }
        for statement in statements
        if statement.earns_points
    ]


def own_record(*, person: Person, account) -> dict:
    """Everything held about ``person`` (with ``account``, theirs), as plain values."""
    attended = list(activity_selectors.attended_by(person))
    registrations = (
        Registration.objects.filter(person=person).select_related("activity").order_by("-activity__starts_at", "-id")
    )
    online = learning_selectors.online_learning_of(person)
    years = {timezone.localtime(entry.activity.starts_at).year for entry in attended} | {timezone.localdate().year}
    return {
        "generated_at": _moment(timezone.now()),
        "personal_data": _personal_data(person),
        "account": _account(account),
        "attendance": [
            {
                "date": _day(entry.activity.starts_at),
                "activity": entry.activity.title,
                "organiser": entry.activity.organiser.name if entry.activity.organiser_id else "",
                "role": entry.get_role_display(),
            }
            for entry in attended
        ],
        "registrations": [
            {
                "date": _day(registration.activity.starts_at),
                "activity": registration.activity.title,
                "registered_at": _moment(registration.created_at),
                "cancelled": registration.is_cancelled,
            }
            for registration in registrations
        ],
        "online_learning": [
            {
                "resource": row.resource.title,
                "first_opened": _day(row.opened_at),
                "percent": row.percent,
                "minutes": row.learning_seconds // 60,
                "completed_on": _day(row.completed_at),
            }
            for row in online["rows"]
        ],
        "points": _points(person, years),
        "certificates": [
            {
                "serial": certificate.serial,
                "year": certificate.year,
                "issuing_unit": certificate.issuing_unit.name,
                "issued_on": _day(certificate.issued_on),
                "granted": str(certificate.granted),
                "revoked_on": _day(certificate.revoked_on),
            }
            for certificate in incentive_selectors.certificates_of(person)
        ],
    }


def _sections() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(record key, sheet name, [(column key, heading)]) of the list parts of the record."""
    return [
        (
            "attendance",
            _("Activities attended"),
            [("date", _("Date")), ("activity", _("Activity")), ("organiser", _("Organiser")), ("role", _("Role"))],
        ),
        (
            "registrations",
            _("Registrations"),
            [
                ("date", _("Date")),
                ("activity", _("Activity")),
                ("registered_at", _("Registered at")),
                ("cancelled", _("Cancelled")),
            ],
        ),
        (
            "online_learning",
            _("Online learning"),
            [
                ("resource", _("Resource")),
                ("first_opened", _("First opened")),
                ("percent", _("Percent done")),
                ("minutes", _("Learning time (minutes)")),
                ("completed_on", _("Completed on")),
            ],
        ),
        (
            "points",
            _("Points"),
            [
                ("year", _("Year")),
                ("employer", _("Employer")),
                ("lectures", _("Lectures given")),
                ("activities", _("Activities joined")),
                ("earned", _("Points earned")),
                ("granted", _("Points granted")),
            ],
        ),
        (
            "certificates",
            _("Certificates"),
            [
                ("serial", _("Serial number")),
                ("year", _("Year")),
                ("issuing_unit", _("Issued by")),
                ("issued_on", _("Issued on")),
                ("granted", _("Points granted")),
                ("revoked_on", _("Revoked on")),
            ],
        ),
    ]


def personal_data_labels() -> list[tuple[str, str]]:
    return [
        ("name", _("Name")),
        ("sex", _("Sex")),
        ("birth_date", _("Birth date")),
        ("town", _("Town")),
        ("village", _("Village/community")),
        ("village_group", _("Village group")),
        ("id_number", _("ID number")),
        ("phone", _("Phone")),
        ("guardian_name", _("Guardian")),
        ("guardian_phone", _("Guardian's phone")),
        ("guardian_consent_on", _("Guardian consent recorded on")),
        ("tags", _("Tags")),
        ("left_register_on", _("Left the register on")),
        ("left_reason", _("Why they left")),
    ]


def account_labels() -> list[tuple[str, str]]:
    return [
        ("kind", _("Account")),
        ("phone", _("Phone")),
        ("activated_at", _("Activated at")),
        ("privacy_consent_at", _("Privacy notice agreed at")),
        ("privacy_consent_version", _("Privacy notice version")),
        ("sms_reminders", _("Activity reminders by SMS")),
        ("last_sign_in", _("Last sign-in")),
    ]


MOMENT_FIELDS = frozenset({"activated_at", "privacy_consent_at", "last_sign_in", "registered_at", "generated_at"})


def _cell(value, key: str = "") -> str | int:
    """A value as a person reads it: yes/no, a list joined, a moment as local day and time."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return "、".join(value)
    if key in MOMENT_FIELDS:
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M")
    return value


def labelled(record: dict, section: str) -> list[tuple[str, str | int]]:
    """(heading, value as shown) of the record's ``personal_data`` or ``account``, for the page."""
    labels = personal_data_labels() if section == "personal_data" else account_labels()
    return [(label, _cell(record[section][key], key)) for key, label in labels]


def own_record_xlsx(record: dict) -> bytes:
    """The record as a workbook: the personal data and the account first, then a sheet per part."""
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2"})
    sheet = workbook.add_worksheet(_("Personal data"))
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 40)
    sheet.write_row(0, 0, [_("Personal data held"), _cell(record["generated_at"], "generated_at")], bold)
    line = 1
    for section in ("personal_data", "account"):
        for label, value in labelled(record, section):
            sheet.write_row(line, 0, [label, value])
            line += 1
    for key, name, columns in _sections():
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, [heading for _column, heading in columns], bold)
        sheet.set_column(0, len(columns) - 1, 18)
        for row, item in enumerate(record[key], start=1):
            sheet.write_row(row, 0, [_cell(item[column], column) for column, _heading in columns])
    workbook.close()
    return buffer.getvalue()
