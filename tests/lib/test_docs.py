"""docs/tables.md is the registry's table reference, word for word; the README points at it."""

from pipelines.lib.docs import TABLES_DOC, tables_document
from pipelines.lib.paths import PROJECT_ROOT


def test_table_reference_is_generated_from_the_registry():
    assert (PROJECT_ROOT / TABLES_DOC).read_text(encoding="utf-8") == tables_document(), (
        f"{TABLES_DOC} is stale: run `python -m pipelines.lib.docs`"
    )


def test_readme_links_the_table_reference_and_keeps_the_commands():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"]({TABLES_DOC})" in readme
    assert "table-reference:begin" not in readme  # the reference lives in one place
    for command in ("make run", "make test", "dg list defs"):
        assert command in readme, command
