"""``{% load money %}{{ amount|yuan }}``: an amount in yuan as ``¥70,000.00`` (``—`` for none).
Amounts kept in fen go through ``communityedu.core.money.fen_to_yuan`` before they reach a template."""

from decimal import InvalidOperation

from django import template

from communityedu.core.money import format_yuan

register = template.Library()


@register.filter(name="yuan")
def yuan(value):
    """``format_yuan`` of ``value`` (a Decimal, an int or a numeric string of yuan); like Django's
    own number filters, a value that is no number renders as the empty string."""
    try:
        return format_yuan(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
