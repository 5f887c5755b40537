"""Every page's query parameters, fed hostile values by every role that may open the page: no 5xx.

The pages come from the role matrix (every URL pattern has a row there), the parameters from the
source of each page's view module (every ``request.GET.get("name")``, ``request.GET["name"]`` and
``request.GET.getlist("name")``, a helper's ``data.get("name")``, and the fields of a form bound to
``request.GET``): a new page or a new parameter is walked without a change here.
The values are what the attack test found pages failing on: integers beyond the database's range
(SQLite overflows beyond 2**63, PostgreSQL beyond 2**31), negative years, and digits that are not
ASCII ("²".isdigit() is true, int("²") fails).
"""

from __future__ import annotations

import importlib
import inspect
import re
from functools import cache
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import resolve

from communityedu.tests.test_role_matrix import PAGES, _client_for, matrix_world  # noqa: F401 - the fixture

HOSTILE_VALUES = (
    "1180591620717411303424",  # 2**70: beyond SQLite's integers
    "2147483648",  # 2**31: beyond PostgreSQL's integer
    "-2715",
    "²",  # a digit to str.isdigit(), not to int()
    "9999-12-31",  # a date whose year (or the year after it) is beyond the plan's and Python's
)
GET_NAME = re.compile(r"""(?:request\.GET|\bdata|\bparams)(?:\.get|\.getlist)?[(\[]\s*["'](\w+)["']""")
# A form bound to the query string (``forms.AsOfForm(request.GET)``): its fields are parameters too.
GET_FORM = re.compile(r"""([\w.]+)\(request\.GET\b""")


@cache
def _parameters_of(module_name: str) -> tuple[str, ...]:
    module = importlib.import_module(module_name)
    source = inspect.getsource(module)
    names = set(GET_NAME.findall(source))
    for dotted in GET_FORM.findall(source):
        found = module
        for part in dotted.split("."):
            found = getattr(found, part, None)
        names |= set(getattr(found, "base_fields", {}))
    return tuple(sorted(names))


def _pages_with_parameters(world) -> list[tuple[str, str, frozenset, tuple[str, ...]]]:
    pages = []
    for name, endpoints in PAGES.items():
        for endpoint in endpoints:
            if endpoint.method != "GET":
                continue
            path = endpoint.path(world).split("?")[0]
            view = resolve(path).func
            module = getattr(view, "__module__", "")
            if hasattr(view, "view_class"):
                module = view.view_class.__module__
            parameters = _parameters_of(module) if module.startswith("communityedu.") else ()
            if parameters:
                pages.append((name, path, endpoint.allowed, parameters))
    return pages


def test_no_page_answers_a_server_error_to_hostile_query_parameters(matrix_world):  # noqa: F811
    pages = _pages_with_parameters(matrix_world)
    roles = sorted({role for _name, _path, allowed, _parameters in pages for role in allowed} - {"anonymous"})
    failures = []
    for role in roles:
        client = _client_for(role, lambda: Client(raise_request_exception=False))
        for name, path, allowed, parameters in pages:
            if role not in allowed:
                continue
            for value in HOSTILE_VALUES:
                query = urlencode(dict.fromkeys(parameters, value))
                response = client.get(f"{path}?{query}")
                if response.status_code >= 500:
                    failures.append(f"{name} {path}?{query} as {role}: {response.status_code}")

    assert pages, "no page with query parameters was found"
    assert failures == []


@pytest.mark.parametrize(
    "path",
    [
        "/people/?village={n}",
        "/people/?tag={n}",
        "/activities/?unit={n}",
        "/activities/?village={n}",
        "/activities/calendar/?village={n}",
        "/people/export.xlsx?tag={n}&village={n}",
    ],
)
def test_the_pages_found_failing_on_huge_integers_answer_without_a_server_error(matrix_world, path):  # noqa: F811
    client = _client_for("office", lambda: Client(raise_request_exception=False))

    for number in ("1180591620717411303424", "9223372036854775808", "2147483648", "²"):
        response = client.get(path.format(n=number))
        assert response.status_code in {200, 302}, (path, number, response.status_code)
