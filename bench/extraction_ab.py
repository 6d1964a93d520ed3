"""Interleaved A/B timing of extraction: this checkout against another (e.g. main), one fresh process per sample.

Usage: python -m bench.extraction_ab OTHER_CHECKOUT [PDF ...] [--runs N]. Each sample extracts each PDF once in
a fresh interpreter (imports warmed by a first extraction that is not timed), alternating the two checkouts so
drift on a shared machine hits both alike. Prints the median and min of each, and their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from pipelines.lib.paths import PROJECT_ROOT

SNIPPET = """
import json, sys, time
from pathlib import Path
from pipelines.lib.tables.extract import extract_document
pdfs = [Path(p) for p in sys.argv[1:]]
extract_document(pdfs[0])
out = {}
for p in pdfs:
    t = time.perf_counter(); extract_document(p); out[str(p)] = time.perf_counter() - t
print(json.dumps(out))
"""


def sample(checkout: Path, pdfs: list[Path]) -> dict[str, float]:
    """One fresh process of ``checkout`` extracting each PDF once: seconds per PDF."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    out = subprocess.run(
        [sys.executable, "-c", SNIPPET, *map(str, pdfs)], cwd=checkout, env=env, capture_output=True, text=True
    )
    out.check_returncode()
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("other", type=Path)
    parser.add_argument("pdfs", type=Path, nargs="*")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    pdfs = [p.resolve() for p in args.pdfs] or [PROJECT_ROOT / "raw" / "meti_cluster_seminar_2005.pdf"]
    times: dict[str, dict[str, list[float]]] = {"this": {}, "other": {}}
    for _ in range(args.runs):
        for name, checkout in (("this", PROJECT_ROOT), ("other", args.other.resolve())):
            for pdf, secs in sample(checkout, pdfs).items():
                times[name].setdefault(pdf, []).append(secs)
    for pdf in map(str, pdfs):
        this, other = times["this"][pdf], times["other"][pdf]
        ratio = statistics.median(this) / statistics.median(other)
        print(
            f"{Path(pdf).name}: this median {statistics.median(this):.3f} s (min {min(this):.3f}), "
            f"other median {statistics.median(other):.3f} s (min {min(other):.3f}), ratio {ratio:.2f}x"
        )


if __name__ == "__main__":
    main()
