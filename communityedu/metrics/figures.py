"""The plan's figures against their targets, for one or many towns, as of a date.

Every figure is a ratio — a numerator over a denominator — compared with a threshold, with a
status (DESIGN, "The figures"): *met* at or above the threshold; *at risk* below it before its
deadline; *not met* below it after the deadline. The deadline of year Y is the town's
``targets_due_on`` (the plan's evaluation date: December 2020 for the demo town) when it falls in
Y, otherwise 31 December of Y.

The figures live in a registry. A figure is a function decorated with ``@figure(key, label)`` that
takes ``towns``, ``year``, ``as_of`` and ``detail_town_ids`` (the towns whose monthly trend and
detail flags are shown; ``None`` for all) and returns a ``Figure`` for each town's id; it must read
all the towns in a fixed number of queries (never one per town, village or row), so that the
dashboard and the API cost the same whatever the size of the data. ``figures_for`` runs every
registered figure. To add one, write the function in a module of ``metrics`` (importing
``metrics.base``) and add that module to ``FIGURE_MODULES`` below.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from communityedu.metrics import (
    audience_figures,
    funding_figure,
    participation_figures,
    recognition_figures,
    survey_figures,
    unit_figures,
)
from communityedu.metrics.base import FIGURES, Figure, shared_reads

# The modules whose figures are registered, imported for their ``@figure`` functions: with them
# ``FIGURES`` is complete (in the order ``base.ORDER`` gives, whatever the order of import).
FIGURE_MODULES = (
    participation_figures,
    funding_figure,
    recognition_figures,
    survey_figures,
    unit_figures,
    audience_figures,
)


def figures_for(
    *, towns: Iterable, year: int, as_of: date, detail_town_ids: Iterable[int] | None = None
) -> dict[int, list[Figure]]:
    """Every registered figure of every town: {town id: [figure, …]} in the registry's order.
    Breakdowns by month are computed for ``detail_town_ids`` only (default: every town)."""
    towns = list(towns)
    result: dict[int, list[Figure]] = {town.pk: [] for town in towns}
    if not towns:
        return result
    with shared_reads():
        for _label, compute in FIGURES.values():
            detail = None if detail_town_ids is None else set(detail_town_ids)
            for town_id, computed in compute(towns=towns, year=year, as_of=as_of, detail_town_ids=detail).items():
                result[town_id].append(computed)
    return result
