"""Typed tables of the tables no family knows: one DuckDB table each in schema ``tables``.

A table no family claims keeps its cells in raw.table_cells and its numbers in staging.quantities. Here it
becomes a table of its own, ``tables.<document_id>_<table_id>``, built from those two alone (never from a
family): one row per printed row, one column per printed column, named from its header and typed from the
units of its quantities (:mod:`.build`); declared in the registry's terms, with a generated suite of what can be
checked without knowing the table (:mod:`.suite`), and stored with a catalog and a long form (:mod:`.store`).
"""

from pipelines.lib.typed_tables.build import TypedColumn, TypedTable, build_typed_tables, typed_table
from pipelines.lib.typed_tables.naming import column_name, table_name

__all__ = ["TypedColumn", "TypedTable", "build_typed_tables", "column_name", "table_name", "typed_table"]
