"""One fingerprint for rows (a table's contents, a document's rows with its suite) and one for code."""

import hashlib
import json

import pandas as pd

from pipelines.lib.refresh.editions import EXTRACTOR_SOURCES, extractor_version
from pipelines.lib.refresh.fingerprint import code_fingerprint, rows_fingerprint


def test_rows_fingerprint_ignores_row_order_and_sees_every_value():
    rows = [("a", 1, None), ("b", 2, 3.5)]
    assert rows_fingerprint(rows) == rows_fingerprint(list(reversed(rows)))
    assert rows_fingerprint(rows) != rows_fingerprint([("a", 1, None), ("b", 2, 3.6)])
    assert rows_fingerprint(rows, "suite A") != rows_fingerprint(rows, "suite B")


def test_tuples_from_duckdb_and_rows_of_a_frame_fingerprint_alike():
    df = pd.DataFrame({"k": ["a", "b"], "v": [1, 2]})
    assert rows_fingerprint(df.itertuples(index=False)) == rows_fingerprint([("a", 1), ("b", 2)])


def test_values_are_those_the_ledgers_already_hold():
    """The stored fingerprints stay valid: same payload as the two functions this one replaced."""
    rows = [("b", 2), ("a", 1)]
    lines = sorted(json.dumps(list(r), default=str, ensure_ascii=False) for r in rows)
    assert rows_fingerprint(rows) == hashlib.sha256("\n".join(lines).encode()).hexdigest()
    assert rows_fingerprint(rows, "s") == hashlib.sha256(("s\n" + "\n".join(lines)).encode()).hexdigest()


def test_code_fingerprint_of_folders_is_the_extractor_version():
    assert extractor_version() == code_fingerprint(*EXTRACTOR_SOURCES)
    assert len(extractor_version()) == 16
    assert code_fingerprint("pipelines/lib/marts.py") != code_fingerprint("pipelines/lib/marts.py", extra=["x"])
