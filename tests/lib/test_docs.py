"""The README's table reference is the registry's, word for word."""

from pipelines.lib.docs import table_reference
from pipelines.lib.paths import PROJECT_ROOT


def test_readme_table_reference_is_generated_from_the_registry():
    assert table_reference() in (PROJECT_ROOT / "README.md").read_text(encoding="utf-8"), (
        "README is stale: run `python -m pipelines.lib.docs`"
    )
