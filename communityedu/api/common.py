"""What every area of the API shares: the router that pages lists, and the town of a call."""

from __future__ import annotations

from typing import Any, get_type_hints

from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Router, Schema
from ninja.operation import Operation
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.signature.details import is_collection_type

from communityedu.api.errors import ErrorOut, install_error_handlers
from communityedu.core.parsing import MAX_INTEGER
from communityedu.organization.selectors import towns_visible_to

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


class Page(LimitOffsetPagination):
    """``limit`` (default 100, at most 500) and ``offset``; beyond those bounds, or not a whole
    number, a 400 naming the parameter (never a silent cap)."""

    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="At most 500")
        offset: int = Field(0, ge=0, le=MAX_INTEGER)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


class ListRouter(Router):
    """A router whose GET operations answering a list answer ``{"items": [...], "count": N}`` with
    ``limit``/``offset`` (``Page``)."""

    def add_api_operation(self, path: str, methods: list[str], view_func, **kwargs: Any) -> None:
        if methods == ["GET"] and is_collection_type(kwargs.get("response")):
            # The wrapper lives in ninja's module: resolve the annotations (strings under
            # ``from __future__ import annotations``) in the view's own module first.
            view_func.__annotations__ = get_type_hints(view_func, include_extras=True)
            view_func = paginate(Page)(view_func)
        return super().add_api_operation(path, methods, view_func, **kwargs)


def town_for(request, slug: str):
    """The town ``slug`` names among those the caller may see; 404 otherwise."""
    return get_object_or_404(towns_visible_to(request.user), slug=slug)


ERROR_STATUSES = {
    "400": "Bad input: the fields are named in errors",
    "401": "Not signed in, or no valid token",
    "403": "Not allowed, or refused by the account policy (with code)",
    "404": "Not found, or not visible to the caller",
    "409": "Changed by another request at the same time",
}


class CommunityEduAPI(NinjaAPI):
    """The NinjaAPI with the one error shape (``errors.py``) and an OpenAPI document that lists,
    for every operation, the error statuses it can answer: 400 for any input (parameters are
    checked, and so are NUL characters at the door), 401 and 403 where a caller must sign in,
    404 where a parameter or a body names something, 409 where it writes."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(default_router=ListRouter(), **kwargs)
        install_error_handlers(self)

    # Routes resolved before the others: the door's check-in, where a queue waits. Django tries an
    # include's patterns in order, and this one would otherwise be tried after some forty others.
    FIRST_ROUTES = ("record_attendance",)

    def _get_urls(self) -> list:
        patterns = super()._get_urls()
        first = [pattern for pattern in patterns if getattr(pattern, "name", None) in self.FIRST_ROUTES]
        return first + [pattern for pattern in patterns if pattern not in first]

    def get_openapi_operation_id(self, operation: Operation) -> str:
        """``<area module>_<function>``, the area being the module under ``communityedu.api`` even
        when it is a package split into modules (``api/planning/``): an operation keeps its id
        when its code moves between the area's modules."""
        area = ".".join(operation.view_func.__module__.split(".")[:3])
        return f"{area}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(self, **kwargs: Any):
        schema = super().get_openapi_schema(**kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(error_schema.pop("$defs", {}))
        components["ErrorOut"] = error_schema
        for item in schema["paths"].values():
            for method, operation in item.items():
                responses = operation.setdefault("responses", {})
                responses.pop("422", None)
                parameters = operation.get("parameters", [])
                statuses = ["400"]
                if operation.get("security"):
                    statuses += ["401", "403"]
                if any(parameter["name"] not in {"limit", "offset"} for parameter in parameters) or (
                    "requestBody" in operation
                ):
                    statuses.append("404")
                if method in {"post", "put", "patch", "delete"}:
                    statuses.append("409")
                for status in statuses:
                    responses.setdefault(
                        status,
                        {
                            "description": ERROR_STATUSES[status],
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
                        },
                    )
        return schema


def error_responses(*statuses: int) -> dict:
    """``openapi_extra`` for the statuses an operation adds to the common ones (429 of a rate limit)."""
    return {
        "responses": {
            str(status): {
                "description": "Refused",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
            }
            for status in statuses
        }
    }
