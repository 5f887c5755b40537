"""The API's types of input: every whole number has a range the database can hold, every text a
length its column can hold, names and titles must be visible text. The OpenAPI document states
each bound (``minimum``, ``maximum``, ``maxLength``), and a bad value is a 400 naming its field
(an id in the path beyond the range is a 404: no row can have it)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, PlainSerializer

from communityedu.core.money import api_yuan
from communityedu.core.parsing import MAX_INTEGER, MAX_YEAR, MIN_YEAR, text_problem

# Text columns without a length (TextField) still get one over the API: a page of text, not a book.
LONG_TEXT = 20_000

Id = Annotated[int, Field(ge=1, le=MAX_INTEGER)]
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR, description="A year from 2000 to 2100")]
Count = Annotated[int, Field(ge=0, le=MAX_INTEGER)]
TownSlug = Annotated[str, Field(max_length=50)]
# Money in an answer: yuan as a decimal string with two places ("70000.00"), never fen.
Yuan = Annotated[
    Decimal,
    PlainSerializer(api_yuan, return_type=str),
    Field(description='Yuan as a decimal string with two places, e.g. "70000.00"'),
]


def _visible(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _in_plan_years(value: date | datetime) -> date | datetime:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"give a date from {MIN_YEAR} to {MAX_YEAR}")
    return value


# A moment of the plan's years: 0001-01-01T00:00+08:00 is not even a moment in UTC.
Moment = Annotated[datetime, AfterValidator(_in_plan_years)]
# A day of the plan's years.
PlanDate = Annotated[date, AfterValidator(_in_plan_years)]


def Text(max_length: int = LONG_TEXT):  # noqa: N802 - used as a type
    """Free text of at most ``max_length`` characters (longer is refused, never cut)."""
    return Annotated[str, Field(max_length=max_length)]


def Title(max_length: int):  # noqa: N802 - used as a type
    """A name or a title: at most ``max_length`` characters, no control characters, not only
    invisible ones."""
    return Annotated[str, Field(max_length=max_length), AfterValidator(_visible)]
