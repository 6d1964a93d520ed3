"""Seeded PDF mutants (byte flips and truncations) fed to the extractor; `python -m tests.reliability.fuzz`.

Every mutant must extract or raise one of the project's own errors (PipelineError subclasses): anything else,
or a mutant that runs past its time budget, is a finding.
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

from pipelines.lib.errors import PipelineError
from pipelines.lib.paths import PROJECT_ROOT
from pipelines.lib.tables.extract import extract_document

DECK = PROJECT_ROOT / "raw" / "meti_cluster_seminar_2005.pdf"
PAGE_TIMEOUT_S = 10.0
MUTANT_BUDGET_S = 120


class _OverBudget(BaseException):
    pass


def mutate(data: bytes, seed: int) -> bytes:
    """One reproducible mutant: flip 1-32 bytes, truncate, or both (chosen by the seed)."""
    rng = random.Random(seed)
    out = bytearray(data)
    kind = seed % 3
    if kind in (0, 2):
        for _ in range(rng.randint(1, 32)):
            out[rng.randrange(len(out))] = rng.randrange(256)
    if kind in (1, 2):
        del out[rng.randrange(16, len(out)) :]
    return bytes(out)


def classify(path: Path) -> str:
    """'ok', the PipelineError subclass name, or 'UNEXPECTED <type>: <message>' / 'HANG'."""

    def _budget(signum: int, frame: object) -> None:
        raise _OverBudget

    previous = signal.signal(signal.SIGALRM, _budget)
    signal.alarm(MUTANT_BUDGET_S)
    try:
        extract_document(path, max_pages=500, page_timeout_s=PAGE_TIMEOUT_S)
        return "ok"
    except PipelineError as exc:
        return type(exc).__name__
    except _OverBudget:
        return "HANG"
    except Exception as exc:
        return f"UNEXPECTED {type(exc).__name__}: {str(exc)[:200]}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _one(args: tuple[bytes, int, str]) -> tuple[int, str]:
    data, seed, workdir = args
    path = Path(workdir) / f"mutant_{seed}.pdf"
    path.write_bytes(mutate(data, seed))
    try:
        return seed, classify(path)
    finally:
        path.unlink()


def run(source: Path, count: int, first_seed: int = 0, workers: int = 1) -> dict[int, str]:
    """Outcome per seed for `count` mutants of `source`."""
    data = source.read_bytes()
    with tempfile.TemporaryDirectory(prefix="fuzz_") as workdir:
        jobs = [(data, seed, workdir) for seed in range(first_seed, first_seed + count)]
        if workers <= 1:
            return dict(map(_one, jobs))
        with multiprocessing.get_context("fork").Pool(workers, maxtasksperchild=50) as pool:
            return dict(pool.imap_unordered(_one, jobs, chunksize=4))


def summarize(outcomes: dict[int, str]) -> collections.Counter[str]:
    return collections.Counter(v.split(":")[0] for v in outcomes.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--source", type=Path, default=DECK)
    args = parser.parse_args(argv)
    started = time.monotonic()
    outcomes = run(args.source, args.count, args.seed, args.workers)
    counts = summarize(outcomes)
    print(
        f"{args.count} mutants of {args.source.name} (seeds {args.seed}..{args.seed + args.count - 1}) "
        f"in {time.monotonic() - started:.0f} s on {args.workers} worker(s):"
    )
    for outcome, n in counts.most_common():
        print(f"  {n:5d}  {outcome}")
    bad = {s: v for s, v in sorted(outcomes.items()) if v.startswith(("UNEXPECTED", "HANG"))}
    for seed, v in bad.items():
        print(f"  seed {seed}: {v}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
