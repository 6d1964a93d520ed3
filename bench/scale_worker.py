"""Extract every PDF in a folder on N worker processes; prints seconds and peak RSS (MB) as JSON."""

import json
import multiprocessing
import resource
import sys
import time
from pathlib import Path

from pipelines.lib.tables.extract import extract_document


def _extract(path: Path) -> int:
    return extract_document(path).document.page_count


def main() -> None:
    folder, workers = Path(sys.argv[1]), int(sys.argv[2])
    files = sorted(folder.glob("*.pdf"))
    started = time.perf_counter()
    if workers == 1:
        pages = sum(map(_extract, files))
    else:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            pages = sum(pool.imap_unordered(_extract, files))
    elapsed = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"extract_s": elapsed, "pages": pages, "peak_rss_mb": max(own, children) / 1024}))


if __name__ == "__main__":
    main()
