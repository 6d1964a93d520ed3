"""The parallel path through Dagster itself: one extraction step per document on the multiprocess executor.

`python -m bench.dagster_parallel [COPIES]` builds a corpus of COPIES shuffled copies of the deck, then runs
`extract_corpus_job` (a dynamic fan-out: one `extract_one` step per PDF, the unit of parallelism described in
docs/scaling.md) with `max_concurrent` 1 and 2 on a temporary Dagster instance, and prints wall times and the
2-worker speedup. Results go to bench/results/dagster_parallel.md.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg

from bench.run import RESULTS, machine, make_corpus
from pipelines.lib.tables.extract import extract_document


class CorpusConfig(dg.Config):
    """The folder of PDFs to extract."""

    folder: str


@dg.op(out=dg.DynamicOut(str))
def list_documents(config: CorpusConfig):
    """One dynamic output per PDF in the folder."""
    for i, path in enumerate(sorted(Path(config.folder).glob("*.pdf"))):
        yield dg.DynamicOutput(str(path), mapping_key=f"doc_{i}")


@dg.op
def extract_one(path: str) -> int:
    """Extract one document (the same pure function the refresh uses); returns its page count."""
    return extract_document(Path(path)).document.page_count


@dg.op
def total_pages(pages: list[int]) -> int:
    """Pages extracted across the corpus."""
    return sum(pages)


@dg.job
def extract_corpus_job() -> None:
    """Fan out one extraction step per document, then collect."""
    total_pages(list_documents().map(extract_one).collect())


def run(folder: Path, workers: int) -> tuple[float, int]:
    """Wall seconds and pages for one run of the job with `workers` concurrent steps."""
    with tempfile.TemporaryDirectory() as home, dg.instance_for_test(temp_dir=home) as instance:
        started = time.perf_counter()
        with dg.execute_job(
            dg.reconstructable(extract_corpus_job),
            instance=instance,
            run_config={
                "ops": {"list_documents": {"config": {"folder": str(folder)}}},
                "execution": {"config": {"multiprocess": {"max_concurrent": workers}}},
            },
        ) as result:
            elapsed = time.perf_counter() - started
            assert result.success
            return elapsed, int(result.output_for_node("total_pages"))


def main() -> None:
    """Build the corpus, time 1 and 2 workers (median of BENCH_RUNS), write the result table."""
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        make_corpus(folder, copies)
        rows = {}
        for workers in (1, 2):
            samples = [run(folder, workers) for _ in range(runs)]
            secs = sorted(s for s, _ in samples)
            rows[workers] = (secs[len(secs) // 2], secs[0], secs[-1], samples[0][1])
            print(f"{workers} worker(s): median {rows[workers][0]:.1f} s over {runs} runs", flush=True)
    speedup = rows[1][0] / rows[2][0]
    lines = [
        "# Dagster multiprocess executor, one extraction step per document",
        "",
        f"Machine: {machine()}. Corpus: {copies} shuffled copies of the deck ({rows[1][3]} pages); "
        f"median of {runs} runs per row, each on a fresh temporary Dagster instance (process start-up included).",
        "",
        "| max_concurrent | median s | min s | max s | pages/s |",
        "|---|---|---|---|---|",
        *(
            f"| {w} | {m:.1f} | {lo:.1f} | {hi:.1f} | {pages / m:.1f} |"
            for w, (m, lo, hi, pages) in sorted(rows.items())
        ),
        "",
        f"2-worker speedup: **{speedup:.2f}x** (2 cores).",
        "",
    ]
    (RESULTS / "dagster_parallel.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
