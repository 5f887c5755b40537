"""``{% load figure_links %}``: read a figure's drill-down links (``dashboard.drilldowns``) in a
template: ``{{ links|part:"numerator" }}``, ``{{ links|line_part:line.key }}`` and
``{{ links|line_denominator:line.key }}`` (empty when the part has no link)."""

from django import template

register = template.Library()


@register.filter
def part(links: dict | None, name: str) -> str:
    return (links or {}).get(str(name), "")


@register.filter
def line_part(links: dict | None, key) -> str:
    return (links or {}).get(f"line:{key}", "")


@register.filter
def line_denominator(links: dict | None, key) -> str:
    return (links or {}).get(f"line:{key}:denominator", "")
