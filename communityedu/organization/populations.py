"""The resident population (常住人口) of every village for a year, typed in one form or read from
a spreadsheet. A sheet names each village by name or administrative code and gives its
population; every problem is reported with its row and column, and nothing is written unless the
whole sheet is right.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from communityedu.core import audit, sheets
from communityedu.core.parsing import check_year
from communityedu.core.sheets import Problem
from communityedu.organization.models import Town, Village, VillagePopulation

if TYPE_CHECKING:
    from communityedu.organization.scope import Account

MAX_SHEET_BYTES = 2 * 1024 * 1024
VILLAGE_HEADERS = ("村（社区）", "村(社区)", "村社区", "村/社区", "村", "社区", "村名", "名称", "village", "name")
CODE_HEADERS = ("行政区划代码", "区划代码", "代码", "code")
POPULATION_HEADERS = ("常住人口", "人口", "常住人口数", "population", "resident population")
HEADER_SEARCH_ROWS = 10


class PopulationSheetError(Exception):
    """The sheet cannot be used; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip().replace("\u3000", "")


def _key(text: str) -> str:
    return text.replace(" ", "").lower()


def _read_rows(content: bytes, file_name: str) -> list[list]:
    if PurePath(file_name).suffix.lower() not in (".xlsx", ".xls"):
        raise PopulationSheetError([Problem(0, "", _("Upload an Excel workbook (.xlsx or .xls)."))])
    if len(content) > MAX_SHEET_BYTES:
        raise PopulationSheetError([Problem(0, "", _("The file is larger than 2 MB."))])
    try:
        return sheets.read_rows(content, file_name)
    except sheets.SheetError as error:
        raise PopulationSheetError([error.problem]) from error


_HEADER_FIELDS = {
    _key(name): field
    for field, names in (("village", VILLAGE_HEADERS), ("code", CODE_HEADERS), ("population", POPULATION_HEADERS))
    for name in names
}


def _find_header(rows: list[list]) -> sheets.Header:
    header = sheets.find_header(
        rows,
        field_of=lambda title: _HEADER_FIELDS.get(_key(title)),
        is_header=lambda columns: "population" in columns and ("village" in columns or "code" in columns),
        cell_text=_text,
        search_rows=HEADER_SEARCH_ROWS,
    )
    if header is None:
        raise PopulationSheetError(
            [
                Problem(
                    0, "", _("No header row found: the sheet needs a column 村（社区） or 代码, and a column 常住人口.")
                )
            ]
        )
    return header


def parse_population_sheet(*, town: Town, content: bytes, file_name: str) -> dict[Village, int]:
    """Each village of the sheet with its population. Raises :class:`PopulationSheetError` with
    every problem found (unknown village, repeated village, population not a whole number)."""
    rows = _read_rows(content, file_name)
    header = _find_header(rows)
    villages = list(Village.objects.filter(town=town))
    by_name = {village.name: village for village in villages}
    by_code = {village.code: village for village in villages if village.code}
    # The column a village is named in: its name's if the sheet has one, else its code's.
    village_label = header.title("village" if "village" in header.columns else "code")
    found: dict[Village, int] = {}
    problems: list[Problem] = []
    for index in range(header.index + 1, len(rows)):
        row, number = rows[index], index + 1
        name, code, population_text = (_text(header.cell(row, field)) for field in ("village", "code", "population"))
        if not (name or code or population_text):
            continue
        village = by_code.get(code) if code else None
        if village is None and name:
            village = by_name.get(name)
        if village is None:
            problems.append(
                Problem(
                    number,
                    header.title("code") if code else village_label,
                    _("“%(value)s” is not a village of %(town)s.") % {"value": code or name, "town": town.name},
                )
            )
        elif village in found:
            problems.append(Problem(number, village_label, _("%(name)s appears twice.") % {"name": village.name}))
        population = population_text.replace(",", "")
        if not population.isdigit():
            problems.append(Problem(number, header.title("population"), _("Give the population as a whole number.")))
        elif village is not None and village not in found:
            found[village] = int(population)
    if problems:
        raise PopulationSheetError(problems)
    if not found:
        raise PopulationSheetError([Problem(0, "", _("The sheet names no village."))])
    return found


@transaction.atomic
def set_populations(*, town: Town, year: int, populations: dict[Village, int], actor: Account) -> int:
    """Set the resident population of several villages for ``year`` at once, each change audited;
    returns how many changed. All or nothing."""
    check_year(year)
    existing = {
        row.village_id: row for row in VillagePopulation.objects.select_for_update().filter(town=town, year=year)
    }
    changed = 0
    for village, population in populations.items():
        if village.town_id != town.pk or population < 0:
            raise ValueError("village of another town or negative population")
        row = existing.get(village.pk)
        if row is not None and row.resident_population == population:
            continue
        if row is None:
            row = VillagePopulation.objects.create(
                town=town, village=village, year=year, resident_population=population
            )
            audit.record_change(actor=actor, obj=row, created=True, changes={"resident_population": [None, population]})
        else:
            before = row.resident_population
            row.resident_population = population
            row.save(update_fields=["resident_population", "updated_at"])
            audit.record_change(
                actor=actor, obj=row, created=False, changes={"resident_population": [before, population]}
            )
        changed += 1
    return changed


def populations_of_year(*, town: Town, year: int) -> list[tuple[Village, int | None]]:
    """Every village of ``town`` with its population of ``year`` (None if not recorded)."""
    values = dict(
        VillagePopulation.objects.filter(town=town, year=year).values_list("village_id", "resident_population")
    )
    return [(village, values.get(village.pk)) for village in Village.objects.filter(town=town).order_by("code", "name")]
