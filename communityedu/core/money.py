"""Money as people and programs read it: one place that turns amounts into yuan.

Amounts are kept as ``Decimal`` yuan in the ledgers (``DecimalField(decimal_places=2)``); a few
figures keep an amount as an integer number of fen so that their arithmetic stays exact
(``metrics.base.Figure`` with ``unit == YUAN``). Whatever the store, a person reads yuan
(``¥70,000.00``, through ``format_yuan`` or the ``yuan`` template filter) and the API answers yuan as
a decimal string with two places (``"70000.00"``, through ``api_yuan``). Never divide by 100 in a
template or a view: call ``fen_to_yuan`` here."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
NO_AMOUNT = "—"


def fen_to_yuan(fen: int) -> Decimal:
    """An integer amount of fen as yuan with two places (``7000000`` → ``Decimal("70000.00")``)."""
    return (Decimal(int(fen)) / 100).quantize(CENT)


def yuan_to_fen(yuan: Decimal | int | str) -> int:
    """Yuan (rounded half up to the fen) as an integer number of fen: exact sums in figures."""
    return int((Decimal(yuan) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _two_places(yuan: Decimal | int | str) -> Decimal:
    return Decimal(yuan).quantize(CENT, rounding=ROUND_HALF_UP)


def format_yuan(yuan: Decimal | int | str | None) -> str:
    """Yuan as a person reads it: ``¥70,000.00`` (thousands grouped, two places, a minus sign before
    the ¥ for a reversal); ``—`` for no amount."""
    if yuan is None or yuan == "":
        return NO_AMOUNT
    amount = _two_places(yuan)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


def api_yuan(yuan: Decimal | int | str | None) -> str | None:
    """Yuan as the API answers it: a decimal string with two places and no grouping
    (``"70000.00"``); ``None`` stays ``None`` (JSON null)."""
    if yuan is None:
        return None
    return f"{_two_places(yuan):.2f}"
