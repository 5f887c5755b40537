"""The community-education assessment share (DESIGN, "The figures"; REQUIREMENTS R7): a unit's
community-education score scaled to 5% of its annual target assessment — a different 5% from the
bonus-point cap. The criteria and their weights belong to the assessment app; the scaling is here.

share = score fraction (0..1) × 5% × the unit's annual target assessment total, in points rounded
half up to 0.01; a full score earns ``full`` = 5% × the total.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ASSESSMENT_SHARE = Decimal("0.05")
POINTS = Decimal("0.01")


def assessment_share(fraction: Decimal, assessment_total: Decimal) -> tuple[Decimal, Decimal]:
    """(the points a unit earns, the points a full score would earn) of its annual target assessment."""
    full = assessment_total * ASSESSMENT_SHARE
    return (fraction * full).quantize(POINTS, rounding=ROUND_HALF_UP), full.quantize(POINTS, rounding=ROUND_HALF_UP)
