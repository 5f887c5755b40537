"""One row by its key, read with hand-written SQL: for hot paths where building the query with the
ORM costs more than running it (a check-in device's request reads an activity and a person).

The statement and the column converters are built once per model and field list; the row comes
back as a model instance (``Model.from_db``), as the ORM would give it (``.only(*names)``).
"""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.db.models import Model


@cache
def _statement(model: type[Model], names: tuple[str, ...], vendor: str) -> tuple[str, list, list[str]]:
    meta = model._meta
    quote = connection.ops.quote_name
    # Model.from_db takes the values in the order of the model's fields.
    wanted = {meta.get_field(name) for name in names}
    fields = [field for field in meta.concrete_fields if field in wanted]
    columns = [field.get_col(meta.db_table) for field in fields]
    sql = (
        f"SELECT {', '.join(quote(field.column) for field in fields)} FROM {quote(meta.db_table)}"  # noqa: S608
        f" WHERE {quote(meta.pk.column)} = %s"
    )
    converters = [connection.ops.get_db_converters(column) + column.get_db_converters(connection) for column in columns]
    return sql, list(zip(columns, converters, strict=True)), [field.attname for field in fields]


def row_by_pk(model: type[Model], names: tuple[str, ...], pk: int) -> Model | None:
    """The row of ``model`` with primary key ``pk``, only the fields ``names`` loaded; None if none."""
    sql, columns, attnames = _statement(model, names, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, (column, converters) in enumerate(columns):
        for converter in converters:
            values[index] = converter(values[index], column, connection)
    return model.from_db(connection.alias, attnames, values)
