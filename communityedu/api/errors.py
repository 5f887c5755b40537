"""The API's one error shape and the handlers that give it.

Every 4xx answers ``{"detail": "...", "errors": [{"field": "...", "message": "..."}]}``; ``errors``
names each field that was refused and may be empty. Refusals by the account policy (a second
factor or a new password needed first) are 403 and add ``"code"``. Operations raise (``ApiError``,
ninja's ``HttpError``, Django's ``ValidationError``, ``Http404``, ``PermissionDenied``) and the
handlers here, set on the ``NinjaAPI``, write the answer: no operation builds an error body itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError


class FieldErrorOut(Schema):
    field: str = Field(..., description='The refused field: "year", "villages[2].village_id", "" for the whole')
    message: str


class ErrorOut(Schema):
    """The body of every 4xx answer."""

    detail: str
    errors: list[FieldErrorOut] = Field(..., description="Each refused field; may be empty")
    code: str | None = Field(
        None,
        description="Only on refusals by the account policy: second_factor_required, "
        "password_change_required or password_expired",
    )


class ApiError(HttpError):
    """An answer other than 2xx with the fields named: ``raise ApiError(400, "...", field="year")``."""

    def __init__(
        self,
        status_code: int,
        detail: str,
        *,
        field: str | None = None,
        errors: Iterable[tuple[str, str]] = (),
        code: str | None = None,
        extra: dict | None = None,
        headers: dict | None = None,
    ) -> None:
        super().__init__(status_code, str(detail))
        self.errors = [(name, str(message)) for name, message in errors]
        if field is not None:
            self.errors.insert(0, (field, str(detail)))
        self.code = code
        self.extra = extra or {}
        self.headers = headers or {}


class BodyRefusedError(ValueError):
    """Raised by the API's body parser: the reason is told to the client."""


def error_body(detail: str, errors: Iterable[tuple[str, str]] = (), *, code: str | None = None) -> dict:
    body = {"detail": str(detail), "errors": [{"field": name, "message": str(text)} for name, text in errors]}
    if code:
        body["code"] = code
    return body


def django_errors(error: DjangoValidationError) -> list[tuple[str, str]]:
    """A Django ``ValidationError`` as (field, message) pairs; errors not tied to a field name ""."""
    if hasattr(error, "error_dict"):
        return [
            ("" if name == NON_FIELD_ERRORS else name, message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [("", message) for message in error.messages]


def _location(loc: Iterable) -> str:
    """``("query", "year")`` → ``year``; ``("body", "payload", "villages", 2, "awareness")`` →
    ``villages[2].awareness``. The source and the body's parameter name are left out."""
    parts = list(loc)
    if parts and parts[0] in {"query", "path", "body", "form", "file", "header", "cookie"}:
        source = parts.pop(0)
        if source in {"body", "form", "file"} and len(parts) > 1 and parts[0] not in {"file"}:
            parts.pop(0)  # the operation's argument name (body, payload), not a field of the client's
    field = ""
    for part in parts:
        if isinstance(part, int):
            field += f"[{part}]"
        else:
            field += f".{part}" if field else str(part)
    return field


def _validation_message(error: dict) -> str:
    message = error.get("msg", "")
    return message.removeprefix("Value error, ")


def _handle_api_error(request, exc: ApiError, api: NinjaAPI):
    body = error_body(exc.message, exc.errors, code=exc.code) | exc.extra
    response = api.create_response(request, body, status=exc.status_code)
    for name, value in exc.headers.items():
        response[name] = value
    return response


def _handle_http_error(request, exc: HttpError, api: NinjaAPI):
    detail = exc.message
    if isinstance(exc.__cause__, BodyRefusedError):
        detail = f"{detail}: {exc.__cause__}"
    response = api.create_response(request, error_body(detail), status=exc.status_code)
    if exc.status_code == 429 and getattr(exc, "wait", None):
        response["Retry-After"] = str(int(exc.wait))
    return response


def _handle_validation_error(request, exc: NinjaValidationError, api: NinjaAPI):
    errors = [(_location(error.get("loc", ())), _validation_message(error)) for error in exc.errors]
    path_ids = [error for error in exc.errors if error.get("loc", ("",))[0] == "path"]
    if path_ids and all(_beyond_id_range(error) for error in path_ids):
        # An id no row can have (beyond the database's integer range): as if it did not exist.
        return api.create_response(request, error_body(_("Not found.")), status=404)
    fields = ", ".join(sorted({name for name, _message in errors if name}))
    detail = _("Invalid input: %(fields)s.") % {"fields": fields} if fields else _("Invalid input.")
    return api.create_response(request, error_body(detail, errors), status=400)


def _beyond_id_range(error: dict) -> bool:
    return error.get("type") in {"less_than_equal", "greater_than_equal"}


def _handle_django_validation_error(request, exc: DjangoValidationError, api: NinjaAPI):
    errors = django_errors(exc)
    detail = " ".join(message for _name, message in errors) or _("Invalid input.")
    if hasattr(exc, "error_dict"):
        detail = "; ".join(
            f"{name}: {' '.join(messages)}" if name != NON_FIELD_ERRORS else " ".join(messages)
            for name, messages in exc.message_dict.items()
        )
    return api.create_response(request, error_body(detail, errors), status=400)


def _handle_not_found(request, exc: Http404, api: NinjaAPI):
    return api.create_response(request, error_body(_("Not found.")), status=404)


def _handle_permission_denied(request, exc: PermissionDenied, api: NinjaAPI):
    return api.create_response(request, error_body(str(exc) or _("Not allowed.")), status=403)


def _handle_integrity_error(request, exc: IntegrityError, api: NinjaAPI):
    # Two writes of the same thing met (a double submit, two imports of one roster): the loser is
    # told to look again instead of reading the database's message.
    return api.create_response(
        request,
        error_body(_("This was changed by another request at the same time. Reload and try again.")),
        status=409,
    )


def _handle_overflow(request, exc: OverflowError, api: NinjaAPI):
    # A number or date beyond what Python or the database holds, met past the types' bounds.
    return api.create_response(request, error_body(_("A number or a date is out of range.")), status=400)


def install_error_handlers(api: NinjaAPI) -> None:
    """Set the handlers of every error an operation may raise on ``api``."""
    api.add_exception_handler(ApiError, lambda request, exc: _handle_api_error(request, exc, api))
    api.add_exception_handler(HttpError, lambda request, exc: _handle_http_error(request, exc, api))
    api.add_exception_handler(NinjaValidationError, lambda request, exc: _handle_validation_error(request, exc, api))
    api.add_exception_handler(
        DjangoValidationError, lambda request, exc: _handle_django_validation_error(request, exc, api)
    )
    api.add_exception_handler(Http404, lambda request, exc: _handle_not_found(request, exc, api))
    api.add_exception_handler(PermissionDenied, lambda request, exc: _handle_permission_denied(request, exc, api))
    api.add_exception_handler(IntegrityError, lambda request, exc: _handle_integrity_error(request, exc, api))
    api.add_exception_handler(OverflowError, lambda request, exc: _handle_overflow(request, exc, api))
